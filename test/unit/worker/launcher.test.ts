import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest, WorkerMessage } from '../../../src/core/training/protocol';
import { findPackageRoot, runSanityTrain } from '../../../src/worker/launcher';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

function request(file: string, overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: path.join(FIXTURES, file), steps: 40, batchSize: 8, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, ...overrides };
}

async function run(req: SanityRequest, onMessage?: (m: WorkerMessage) => void, signal?: AbortSignal): Promise<{ outcome: SanityOutcome; seconds: number }> {
  const started = Date.now();
  const outcome = await runSanityTrain(req, { workerScript: WORKER, onMessage, signal, maxMemoryMb: 2048 });
  return { outcome, seconds: (Date.now() - started) / 1000 };
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

function lineOf(file: string, needle: string): number {
  return fs.readFileSync(path.join(FIXTURES, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('runSanityTrain (child process)', function () {
  this.timeout(60_000);

  it('a healthy tiny model beats chance on held-out synthetic data, and sibling ES-module imports work', async () => {
    const messages: WorkerMessage[] = [];
    const { outcome } = await run(request('healthy.ts', { steps: 150 }), (m) => messages.push(m));
    const report = reportOf(outcome);
    assert.equal(report.data, 'synthetic');
    assert.equal(report.task, 'classification');
    assert.equal(report.backend, 'cpu');
    assert.equal(report.model, 'buildModel');
    const [only] = report.runs;
    assert.equal(only.norm, 'batchNormalization');
    assert.equal(only.steps, 150);
    assert.equal(only.nan, null);
    assert.deepEqual(only.exploding, []);
    assert.ok(only.accuracy !== null && only.accuracy > 0.5, `accuracy ${only.accuracy} should beat 1/3`);
    assert.ok(only.finalLoss !== null && only.finalLoss < Math.log(3), `final loss ${only.finalLoss} should be below chance level ln 3`);
    const progress = messages.filter((m) => m.type === 'progress');
    assert.ok(progress.length >= 10);
    assert.equal(progress[progress.length - 1].type === 'progress' && progress[progress.length - 1].step, 150);
  });

  it('compare trains the swapped copy on the same seed and data', async () => {
    const report = reportOf((await run(request('healthy.ts', { steps: 60, compare: true }))).outcome);
    assert.deepEqual(report.runs.map((r) => r.norm), ['batchNormalization', 'runningBatchNorm']);
    assert.ok(report.runs.every((r) => r.nan === null && r.steps === 60 && r.accuracy !== null));
    assert.notDeepEqual(report.runs[0].losses, report.runs[1].losses);
  });

  it('compare on a model without batch norm runs once and says why', async () => {
    const report = reportOf((await run(request('custom-data.ts', { model: 'notExported', steps: 5, compare: true }))).outcome);
    assert.equal(report.runs.length, 1);
    assert.ok(report.notes?.some((n) => /no BatchNormalization or RunningBatchNorm layer to swap/.test(n)));
  });

  it('the same seed gives the same losses', async () => {
    const a = reportOf((await run(request('healthy.ts', { steps: 20 }))).outcome);
    const b = reportOf((await run(request('healthy.ts', { steps: 20 }))).outcome);
    assert.deepEqual(a.runs[0].losses, b.runs[0].losses);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`an exploding model gets NaN/Inf with the layer, its class and its source line, and an explosion warning first (${backend})`, async () => {
      const { outcome } = await run(request('exploding.ts', { model: 'buildModel', backend }));
      assert.equal(reportOf(outcome).backend, backend);
      const run0 = reportOf(outcome).runs[0];
      assert.ok(run0.nan, 'expected a NaN finding');
      assert.ok(run0.nan.step <= 10);
      assert.equal(run0.nan.className, 'Dense');
      assert.match(run0.nan.layer, /Dense2$/);
      assert.deepEqual(run0.nan.source, { file: path.join(FIXTURES, 'exploding.ts'), line: lineOf('exploding.ts', 'tf.layers.dense({ units: 8 }),') });
      assert.equal(run0.steps, run0.nan.step, 'the run stops at the first non-finite step');
      assert.equal(run0.accuracy, null);
      assert.ok(run0.exploding.some((w) => w.layer === run0.nan!.layer && w.growth > 100 && w.step < run0.nan!.step));
    });
  }

  it('a finite forward pass with a NaN gradient names the layer whose backward pass made it', async () => {
    const run0 = reportOf((await run(request('gradient-nan.ts', { backend: 'auto' }))).outcome).runs[0];
    assert.equal(run0.nan?.where, 'gradient');
    assert.equal(run0.nan?.className, 'SqrtRelu');
    assert.equal(run0.nan?.source?.line, lineOf('gradient-nan.ts', 'new SqrtRelu'));
  });

  it('names the layer in a functional model by its explicit name', async () => {
    const run0 = reportOf((await run(request('exploding.ts', { model: 'buildFunctional' }))).outcome).runs[0];
    assert.equal(run0.nan?.layer, 'culprit');
    assert.equal(run0.nan?.source?.line, lineOf('exploding.ts', "name: 'culprit'"));
  });

  it('resolves a NodeNext-style ./x.js import to the sibling x.ts, and awaits an async factory', async () => {
    const report = reportOf((await run(request('nodenext.ts', { steps: 5 }))).outcome);
    assert.equal(report.model, 'build');
    assert.equal(report.task, 'classification');
    assert.equal(report.runs[0].steps, 5);
  });

  it('uses sanityData() and finds a non-exported factory by name', async () => {
    const report = reportOf((await run(request('custom-data.ts', { model: 'notExported', steps: 200 }))).outcome);
    assert.equal(report.data, 'custom');
    assert.equal(report.runs[0].nan, null);
    assert.ok(report.runs[0].accuracy !== null);
  });

  it('trains on real digits when the model takes 28×28×1 and outputs 10 classes', async () => {
    const report = reportOf((await run(request('mnist-cnn.ts', { steps: 60 }))).outcome);
    assert.equal(report.data, 'mnist');
    assert.ok(report.runs[0].accuracy! > 0.2, `accuracy ${report.runs[0].accuracy} should beat 10% chance`);
  });

  const failures: { model: string; reason: string; message: RegExp; timeoutMs?: number }[] = [
    { model: 'throws', reason: 'threw', message: /throws\(\) threw: Error: cannot build the model today \(at .*failing\.ts:5\)/ },
    { model: 'notAModel', reason: 'notAModel', message: /notAModel\(\) returned a Tensor, not a tf\.LayersModel/ },
    // What the build waits on is heard every 2 s, and computing is said after 6 s of silence (three missed
    // reports): the budgets leave that much after the 2 to 4 s a slow machine takes to load tfjs.
    { model: 'hangs', reason: 'timeout', message: /8 s budget \(before the first training step: loading the module and building the model, since [\d.]+ s; its code was waiting on something that never came \(no download, file or child process was open\)\)$/, timeoutMs: 8000 },
    { model: 'spins', reason: 'timeout', message: /12 s budget \(before the first training step: loading the module and building the model, since [\d.]+ s; its code was computing: the event loop gave no answer for the last \d+ s\); raise the timeout/, timeoutMs: 12000 },
    { model: 'downloads', reason: 'timeout', message: /8 s budget \(before the first training step: loading the module and building the model, since [\d.]+ s; its code was waiting on a network socket \(3\)\); the code fetches or connects to something while it builds/, timeoutMs: 8000 },
    { model: 'missing', reason: 'noFactory', message: /has no function 'missing'/ },
  ];
  for (const f of failures) {
    it(`a factory that ${f.model === 'missing' ? 'does not exist' : f.model} fails cleanly with reason ${f.reason}`, async () => {
      const limit = f.timeoutMs ?? 30_000;
      const { outcome, seconds } = await run(request('failing.ts', { model: f.model, timeoutMs: limit }));
      assert.equal(outcome.kind, 'error');
      assert.equal(outcome.kind === 'error' && outcome.reason, f.reason);
      assert.match((outcome as { message: string }).message, f.message);
      assert.ok(seconds < limit / 1000 + 3, `took ${seconds} s`);
    });
  }

  it('a file without a factory says so', async () => {
    const { outcome } = await run(request('shared.js'));
    assert.equal(outcome.kind === 'error' && outcome.reason, 'noFactory');
  });

  it('cancellation kills the worker promptly', async () => {
    const controller = new AbortController();
    const { outcome, seconds } = await run(request('healthy.ts', { steps: 100_000, timeoutMs: 60_000 }), (m) => {
      if (m.type === 'progress' && m.step >= 1000) {
        controller.abort();
      }
    }, controller.signal);
    assert.equal(outcome.kind === 'error' && outcome.reason, 'cancelled');
    assert.match((outcome as { message: string }).message, /step \d+ of \d+/);
    assert.ok(seconds < 30);
  });

  it('writes nothing into the workspace', async () => {
    const snapshot = () => fs.readdirSync(FIXTURES).map((f) => `${f}:${fs.statSync(path.join(FIXTURES, f)).mtimeMs}`).sort();
    const before = snapshot();
    await run(request('healthy.ts', { steps: 5 }));
    assert.deepEqual(snapshot(), before);
  });

  it("uses the workspace's own tfjs when it has one, and says so", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-ws-'));
    const pkg = path.join(root, 'node_modules', '@tensorflow', 'tfjs');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), '{"name":"ws","private":true}');
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"@tensorflow/tfjs","version":"4.22.0","main":"index.js"}');
    // The workspace's "install" forwards to a real tfjs and marks that it was the one loaded.
    fs.writeFileSync(path.join(pkg, 'index.js'), `globalThis.__workspaceTfjs = true;\nmodule.exports = require(${JSON.stringify(require.resolve('@tensorflow/tfjs'))});\n`);
    fs.writeFileSync(path.join(root, 'model.ts'), "import * as tf from '@tensorflow/tfjs';\nexport const build = () => {\n  if (!(globalThis as any).__workspaceTfjs) throw new Error('bundled tfjs leaked in');\n  return tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });\n};\n");
    try {
      const report = reportOf((await run({ ...request('healthy.ts'), file: path.join(root, 'model.ts'), steps: 5, backend: 'auto' })).outcome);
      assert.equal(report.tfjs?.source, 'workspace');
      assert.equal(report.runs[0].steps, 5);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs a workspace without tfjs installed on the bundled tfjs (every tfjs import style)', async () => {
    // Outside this checkout, so no node_modules up the tree can resolve tfjs for the user's file.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-bare-'));
    fs.writeFileSync(path.join(root, 'package.json'), '{"name":"bare","private":true}');
    fs.writeFileSync(
      path.join(root, 'model.ts'),
      "import * as tf from '@tensorflow/tfjs';\nimport { layers } from '@tensorflow/tfjs-layers';\nimport * as node from '@tensorflow/tfjs-node';\n" +
        "export const build = () => tf.sequential({ layers: [layers.dense({ units: 4, inputShape: [3] }), node.layers.batchNormalization(), tf.layers.dense({ units: 2, activation: 'softmax' })] });\n",
    );
    try {
      const report = reportOf((await run({ ...request('healthy.ts'), file: path.join(root, 'model.ts'), steps: 5, backend: 'auto', compare: true })).outcome);
      assert.equal(report.tfjs?.source, 'bundled');
      assert.deepEqual(report.runs.map((r) => r.steps), [5, 5]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports the bundled tfjs otherwise', async () => {
    const report = reportOf((await run(request('healthy.ts', { steps: 2 }))).outcome);
    assert.equal(report.tfjs?.source, 'bundled');
    assert.match(report.tfjs?.version ?? '', /^\d+\.\d+\.\d+/);
  });

  it('runs the worker in the package root of the file', () => {
    assert.equal(findPackageRoot(path.join(FIXTURES, 'healthy.ts')), path.resolve(__dirname, '../../..'));
  });
});
