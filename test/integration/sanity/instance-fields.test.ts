/**
 * The instance-fields box inside a real extension host (code-server's): a method builder reads
 * `this.numClasses`, which its constructor leaves null and train() fills from the labels. The box shows
 * the field with its proposed value, what is typed there is what the worker sets on the instance, and
 * the typed value is proposed first the next time. No extension API types into an input box: the test
 * asks its driver (test/e2e/ext-host-tests.mjs, `[type-in-box]`) to read the box and type, as a user.
 * Only code-server's runs have that driver: in a desktop VS Code (npm run test:electron) the suite is skipped.
 * The argument box of a builder with guessed arguments (guessed-args.js) is read the same way.
 * The workspace is a copy of test/fixtures/sanity (digit-classifier.js).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SanityCommandResult } from '../../../src/vscode/sanity/sanity-trainer';

const TRAIN = 'runningBatchNorm.sanityTrain';
const BUILDER = 'DigitClassifier.buildModel';

/** What the driver saw in the box before typing. */
interface SeenBox {
  title: string;
  prompt: string;
  value: string;
}

function classifierFile(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, 'digit-classifier.js');
}

/**
 * Trains the builder; the driver waits for the instance-fields box, records it, types `text` there
 * (or leaves the proposal when undefined) and presses Enter.
 */
async function trainTypingInBox(text: string | undefined): Promise<{ result: SanityCommandResult; seen: SeenBox }> {
  return trainWithBox(classifierFile(), BUILDER, 'instance fields', text);
}

/** Trains `builder` of `file` while the driver records the box whose title holds `title`, types `text` (if any) and accepts. */
async function trainWithBox(file: vscode.Uri, builder: string, title: string, text: string | undefined): Promise<{ result: SanityCommandResult; seen: SeenBox }> {
  const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-box-')), 'seen.json');
  const running = vscode.commands.executeCommand<SanityCommandResult>(TRAIN, file, builder);
  console.log(`[type-in-box] ${JSON.stringify({ title, text, record })}`);
  const result = await running;
  assert.ok(fs.existsSync(record), `the driver saw no box titled ${title}: ${JSON.stringify(result)}`);
  return { result, seen: JSON.parse(fs.readFileSync(record, 'utf8')) as SeenBox };
}

function reportOf(result: SanityCommandResult): Extract<SanityCommandResult, { outcome: 'report' }>['report'] {
  assert.equal(result.outcome, 'report', JSON.stringify(result));
  return (result as Extract<SanityCommandResult, { outcome: 'report' }>).report;
}

/** The units of the model's last layer: what `this.numClasses` was when buildModel() ran. */
function outputUnits(result: SanityCommandResult): unknown {
  return reportOf(result).runs[0].graph?.nodes.at(-1)?.outputShape.at(-1);
}

describe('the instance-fields box in the extension host', function () {
  this.timeout(180_000);

  before(async function () {
    if (vscode.env.uiKind !== vscode.UIKind.Web) {
      this.skip(); // no driver to type into the box (see the file's comment)
    }
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'running-batch-norm');
    assert.ok(extension, 'the extension under test is loaded');
    await extension.activate();
    await vscode.workspace.getConfiguration('runningBatchNorm').update('sanity.steps', 20, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    if (vscode.env.uiKind !== vscode.UIKind.Web) {
      return;
    }
    await vscode.workspace.getConfiguration('runningBatchNorm').update('sanity.steps', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the field train() fills with its proposed value; accepted as shown, the worker sets it', async () => {
    const { result, seen } = await trainTypingInBox(undefined);
    assert.deepEqual(
      [seen.title, seen.value],
      [`Sanity-train ${BUILDER}: instance fields`, '{ numClasses: 10 }'],
    );
    assert.match(seen.prompt, /^Fields of the DigitClassifier instance buildModel reads, set after construction .*numClasses from the name numClasses/);
    const call = reportOf(result).call;
    assert.deepEqual(call && [call.model, call.instanceVars, call.instanceVarsSource], [BUILDER, { numClasses: 10 }, 'numClasses from the name numClasses'], JSON.stringify(call));
    assert.equal(outputUnits(result), 10);
  });

  it('a value typed in the box is what the worker receives and sets on the instance', async () => {
    const { result, seen } = await trainTypingInBox('{ numClasses: 4 }');
    assert.equal(seen.value, '{ numClasses: 10 }', 'the value it last ran with is proposed first');
    assert.match(seen.prompt, /numClasses from the last run/);
    const call = reportOf(result).call;
    assert.deepEqual(call && [call.instanceVars, call.instanceVarsSource], [{ numClasses: 4 }, 'entered in the instance-fields box'], JSON.stringify(call));
    assert.equal(outputUnits(result), 4);
  });

  it('the typed value is remembered: the next run proposes it, from the last run', async () => {
    const { result, seen } = await trainTypingInBox(undefined);
    assert.equal(seen.value, '{ numClasses: 4 }');
    assert.match(seen.prompt, /numClasses from the last run/);
    const call = reportOf(result).call;
    assert.deepEqual(call && [call.instanceVars, call.instanceVarsSource], [{ numClasses: 4 }, 'numClasses from the last run'], JSON.stringify(call));
    assert.equal(outputUnits(result), 4);
  });

  it('Escape in the instance-fields box runs nothing', async () => {
    const running = vscode.commands.executeCommand<SanityCommandResult>(TRAIN, classifierFile(), BUILDER);
    let result: SanityCommandResult | undefined;
    void Promise.resolve(running).then((r) => (result = r));
    for (let i = 0; i < 120 && !result; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    assert.deepEqual(await running, { outcome: 'notRun', why: 'cancelled' });
  });
});

describe('the argument box in the extension host', function () {
  this.timeout(180_000);

  before(function () {
    if (vscode.env.uiKind !== vscode.UIKind.Web) {
      this.skip(); // no driver to read the box (see the file's comment)
    }
  });

  it('says why each guessed value is what it is; accepted as shown, the builder runs with the guesses', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    const { result, seen } = await trainWithBox(vscode.Uri.joinPath(folder.uri, 'guessed-args.js'), 'createTagger', 'Sanity-train createTagger', undefined);
    assert.deepEqual([seen.title, seen.value], ['Sanity-train createTagger', '[[784], 10]']);
    assert.match(seen.prompt, /^Arguments for createTagger\(inputShape, numClasses\) — from guesses for inputShape, numClasses \(a JS array\)\. Guessed inputShape: from the name inputShape \(rank 1: it feeds a dense layer\); numClasses: from the name numClasses( \(Press|$)/);
    const call = reportOf(result).call;
    assert.deepEqual(call && [call.model, call.args], ['createTagger', [[784], 10]], JSON.stringify(call));
  });
});
