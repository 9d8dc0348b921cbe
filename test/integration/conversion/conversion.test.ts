/**
 * Conversion inside a real extension host (code-server's): activation without the compiler, diagnostics
 * that appear and clear, the quick fix, one undo, the context-menu command, revert, and workspace
 * conversion. The workspace is a copy of test/fixtures/editor (see test/e2e/run-e2e.sh).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function file(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

async function until<T>(what: string, get: () => T | Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let value = await get();
  while (!ok(value) && Date.now() < end) {
    await sleep(100);
    value = await get();
  }
  assert.ok(ok(value), `timed out waiting for ${what}: ${JSON.stringify(value)}`);
  return value;
}

/** Code actions at `range`; retried because a request racing a diagnostics refresh can come back "Canceled". */
async function codeActions(uri: vscode.Uri, range: vscode.Range, kind: vscode.CodeActionKind): Promise<vscode.CodeAction[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind.value);
    } catch (error) {
      if (attempt >= 5 || !/Canceled/.test(String(error))) {
        throw error;
      }
      await sleep(300);
    }
  }
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'RunningBatchNorm');
const tsMorphLoaded = () => Object.keys(require.cache).some((k) => /[\\/]node_modules[\\/]ts-morph[\\/]/.test(k));

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('runningBatchNorm').update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('conversion in the extension host', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates on a TypeScript file without loading the TypeScript compiler', async () => {
    await vscode.window.showTextDocument(file('src/plain.ts'));
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'running-batch-norm');
    assert.ok(extension, 'the extension under test is loaded');
    await until('activation', () => extension.isActive, Boolean);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['runningBatchNorm.convert', 'runningBatchNorm.convertFile', 'runningBatchNorm.convertWorkspace', 'runningBatchNorm.revert']) {
      assert.ok(commands.includes(id), id);
    }
    await sleep(1000);
    assert.equal(tsMorphLoaded(), false, 'ts-morph is not loaded by activation or by a file without batch norm');
  });

  it('puts an Information diagnostic on each convertible layer, saying why', async () => {
    const uri = file('src/model.ts');
    await vscode.window.showTextDocument(uri);
    const diagnostics = await until('two diagnostics', () => ours(uri), (d) => d.length === 2);
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.line, d.severity]),
      [
        [5, vscode.DiagnosticSeverity.Information],
        [9, vscode.DiagnosticSeverity.Information],
      ],
    );
    assert.match(diagnostics[0]!.message, /RunningBatchNorm/);
    assert.match(diagnostics[0]!.message, /small batches/);
    assert.equal(tsMorphLoaded(), false, 'the compiler runs in the analysis thread, never in the extension host');
  });

  it('follows the severity setting: hint, then off, then back', async () => {
    const uri = file('src/model.ts');
    await setSetting('diagnostics.severity', 'hint');
    await until('hints', () => ours(uri), (d) => d.length === 2 && d.every((x) => x.severity === vscode.DiagnosticSeverity.Hint));
    await setSetting('diagnostics.severity', 'off');
    await until('no diagnostics', () => ours(uri), (d) => d.length === 0);
    await setSetting('diagnostics.severity', undefined);
    await until('diagnostics back', () => ours(uri), (d) => d.length === 2);
  });

  it('updates after an edit and skips files over the size limit', async () => {
    const uri = file('src/model.ts');
    const editor = await vscode.window.showTextDocument(uri);
    const line = editor.document.lineAt(5);
    await editor.edit((b) => b.delete(line.rangeIncludingLineBreak));
    await until('one diagnostic after deleting a layer', () => ours(uri), (d) => d.length === 1);
    await vscode.commands.executeCommand('undo');
    await until('two again after undo', () => ours(uri), (d) => d.length === 2);
    await setSetting('diagnostics.maxFileSizeKb', 1);
    await until('still two under 1 K characters', () => ours(uri), (d) => d.length === 2);
    await editor.edit((b) => b.insert(editor.document.lineAt(editor.document.lineCount - 1).range.end, `\n// ${'x'.repeat(1200)}\n`));
    await until('none over the size limit', () => ours(uri), (d) => d.length === 0);
    await setSetting('diagnostics.maxFileSizeKb', undefined);
    await until('back under the default limit', () => ours(uri), (d) => d.length === 2);
    await vscode.commands.executeCommand('undo');
  });

  it('offers the preferred quick fix and "all in file"; the fix edits one layer and creates the layer file; one undo restores both', async () => {
    const uri = file('src/model.ts');
    const layer = file('src/running-batch-norm.ts');
    const editor = await vscode.window.showTextDocument(uri);
    const before = editor.document.getText();
    const [diagnostic] = await until('diagnostics', () => ours(uri), (d) => d.length === 2);
    const actions = await codeActions(uri, diagnostic!.range, vscode.CodeActionKind.QuickFix);
    const mine = actions.filter((a) => /BatchNorm/.test(a.title));
    assert.deepEqual(
      mine.map((a) => [a.title, a.isPreferred ?? false]),
      [
        ['Convert to RunningBatchNorm', true],
        ['Convert all BatchNorm in this file', false],
      ],
    );
    const fix = mine[0]!;
    await vscode.commands.executeCommand(fix.command!.command, ...(fix.command!.arguments ?? []));
    const after = editor.document.getText();
    assert.match(after, /import \{ runningBatchNorm \} from '\.\/running-batch-norm';/);
    assert.equal((after.match(/runningBatchNorm\(/g) ?? []).length, 1);
    assert.equal((after.match(/tf\.layers\.batchNormalization\(/g) ?? []).length, 1, 'the other layer is untouched');
    assert.ok(await exists(layer), 'the layer file is created on disk');
    assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(layer)), /class RunningBatchNorm/);
    await until('one diagnostic left', () => ours(uri), (d) => d.length === 1);

    await vscode.commands.executeCommand('undo');
    await until('text restored by one undo', () => editor.document.getText(), (t) => t === before);
    await until('layer file removed by the same undo', () => exists(layer), (e) => !e);
  });

  it('context-menu command: converts the layer on the cursor line, never the whole file', async () => {
    const uri = file('src/model.ts');
    const editor = await vscode.window.showTextDocument(uri);
    const before = editor.document.getText();
    const lineEnd = editor.document.lineAt(9).range.end; // the blank area right of the code
    editor.selection = new vscode.Selection(lineEnd, lineEnd);
    const one = await vscode.commands.executeCommand<{ converted: number; message: string }>('runningBatchNorm.convert', uri);
    assert.equal(one.converted, 1);
    assert.equal(one.message, 'Converted 1 BatchNorm layer in model.ts (line 11) to RunningBatchNorm.');
    assert.match(editor.document.getText(), /model\.add\(runningBatchNorm\(\{ momentum: 0\.99 \}\)\);/);
    assert.match(editor.document.getText(), /model\.add\(tf\.layers\.batchNormalization\(\)\);/, 'the other layer is untouched');

    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const none = await vscode.commands.executeCommand<{ converted: number; message: string }>('runningBatchNorm.convert', uri);
    assert.equal(none.converted, 0, 'a line without a layer converts nothing');
    assert.match(none.message, /^No BatchNorm layer on line 2 of model\.ts/);
    const rest = await vscode.commands.executeCommand<{ converted: number; message: string }>('runningBatchNorm.convertFile', uri);
    assert.equal(rest.message, 'Converted 1 BatchNorm layer in model.ts (line 7) to RunningBatchNorm.');
    assert.doesNotMatch(editor.document.getText(), /batchNormalization\(/);
    await until('no diagnostics left', () => ours(uri), (d) => d.length === 0);

    const nothing = await vscode.commands.executeCommand<{ converted: number; message: string }>('runningBatchNorm.convertFile', uri);
    assert.equal(nothing.converted, 0);
    assert.match(nothing.message, /^Nothing to convert in model\.ts/);
    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    await until('text restored', () => editor.document.getText(), (t) => t === before);
    await until('layer file removed', () => exists(file('src/running-batch-norm.ts')), (e) => !e);
  });

  it('right after opening, before the analysis has answered: the cursor line\'s command converts just that layer', async () => {
    // A new, long file. Its diagnostics are held back (the size limit) until the command has run: an
    // idle machine once answered 5,000 lines before the editor had shown them, so waiting was a race.
    const uri = file('src/pending.ts');
    const filler = Array.from({ length: 5000 }, (_, i) => `export const v${i} = tf.tensor1d([${i}, ${i + 1}]).add(${i}).mul(tf.scalar(${i % 7}));`);
    const code = [
      "import * as tf from '@tensorflow/tfjs';",
      'export function build(): tf.Sequential {',
      '  const model = tf.sequential();',
      "  model.add(tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }));",
      '  model.add(tf.layers.batchNormalization());',
      '  model.add(tf.layers.batchNormalization({ momentum: 0.95 }));',
      '  model.add(tf.layers.batchNormalization({ axis: -1 }));',
      '  return model;',
      '}',
      ...filler,
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(code));
    await setSetting('diagnostics.maxFileSizeKb', 1);
    try {
      const editor = await vscode.window.showTextDocument(uri);
      const lineEnd = editor.document.lineAt(5).range.end; // the blank area right of the second layer
      editor.selection = new vscode.Selection(lineEnd, lineEnd);
      assert.equal(ours(uri).length, 0, 'the analysis has not answered yet (no diagnostics)');
      const one = await vscode.commands.executeCommand<{ converted: number; message: string }>('runningBatchNorm.convert', uri);
      // Line 7 after the edit: the layer's import is added above it.
      assert.equal(one.message, 'Converted 1 BatchNorm layer in pending.ts (line 7) to RunningBatchNorm.');
      const text = editor.document.getText();
      assert.match(text, /model\.add\(runningBatchNorm\(\{ momentum: 0\.95 \}\)\);/);
      assert.equal((text.match(/tf\.layers\.batchNormalization\(/g) ?? []).length, 2, 'the other two layers are untouched');
      await setSetting('diagnostics.maxFileSizeKb', undefined);
      await until('diagnostics on the two layers left', () => ours(uri), (d) => d.length === 2, 30_000);
    } finally {
      await setSetting('diagnostics.maxFileSizeKb', undefined);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(uri);
      await vscode.workspace.fs.delete(file('src/running-batch-norm.ts')).then(undefined, () => undefined);
    }
  });

  it('writes the default-args setting into a converted call that has no arguments', async () => {
    const uri = file('src/model.ts');
    const editor = await vscode.window.showTextDocument(uri);
    const before = editor.document.getText();
    await setSetting('conversion.defaultArgs', { statsInterval: 2 });
    try {
      const result = await vscode.commands.executeCommand<{ converted: number }>('runningBatchNorm.convertFile', uri);
      assert.equal(result.converted, 2);
      assert.match(editor.document.getText(), /model\.add\(runningBatchNorm\(\{ statsInterval: 2 \}\)\);/);
      assert.match(editor.document.getText(), /model\.add\(runningBatchNorm\(\{ momentum: 0\.99 \}\)\);/, 'args the user wrote are kept as written');
    } finally {
      await setSetting('conversion.defaultArgs', undefined);
      await vscode.commands.executeCommand('undo');
    }
    await until('text restored', () => editor.document.getText(), (t) => t === before);
    await until('layer file removed', () => exists(file('src/running-batch-norm.ts')), (e) => !e);
  });

  it('offers "Convert back to BatchNormalization" on a RunningBatchNorm usage and reverts it', async () => {
    const uri = file('src/converted.ts');
    const editor = await vscode.window.showTextDocument(uri);
    const at = new vscode.Range(6, 16, 6, 16);
    const actions = await codeActions(uri, at, vscode.CodeActionKind.RefactorRewrite);
    const back = actions.find((a) => a.title === 'Convert back to BatchNormalization');
    assert.ok(back, `actions: ${actions.map((a) => a.title).join(', ')}`);
    await vscode.commands.executeCommand(back.command!.command, ...(back.command!.arguments ?? []));
    assert.match(editor.document.getText(), /model\.add\(tf\.layers\.batchNormalization\(\{ momentum: 0\.9 \}\)\);/);
    assert.doesNotMatch(editor.document.getText(), /runningBatchNorm/);
    await vscode.commands.executeCommand('undo');
    assert.match(editor.document.getText(), /model\.add\(runningBatchNorm\(\{ momentum: 0\.9 \}\)\);/);
  });

  it('offers a refactor.rewrite conversion at the cursor on a batch-norm layer', async () => {
    const uri = file('src/nested/classifier.js');
    await vscode.window.showTextDocument(uri);
    const actions = await codeActions(uri, new vscode.Range(5, 30, 5, 30), vscode.CodeActionKind.RefactorRewrite);
    assert.deepEqual(
      actions.filter((a) => /RunningBatchNorm/.test(a.title)).map((a) => [a.title, a.kind?.value]),
      [['Convert to RunningBatchNorm', 'refactor.rewrite']],
    );
  });

  it('converts a browser script on the global tf and adds the layer script to its HTML page in the same edit; revert removes it', async () => {
    // Written here (not in the fixture) so the other tests' workspace stays as it is.
    const uri = file('site/js/app.js');
    const page = file('site/index.html');
    const cdn = 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4.22.0/dist/tf.min.js';
    await vscode.workspace.fs.writeFile(page, new TextEncoder().encode(`<!doctype html>\n<html>\n  <head>\n    <script src="${cdn}"></script>\n    <script src="js/app.js"></script>\n  </head>\n</html>\n`));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 4, inputShape: [3] }));\nmodel.add(tf.layers.batchNormalization());\n'));
    const editor = await vscode.window.showTextDocument(uri);
    const before = editor.document.getText();
    const pageBefore = (await vscode.workspace.openTextDocument(page)).getText();
    const result = await vscode.commands.executeCommand<{ converted: number; message: string }>('runningBatchNorm.convertFile', uri);
    assert.equal(result.converted, 1, result.message);
    assert.match(editor.document.getText(), /model\.add\(tf\.runningBatchNorm\(\)\);/);
    const pageAfter = (await vscode.workspace.openTextDocument(page)).getText();
    assert.equal(pageAfter, pageBefore.replace('    <script src="js/app.js">', '    <script src="js/running-batch-norm.browser.js"></script>\n    <script src="js/app.js">'));
    assert.ok(await exists(file('site/js/running-batch-norm.browser.js')), 'the browser-script layer is created');
    // tfjs is installed above the workspace, so its types are there: the layer script's declarations come too.
    assert.ok(await exists(file('site/js/running-batch-norm.browser.d.ts')), 'the browser-script types are created');
    const back = await vscode.commands.executeCommand<{ converted: number; message: string }>('runningBatchNorm.revert', uri, new vscode.Range(2, 0, 2, 40));
    assert.equal(back.converted, 1, back.message);
    assert.equal(editor.document.getText(), before);
    assert.equal((await vscode.workspace.openTextDocument(page)).getText(), pageBefore, 'revert removes the tag it added');
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(file('site'), { recursive: true });
  });

  it('imports from tfjs-running-batch-norm, copying no layer file, in a package that depends on it; revert removes the import', async () => {
    const manifest = file('uses-package/package.json');
    const uri = file('uses-package/model.ts');
    await vscode.workspace.fs.writeFile(manifest, new TextEncoder().encode('{ "name": "uses-package", "private": true, "dependencies": { "@tensorflow/tfjs": "^4.22.0", "tfjs-running-batch-norm": "^0.1.0" } }\n'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode("import * as tf from '@tensorflow/tfjs';\n\nexport const layer = tf.layers.batchNormalization({ axis: -1 });\n"));
    const editor = await vscode.window.showTextDocument(uri);
    const before = editor.document.getText();
    const result = await vscode.commands.executeCommand<{ converted: number; message: string }>('runningBatchNorm.convertFile', uri);
    assert.equal(result.converted, 1, result.message);
    assert.equal(editor.document.getText(), "import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from 'tfjs-running-batch-norm';\n\nexport const layer = runningBatchNorm({ axis: -1 });\n");
    assert.equal(await exists(file('uses-package/running-batch-norm.ts')), false, 'no vendored copy');
    const back = await vscode.commands.executeCommand<{ converted: number; message: string }>('runningBatchNorm.revert', uri, new vscode.Range(3, 0, 3, 40));
    assert.equal(back.converted, 1, back.message);
    assert.equal(editor.document.getText(), before);
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(file('uses-package'), { recursive: true });
  });

  it('converts the workspace in one edit, skipping node_modules and files.exclude', async () => {
    const result = await vscode.commands.executeCommand<{ applied: boolean; paths: string[]; converted: number }>('runningBatchNorm.convertWorkspace', { preview: false });
    assert.deepEqual([result.applied, result.paths, result.converted], [true, ['src/model.ts', 'src/nested/classifier.js'], 3]);
    const model = await vscode.workspace.openTextDocument(file('src/model.ts'));
    const classifier = await vscode.workspace.openTextDocument(file('src/nested/classifier.js'));
    assert.doesNotMatch(model.getText(), /batchNormalization\(/);
    assert.match(classifier.getText(), /require\('\.\.\/running-batch-norm'\)|require\('\.\/running-batch-norm'\)/);
    assert.ok(await exists(file('src/running-batch-norm.ts')));
    assert.ok(await exists(file('src/nested/running-batch-norm.js')) || (await exists(file('src/running-batch-norm.js'))));
    const lib = await vscode.workspace.openTextDocument(file('node_modules/some-lib/index.js'));
    assert.match(lib.getText(), /tf\.layers\.batchNormalization\(\)/, 'node_modules untouched');
    const excluded = await vscode.workspace.openTextDocument(file('excluded/generated.js'));
    assert.match(excluded.getText(), /tf\.layers\.batchNormalization\(\)/, 'files.exclude untouched');
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('clears diagnostics when a document closes', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'javascript', content: "const tf = require('@tensorflow/tfjs');\nconst bn = tf.layers.batchNormalization();\n" });
    const uri = doc.uri;
    await vscode.window.showTextDocument(doc);
    await until('a diagnostic', () => ours(uri), (d) => d.length === 1);
    // Reverting an untitled editor closes its document (a file's document may outlive its editor).
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await until('cleared after close', () => ours(uri), (d) => d.length === 0, 30_000);
  });
});
