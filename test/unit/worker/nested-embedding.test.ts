import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { describeModelIO } from '../../../src/worker/data/multi-io-data';

/** A generator that embeds its class input, and a combined model handing both inputs to it. */
function combined(): { outer: tf.LayersModel; generator: tf.LayersModel } {
  const z = tf.input({ shape: [4] });
  const label = tf.input({ shape: [1] });
  const embedded = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: 7, outputDim: 4 }).apply(label)) as tf.SymbolicTensor;
  const generator = tf.model({ inputs: [z, label], outputs: tf.layers.dense({ units: 3 }).apply(tf.layers.multiply().apply([z, embedded])) as tf.SymbolicTensor });
  const outerZ = tf.input({ shape: [4] });
  const outerLabel = tf.input({ shape: [1] });
  const outer = tf.model({ inputs: [outerZ, outerLabel], outputs: generator.apply([outerZ, outerLabel]) as tf.SymbolicTensor });
  return { outer, generator };
}

describe('inputs that feed an Embedding', () => {
  it('directly: the integer range is its inputDim', () => {
    const { generator } = combined();
    assert.deepEqual(describeModelIO(generator).inputs.map((i) => i.integerRange), [undefined, 7]);
  });

  it('through a nested model they are handed to (a combined GAN): the same', () => {
    const { outer } = combined();
    assert.deepEqual(describeModelIO(outer).inputs.map((i) => i.integerRange), [undefined, 7]);
  });

  it('through a custom layer that holds one (a mean embedding of the items a user bought): its inputDim', () => {
    class MeanEmbedding extends tf.layers.Layer {
      static readonly className = 'MeanEmbeddingForTest';
      private readonly embedding = tf.layers.embedding({ inputDim: 50, outputDim: 4 });
      override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
        return [(shape as tf.Shape)[0], 4];
      }
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tf.tidy(() => (this.embedding.apply(Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor).mean(1));
      }
    }
    const items = tf.input({ shape: [5] });
    const other = tf.input({ shape: [3] });
    const joined = tf.layers.concatenate().apply([new MeanEmbedding().apply(items) as tf.SymbolicTensor, other]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [items, other], outputs: tf.layers.dense({ units: 1 }).apply(tf.layers.batchNormalization().apply(joined)) as tf.SymbolicTensor });
    assert.deepEqual(describeModelIO(model).inputs.map((i) => i.integerRange), [50, undefined]);
  });
});
