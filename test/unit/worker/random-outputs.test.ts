import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { randomOutputs } from '../../../src/worker/data/random-outputs';

/** Adds Gaussian noise in every call, training or not (unlike tf.layers.gaussianNoise, which is off in inference). */
class AlwaysNoisy extends tf.layers.Layer {
  static get className(): string {
    return 'AlwaysNoisy';
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => x.add(tf.randomNormal(x.shape)));
  }
}

function twoHeads(second: (h: tf.SymbolicTensor) => tf.SymbolicTensor): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const h = tf.layers.dense({ units: 8, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const normed = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  const first = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(normed) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [first, second(normed)] });
}

describe('randomOutputs (outputs that differ between two calls on the same input)', () => {
  const xs = tf.randomNormal([10, 6]);
  after(() => xs.dispose());

  const rows: [string, () => tf.LayersModel, number[]][] = [
    ['a sampled second output', () => twoHeads((h) => new AlwaysNoisy({}).apply(tf.layers.dense({ units: 2 }).apply(h)) as tf.SymbolicTensor), [1]],
    ['dropout and batch norm (off and fixed in inference): none', () => twoHeads((h) => tf.layers.dropout({ rate: 0.5 }).apply(tf.layers.dense({ units: 2 }).apply(h)) as tf.SymbolicTensor), []],
    ['tfjs gaussianNoise (off in inference): none', () => twoHeads((h) => tf.layers.gaussianNoise({ stddev: 1 }).apply(tf.layers.dense({ units: 2 }).apply(h)) as tf.SymbolicTensor), []],
  ];
  for (const [title, build, expected] of rows) {
    it(title, () => {
      const model = build();
      assert.deepEqual(randomOutputs(tf, model, xs), expected);
      model.dispose();
    });
  }

  it('a single output is never marked (there would be nothing left to train)', () => {
    const input = tf.input({ shape: [6] });
    const model = tf.model({ inputs: input, outputs: new AlwaysNoisy({}).apply(tf.layers.dense({ units: 2 }).apply(input)) as tf.SymbolicTensor });
    assert.deepEqual(randomOutputs(tf, model, xs), []);
    model.dispose();
  });

  it('leaves no tensors behind', () => {
    const model = twoHeads((h) => new AlwaysNoisy({}).apply(tf.layers.dense({ units: 2 }).apply(h)) as tf.SymbolicTensor);
    randomOutputs(tf, model, xs);
    const before = tf.memory().numTensors;
    randomOutputs(tf, model, xs);
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });
});
