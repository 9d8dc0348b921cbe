import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { loadMnistDigits } from '../../../bench/mnist-digits';
import { createSmallMnistCnn } from '../../../bench/small-mnist-cnn';
import { relativeError, useWasmBackend } from './kernel-harness';

/**
 * A net with every layer kind a typical image model trains with (dropout aside: its masks are random).
 * tanh, not relu, before batch norm: relu's zeros become ties in max pooling, where tfjs's wasm
 * MaxPoolGrad credits the last maximum and cpu the first (both valid subgradients, not comparable).
 */
function createLayerZoo(withDropout: boolean): tf.Sequential {
  const seed = (n: number) => tf.initializers.glorotUniform({ seed: n });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [12, 12, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: seed(1) }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: seed(2) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.separableConv2d({ filters: 6, kernelSize: 2, padding: 'valid', activation: 'relu', depthwiseInitializer: seed(3), pointwiseInitializer: seed(4) }));
  model.add(tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }));
  if (withDropout) {
    model.add(tf.layers.dropout({ rate: 0.25 }));
  }
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: seed(5) }));
  return model;
}

function lossGradients(model: tf.Sequential, x: tf.Tensor, y: tf.Tensor): Map<string, Float32Array> {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor).mean() as tf.Scalar,
    variables,
  );
  const out = new Map(model.trainableWeights.map((w, i) => [w.name, grads[variables[i].name].dataSync() as Float32Array]));
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe('training on wasm with the registered kernels', function () {
  this.timeout(60000);
  before(() => useWasmBackend());

  it('gives the same gradients as cpu for a net of conv, depthwise, separable, pooling, batch norm and dense layers', async () => {
    await tf.setBackend('cpu');
    const model = createLayerZoo(false);
    const x = tf.randomNormal([3, 12, 12, 2], 0, 1, 'float32', 7);
    const y = tf.oneHot(tf.tensor1d([0, 3, 4], 'int32'), 5);
    const onCpu = lossGradients(model, x, y);
    await tf.setBackend('wasm');
    const onWasm = lossGradients(model, x, y);
    assert.equal(onWasm.size, model.trainableWeights.length);
    for (const [name, grad] of onCpu) {
      assert.ok(relativeError(onWasm.get(name) ?? [], grad) < 1e-4, `${name}: ${relativeError(onWasm.get(name) ?? [], grad)}`);
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  for (const optimizer of ['adam', 'sgd']) {
    it(`fits that net, dropout included, with ${optimizer} (no kernel is missing)`, async () => {
      await tf.setBackend('wasm');
      const model = createLayerZoo(true);
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      const x = tf.randomNormal([4, 12, 12, 2], 0, 1, 'float32', 3);
      const y = tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), 5);
      const history = await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
      assert.ok(history.history.loss.every((l) => Number.isFinite(l as number)));
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  it('trains the small MNIST CNN on real digits: held-out loss falls', async () => {
    await tf.setBackend('wasm');
    const model = createSmallMnistCnn(tf);
    model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const heldOut = loadMnistDigits(100, 5000);
    const xTest = tf.tensor4d(heldOut.images, [100, 28, 28, 1]);
    const yTest = tf.tidy(() => tf.oneHot(tf.tensor1d(heldOut.labels, 'int32'), 10));
    const lossBefore = ((await model.evaluate(xTest, yTest)) as tf.Scalar[])[0].dataSync()[0];
    let tensorsAfterFirstSteps = 0;
    for (let step = 0; step < 60; step++) {
      if (step === 5) {
        tensorsAfterFirstSteps = tf.memory().numTensors; // optimizer state exists by now
      }
      const batch = loadMnistDigits(16, step * 16);
      const x = tf.tensor4d(batch.images, [16, 28, 28, 1]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.labels, 'int32'), 10));
      await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
    }
    const leaked = tf.memory().numTensors - tensorsAfterFirstSteps;
    const [loss, accuracy] = ((await model.evaluate(xTest, yTest)) as tf.Scalar[]).map((t) => t.dataSync()[0]);
    assert.ok(loss < 0.6 * lossBefore, `held-out loss ${lossBefore.toFixed(3)} → ${loss.toFixed(3)}`);
    assert.ok(accuracy > 0.5, `held-out accuracy ${accuracy}`);
    assert.equal(leaked, 0, 'training steps leave no tensors behind');
    tf.dispose([xTest, yTest]);
    model.dispose();
  });
});
