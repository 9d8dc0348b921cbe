import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { modelKeptInVariable, unwrapModel } from '../../../src/worker/loading/wrapped-model';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity/holders');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

function request(file: string, overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: path.join(FIXTURES, file), steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic', ...overrides };
}

async function run(req: SanityRequest): Promise<SanityOutcome> {
  return runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
}

describe('models held in an array or an instance (unwrapModel)', () => {
  const plain = () => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  const normed = () => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] }), tf.layers.batchNormalization()] });
  const outer = (inner: tf.LayersModel) => tf.sequential({ layers: [inner, tf.layers.dense({ units: 1 })] });
  const [g, d, e, n] = [plain(), normed(), plain(), normed()];
  const wrapsNormed = outer(n);
  class Duo {
    constructor(
      readonly enc: tf.LayersModel,
      readonly dec: tf.LayersModel,
    ) {}
  }
  const rows: { what: string; value: unknown; how?: string; model?: tf.LayersModel; note?: string }[] = [
    { what: '[generator, discriminator]: the one with batch norm', value: [g, d], model: d, note: 'f() returned an array of 2 (2 models): sanity-train trains element [1] of 2, the first model with a batch-norm layer' },
    { what: '[enc, dec, run]: models among other things', value: [d, e, (x: number) => x], model: d, note: 'f() returned an array of 3 (2 models): sanity-train trains element [0] of 3, the first model with a batch-norm layer' },
    { what: 'no model has batch norm: the first model', value: [0.5, g, e], model: g, note: 'f() returned an array of 3 (2 models): sanity-train trains element [1] of 3, the first model (none has a batch-norm layer)' },
    { what: 'batch norm inside a nested model counts', value: [g, wrapsNormed], model: wrapsNormed, note: 'f() returned an array of 2 (2 models): sanity-train trains element [1] of 2, the first model with a batch-norm layer' },
    { what: 'an array without a model', value: [1, 'two', { three: 3 }] },
    { what: 'an empty array', value: [] },
    { what: 'a class instance kept in a module variable', value: new Duo(g, d), how: 'returned nothing and kept in `net`', model: g, note: 'f() returned nothing and kept in `net` a Duo that holds 2 models (enc, dec): sanity-train trains .enc' },
    { what: 'an array kept in a module variable', value: [e], how: 'returned nothing and kept in `nets`', model: e, note: 'f() returned nothing and kept in `nets` an array of 1 (1 model): sanity-train trains element [0] of 1, the only model' },
  ];
  for (const row of rows) {
    it(row.what, () => {
      const found = row.how === undefined ? unwrapModel(row.value, 'f()') : unwrapModel(row.value, 'f()', row.how);
      assert.equal(found?.model, row.model);
      assert.equal(found?.note, row.note);
    });
  }
});

describe('what a builder that returned nothing kept in a module variable (modelKeptInVariable)', () => {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
  class Agent {
    constructor(readonly model: tf.LayersModel) {}
  }
  const rows: { what: string; value: unknown; model?: tf.LayersModel; note?: string }[] = [
    { what: 'the model itself', value: m, model: m, note: 'setUp() returned nothing; trained the model it assigned to `net`' },
    { what: 'an object holding it', value: { model: m, lr: 0.1 }, model: m, note: 'setUp() returned nothing and kept in `net` an object that holds the model in .model: sanity-train trains that model' },
    { what: 'an array holding it', value: [m, 3], model: m, note: 'setUp() returned nothing and kept in `net` an array of 2 (1 model): sanity-train trains element [0] of 2, the only model' },
    { what: 'one level further down', value: { agent: new Agent(m), steps: 3 }, model: m, note: 'setUp() returned nothing; `net` holds the model one level down, in net.agent.model: sanity-train trains that model' },
    { what: 'nothing that holds a model', value: { units: 3 } },
    { what: 'undefined', value: undefined },
  ];
  for (const row of rows) {
    it(row.what, () => {
      const found = modelKeptInVariable(row.value, 'net', 'setUp()');
      assert.equal(found?.model, row.model);
      assert.equal(found?.note, row.note);
    });
  }
});

describe('model holders run (through the worker)', function () {
  this.timeout(90_000);
  const rows: { file: string; model: string; norm: string; note?: string }[] = [
    { file: 'two-part.js', model: 'TwoPart', norm: 'batchNormalization', note: 'TwoPart holds 2 models (enc, dec): sanity-train trains this.enc' },
    { file: 'two-part.js', model: 'TwoPart.make', norm: 'batchNormalization', note: 'TwoPart.make() returned an array of 3 (2 models): sanity-train trains element [0] of 3, the first model with a batch-norm layer' },
    { file: 'two-part.js', model: 'setUp', norm: 'batchNormalization', note: 'setUp() returned nothing and kept in `net` a TwoPart that holds 2 models (enc, dec): sanity-train trains .enc' },
    { file: 'two-part.js', model: 'build', norm: 'batchNormalization', note: 'build() returned an array of 2 (2 models): sanity-train trains element [1] of 2, the first model with a batch-norm layer' },
    { file: 'unlisted.js', model: 'prepare', norm: 'none', note: 'prepare() returned nothing and kept in `pair` an object that holds the model in .m: sanity-train trains that model' },
  ];
  for (const row of rows) {
    it(`${row.file} --model ${row.model}`, async () => {
      const outcome = await run(request(row.file, { model: row.model, ctorArgs: row.model.startsWith('TwoPart') ? [{ features: 5, code: 2 }] : undefined }));
      assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
      const report = (outcome as { report: SanityReport }).report;
      assert.equal(report.runs[0].steps, 2);
      assert.equal(report.runs[0].norm, row.norm);
      if (row.note !== undefined) {
        assert.ok(report.notes?.includes(row.note), JSON.stringify(report.notes));
      }
    });
  }

  it('no --model: the function that keeps an instance is picked (it needs no arguments)', async () => {
    const outcome = await run(request('two-part.js'));
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
    assert.equal((outcome as { report: SanityReport }).report.call?.model, 'setUp');
  });

  it('a function the analysis did not list, keeping no model: the failure names the variable it assigned', async () => {
    const outcome = await run(request('unlisted.js', { model: 'prepareNothing' }));
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /^prepareNothing\(\) returned undefined and `settings` holds an Object, not a tf\.LayersModel/);
  });
});
