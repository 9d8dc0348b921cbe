/**
 * Conversion in Restricted Mode (code-server started with workspace trust on, folder not trusted):
 * conversion only edits text, so diagnostics and the commands work there too.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('conversion in an untrusted workspace', function () {
  this.timeout(60_000);

  it('the workspace really is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('shows diagnostics and converts a file', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, 'src/model.ts');
    const editor = await vscode.window.showTextDocument(uri);
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'running-batch-norm');
    assert.ok(extension, 'the extension under test is loaded');
    await extension.activate();
    for (let i = 0; i < 100 && vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'RunningBatchNorm').length < 2; i++) {
      await sleep(100);
    }
    assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'RunningBatchNorm').length, 2);
    const outcome = await vscode.commands.executeCommand<{ converted: number } | undefined>('runningBatchNorm.convertFile', uri);
    assert.equal(outcome?.converted, 2);
    assert.doesNotMatch(editor.document.getText(), /batchNormalization\(/);
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, 'src/running-batch-norm.ts'));
    await vscode.commands.executeCommand('undo');
  });
});
