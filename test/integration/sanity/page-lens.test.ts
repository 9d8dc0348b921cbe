/**
 * Sanity-train on an HTML page inside a real extension host: the lenses sit on the builder's line of the
 * page (its inline script), a lens's command trains the page as `rbn sanity page.html --model …` does,
 * and the palette command takes the page in the active editor. The workspace's pages/ folder is a copy
 * of test/fixtures/sanity/pages (see test/e2e/run-e2e.sh).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { acceptingBoxes } from './input-boxes';
import type { SanityCommandResult } from '../../../src/vscode/sanity/sanity-trainer';

const TRAIN = 'runningBatchNorm.sanityTrain';
const COMPARE = 'runningBatchNorm.sanityTrainCompare';

function pageUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, 'pages', name);
}

/** The sanity lenses of a document, once the analysis has answered (the first answer may be the text-only guess). */
async function sanityLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  let lenses: vscode.CodeLens[] = [];
  for (let i = 0; i < 40; i++) {
    lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)).filter((l) => [TRAIN, COMPARE].includes(l.command?.command ?? ''));
    if (lenses.length > 0) {
      return lenses;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return lenses;
}

describe('sanity-train on an HTML page in the extension host', function () {
  this.timeout(180_000);

  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'running-batch-norm');
    assert.ok(extension, 'the extension under test is loaded');
    await extension.activate();
    await vscode.workspace.getConfiguration('runningBatchNorm').update('sanity.steps', 40, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('runningBatchNorm').update('sanity.steps', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("puts a train and a compare lens on the builder's line of the page (20), carrying the page and the builder", async () => {
    const uri = pageUri('cifar-page.html');
    const editor = await vscode.window.showTextDocument(uri);
    assert.equal(editor.document.languageId, 'html');
    const lenses = await sanityLenses(uri);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line + 1, l.command?.command, (l.command?.arguments?.[0] as vscode.Uri).fsPath, l.command?.arguments?.[1]]),
      [
        [20, TRAIN, uri.fsPath, 'myDefineModel'],
        [20, COMPARE, uri.fsPath, 'myDefineModel'],
      ],
    );
    assert.match(editor.document.lineAt(19).text, /myDefineModel = async function/);
  });

  it("the Sanity-train lens's command trains the page's builder", async () => {
    const [train] = await sanityLenses(pageUri('cifar-page.html'));
    assert.ok(train?.command);
    const result = await vscode.commands.executeCommand<SanityCommandResult>(train.command.command, ...(train.command.arguments ?? []));
    assert.equal(result.outcome, 'report', JSON.stringify(result));
    assert.equal(result.outcome === 'report' && result.report.runs.length, 1);
    assert.equal(result.outcome === 'report' && result.report.runs[0]!.steps, 40);
  });

  it("from the palette, trains the page's only builder with the arguments its onclick passes, proposed in the argument box", async () => {
    await vscode.window.showTextDocument(pageUri('sized-page.html'));
    const result = await acceptingBoxes(vscode.commands.executeCommand<SanityCommandResult>(TRAIN));
    assert.equal(result.outcome, 'report', JSON.stringify(result));
    const call = result.outcome === 'report' ? result.report.call : undefined;
    assert.deepEqual([call?.model, call?.args], ['defineModel', [12, 3]], JSON.stringify(call));
  });
});
