import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { averageLossesPerExample, differingLossShapes, perExampleLossNote } from '../../../src/worker/training/per-example-loss';

/** A two-head model in the shape of a detector's neck: heads at 4×4 and 2×2 (or both at 4×4). */
function twoHeads(sameSize: boolean): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 3] });
  const trunk = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  const big = tf.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(trunk) as tf.SymbolicTensor;
  const pooled = sameSize ? trunk : (tf.layers.maxPooling2d({ poolSize: 2 }).apply(trunk) as tf.SymbolicTensor);
  const small = tf.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [big, small] });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: ['meanSquaredError', 'meanSquaredError'] });
  return model;
}

function batch(model: tf.LayersModel): { x: tf.Tensor; ys: tf.Tensor[] } {
  const x = tf.randomNormal([3, 4, 4, 3], 0, 1, 'float32', 7);
  return { x, ys: model.outputs.map((o, i) => tf.randomNormal([3, ...(o.shape.slice(1) as number[])], 0, 1, 'float32', 8 + i)) };
}

describe('per-example losses for outputs whose losses differ in shape', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('tfjs alone cannot train two heads of different sizes (it adds their losses before averaging)', async () => {
    const model = twoHeads(false);
    const { x, ys } = batch(model);
    await assert.rejects(model.trainOnBatch(x, ys), /Operands could not be broadcast together with shapes 3,4,4 and 3,2,2/);
  });

  it('wrapped, it trains, and its loss is the sum of each head mean squared error', async () => {
    const model = twoHeads(false);
    const { x, ys } = batch(model);
    const [big, small] = model.predict(x) as tf.Tensor[];
    const expected = tf.losses.meanSquaredError(ys[0], big).dataSync()[0] + tf.losses.meanSquaredError(ys[1], small).dataSync()[0];
    assert.equal(averageLossesPerExample(model), true);
    const losses = (await model.trainOnBatch(x, ys)) as number[];
    assert.ok(Math.abs(losses[0] - expected) < 1e-5, `${losses[0]} vs ${expected}`);
  });

  it('heads of the same size are left as tfjs has them, and no note', () => {
    const model = twoHeads(true);
    assert.equal(differingLossShapes(model), undefined);
    assert.equal(averageLossesPerExample(model), false);
    assert.equal(perExampleLossNote(model), undefined);
  });

  it('the note names the shapes and says model.fit() fails the same way in the program', () => {
    assert.match(perExampleLossNote(twoHeads(false)) ?? '', /^the outputs' losses have different shapes \(4×4 and 2×2\), which tfjs adds together before it averages them, so model\.fit\(\) fails for this model in your program too/);
  });
});
