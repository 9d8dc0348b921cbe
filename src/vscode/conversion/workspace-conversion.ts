import * as vscode from 'vscode';
import { getEditorExcludeGlobs, getConversionDefaultArgs, getLayerFilePathSetting, getWorkspaceExcludeGlobs } from '../configuration';
import { loadCore } from './core-loader';
import { addHtmlPageEdits } from './html-page-edits';
import { addRefactorResult, PREVIEW_METADATA } from './workspace-edit';

const SOURCE_GLOB = '**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}';
const VENDORED_LAYER = /(^|[\\/])running-batch-norm(\.browser)?\.(ts|js|mjs|cjs)$/;
const DECLARATION_OR_MINIFIED = /\.d\.[mc]?ts$|\.min\.[mc]?js$/;

export interface WorkspaceConversionOptions {
  /** Show the refactor preview before applying (default). `false` applies at once (scripts, tests). */
  preview?: boolean;
}

export interface WorkspaceConversionOutcome {
  applied: boolean;
  files: number;
  /** Workspace-relative paths of the converted files. */
  paths: string[];
  converted: number;
  message: string;
  /** The user discarded the refactor preview: nothing changed, on purpose. */
  discarded?: boolean;
}

/**
 * Converts every batch-norm layer in the workspace as ONE WorkspaceEdit whose entries need confirmation,
 * so VS Code opens the refactor preview first. VS Code lists such entries unticked: the user ticks the
 * files to convert (or all of them from the group header) and clicks Apply; `preview: false` skips it. Skips
 * node_modules, files.exclude, search.exclude and runningBatchNorm.workspace.exclude.
 */
export async function convertWorkspace(options: WorkspaceConversionOptions, log: vscode.LogOutputChannel): Promise<WorkspaceConversionOutcome> {
  // Progress covers the scan only; the refactor preview that follows waits for the user.
  const plan = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Looking for BatchNorm layers in the workspace…', cancellable: true },
    (_progress, token) => planWorkspaceConversion(options, token, log),
  );
  if ('message' in plan) {
    return plan;
  }
  const { edit, paths, converted, notes = [], documents } = plan;
  const versions = documents.map((d) => d.version);
  const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  const files = paths.length;
  const layers = `${converted} BatchNorm layer${converted === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
  // With the preview, false is the user's Discard unless a file changed meanwhile (then VS Code refused).
  const changed = documents.some((d, i) => d.version !== versions[i]);
  const discarded = !applied && options.preview !== false && !changed;
  log.info(`workspace conversion ${applied ? 'applied' : discarded ? 'discarded in the preview' : 'not applied'}: ${paths.join(', ')}`);
  if (discarded) {
    return { applied, discarded, files, paths: [], converted: 0, message: `Discarded: ${layers} left as they were.` };
  }
  return { applied, files, paths: applied ? paths.sort() : [], converted: applied ? converted : 0, message: applied ? [`Converted ${layers} to RunningBatchNorm.`, ...notes].join(' ') : `Not applied: ${layers} left as they were${changed ? ' (a file changed while the preview was open)' : ''}.` };
}

interface WorkspacePlan {
  edit: vscode.WorkspaceEdit;
  paths: string[];
  converted: number;
  /** What is left to do by hand (browser scripts no page loads). */
  notes?: string[];
  /** The documents the edit changes, to tell a discarded preview from a refused edit. */
  documents: vscode.TextDocument[];
}

async function planWorkspaceConversion(options: WorkspaceConversionOptions, token: vscode.CancellationToken, log: vscode.LogOutputChannel): Promise<WorkspacePlan | WorkspaceConversionOutcome> {
  const exclude = `{${['**/node_modules/**', ...getEditorExcludeGlobs(), ...getWorkspaceExcludeGlobs()].join(',')}}`;
  const uris = (await vscode.workspace.findFiles(SOURCE_GLOB, exclude, undefined, token)).filter(
    (u) => u.scheme === 'file' && !VENDORED_LAYER.test(u.fsPath) && !DECLARATION_OR_MINIFIED.test(u.fsPath),
  );
  const core = await loadCore();
  const candidates: vscode.TextDocument[] = [];
  for (const uri of uris) {
    if (token.isCancellationRequested) {
      return { applied: false, files: 0, paths: [], converted: 0, message: 'Cancelled.' };
    }
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (core.mightContainBatchNorm(text)) {
      candidates.push(await vscode.workspace.openTextDocument(uri));
    }
  }
  const edit = new vscode.WorkspaceEdit();
  const createdLayers = new Set<string>();
  const metadata = options.preview === false ? undefined : PREVIEW_METADATA;
  const paths: string[] = [];
  const documents: vscode.TextDocument[] = [];
  const browserScripts: { document: vscode.TextDocument; result: Extract<Awaited<ReturnType<typeof core.convertToRunningBatchNorm>>, { kind: 'edits' }> }[] = [];
  let converted = 0;
  for (const [folder, docs] of groupByFolder(candidates)) {
    const plan = core.planLayerFiles(docs.map((d) => d.uri.fsPath), folder, getLayerFilePathSetting(docs[0]!.uri));
    for (const document of docs) {
      const fileName = document.uri.fsPath;
      const result = await core.convertToRunningBatchNorm({ code: document.getText(), fileName, layerFilePath: plan.get(fileName)!, ...core.layerOptionsFor(fileName), defaultArgs: getConversionDefaultArgs(document.uri) });
      if (result.kind === 'notApplicable') {
        continue;
      }
      result.skipped.forEach((s) => log.info(`${vscode.workspace.asRelativePath(document.uri)}:${s.line} left as is: ${s.reason}`));
      await addRefactorResult(edit, document, result, createdLayers, metadata);
      paths.push(vscode.workspace.asRelativePath(document.uri, false));
      documents.push(document);
      converted += result.converted;
      browserScripts.push({ document, result });
    }
  }
  const notes = await addHtmlPageEdits(edit, browserScripts, 'convert', metadata);
  notes.forEach((n) => log.info(n));
  if (notes.length > 0 && converted > 0) {
    return { edit, paths, converted, notes, documents };
  }
  if (converted === 0) {
    return { applied: false, files: 0, paths: [], converted: 0, message: `No convertible BatchNorm layer in the workspace (${uris.length} JS/TS files scanned).` };
  }
  return { edit, paths, converted, documents };
}

function groupByFolder(documents: vscode.TextDocument[]): Map<string, vscode.TextDocument[]> {
  const groups = new Map<string, vscode.TextDocument[]>();
  for (const d of documents) {
    const folder = vscode.workspace.getWorkspaceFolder(d.uri)?.uri.fsPath ?? '/';
    groups.set(folder, [...(groups.get(folder) ?? []), d]);
  }
  return groups;
}
