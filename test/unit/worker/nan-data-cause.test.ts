import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { nonFiniteDataCause } from '../../../src/worker/training/nan-replay';

describe('a NaN whose cause is the data itself', () => {
  const rows: [string, () => [tf.Tensor | tf.Tensor[], tf.Tensor], string | undefined][] = [
    ['finite data: no cause from it', () => [tf.ones([4, 2]), tf.zeros([4, 1])], undefined],
    ['NaN targets', () => [tf.ones([4, 2]), tf.tensor2d([[NaN], [1], [NaN], [0]])], 'the batch held NaN/Inf before the model saw it, in its targets (2 of 4 values): the data fed to training has them, so the loss cannot be finite'],
    ['an Inf among two inputs, and NaN targets', () => [[tf.ones([2, 2]), tf.tensor2d([[Infinity], [1]])], tf.tensor2d([[NaN], [NaN]])], 'the batch held NaN/Inf before the model saw it, in its targets (2 of 2 values) and its inputs (1 of 6 values): the data fed to training has them, so the loss cannot be finite'],
    ['integer inputs (token ids) are counted too', () => [tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.tensor2d([[1]])], undefined],
  ];
  for (const [title, make, expected] of rows) {
    it(title, () => {
      const [x, y] = make();
      assert.equal(nonFiniteDataCause(tf, x, y), expected);
    });
  }

  it('through the worker: labels parsed from text are NaN, and the finding says the data is the cause', async function () {
    this.timeout(60_000);
    const req: SanityRequest = { file: path.resolve(__dirname, '../../fixtures/sanity/nan-labels.ts'), model: 'classifier', steps: 5, batchSize: 8, compare: false, backend: 'cpu', timeoutMs: 40_000, seed: 1 };
    const outcome = await runSanityTrain(req, { workerScript: path.resolve(__dirname, '../../../src/worker/sanity-worker.ts'), maxMemoryMb: 2048 });
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.equal(report.data, 'custom');
    assert.equal(report.runs[0]!.nan?.step, 1);
    assert.equal(report.runs[0]!.nan?.cause, 'the batch held NaN/Inf before the model saw it, in its targets (8 of 8 values): the data fed to training has them, so the loss cannot be finite');
  });
});
