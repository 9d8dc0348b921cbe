import * as vscode from 'vscode';
import type { RefactorResult } from '../../core/refactor/types';

/** Metadata that makes VS Code show the refactor preview before applying (workspace conversion). */
export const PREVIEW_METADATA: vscode.WorkspaceEditEntryMetadata = { needsConfirmation: true, label: 'Convert to RunningBatchNorm' };

/**
 * Adds one file's refactoring result to `edit`: its text edits and, when the vendored layer file does
 * not exist yet (and no earlier entry of this edit creates it), the file with its content. Everything
 * lands in the one WorkspaceEdit, so a single undo restores the code and removes the new file.
 */
export async function addRefactorResult(
  edit: vscode.WorkspaceEdit,
  document: vscode.TextDocument,
  result: Extract<RefactorResult, { kind: 'edits' }>,
  createdLayers: Set<string>,
  metadata?: vscode.WorkspaceEditEntryMetadata,
): Promise<void> {
  for (const e of result.edits) {
    const range = new vscode.Range(document.positionAt(e.start), document.positionAt(e.end));
    edit.replace(document.uri, range, e.newText, metadata && { ...metadata, description: vscode.workspace.asRelativePath(document.uri) });
  }
  // The layer file, and for a browser script in a project with tfjs's types, the declarations beside it.
  for (const layer of [result.layerFile, result.layerTypesFile]) {
    if (!layer || createdLayers.has(layer.path) || (await exists(vscode.Uri.file(layer.path)))) {
      continue;
    }
    createdLayers.add(layer.path);
    const uri = vscode.Uri.file(layer.path);
    // Ticked in the preview from the start: the user picks the files to convert, and a file ticked without
    // the layer file it imports would be left with an import of nothing. A layer file no ticked file uses is
    // harmless, and unticking it stays possible.
    const layerMetadata = metadata && { ...metadata, needsConfirmation: false, label: 'Add the RunningBatchNorm layer file', description: vscode.workspace.asRelativePath(uri) };
    // Written with its content (not created empty and filled by an insert) so the import resolves on disk
    // at once, without a dirty editor the user must remember to save; undo deletes it again.
    edit.createFile(uri, { ignoreIfExists: true, contents: new TextEncoder().encode(layer.content) }, layerMetadata);
  }
}

/** Whether a file or folder is there (stat succeeds). */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
