import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { relativeError, useWasmBackend } from './kernel-harness';

const L = tf.layers;

/**
 * Layer stacks a user's model may train, each followed by a softmax dense head: their gradients on
 * wasm (with the registered kernels) must equal the cpu backend's, on inputs of both signs.
 */
const stacks: { name: string; inputShape: number[]; layers: () => tf.layers.Layer[]; intInput?: number }[] = [
  { name: 'conv2d strided, same', inputShape: [2, 9, 9, 3], layers: () => [L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })] },
  { name: 'conv2d valid, 5×5', inputShape: [1, 9, 8, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: 5 })] },
  { name: 'conv1d strided', inputShape: [2, 10, 3], layers: () => [L.conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })] },
  { name: 'conv2dTranspose strided', inputShape: [2, 4, 4, 3], layers: () => [L.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })] },
  { name: 'depthwiseConv2d strided, valid', inputShape: [2, 9, 9, 3], layers: () => [L.depthwiseConv2d({ kernelSize: 3, strides: 2 })] },
  { name: 'separableConv2d, multiplier 2', inputShape: [2, 8, 8, 3], layers: () => [L.separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2 })] },
  { name: 'maxPooling2d after a linear conv (negative windows)', inputShape: [2, 8, 8, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: 1 }), L.maxPooling2d({ poolSize: 2 })] },
  { name: 'maxPooling2d 3×3 stride 2, same', inputShape: [2, 7, 7, 2], layers: () => [L.conv2d({ filters: 2, kernelSize: 1 }), L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' })] },
  { name: 'maxPooling1d', inputShape: [2, 10, 3], layers: () => [L.conv1d({ filters: 2, kernelSize: 1 }), L.maxPooling1d({ poolSize: 2 })] },
  { name: 'averagePooling2d 3×3 stride 2, same', inputShape: [2, 7, 7, 3], layers: () => [L.conv2d({ filters: 2, kernelSize: 1 }), L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })] },
  { name: 'global average and max pooling', inputShape: [2, 5, 5, 3], layers: () => [L.conv2d({ filters: 2, kernelSize: 1 }), L.globalMaxPooling2d({})] },
  // No conv bias before batch norm: its gradient is zero up to rounding, so no relative error exists.
  { name: 'batchNormalization (training)', inputShape: [3, 5, 5, 4], layers: () => [L.conv2d({ filters: 3, kernelSize: 1, useBias: false }), L.batchNormalization({})] },
  { name: 'layerNormalization', inputShape: [2, 5, 5, 4], layers: () => [L.layerNormalization({})] },
  // Batch 1: tfjs 4.22's cpu ResizeNearestNeighborGrad is wrong for batch > 1 (see the test below).
  { name: 'upSampling2d nearest and bilinear', inputShape: [1, 3, 3, 2], layers: () => [L.conv2d({ filters: 2, kernelSize: 1 }), L.upSampling2d({ size: [2, 2] }), L.upSampling2d({ size: [2, 2], interpolation: 'bilinear' })] },
  { name: 'zeroPadding2d and cropping2D', inputShape: [2, 5, 5, 2], layers: () => [L.conv2d({ filters: 2, kernelSize: 1 }), L.zeroPadding2d({ padding: 2 }), L.cropping2D({ cropping: [[1, 0], [0, 2]] })] },
  { name: 'activations relu6, elu, selu, leakyReLU, prelu', inputShape: [2, 5, 5, 2], layers: () => [L.conv2d({ filters: 2, kernelSize: 1, activation: 'relu6' }), L.elu(), L.conv2d({ filters: 2, kernelSize: 1, activation: 'selu' }), L.leakyReLU({ alpha: 0.1 }), L.prelu({})] },
  { name: 'activations sigmoid, softplus, tanh', inputShape: [2, 5, 5, 2], layers: () => [L.conv2d({ filters: 2, kernelSize: 1, activation: 'sigmoid' }), L.conv2d({ filters: 2, kernelSize: 1, activation: 'softplus' }), L.conv2d({ filters: 2, kernelSize: 1, activation: 'tanh' })] },
  { name: 'dense', inputShape: [3, 7], layers: () => [L.dense({ units: 5, activation: 'relu' })] },
  { name: 'embedding (gather → UnsortedSegmentSum)', inputShape: [3, 4], intInput: 10, layers: () => [L.embedding({ inputDim: 10, outputDim: 3, inputLength: 4 })] },
  { name: 'lstm', inputShape: [2, 4, 3], layers: () => [L.lstm({ units: 3 })] },
  { name: 'gru', inputShape: [2, 4, 3], layers: () => [L.gru({ units: 3 })] },
];

describe('layer gradients on wasm equal cpu’s', function () {
  this.timeout(30000);
  before(() => useWasmBackend());

  stacks.forEach(({ name, inputShape, layers, intInput }, n) => {
    it(name, async () => {
      await tf.setBackend('cpu');
      const model = tf.sequential();
      model.add(L.inputLayer({ inputShape: inputShape.slice(1), dtype: intInput ? 'int32' : 'float32' }));
      layers().forEach((layer) => model.add(layer));
      if (model.outputs[0].shape.length > 2) {
        model.add(L.flatten());
      }
      model.add(L.dense({ units: 3, activation: 'softmax' }));
      const x = intInput ? tf.randomUniform(inputShape, 0, intInput, 'int32', n) : tf.randomNormal(inputShape, 0, 1, 'float32', n);
      const y = tf.tidy(() => tf.oneHot(tf.randomUniform([inputShape[0]], 0, 3, 'int32', n + 50), 3));
      const gradients = () => {
        const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(
          () => tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor).mean() as tf.Scalar,
          variables,
        );
        const values = variables.map((v) => grads[v.name].dataSync() as Float32Array);
        tf.dispose([value, ...Object.values(grads)]);
        return values;
      };
      const onCpu = gradients();
      await tf.setBackend('wasm');
      const onWasm = gradients();
      onCpu.forEach((grad, i) => {
        const error = relativeError(onWasm[i], grad);
        assert.ok(error < 1e-4, `${model.trainableWeights[i].name}: relative error ${error}`);
      });
      tf.dispose([x, y]);
      model.dispose();
    });
  });
});

describe('ResizeNearestNeighborGrad on wasm (upSampling2d’s gradient)', () => {
  before(() => useWasmBackend());

  it('is the exact adjoint of the resize at batch 2 (tfjs 4.22’s cpu kernel is not: it offsets dy by the image’s batch stride)', async () => {
    await tf.setBackend('wasm');
    const shape: [number, number, number, number] = [2, 3, 3, 2];
    const size = shape.reduce((a, b) => a * b);
    const resize = (x: tf.Tensor4D) => tf.image.resizeNearestNeighbor(x, [7, 5], true);
    const weights = tf.randomNormal([2, 7, 5, 2], 0, 1, 'float32', 2);
    // dx[i] = <resize(e_i), w>: the adjoint, taken through the forward op alone.
    const exact = Array.from({ length: size }, (_, i) => tf.tidy(() => resize(tf.oneHot([i], size).reshape(shape) as tf.Tensor4D).mul(weights).sum().dataSync()[0]));
    const x = tf.randomNormal(shape, 0, 1, 'float32', 1) as tf.Tensor4D;
    const gradient = tf.grad((a: tf.Tensor) => resize(a as tf.Tensor4D).mul(weights).sum())(x);
    assert.ok(relativeError(gradient.dataSync(), exact) < 1e-6);
    tf.dispose([weights, x, gradient]);
  });
});
