import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { findModelBuilders } from '../../../src/core/analysis/builders/model-builders';
import { findHeldModel, heldModelNote } from '../../../src/worker/loading/held-model';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const FILE = path.resolve(__dirname, '../../fixtures/sanity/builders/agent-factories.js');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');
const CJS = "const tf = require('@tensorflow/tfjs');\n";
const NET = 'function net() { const m = tf.sequential(); m.add(tf.layers.dense({ units: 2, inputShape: [2] })); return m; }\n';

describe('builders that return an object holding the model', () => {
  const rows: [string, string, string[]][] = [
    ['a factory returning `new C()` of a class whose constructor builds a model', `${CJS}class Agent { constructor() { this.model = tf.sequential(); } }\nfunction make() { return new Agent(); }\nmodule.exports = { make };`, ['Agent', 'make']],
    ['a factory handing a built model to a wrapper', `${CJS}${NET}class Holder { constructor(n) { this.n = n; } }\nfunction wrap() { return new Holder(net()); }\nmodule.exports = { wrap };`, ['net', 'wrap']],
    ['a factory returning some other object is none', `${CJS}${NET}class Config { constructor(a) { this.a = a; } }\nfunction settings() { return new Config(3); }\nmodule.exports = { settings, net };`, ['net']],
  ];
  for (const [title, code, expected] of rows) {
    it(title, () => {
      assert.deepEqual(findModelBuilders(code, 'f.js').map((b) => b.id), expected);
    });
  }

  it('the held model: own property (model first), else a model-named method or getter', async () => {
    const m = () => { const s = tf.sequential(); s.add(tf.layers.dense({ units: 1, inputShape: [1] })); return s; };
    const a = m();
    const b = m();
    const twin = { target: b, model: a, rate: 1 };
    assert.deepEqual(await findHeldModel(twin).then((h) => [h?.model === a, h?.via, h?.others]), [true, '.model', ['target']]);
    class Private {
      #n = a;
      network() { return this.#n; }
      reset(x: number) { return x; }
    }
    assert.deepEqual(await findHeldModel(new Private()).then((h) => [h?.model === a, h?.via]), [true, '.network()']);
    class Getter {
      get model() { return b; }
    }
    assert.deepEqual(await findHeldModel(new Getter()).then((h) => [h?.model === b, h?.via]), [true, '.model']);
    assert.equal(await findHeldModel({ weights: [1] }), undefined);
    assert.equal(await findHeldModel(a), undefined);
    assert.equal(heldModelNote('make()', new Private(), { model: a, via: '.network()', others: [] }), 'make() returned a Private, not a model: sanity-train trains the model its .network() gives');
  });
});

describe('builders that return an object holding the model (through the worker)', function () {
  this.timeout(60_000);
  const run = (model: string, args?: unknown[]): Promise<SanityOutcome> => {
    const req: SanityRequest = { file: FILE, model, ...(args ? { args } : {}), steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
    return runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
  };
  const reportOf = (outcome: SanityOutcome): SanityReport => {
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    return (outcome as { report: SanityReport }).report;
  };

  it('an agent with two networks: trains .model and says so', async () => {
    const code = fs.readFileSync(FILE, 'utf8');
    assert.deepEqual(findModelBuilders(code, FILE).map((b) => b.id), ['TwinAgent', 'TwinAgent.buildNet', 'policyNet', 'createAgent', 'createPolicy']);
    const report = reportOf(await run('createAgent', [{}]));
    assert.ok(report.notes?.includes('createAgent() returned a TwinAgent, not a model: sanity-train trains the model its .model holds (it also holds target)'), JSON.stringify(report.notes));
    assert.equal(report.runs[0].steps, 2);
  });

  it('a wrapper keeping its network in a private field: trains what network() gives', async () => {
    const report = reportOf(await run('createPolicy', [5, 3]));
    assert.ok(report.notes?.includes('createPolicy() returned a PolicyHolder, not a model: sanity-train trains the model its .network() gives'), JSON.stringify(report.notes));
    assert.equal(report.runs[0].norm, 'batchNormalization');
  });
});
