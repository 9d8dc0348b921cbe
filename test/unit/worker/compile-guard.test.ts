import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { guardCompile, noOptimizerNote, unknownMetricNote, unknownMetricOf, withoutMetric } from '../../../src/worker/loading/compile-guard';

const BUILDERS = path.resolve(__dirname, '../../fixtures/sanity/builders');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

describe('compile() with a metric tfjs does not know by name', () => {
  const rows: { metrics: unknown; name: string; expected: unknown }[] = [
    { metrics: ['accuracy', 'recall'], name: 'recall', expected: ['accuracy'] },
    { metrics: 'recall', name: 'recall', expected: [] },
    { metrics: ['recall', 'recall'], name: 'recall', expected: [] },
    { metrics: { out1: ['accuracy', 'f1'], out2: 'f1' }, name: 'f1', expected: { out1: ['accuracy'], out2: [] } },
    { metrics: ['accuracy'], name: 'recall', expected: undefined },
    { metrics: undefined, name: 'recall', expected: undefined },
    { metrics: { out: 'accuracy' }, name: 'recall', expected: undefined },
  ];
  for (const row of rows) {
    it(`${JSON.stringify(row.metrics)} without '${row.name}' → ${JSON.stringify(row.expected)}`, () => {
      assert.deepEqual(withoutMetric(row.metrics as never, row.name), row.expected);
    });
  }

  it('reads the name from tfjs’s own error, and nothing else', () => {
    assert.equal(unknownMetricOf(new Error('Unknown metric recall')), 'recall');
    assert.equal(unknownMetricOf(new Error('Unknown loss foo')), undefined);
    assert.equal(unknownMetricOf('Unknown metric recall'), undefined);
  });

  it('the note says the program throws there too and what to pass instead', () => {
    assert.equal(
      unknownMetricNote(['recall'], 'gru.js:12', '4.22.0'),
      "your model.compile() at gru.js:12 asks for the metric 'recall', which tfjs 4.22.0 does not know by name: it throws there in your program too. Trained without it (metrics do not change training); pass a metric function (e.g. tf.metrics.recall) where tfjs has one",
    );
  });

  /** A one-layer model, not compiled. */
  const make = () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [2], units: 1 }));
    return model;
  };

  it('while guarded, compile() keeps the known metrics and the optimizer; restored, it throws as tfjs does', () => {
    const guard = guardCompile(tf);
    const model = make();
    try {
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mse', 'recall', 'f1score'] });
    } finally {
      guard.restore();
    }
    assert.deepEqual(model.metricsNames, ['loss', 'mse']);
    assert.equal(guard.notes.length, 1);
    assert.match(guard.notes[0], /the metrics 'recall', 'f1score', which tfjs/);
    assert.throws(() => make().compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['recall'] }), /Unknown metric recall/);
  });

  it('while guarded, compile() given no optimizer compiles with Adam and keeps the loss; restored, it throws as tfjs does', () => {
    const guard = guardCompile(tf);
    const model = make();
    try {
      model.compile({ optimizer: undefined as unknown as string, loss: 'meanAbsoluteError' });
    } finally {
      guard.restore();
    }
    assert.equal(model.optimizer.getClassName(), 'Adam');
    assert.equal(model.loss, 'meanAbsoluteError');
    assert.equal(guard.notes.length, 1);
    assert.match(guard.notes[0], /^your model\.compile\(\) at .*compile-guard\.test\.ts:\d+ gets optimizer undefined \(a value read before it is set\?\): tfjs throws there/);
    assert.throws(() => make().compile({ optimizer: undefined as unknown as string, loss: 'meanAbsoluteError' }), /reading 'minimize'/);
  });

  it('the note for no optimizer says what was given and what ran', () => {
    assert.equal(
      noOptimizerNote('null', 'agent.js:17'),
      `your model.compile() at agent.js:17 gets optimizer null (a value read before it is set?): tfjs throws there in your program too ("Cannot read properties of undefined (reading 'minimize')"). Sanity-train compiled that call with Adam (tfjs's default learning rate) and its loss, to go on`,
    );
  });

  it('a constructor that builds before it sets the optimizer its compile() reads: it gets past it, said first, and the builder called afterwards trains with its own optimizer', async () => {
    const request: SanityRequest = { file: path.join(BUILDERS, 'late-optimizer.js'), model: 'ReplayAgent.buildNetwork', ctorArgs: [6, 3], steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
    const outcome: SanityOutcome = await runSanityTrain(request, { workerScript: WORKER, maxMemoryMb: 2048 });
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.equal(report.runs[0].steps, 2);
    assert.match(report.notes?.[0] ?? '', /^your model\.compile\(\) at .*late-optimizer\.js:18 gets optimizer undefined/);
    assert.equal(report.notes?.filter((n) => n.includes('gets optimizer undefined')).length, 1, 'said once for the two networks');
    assert.ok(report.notes?.some((n) => /^optimizer: Adam \(lr 0\.0005\), custom loss, from the model's compile\(\)$/.test(n)), JSON.stringify(report.notes));
  });

  it('a builder whose compile() names one: it trains with its own loss, and the first note says where it throws', async () => {
    const request: SanityRequest = { file: path.join(BUILDERS, 'unknown-metric.js'), model: 'SequenceClassifier.buildModel', ctorArgs: [3, 2], steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
    const outcome: SanityOutcome = await runSanityTrain(request, { workerScript: WORKER, maxMemoryMb: 2048 });
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.equal(report.runs[0].steps, 2);
    assert.match(report.notes?.[0] ?? '', /^your model\.compile\(\) at .*unknown-metric\.js:16 asks for the metric 'recall'/);
  });
});
