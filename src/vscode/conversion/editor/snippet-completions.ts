import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { getLayerFilePathSetting } from '../../configuration';
import { loadCore } from '../core-loader';

/** Creates the vendored layer file after a snippet that uses it was inserted (when it is missing). */
export const CREATE_LAYER_FILE_COMMAND = 'runningBatchNorm.createLayerFile';

interface SnippetDefinition {
  prefix: string | string[];
  description: string;
  body: string[];
}

/**
 * The snippets that call `runningBatchNorm(…)` (rbn, rbn-conv-block, rbn-dense-block; the others are
 * plain snippet files): offered as completions whose additional edit adds the layer's import when the
 * file has none, so one undo takes back both, and whose command then creates the layer file when the
 * project has none. In a browser script on the global `tf` they call `tf.runningBatchNorm(…)` instead.
 */
export class LayerSnippetCompletions implements vscode.CompletionItemProvider {
  private readonly snippets = new Map<'javascript' | 'typescript', SnippetDefinition[]>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const range = document.getWordRangeAtPosition(position, /[\w-]+/);
    const typed = range ? document.getText(range) : '';
    if (!typed.startsWith('rbn') && !'rbn'.startsWith(typed)) {
      return [];
    }
    try {
      const core = await loadCore();
      const fileName = document.uri.scheme === 'file' ? document.uri.fsPath : path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/', 'untitled.ts');
      const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(fileName);
      const layerFilePath = core.planLayerFiles([fileName], folder, getLayerFilePathSetting(document.uri)).get(fileName)!;
      const needed = await core.layerImportFor({ code: document.getText(), fileName, layerFilePath, layerPackage: core.layerPackageOf(fileName) });
      return this.definitions(document.languageId).map((s) => {
        const item = new vscode.CompletionItem([s.prefix].flat()[0]!, vscode.CompletionItemKind.Snippet);
        // A browser script cannot import: it calls the layer its <script> tag adds to the global `tf`.
        const body = s.body.join('\n');
        item.insertText = new vscode.SnippetString(needed?.globalTf ? body.replace(/\brunningBatchNorm\(/g, 'tf.runningBatchNorm(') : body);
        item.documentation = s.description;
        item.detail = needed?.edit ? 'RunningBatchNorm (adds the import)' : needed?.globalTf ? 'RunningBatchNorm (tf.runningBatchNorm: load running-batch-norm.browser.js after tfjs)' : 'RunningBatchNorm';
        if (range) {
          item.range = range;
        }
        if (needed?.edit) {
          item.additionalTextEdits = [vscode.TextEdit.insert(document.positionAt(needed.edit.start), needed.edit.newText)];
        }
        if (needed?.layerFile && document.uri.scheme === 'file') {
          item.command = { command: CREATE_LAYER_FILE_COMMAND, title: 'Create the RunningBatchNorm layer file', arguments: [needed.layerFile.path, needed.layerFile.content] };
        }
        return item;
      });
    } catch (error) {
      this.log.error('RunningBatchNorm snippet completions failed', error);
      return [];
    }
  }

  private definitions(languageId: string): SnippetDefinition[] {
    const dialect = languageId.startsWith('typescript') ? 'typescript' : 'javascript';
    let list = this.snippets.get(dialect);
    if (!list) {
      const file = path.join(this.extensionPath, 'snippets', `${dialect}.layer.json`);
      list = Object.values(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, SnippetDefinition>);
      this.snippets.set(dialect, list);
    }
    return list;
  }
}

/** Writes the layer file unless it exists (a WorkspaceEdit, so Undo in the explorer removes it). */
export async function createLayerFile(filePath: unknown, content: unknown): Promise<void> {
  if (typeof filePath !== 'string' || typeof content !== 'string') {
    return;
  }
  const uri = vscode.Uri.file(filePath);
  try {
    await vscode.workspace.fs.stat(uri);
    return; // the project has one
  } catch {
    // missing: create it below
  }
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { ignoreIfExists: true, contents: new TextEncoder().encode(content) });
  if (await vscode.workspace.applyEdit(edit)) {
    void vscode.window.showInformationMessage(`Added the RunningBatchNorm layer file ${vscode.workspace.asRelativePath(uri)}.`);
  }
}
