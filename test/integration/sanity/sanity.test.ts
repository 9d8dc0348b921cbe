/**
 * Sanity-train inside a real extension host (code-server's): the lenses the provider gives, the command
 * from a lens and from the palette, the one reused report panel, settings, and a factory that throws.
 * The workspace is a copy of test/fixtures/sanity (see test/e2e/sanity-e2e.sh).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { acceptingBoxes } from './input-boxes';
import type { SanityCommandResult } from '../../../src/vscode/sanity/sanity-trainer';

const TRAIN = 'runningBatchNorm.sanityTrain';
const COMPARE = 'runningBatchNorm.sanityTrainCompare';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Labels of the open sanity-train report tabs (webview tabs). */
function reportTabs(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && /Sanity-train/.test(t.label))
    .map((t) => t.label);
}

/** The tab model reaches the extension host a moment after a title change: poll until it matches. */
async function assertReportTabs(expected: string[], message?: string): Promise<void> {
  for (let i = 0; i < 50 && JSON.stringify(reportTabs()) !== JSON.stringify(expected); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(reportTabs(), expected, message);
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('runningBatchNorm').update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('sanity-train in the extension host', function () {
  this.timeout(180_000);

  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'running-batch-norm');
    assert.ok(extension, 'the extension under test is loaded');
    await extension.activate();
    // Fewer steps keep the suite quick on a busy machine; the settings test checks they are honoured.
    await setSetting('sanity.steps', 40);
  });

  after(async () => {
    await setSetting('sanity.steps', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers both commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(TRAIN) && commands.includes(COMPARE));
  });

  it('puts a train and a compare lens above each factory, carrying the file and the factory name', async () => {
    const uri = workspaceFile('exploding.ts');
    await vscode.window.showTextDocument(uri);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)).filter((l) =>
      [TRAIN, COMPARE].includes(l.command?.command ?? ''),
    );
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.command, (l.command?.arguments?.[0] as vscode.Uri).fsPath, l.command?.arguments?.[1]]),
      [
        [7, TRAIN, uri.fsPath, 'buildModel'],
        [7, COMPARE, uri.fsPath, 'buildModel'],
        [19, TRAIN, uri.fsPath, 'buildFunctional'],
        [19, COMPARE, uri.fsPath, 'buildFunctional'],
      ],
    );
  });

  it('gives no lenses to a file without tfjs', async () => {
    const uri = workspaceFile('shared.js');
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.equal(lenses.filter((l) => l.command?.command === TRAIN).length, 0);
  });

  it('trains a factory from its lens arguments and opens the report panel', async () => {
    const result = await vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('healthy.ts'), 'buildModel');
    assert.equal(result.outcome, 'report', JSON.stringify(result));
    assert.equal(result.outcome === 'report' && result.report.runs.length, 1);
    assert.equal(result.outcome === 'report' && result.report.runs[0].steps, 40, 'the steps setting is honoured');
    await assertReportTabs(['Sanity-train: buildModel']);
  });

  it('compares into the same panel', async () => {
    const result = await vscode.commands.executeCommand<SanityCommandResult>(COMPARE, workspaceFile('healthy.ts'), 'buildModel');
    assert.equal(result.outcome, 'report', JSON.stringify(result));
    assert.deepEqual(
      result.outcome === 'report' && result.report.runs.map((r) => r.norm),
      ['batchNormalization', 'runningBatchNorm'],
    );
    const comparison = result.outcome === 'report' ? result.report.comparison : undefined;
    assert.ok(comparison && comparison.seeds >= 1 && comparison.interval[0] <= comparison.interval[1], `a comparison with its interval: ${JSON.stringify(comparison)}`);
    await assertReportTabs(['Sanity-train: buildModel'], 'one panel, reused');
  });

  it('from the palette, trains the only factory of the active editor', async () => {
    await vscode.window.showTextDocument(workspaceFile('mnist-cnn.ts'));
    const result = await vscode.commands.executeCommand<SanityCommandResult>(TRAIN);
    assert.equal(result.outcome, 'report', JSON.stringify(result));
    assert.equal(result.outcome === 'report' && result.report.data, 'mnist');
    await assertReportTabs(['Sanity-train: createModel']);
  });

  it('from the palette, asks which factory when the file has several', async () => {
    await vscode.window.showTextDocument(workspaceFile('exploding.ts'));
    const running = vscode.commands.executeCommand<SanityCommandResult>(TRAIN);
    // The quick pick lists buildModel, then buildFunctional: accept the first once it is up.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const result = await running;
    assert.equal(result.outcome === 'report' && result.report.model, 'buildModel', JSON.stringify(result));
  });

  it('a factory with parameters: proposes the call found in its package, runs with it, and the report says so', async () => {
    const uri = workspaceFile('q-network.js');
    await vscode.window.showTextDocument(uri);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)).filter((l) => l.command?.command === TRAIN);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.arguments?.[1]]),
      [[4, 'createQNetwork']],
    );
    const result = await acceptingBoxes(vscode.commands.executeCommand<SanityCommandResult>(TRAIN, uri, 'createQNetwork'));
    assert.equal(result.outcome, 'report', JSON.stringify(result));
    const call = result.outcome === 'report' ? result.report.call : undefined;
    assert.deepEqual(call && [call.model, call.args], ['createQNetwork', [6, 6, 3]], JSON.stringify(call));
    assert.match(call?.argsSource ?? '', /q-network-demo\.js:4/);
    await assertReportTabs(['Sanity-train: createQNetwork']);
  });

  it('the next run proposes what the builder last ran with (workspace state), first', async () => {
    const result = await acceptingBoxes(vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('q-network.js'), 'createQNetwork'));
    const call = result.outcome === 'report' ? result.report.call : undefined;
    assert.deepEqual(call && [call.args, call.argsSource], [[6, 6, 3], 'last run'], JSON.stringify(result));
  });

  it('a method of a class whose constructor takes arguments: two boxes, both proposed from the package', async () => {
    const result = await acceptingBoxes(vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('q-agent.js'), 'QAgent.build'));
    assert.equal(result.outcome, 'report', JSON.stringify(result));
    const call = result.outcome === 'report' ? result.report.call : undefined;
    assert.deepEqual(call && [call.model, call.args, call.ctorArgs], ['QAgent.build', [16], [5, 4]], JSON.stringify(call));
    assert.match(call?.argsSource ?? '', /q-network-demo\.js:8/);
  });

  it('a builder that reads module variables only run() fills: their box, accepted as proposed, sets them', async () => {
    const result = await acceptingBoxes(vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('gan-settings.js'), 'buildCritic'));
    assert.equal(result.outcome, 'report', JSON.stringify(result));
    const call = result.outcome === 'report' ? result.report.call : undefined;
    assert.deepEqual(call?.moduleVars, { classCount: 3, side: 8 }, JSON.stringify(call));
    assert.match(call?.moduleVarsSource ?? '', /^classCount from classes: 3 in gan-settings\.js:5 /);
  });

  it('the module variables the builder last ran with come first, and Escape in their box runs nothing', async () => {
    const again = await acceptingBoxes(vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('gan-settings.js'), 'buildCritic'));
    const call = again.outcome === 'report' ? again.report.call : undefined;
    assert.deepEqual(call && [call.moduleVars, call.moduleVarsSource], [{ classCount: 3, side: 8 }, 'classCount from the last run; side from the last run'], JSON.stringify(again));
    await assertEscapeRunsNothing(vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('gan-settings.js'), 'buildCritic'));
  });

  it('Escape in the argument box runs nothing', async () => {
    await assertEscapeRunsNothing(vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('q-network.js'), 'createQNetwork'));
  });

  it('reports the NaN layer and the line that built it', async () => {
    const result = await vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('exploding.ts'), 'buildModel');
    assert.equal(result.outcome, 'report', JSON.stringify(result));
    const nan = result.outcome === 'report' ? result.report.runs[0].nan : null;
    assert.ok(nan, 'a NaN finding');
    assert.equal(nan.source?.line, 12);
    assert.equal(nan.source?.file, workspaceFile('exploding.ts').fsPath);
  });

  it('a factory that throws ends in a clear error, shown in the panel too', async () => {
    const result = await vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('failing.ts'), 'throws');
    assert.equal(result.outcome, 'error');
    assert.equal(result.outcome === 'error' && result.reason, 'threw');
    assert.match(result.outcome === 'error' ? result.message : '', /cannot build the model today/);
    await assertReportTabs(['Sanity-train: throws']);
  });

  it('a factory that never returns is stopped by the time budget', async () => {
    await setSetting('sanity.timeBudgetSeconds', 3);
    try {
      const result = await vscode.commands.executeCommand<SanityCommandResult>(TRAIN, workspaceFile('failing.ts'), 'hangs');
      assert.equal(result.outcome === 'error' && result.reason, 'timeout', JSON.stringify(result));
    } finally {
      await setSetting('sanity.timeBudgetSeconds', undefined);
    }
  });
});

/** Presses Escape in whichever box the command shows until it settles; it must have run nothing. */
async function assertEscapeRunsNothing(running: Thenable<SanityCommandResult>): Promise<void> {
  let result: SanityCommandResult | undefined;
  void Promise.resolve(running).then((r) => (result = r));
  for (let i = 0; i < 40 && !result; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  }
  assert.deepEqual(await running, { outcome: 'notRun', why: 'cancelled' });
}
