import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { makeWorkspaceWithOwnTfjs } from './workspace-tfjs';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');
const OWN_CORE = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));

function request(file: string, overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: path.join(FIXTURES, file), steps: 30, batchSize: 8, compare: false, backend: 'auto', timeoutMs: 40_000, seed: 1, ...overrides };
}

function run(req: SanityRequest, maxMemoryMb = 2048): Promise<SanityOutcome> {
  return runSanityTrain(req, { workerScript: WORKER, maxMemoryMb });
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

function errorOf(outcome: SanityOutcome): Extract<SanityOutcome, { kind: 'error' }> {
  assert.equal(outcome.kind, 'error', 'expected a failure');
  return outcome as Extract<SanityOutcome, { kind: 'error' }>;
}

/** A CommonJS model that fails unless the workspace's own tfjs-core (and not this project's) is loaded. */
const OWN_TFJS_MODEL = `const tf = require('@tensorflow/tfjs');
exports.build = () => {
  const loaded = Object.keys(require.cache);
  if (loaded.some((f) => f.startsWith(${JSON.stringify(OWN_CORE + path.sep)}))) throw new Error('the bundled tfjs-core leaked in');
  if (!loaded.some((f) => f.startsWith(__dirname) && f.includes('tfjs-core'))) throw new Error("the workspace's tfjs-core is not loaded");
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
};
`;

describe('sanity-train on the model code people write (child process)', function () {
  this.timeout(90_000);

  describe('a workspace with its own @tensorflow/tfjs', () => {
    const roots: string[] = [];
    after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

    function workspace(coreVersion?: string): string {
      const root = makeWorkspaceWithOwnTfjs({ coreVersion });
      roots.push(root);
      fs.writeFileSync(path.join(root, 'model.js'), OWN_TFJS_MODEL);
      return path.join(root, 'model.js');
    }

    it('trains on wasm inside the workspace\'s tfjs, and says why tfjs-node was skipped', async () => {
      const report = reportOf(await run(request('', { file: workspace(), model: 'build', compare: true })));
      assert.equal(report.backend, 'wasm');
      assert.equal(report.tfjs?.source, 'workspace');
      assert.deepEqual(report.backendSkipped?.map((s) => s.name), ['tensorflow']);
      assert.match(report.backendSkipped?.[0].reason ?? '', /no @tensorflow\/tfjs-node/);
      assert.deepEqual(report.runs.map((r) => r.steps), [30, 30]);
      assert.ok(report.runs.every((r) => r.nan === null && r.accuracy !== null));
    });

    it('code that imports a tfjs-node the workspace lacks runs on the workspace\'s tfjs, with tf.node', async () => {
      const file = workspace();
      fs.writeFileSync(file, OWN_TFJS_MODEL.replace("require('@tensorflow/tfjs')", "require('@tensorflow/tfjs-node')").replace('const model = tf.sequential();', "if (typeof tf.node?.decodeImage !== 'function') throw new Error('no tf.node');\n  const model = tf.sequential();"));
      const report = reportOf(await run(request('', { file, model: 'build', steps: 5 })));
      assert.equal(report.tfjs?.source, 'workspace');
      assert.equal(report.backend, 'wasm');
      assert.match(report.backendSkipped?.[0].reason ?? '', /no @tensorflow\/tfjs-node/);
    });

    it('--backend cpu keeps the workspace\'s tfjs on cpu and says wasm was not tried', async () => {
      const report = reportOf(await run(request('', { file: workspace(), model: 'build', steps: 5, backend: 'cpu' })));
      assert.equal(report.backend, 'cpu');
      assert.equal(report.tfjs?.source, 'workspace');
      assert.match(report.backendSkipped?.find((s) => s.name === 'wasm')?.reason ?? '', /not tried/);
    });

    it('an older tfjs-core release runs the model on the bundled tfjs on wasm, and says why', async () => {
      const file = workspace('4.2.0');
      // This model insists on the workspace's copy; an older release's user code gets the bundled one instead.
      fs.writeFileSync(file, OWN_TFJS_MODEL.replace(/ {2}if \(!?loaded[^\n]*\n/g, ''));
      const report = reportOf(await run(request('', { file, model: 'build', steps: 5 })));
      assert.equal(report.backend, 'wasm');
      assert.equal(report.tfjs?.source, 'bundled');
      assert.match(report.tfjs?.reason ?? '', /needs tfjs-core 4\.17 or later in 4\.x and the workspace has 4\.2\.0/);
    });
  });

  it('a generator with two inputs (latent vector, class index into an Embedding) trains on built-in data', async () => {
    const report = reportOf(await run(request('gan.ts', { model: 'buildGenerator', steps: 40 })));
    assert.equal(report.data, 'synthetic');
    assert.equal(report.task, 'regression');
    const [only] = report.runs;
    assert.equal(only.steps, 40);
    assert.equal(only.nan, null);
    assert.ok(only.losses?.every((l) => l !== null));
    assert.ok(typeof only.error === 'number' && typeof report.baselineError === 'number');
  });

  it('a discriminator with two outputs trains with its compile()\'s loss per output and scores both', async () => {
    const report = reportOf(await run(request('gan.ts', { model: 'buildDiscriminator', steps: 60 })));
    assert.equal(report.task, 'classification');
    const outputs = report.runs[0].outputs ?? [];
    assert.deepEqual(outputs.map((o) => [o.name, o.task]), [['realness', 'classification'], ['label', 'classification']]);
    assert.ok(outputs.every((o) => o.accuracy !== null && o.accuracy > 0.5), JSON.stringify(outputs));
    assert.equal(report.runs[0].accuracy, outputs[0].accuracy);
    assert.ok(report.notes?.some((n) => /binaryCrossentropy.*sparseCategoricalCrossentropy.*compile\(\)/.test(n)));
    assert.ok(report.notes?.some((n) => /2 outputs: the headline score is the first's \(realness\)/.test(n)));
  });

  it('a tiny budget on a slow model runs fewer steps, in time, and says so', async () => {
    // More steps than any machine trains this CNN in 25 s: the budget, not the step count, must end it.
    const timeoutMs = 25_000;
    const asked = 5000;
    const started = Date.now();
    const report = reportOf(await run(request('cannot-run.ts', { model: 'slowCnn', steps: asked, batchSize: 32, timeoutMs, compare: true })));
    assert.ok(Date.now() - started < timeoutMs, 'finished inside the budget');
    const steps = report.runs.map((r) => r.steps);
    assert.ok(steps[0] < asked && steps[0] >= 1, `steps ${steps}`);
    assert.ok(report.runs.every((r) => r.stepsRequested === asked && r.stepsPlanned !== undefined && r.stepsPlanned < asked));
    assert.ok(report.notes?.some((n) => new RegExp(`ran ${steps[0] === steps[1] ? steps[0] : '.*'} of ${asked} steps.* in the 25 s budget`).test(n)), JSON.stringify(report.notes));
  });

  const images: { model: string; task: string; score: (r: SanityReport) => boolean }[] = [
    { model: 'buildGenerator', task: 'regression', score: (r) => r.runs[0].error! < r.baselineError! },
    { model: 'buildMaskNet', task: 'classification', score: (r) => r.runs[0].accuracy! > r.chanceAccuracy! },
    { model: 'buildSegmenter', task: 'classification', score: (r) => r.runs[0].accuracy! > r.chanceAccuracy! },
  ];
  for (const image of images) {
    it(`an image-shaped output (${image.model}) trains on targets of its full shape and beats the baseline`, async function () {
      // A budget far past what 100 steps need (about 10 s on wasm), so that a loaded machine still runs them all.
      this.timeout(150_000);
      const report = reportOf(await run(request('image-models.ts', { model: image.model, steps: 100, batchSize: 16, timeoutMs: 120_000 })));
      assert.equal(report.task, image.task);
      assert.equal(report.runs[0].steps, 100);
      assert.ok(image.score(report), JSON.stringify({ run: report.runs[0].accuracy ?? report.runs[0].error, chance: report.chanceAccuracy, baseline: report.baselineError }));
    });
  }

  it('the memory cap stops a model that cannot fit, naming its parameter count', async () => {
    const failure = errorOf(await run(request('cannot-run.ts', { model: 'huge', steps: 5, batchSize: 2, timeoutMs: 80_000 }), 450));
    assert.equal(failure.reason, 'memory');
    assert.match(failure.message, /18[.,]0\d* ?M? parameters|18,0\d\d,\d{3} parameters/);
    assert.match(failure.message, /450 MB memory cap/);
  });

  const failures: { model: string; message: RegExp }[] = [
    { model: 'needsJimp', message: /Cannot find module 'jimp'.*install it: npm install jimp$/ },
    // document gets an inert stand-in (browser-stand-ins.ts); reading from it is what fails, by name.
    { model: 'readsTheDom', message: /readsTheDom\(\) threw: BrowserOnlyError: document\.getElementById is browser-only; sanity-train runs your model in Node and gave the module an inert stand-in for document .* — build the model without it/ },
    { model: 'fromPixels', message: /tf\.browser\.fromPixels is browser-only/ },
  ];
  for (const f of failures) {
    it(`${f.model}: one line that says why and what to do, with the backend that was in use`, async () => {
      const failure = errorOf(await run(request('cannot-run.ts', { model: f.model, backend: 'cpu' })));
      assert.equal(failure.reason, 'threw');
      assert.match(failure.message, f.message);
      assert.ok(!failure.message.includes('\n'));
      assert.equal(failure.runtime?.backend, 'cpu');
      assert.equal(failure.runtime?.tfjs.source, 'bundled');
    });
  }
});
