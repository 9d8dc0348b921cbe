/**
 * "Sanity-Train from Script…" inside a real extension host (code-server's): the command, its lenses on
 * package.json scripts and on a test file that builds a model, a run from a lens's arguments, the
 * palette flow (which remembers the last command), and a program that throws. The workspace holds a
 * copy of test/fixtures/capture in capture/ (see test/e2e/run-e2e.sh).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SanityCommandResult } from '../../../src/vscode/sanity/sanity-trainer';

const FROM_SCRIPT = 'runningBatchNorm.sanityTrainFromScript';

function captureFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, 'capture');
}

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  await vscode.window.showTextDocument(uri);
  // The provider answers once the extension is up; poll briefly for the first answer.
  for (let i = 0; i < 40; i++) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)).filter((l) => l.command?.command === FROM_SCRIPT);
    if (lenses.length > 0) {
      return lenses;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return [];
}

function reportOf(result: SanityCommandResult): Extract<SanityCommandResult, { outcome: 'report' }>['report'] {
  assert.equal(result.outcome, 'report', JSON.stringify(result));
  return (result as Extract<SanityCommandResult, { outcome: 'report' }>).report;
}

describe('Sanity-Train from Script in the extension host', function () {
  this.timeout(180_000);

  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'running-batch-norm');
    assert.ok(extension, 'the extension under test is loaded');
    await extension.activate();
    await vscode.workspace.getConfiguration('runningBatchNorm').update('sanity.steps', 30, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('runningBatchNorm').update('sanity.steps', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers the command', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes(FROM_SCRIPT));
  });

  it('puts a lens on each package.json script, carrying `npm run <name>` and the folder', async () => {
    const lenses = await lensesOf(vscode.Uri.joinPath(captureFolder(), 'package.json'));
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.arguments?.[0]]),
      [
        [4, '$(beaker) Sanity-train this script', 'npm run train'],
        [5, '$(beaker) Sanity-train this script', 'npm run test'],
      ],
    );
    assert.equal((lenses[0].command?.arguments?.[1] as vscode.Uri).fsPath, captureFolder().fsPath);
  });

  it('puts one lens on a test file that builds a model, with its runner, and none on other files', async () => {
    const lenses = await lensesOf(vscode.Uri.joinPath(captureFolder(), 'model.test.js'));
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.arguments?.[0]]), [[0, '$(beaker) Sanity-train this test', 'npx mocha model.test.js']]);
    const other = vscode.Uri.joinPath(captureFolder(), 'data.js');
    await vscode.window.showTextDocument(other);
    const none = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', other);
    assert.equal(none.filter((l) => l.command?.command === FROM_SCRIPT).length, 0);
  });

  it("runs a lens's script and shows the captured model's report in the panel", async () => {
    const result = await vscode.commands.executeCommand<SanityCommandResult>(FROM_SCRIPT, 'npm run train', captureFolder());
    const report = reportOf(result);
    assert.equal(report.capture?.command, 'npm run train');
    assert.equal(report.capture?.data, 'captured');
    assert.equal(report.capture?.examples, 500);
    assert.equal(report.model, 'buildModel');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && /Sanity-train/.test(t.label));
    assert.equal(tabs.length, 1, 'the report panel is open');
  });

  it('from the palette: "Enter a command…" offers the last command, and runs it where it ran last', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const running = vscode.commands.executeCommand<SanityCommandResult>(FROM_SCRIPT);
    // The quick pick (first item: enter a command), then the input box pre-filled with the last command.
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const report = reportOf(await running);
    assert.equal(report.capture?.command, 'npm run train', 'the last command was pre-filled');
    assert.equal(report.capture?.examples, 500, 'in capture/, where it ran last');
  });

  it('a program that never trains within the budget: the advice names the editor action, no CLI flag', async () => {
    const config = vscode.workspace.getConfiguration('runningBatchNorm');
    await config.update('sanity.timeBudgetSeconds', 3, vscode.ConfigurationTarget.Workspace);
    try {
      const result = await vscode.commands.executeCommand<SanityCommandResult>(FROM_SCRIPT, 'node idles.js', captureFolder());
      assert.equal(result.outcome, 'error');
      const message = (result as { message: string }).message;
      assert.match(message, /^`node idles\.js` trained no model within the 3 s budget; raise the time budget \(Run Again with 2× Budget\)/);
      assert.doesNotMatch(message, /--\w/);
    } finally {
      await config.update('sanity.timeBudgetSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('a program that throws before it has a complete model: a clear error naming it', async () => {
    const result = await vscode.commands.executeCommand<SanityCommandResult>(FROM_SCRIPT, 'node throws-in-builder.js', captureFolder());
    assert.equal(result.outcome, 'error');
    assert.match((result as { message: string }).message, /^`node throws-in-builder\.js` threw before training a model: TypeError: Cannot read properties of undefined \(reading 'classes'\)/);
  });
});
