import * as vscode from 'vscode';
import type { RefactorResult } from '../../core/refactor/types';
import { loadCore } from './core-loader';

type Edits = Extract<RefactorResult, { kind: 'edits' }>;

/**
 * Adds to `edit` the <script> tag changes of the workspace's HTML pages for converted (or reverted)
 * browser scripts, so the code, the layer file and the pages change in one WorkspaceEdit (one undo).
 * Returns what the user must still do by hand (a converted script that no page loads).
 */
export async function addHtmlPageEdits(
  edit: vscode.WorkspaceEdit,
  converted: readonly { document: vscode.TextDocument; result: Edits }[],
  direction: 'convert' | 'revert',
  metadata?: vscode.WorkspaceEditEntryMetadata,
): Promise<string[]> {
  const scripts = converted.filter((c) => c.result.globalTf).map((c) => ({ document: c.document, file: c.document.uri.fsPath, ...(c.result.layerFile ? { layerFile: c.result.layerFile.path } : {}) }));
  const first = scripts[0];
  if (!first) {
    return [];
  }
  const folder = vscode.workspace.getWorkspaceFolder(first.document.uri);
  const pattern = folder ? new vscode.RelativePattern(folder, '**/*.{html,htm}') : '**/*.{html,htm}';
  const uris = await vscode.workspace.findFiles(pattern, '**/node_modules/**', 2000);
  const pages = await Promise.all(uris.map(async (uri) => ({ uri, path: uri.fsPath, text: (await vscode.workspace.openTextDocument(uri)).getText() })));
  const core = await loadCore();
  const siteRoot = folder?.uri.fsPath ?? '/';
  const plan = core.planHtmlPages(pages, direction === 'convert' ? 'add' : 'remove', scripts, siteRoot);
  for (const pageEdits of plan.pages) {
    const page = pages.find((p) => p.path === pageEdits.path)!;
    const document = await vscode.workspace.openTextDocument(page.uri);
    for (const e of pageEdits.edits) {
      const range = new vscode.Range(document.positionAt(e.start), document.positionAt(e.end));
      edit.replace(page.uri, range, e.newText, metadata && { ...metadata, label: 'Load the RunningBatchNorm layer script', description: vscode.workspace.asRelativePath(page.uri) });
    }
  }
  return plan.unloaded.map((u) => u.message);
}
