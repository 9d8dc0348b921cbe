import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest, WorkerMessage } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const FIXTURES = path.resolve(__dirname, '../../fixtures/capture');
const DIST = path.resolve(__dirname, '../../../dist');

function request(command: string, overrides: Partial<SanityRequest> = {}, capture = 1): SanityRequest {
  return { file: FIXTURES, steps: 30, batchSize: 8, compare: false, backend: 'auto', timeoutMs: 40_000, seed: 1, from: { command, cwd: FIXTURES, capture }, ...overrides };
}

async function run(req: SanityRequest, options: { signal?: AbortSignal; onMessage?: (m: WorkerMessage) => void } = {}): Promise<{ outcome: SanityOutcome; output: string[] }> {
  const output: string[] = [];
  const outcome = await runSanityTrain(req, { ...options, maxMemoryMb: 2048, onOutput: (line) => output.push(line) });
  return { outcome, output };
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

function errorOf(outcome: SanityOutcome): string {
  assert.equal(outcome.kind, 'error', 'expected a failure');
  return (outcome as { message: string }).message;
}

/** Resolves once `condition` holds, polling; throws after `ms`. */
async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) {
      throw new Error(`still not so after ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Processes whose command line mentions `needle` (the test's own fixtures only). */
function processesRunning(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(path.join(FIXTURES, needle)) || l.includes(` ${needle}`));
}

/** The program's processes a few seconds after the report: the kill is sent before it, the exit may land after (a loaded machine). */
async function processesLeft(needle: string, withinMs = 5000): Promise<string[]> {
  await until(() => processesRunning(needle).length === 0, withinMs).catch(() => undefined);
  return processesRunning(needle);
}

describe('sanity --from: capture from the user program (program processes)', function () {
  this.timeout(90_000);

  before(function () {
    if (!fs.existsSync(path.join(DIST, 'capture-hook.js')) || !fs.existsSync(path.join(DIST, 'capture-session.js'))) {
      throw new Error('dist/capture-hook.js is missing: run npm run build before these tests');
    }
  });

  it('a CommonJS training script: the model it fits, its compile() settings and its own examples (the last 20% held out)', async () => {
    const messages: WorkerMessage[] = [];
    const { outcome, output } = await run(request('node train.js', { compare: true }), { onMessage: (m) => messages.push(m) });
    const report = reportOf(outcome);
    assert.equal(report.model, 'buildModel');
    assert.equal(report.capture?.data, 'captured');
    assert.equal(report.capture?.kind, 'fit');
    assert.equal(report.capture?.examples, 500);
    assert.equal(report.capture?.heldOut, 100);
    assert.deepEqual(report.capture?.site, { file: path.join(FIXTURES, 'train.js'), line: 31 });
    assert.equal(report.capture?.compile?.optimizer, 'Adam');
    assert.equal(report.capture?.compile?.optimizerConfig.learningRate, 0.01);
    assert.deepEqual(report.capture?.compile?.metrics, ['accuracy']);
    assert.deepEqual(report.runs.map((r) => r.norm), ['batchNormalization', 'runningBatchNorm']);
    assert.ok(report.runs.every((r) => r.steps === 30 && r.nan === null));
    // One seed (the program's own initial weights): the interval is the held-out examples' paired bootstrap.
    assert.equal(report.comparison?.method, 'paired-bootstrap');
    assert.equal(report.comparison?.seeds, 1);
    assert.equal(report.comparison?.examples, 100);
    const [lo, hi] = report.comparison!.interval;
    assert.ok(lo <= report.comparison!.difference && report.comparison!.difference <= hi, JSON.stringify(report.comparison));
    // The layers map to the lines of the builder the program called.
    const bn = report.runs[0].layers?.find((l) => l.className === 'BatchNormalization');
    assert.equal(bn?.source?.line, 7);
    assert.ok(messages.some((m) => m.type === 'progress'), 'progress is relayed');
    assert.ok(!output.includes('trained'), 'the program is stopped at its fit() and never reaches its next line');
  });

  it('a program that trains in its own loop (optimizer.applyGradients): the model it steps, on built-in data, and the program stopped at its first update', async () => {
    const { outcome, output } = await run(request('node custom-loop.js'));
    const report = reportOf(outcome);
    assert.equal(report.capture?.kind, 'applyGradients');
    assert.notEqual(report.capture?.data, 'captured');
    assert.deepEqual(report.capture?.site, { file: path.join(FIXTURES, 'custom-loop.js'), line: 6 });
    assert.ok(report.runs.every((r) => r.steps === 30 && r.nan === null));
    assert.ok(report.notes?.some((n) => /own loop \(optimizer\.applyGradients\)/.test(n)), JSON.stringify(report.notes));
    assert.ok(!output.includes('looped'), 'the program is stopped, not run to its end');
  });

  it('an optimizer made before the model and given to compile(), stepped in a loop that never yields: stopped at its first update all the same', async () => {
    const { outcome, output } = await run(request('node sync-loop.js'));
    const report = reportOf(outcome);
    assert.equal(report.capture?.kind, 'applyGradients');
    assert.deepEqual(report.capture?.site, { file: path.join(FIXTURES, 'sync-loop.js'), line: 8 });
    assert.ok(report.runs.every((r) => r.steps === 30 && r.nan === null));
    assert.ok(!output.includes('looped'), 'the program is stopped, not run to its end');
  });

  it('a custom layer the program never registered (its behaviour in a closure) trains as written and in the Compare swap', async () => {
    const report = reportOf((await run(request('node custom-layer.js', { compare: true }))).outcome);
    assert.deepEqual(report.runs.map((r) => r.norm), ['batchNormalization', 'runningBatchNorm']);
    assert.ok(report.runs.every((r) => r.steps === 30 && r.nan === null));
    assert.equal(report.model, 'buildModel');
  });

  it('a mocha test run through npx: the model the test trains', async () => {
    const report = reportOf((await run(request('npx mocha --no-config --timeout 60000 model.test.js'))).outcome);
    assert.equal(report.model, 'createClassifier');
    assert.equal(report.capture?.examples, 300);
    assert.equal(report.capture?.compile?.optimizer, 'SGD');
    assert.equal(report.capture?.site?.line, 19);
  });

  it('a test environment that replaced the global clocks (jsdom\'s performance, a frozen Date): the budget still holds', async () => {
    const report = reportOf((await run(request('npx mocha --no-config --timeout 60000 replaced-clocks.test.js'))).outcome);
    assert.equal(report.capture?.examples, 200);
    assert.equal(report.runs[0].steps, 30);
  });

  it('an ES module training with fitDataset: the batches its dataset yields', async () => {
    const report = reportOf((await run(request('node train.mjs'))).outcome);
    assert.equal(report.capture?.kind, 'fitDataset');
    assert.equal(report.capture?.examples, 240);
    assert.equal(report.capture?.heldOut, 48);
    assert.equal(report.capture?.data, 'captured');
  });

  it('a program outside any tfjs install: the bundled tfjs serves its require (CommonJS) and its import (ES module)', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-capture-'));
    try {
      for (const file of ['train.js', 'train.mjs', 'data.js']) {
        fs.copyFileSync(path.join(FIXTURES, file), path.join(outside, file));
      }
      const cjs = reportOf((await run({ ...request('node train.js'), from: { command: 'node train.js', cwd: outside } })).outcome);
      assert.equal(cjs.tfjs?.source, 'bundled');
      assert.ok(cjs.notes?.includes("the program's @tensorflow/tfjs is not installed: the bundled @tensorflow/tfjs served it"), JSON.stringify(cjs.notes));
      const esm = reportOf((await run({ ...request('node train.mjs'), from: { command: 'node train.mjs', cwd: outside } })).outcome);
      assert.equal(esm.tfjs?.source, 'bundled');
      assert.equal(esm.capture?.examples, 240);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('--capture 2 takes the second model the program trains', async () => {
    const report = reportOf((await run(request('node two-models.js', {}, 2))).outcome);
    assert.equal(report.model, 'buildSecond');
    assert.equal(report.capture?.index, 2);
    assert.equal(report.capture?.compile?.optimizer, 'RMSProp');
  });

  it('a program that never trains hands over the model it built, on built-in data, and says so', async () => {
    const report = reportOf((await run(request('node builds-only.js'))).outcome);
    assert.equal(report.capture?.kind, 'built');
    assert.equal(report.capture?.examples, 0);
    assert.equal(report.capture?.data, 'synthetic');
    assert.equal(report.data, 'synthetic');
    assert.equal(report.model, 'buildModel');
  });

  it('a program that never trains and drops a half-built model for a fallback it uses: the fallback is taken, and the report says why', async () => {
    const report = reportOf((await run(request('node builds-fallback.js'))).outcome);
    assert.equal(report.capture?.kind, 'built');
    assert.equal(report.model, 'buildFallbackModel');
    assert.equal(report.capture?.site?.line, 15);
    assert.ok(report.notes?.some((n) => n === 'the program built 2 models before this one that it never compiled or ran (at builds-fallback.js:6, builds-fallback.js:10): it went on with this one, so this one was taken'), JSON.stringify(report.notes));
  });

  it('a program that plays games before its first fit(), past half the budget: its model is taken as built, and the report says when', async () => {
    const { outcome, output } = await run(request('node self-play-first.js', { timeoutMs: 16_000, steps: 10 }));
    const report = reportOf(outcome);
    assert.equal(report.capture?.kind, 'built');
    assert.equal(report.capture?.takenAfterS, 8);
    assert.equal(report.model, 'buildPolicy');
    assert.equal(report.capture?.compile?.optimizer, 'SGD');
    assert.ok(report.runs[0].steps > 0);
    assert.ok(!output.includes('fitting'));
    assert.deepEqual(await processesLeft('self-play-first.js'), []);
  });

  it('a program whose loop never yields (a replay memory filled move by move with predict): stopped at a predict past half the budget, its model taken as built', async () => {
    const { outcome, output } = await run(request('node self-play-sync.js', { timeoutMs: 16_000, steps: 10 }));
    const report = reportOf(outcome);
    assert.equal(report.capture?.kind, 'built');
    assert.equal(report.capture?.takenAfterS, 8);
    assert.equal(report.model, 'buildNetwork');
    assert.ok(report.runs[0].steps > 0);
    assert.ok(!output.includes('memory filled'));
    assert.deepEqual(await processesLeft('self-play-sync.js'), []);
  });

  it('a training loop that never ends: its trainOnBatch batches are gathered up to the bound, then the program is stopped', async () => {
    const report = reportOf((await run(request('node forever.js', { timeoutMs: 30_000 }))).outcome);
    assert.equal(report.capture?.kind, 'trainOnBatch');
    // 64 batches of 16, unless a starved machine paused the loop past the idle limit first (then fewer, whole batches).
    const examples = report.capture?.examples ?? 0;
    assert.ok(examples >= 16 && examples <= 64 * 16 && examples % 16 === 0, `examples ${examples}`);
    assert.deepEqual(await processesLeft('forever.js'), []);
  });

  it('a program that disposes its model after training it (a test\'s afterEach): the session still trains the captured model', async () => {
    const report = reportOf((await run(request('node disposes.js', { steps: 10 }))).outcome);
    assert.equal(report.capture?.kind, 'trainOnBatch');
    assert.equal(report.capture?.examples, 64);
    assert.ok(report.runs[0].steps === 10 && report.runs[0].nan === null);
  });

  it('a program that disposes the model it built and exits without training: the model is still taken as built', async () => {
    const report = reportOf((await run(request('node builds-disposes.js', { steps: 10 }))).outcome);
    assert.equal(report.capture?.kind, 'built');
    assert.equal(report.model, 'buildModel');
    assert.equal(report.runs[0].steps, 10);
  });

  it('inputs made on the program backend before the capture move to the session backend (wasm), large ones too', async () => {
    const report = reportOf((await run(request('node wide-inputs.js', { steps: 5 }))).outcome);
    assert.equal(report.backend, 'wasm');
    assert.equal(report.capture?.examples, 3000);
    assert.ok(report.runs[0].nan === null && report.runs[0].steps === 5);
  });

  it('a program that throws after building and compiling its model, before training it: that model, on built-in data, and how the program failed', async () => {
    const report = reportOf((await run(request('node throws.js', { steps: 5 }))).outcome);
    assert.equal(report.capture?.kind, 'built');
    assert.equal(report.capture?.programFailed, 'threw Error: data/train.csv not found (at throws.js:5)', 'relative to the command folder, as the site is');
    assert.equal(report.capture?.data, 'synthetic');
    assert.equal(report.runs[0].steps, 5);
  });

  it('a program that exits with an error after building a functional model: that model, and the exit code said', async () => {
    const report = reportOf((await run(request('node exits-after-build.js', { steps: 5 }))).outcome);
    assert.equal(report.capture?.kind, 'built');
    assert.equal(report.capture?.programFailed, 'exited with code 1');
    assert.equal(report.model, 'buildModel');
  });

  it('a program that throws inside its builder, its Sequential half-built: one line with its error and line', async () => {
    const message = errorOf((await run(request('node throws-in-builder.js'))).outcome);
    assert.equal(message, "`node throws-in-builder.js` threw before training a model: TypeError: Cannot read properties of undefined (reading 'classes') (at " + path.join(FIXTURES, 'throws-in-builder.js') + ':7)');
  });

  it('a program that never trains within the budget is stopped at it, with its whole process group', async () => {
    const { outcome } = await run(request('node idles.js', { timeoutMs: 5000 }));
    assert.match(errorOf(outcome), /^`node idles\.js` trained no model within the 5 s budget/);
    assert.deepEqual(await processesLeft('idles.js'), []);
  });

  it('a launcher killed without a word (SIGKILL) takes the program with it', async () => {
    const cli = spawn(process.execPath, [path.join(DIST, 'cli.js'), 'sanity', '--from', 'node idles.js', '--timeout', '60'], { cwd: FIXTURES, stdio: 'ignore' });
    const exited = new Promise((resolve) => cli.on('exit', resolve));
    const program = () => processesRunning('idles.js').filter((line) => line.trim() === 'node idles.js');
    await until(() => program().length > 0, 20_000);
    cli.kill('SIGKILL');
    await exited;
    await until(() => processesRunning('idles.js').length === 0, 10_000);
    assert.deepEqual(await processesLeft('idles.js'), []);
  });

  it('cancel kills the program', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const { outcome } = await run(request('node idles.js'), { signal: controller.signal });
    assert.match(errorOf(outcome), /cancelled/);
    assert.deepEqual(await processesLeft('idles.js'), []);
  });

  it('a command that exits without any model says there was nothing to capture', async () => {
    const message = errorOf((await run(request('node -e "console.log(1)"'))).outcome);
    assert.match(message, /exited without building or training a tfjs model/);
  });
});
