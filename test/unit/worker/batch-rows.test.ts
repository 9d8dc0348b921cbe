import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { checkRowsKept } from '../../../src/worker/training/batch-rows';

/** A custom layer in the shape of a mixture-of-experts gate that sums over the batch: one row whatever the batch. */
class SumOverBatch extends tf.layers.Layer {
  static className = 'SumOverBatch';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.sum(Array.isArray(inputs) ? inputs[0] : inputs, 0, true);
  }
}

function model(collapse: boolean): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers.dense({ units: 3, name: 'hidden' }).apply(input) as tf.SymbolicTensor;
  const mixed = collapse ? (new SumOverBatch({ name: 'gate' }).apply(hidden) as tf.SymbolicTensor) : hidden;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(mixed) as tf.SymbolicTensor });
}

describe('a model output that does not keep one row per example', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('names the first layer that loses the batch, with the rows it returns', () => {
    const m = model(true);
    const xs = tf.randomNormal([10, 4]);
    const predicted = m.predict(xs, { batchSize: 4 }) as tf.Tensor;
    assert.throws(
      () => checkRowsKept(tf, m, xs, predicted),
      (err: Error) => err.message === 'the model returned 3 rows for 10 held-out examples: its layer "gate" (SumOverBatch) returns 1 row for 3 examples, so its output does not keep one row per example and cannot be scored per example (fit() in your program broadcasts it against the labels, so it may still train there)',
    );
  });

  it('a model that keeps the batch passes', () => {
    const m = model(false);
    const xs = tf.randomNormal([10, 4]);
    assert.doesNotThrow(() => checkRowsKept(tf, m, xs, m.predict(xs) as tf.Tensor));
  });
});
