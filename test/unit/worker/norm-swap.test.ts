import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { runningBatchNorm } from '../../../src/layer/running-batch-norm';
import { countNorms, swapNorms } from '../../../src/worker/training/norm-swap';

function cnn(norm: 'bn' | 'rbn', momentum?: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3 }));
  model.add(norm === 'bn' ? tf.layers.batchNormalization({ momentum, epsilon: 1e-3 }) : runningBatchNorm({ momentum, epsilon: 1e-3 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  return model;
}

function weightsByName(model: tf.LayersModel): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      out.set(`${layer.name}/${w.originalName.split('/').pop()}`, Array.from(w.read().dataSync()));
    }
  }
  return out;
}

describe('swapNorms (in-memory BatchNorm ⇄ RunningBatchNorm)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('swaps BatchNormalization for RunningBatchNorm, keeping names, shapes and matching weights', async () => {
    const model = cnn('bn');
    // Make gamma/beta non-default so that copying them is visible.
    const bn = model.layers[1];
    bn.setWeights([tf.fill([3], 2), tf.fill([3], 0.5), ...bn.getWeights().slice(2)]);
    const swapped = await swapNorms(tf, model);
    assert.ok(swapped);
    assert.equal(swapped.norm, 'runningBatchNorm');
    assert.deepEqual(swapped.model.layers.map((l) => l.getClassName()), ['Conv2D', 'RunningBatchNorm', 'Flatten', 'Dense']);
    assert.deepEqual(swapped.model.layers.map((l) => l.name), model.layers.map((l) => l.name));
    assert.deepEqual(swapped.model.outputs[0].shape, model.outputs[0].shape);
    const before = weightsByName(model);
    const after = weightsByName(swapped.model);
    for (const key of [...before.keys()].filter((k) => !/moving/.test(k))) {
      assert.deepEqual(after.get(key), before.get(key), key);
    }
    assert.deepEqual(countNorms(model), { batchNormalization: 1, runningBatchNorm: 0 }, 'the original is untouched');
    const rbnConfig = swapped.model.layers[1].getConfig();
    assert.equal(rbnConfig.epsilon, 1e-3);
    assert.equal(rbnConfig.momentum, 0.9, "tfjs BatchNorm's default momentum does not carry over");
  });

  it('carries an explicit momentum over', async () => {
    const swapped = await swapNorms(tf, cnn('bn', 0.8));
    assert.equal(swapped?.model.layers[1].getConfig().momentum, 0.8);
  });

  it('swaps RunningBatchNorm back to BatchNormalization when the model has no BatchNorm', async () => {
    const model = cnn('rbn');
    const swapped = await swapNorms(tf, model);
    assert.equal(swapped?.norm, 'batchNormalization');
    assert.deepEqual(swapped?.model.layers.map((l) => l.getClassName()), ['Conv2D', 'BatchNormalization', 'Flatten', 'Dense']);
    assert.deepEqual(weightsByName(swapped!.model).get(`${model.layers[0].name}/kernel`), weightsByName(model).get(`${model.layers[0].name}/kernel`));
    assert.equal(swapped?.model.layers[1].getConfig().momentum, 0.99, "RunningBatchNorm's default momentum does not carry over");
  });

  it('swaps inside functional models too', async () => {
    const input = tf.input({ shape: [4] });
    const hidden = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
    const normed = tf.layers.batchNormalization().apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(normed) as tf.SymbolicTensor });
    const swapped = await swapNorms(tf, model);
    assert.deepEqual(swapped?.model.layers.map((l) => l.getClassName()), ['InputLayer', 'Dense', 'RunningBatchNorm', 'Dense']);
  });

  it('swaps inside a nested model, through the layer module\'s runningBatchNormify (fresh statistics)', async () => {
    const inner = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.batchNormalization()] });
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(inner.apply(input)) as tf.SymbolicTensor });
    assert.deepEqual(countNorms(model), { batchNormalization: 1, runningBatchNorm: 0 });
    const swapped = await swapNorms(tf, model);
    const swappedInner = swapped?.model.layers[1] as tf.Sequential;
    assert.deepEqual(swappedInner.layers.map((l) => l.getClassName()), ['Dense', 'RunningBatchNorm']);
    const count = swappedInner.layers[1].weights.find((w) => w.originalName.endsWith('/count'));
    assert.deepEqual(Array.from(count!.read().dataSync()), [0]);
  });

  it('leaves a model without batch norm alone', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    assert.equal(await swapNorms(tf, model), undefined);
  });
});
