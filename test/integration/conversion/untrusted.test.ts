/**
 * Conversion in Restricted Mode (code-server started with workspace trust on, folder not trusted):
 * conversion only edits text, so diagnostics and the commands work there too.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
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

  // "Convert Saved Model" is offered here, where a cloned repository is exactly what is not trusted:
  // a model.json whose weights paths leave its folder is refused before anything is read or written.
  for (const [name, paths, link] of [
    ['a relative path up', ['../victim.bin'], false],
    ['an absolute path', ['VICTIM'], false],
    ['a link out of the folder', ['linked.bin'], true],
  ] as const) {
    it(`Convert Saved Model refuses ${name} and writes nothing`, async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder);
      const root = path.join(folder.uri.fsPath, `hostile-${name.replace(/\W+/g, '-')}`);
      const victim = path.join(root, 'victim.bin');
      const dir = path.join(root, 'model');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(victim, Buffer.alloc(64, 7));
      if (link) {
        fs.symlinkSync(victim, path.join(dir, 'linked.bin'));
      }
      const topology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'BatchNormalization', config: { name: 'bn', batch_input_shape: [null, 4] } }] } };
      const weights = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => ({ name: `bn/${w}`, shape: [4], dtype: 'float32' }));
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: topology, weightsManifest: [{ paths: paths.map((p) => (p === 'VICTIM' ? victim : p)), weights }] }));
      const before = fs.readdirSync(root, { recursive: true }).sort();
      const outcome = await vscode.commands.executeCommand<{ applied: boolean; message: string }>('runningBatchNorm.convertSavedModel', vscode.Uri.file(path.join(dir, 'model.json')));
      assert.equal(outcome?.applied, false);
      assert.match(outcome.message, /refused: weights path .*(goes up out of the model's folder|is absolute|outside the model's folder)/);
      assert.deepEqual(fs.readdirSync(root, { recursive: true }).sort(), before, 'nothing written');
      assert.deepEqual(fs.readFileSync(victim), Buffer.alloc(64, 7));
    });
  }
});
