/**
 * Which builder a sanity-train run trains: the one a lens names, or one of the active editor's file
 * (a quick pick lists them all with their kind and parameters when there are several).
 */
import * as vscode from 'vscode';
import { isHtmlPage } from '../../../core/analysis/page/page-scripts';
import type { ModelBuilder } from '../../../core/analysis/types';
import { builderPickItem } from './lens-specs';
import type { SanityAnalysis } from '../sanity-analysis';

const SCRIPT_LANGUAGES = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);

/** Script files, and HTML pages by name (`.html`, `.htm`): the analysis and the worker read a page's inline scripts. */
function isTrainable(document: vscode.TextDocument): boolean {
  return SCRIPT_LANGUAGES.has(document.languageId) || (document.languageId === 'html' && isHtmlPage(document.fileName));
}

/** What to train; `builder` is undefined when the lens named one the analysis no longer finds (the worker then says why). */
export interface BuilderTarget {
  document: vscode.TextDocument;
  model: string;
  builder: ModelBuilder | undefined;
}

export interface TargetDeps {
  analysis(): Promise<SanityAnalysis>;
  log: vscode.LogOutputChannel;
  /** Shows a one-line warning with Show Log, returns why nothing ran. */
  warn(message: string): { why: string };
}

export async function resolveTarget(deps: TargetDeps, uri: vscode.Uri | undefined, model: string | undefined): Promise<BuilderTarget | { why: string }> {
  let document: vscode.TextDocument | undefined;
  try {
    document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  } catch (error) {
    return deps.warn(`Could not open ${uri?.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!document || !isTrainable(document)) {
    return deps.warn('Open a JavaScript or TypeScript file or an HTML page that builds a tfjs model, then run Sanity-Train Model again.');
  }
  if (document.uri.scheme !== 'file') {
    return deps.warn('Save the file first: sanity-train runs a file on disk.');
  }
  const builders = await findBuilders(deps, document);
  if (model) {
    return { document, model, builder: builders.find((b) => b.id === model) };
  }
  if (builders.length === 0) {
    return deps.warn(`No model builder in ${vscode.workspace.asRelativePath(document.uri)}: sanity-train needs a function, method or class that returns a tfjs model or stores one in this.<name>.`);
  }
  const picked = builders.length === 1 ? builders[0] : await pickBuilder(builders);
  return picked ? { document, model: picked.id, builder: picked } : { why: 'no builder picked' };
}

async function findBuilders(deps: TargetDeps, document: vscode.TextDocument): Promise<ModelBuilder[]> {
  try {
    return await (await deps.analysis()).findModelBuilders(document.getText(), document.fileName);
  } catch (error) {
    deps.log.error(`Finding model builders in ${document.fileName} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return [];
  }
}

async function pickBuilder(builders: ModelBuilder[]): Promise<ModelBuilder | undefined> {
  const items = builders.map((builder) => ({ ...builderPickItem(builder), builder }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Sanity-Train Model', placeHolder: 'Model builder to train', matchOnDetail: true });
  return picked?.builder;
}
