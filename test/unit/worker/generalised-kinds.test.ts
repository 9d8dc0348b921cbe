import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { withoutImportMeta } from '../../../src/worker/loading/module-loader';
import { unwrapModel } from '../../../src/worker/loading/wrapped-model';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity/generalised');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

function request(file: string, overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: path.join(FIXTURES, file), steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic', ...overrides };
}

async function run(req: SanityRequest): Promise<SanityOutcome> {
  return runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

describe('import.meta in an ES module transpiled to CommonJS', () => {
  const rows: { code: string; expected: string }[] = [
    { code: 'const here = url.fileURLToPath(import.meta.url);', expected: 'const here = url.fileURLToPath(require("node:url").pathToFileURL(__filename).href);' },
    { code: 'const d = import.meta.dirname, f = import.meta.filename;', expected: 'const d = __dirname, f = __filename;' },
    { code: 'const mode = import.meta.env.MODE;', expected: 'const mode = ({ url: require("node:url").pathToFileURL(__filename).href, filename: __filename, dirname: __dirname, env: {} }).env.MODE;' },
    { code: 'const important = meta.url; // no import.meta here', expected: 'const important = meta.url; // no ({ url: require("node:url").pathToFileURL(__filename).href, filename: __filename, dirname: __dirname, env: {} }) here' },
    { code: 'const plain = 1;', expected: 'const plain = 1;' },
  ];
  for (const row of rows) {
    it(row.code, () => {
      assert.equal(withoutImportMeta(row.code), row.expected);
    });
  }
});

describe('a builder that returns an object wrapping the model', () => {
  const net = () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 2, inputShape: [3] }));
    return m;
  };
  class Holder {
    #inner: tf.LayersModel;
    constructor(inner: tf.LayersModel) {
      this.#inner = inner;
    }
    network(): tf.LayersModel {
      return this.#inner;
    }
  }
  const a = net();
  const b = net();
  const rows: { what: string; value: unknown; model?: tf.LayersModel; note?: string }[] = [
    { what: '{ error, model }', value: { error: false, model: a }, model: a, note: 'f() returned an object that holds the model in .model: sanity-train trains that model' },
    { what: 'one model under another name', value: { net: b, lr: 0.1 }, model: b, note: 'f() returned an object that holds the model in .net: sanity-train trains that model' },
    { what: 'two models, one named model', value: { target: b, model: a }, model: a, note: 'f() returned an object that holds 2 models (target, model): sanity-train trains .model' },
    { what: 'a class keeping it private behind network()', value: new Holder(b), model: b, note: 'f() returned a Holder whose network() gives the model: sanity-train trains that model' },
    { what: 'no model inside', value: { error: true, message: 'no data' } },
    { what: 'an array', value: [a] },
    { what: 'null', value: null },
  ];
  for (const row of rows) {
    it(row.what, () => {
      const found = unwrapModel(row.value, 'f()');
      assert.equal(found?.model, row.model);
      assert.equal(found?.note, row.note);
    });
  }
});

describe('generalised kinds run (through the worker)', function () {
  this.timeout(90_000);

  it('an ES module whose sibling uses import.meta.url for its folder loads', async () => {
    const report = reportOf(await run(request('esm-meta/grid-net.js', { model: 'gridNet', args: [6, 6, 1] })));
    assert.equal(report.runs[0].steps, 2);
  });

  it('a builder returning { error, model } trains the model, with a note', async () => {
    const report = reportOf(await run(request('wrapped-result.ts', { model: 'classifierResult', args: [5, 3] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('classifierResult() returned an object that holds the model in .model: sanity-train trains that model'), JSON.stringify(report.notes));
  });

  it('a builder returning a class that hands out its private model through network()', async () => {
    const report = reportOf(await run(request('wrapped-result.ts', { model: 'policyHolder', args: [5, 2] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('policyHolder() returned a PolicyHolder whose network() gives the model: sanity-train trains that model'), JSON.stringify(report.notes));
  });

  it('a missing package used at load through `import * as ns` (new ns.Type()) gets a constructible stand-in', async () => {
    const report = reportOf(await run(request('namespace-stand-in.js', { model: 'actionNet', args: [5] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('rbn-fixture-codec-that-is-not-installed is not installed')), JSON.stringify(report.notes));
  });
});
