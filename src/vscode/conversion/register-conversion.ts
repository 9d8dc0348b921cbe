import * as path from 'node:path';
import * as vscode from 'vscode';
import { AnalysisCache } from './analysis-cache';
import { BatchNormCodeActions, CONVERT_COMMAND, CONVERT_FILE_COMMAND, REVERT_COMMAND } from './editor/code-actions';
import { BatchNormDiagnostics, SOURCE_LANGUAGES } from './editor/diagnostics';
import { LineContextKey } from './editor/line-context';
import { DETAILS_BUTTON, noticeFor } from './notice';
import { CREATE_LAYER_FILE_COMMAND, createLayerFile, LayerSnippetCompletions } from './editor/snippet-completions';
import { convertDocument, type ConversionOutcome, type Direction } from './file-conversion';
import { convertWorkspace, type WorkspaceConversionOptions, type WorkspaceConversionOutcome } from './workspace-conversion';

export const CONVERT_WORKSPACE_COMMAND = 'runningBatchNorm.convertWorkspace';

/**
 * Diagnostics, code actions and the four conversion commands. Conversion only edits text (it never runs
 * workspace code), so all of it works in Restricted Mode. Failures become a message and a log line.
 */
export function registerConversion(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const cache = new AnalysisCache();
  const selector = SOURCE_LANGUAGES.map((language) => ({ language }));
  const fileCommand = (direction: Direction, wholeFile: boolean) => (uri?: vscode.Uri, range?: vscode.Range) =>
    guarded(log, () => runFileCommand(cache, direction, wholeFile, log, uri, range));
  context.subscriptions.push(
    new BatchNormDiagnostics(cache, log),
    new LineContextKey(cache, log),
    vscode.languages.registerCompletionItemProvider(selector, new LayerSnippetCompletions(context.extensionPath, log)),
    vscode.commands.registerCommand(CREATE_LAYER_FILE_COMMAND, (filePath: unknown, content: unknown) => guarded(log, () => createLayerFile(filePath, content))),
    vscode.languages.registerCodeActionsProvider(selector, new BatchNormCodeActions(cache, log), {
      providedCodeActionKinds: BatchNormCodeActions.providedCodeActionKinds,
    }),
    vscode.commands.registerCommand(CONVERT_COMMAND, fileCommand('convert', false)),
    vscode.commands.registerCommand(CONVERT_FILE_COMMAND, fileCommand('convert', true)),
    vscode.commands.registerCommand(REVERT_COMMAND, fileCommand('revert', false)),
    vscode.commands.registerCommand(CONVERT_WORKSPACE_COMMAND, (options?: WorkspaceConversionOptions) =>
      guarded(log, () => runWorkspaceCommand(options ?? {}, log)),
    ),
  );
}

/**
 * `uri`/`range` come from code actions, or `uri` alone from the editor context menu; without them the
 * active editor and its selection. `wholeFile` ignores the selection (Convert All BatchNorm in File).
 */
async function runFileCommand(cache: AnalysisCache, direction: Direction, wholeFile: boolean, log: vscode.LogOutputChannel, uri?: vscode.Uri, range?: vscode.Range): Promise<ConversionOutcome> {
  const editor = vscode.window.activeTextEditor;
  const target = uri instanceof vscode.Uri ? uri : editor?.document.uri;
  if (!target) {
    return report(log, { applied: false, converted: 0, message: 'Open a JavaScript or TypeScript file to convert its BatchNorm layers.' });
  }
  const document = await vscode.workspace.openTextDocument(target);
  // Menus may pass other objects after the resource; only a real Range is a target.
  const given = range instanceof vscode.Range ? range : undefined;
  const editorSelection = editor && editor.document.uri.toString() === target.toString() ? editor.selection : undefined;
  if (!wholeFile && !given && !editorSelection) {
    // Nothing points at a line (an explorer entry, a script): say so rather than convert everything.
    return report(log, { applied: false, converted: 0, message: `Open ${path.basename(target.fsPath)} in an editor and put the cursor on a BatchNorm line, or use "Convert All BatchNorm in File".` });
  }
  const selection = wholeFile ? undefined : (given ?? editorSelection);
  return report(log, await convertDocument(document, selection, direction, cache, given !== undefined));
}

async function runWorkspaceCommand(options: WorkspaceConversionOptions, log: vscode.LogOutputChannel): Promise<WorkspaceConversionOutcome> {
  if (!vscode.workspace.workspaceFolders?.length) {
    return report(log, { applied: false, files: 0, paths: [], converted: 0, message: 'Open a folder to convert the BatchNorm layers in it.' });
  }
  return report(log, await convertWorkspace(options, log));
}

/** Shows the outcome (notice.ts: short enough to be read whole, nothing after a discarded preview). */
function report<T extends { applied: boolean; discarded?: boolean; message: string }>(log: vscode.LogOutputChannel, outcome: T): T {
  const notice = noticeFor(outcome);
  if (notice.kind === 'none') {
    return outcome;
  }
  if (notice.logged) {
    log.info(notice.logged);
  }
  const show = notice.kind === 'information' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const buttons = notice.logged ? [DETAILS_BUTTON] : [];
  // Not awaited: the command finishes while the message is still up.
  void show(notice.text, ...buttons).then((choice) => choice === DETAILS_BUTTON && log.show(true));
  return outcome;
}

async function guarded<T>(log: vscode.LogOutputChannel, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error('RunningBatchNorm conversion failed', error);
    void vscode.window.showErrorMessage(`RunningBatchNorm: ${message}`);
    return undefined;
  }
}
