import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { fuseBatchNormLayers } from '../../../src/worker/backends/fused-batch-norm';
import { compileForRun } from '../../../src/worker/training/compile';
import { loadMnistDigits } from '../../../bench/mnist-digits';
import { batchNormTrainBackward, batchNormTrainForward } from '../../../src/worker/backends/wasm-kernels/fused/batch-norm-train';
import { randomValues, relativeError, useWasmBackend } from './kernel-harness';

/** Shapes (channels last) and a shift of the inputs' mean: a large mean must not cost precision. */
const cases: { name: string; shape: number[]; shift: number; momentum: number; epsilon: number }[] = [
  { name: 'conv activation', shape: [4, 5, 5, 3], shift: 0, momentum: 0.99, epsilon: 1e-3 },
  { name: 'dense activation, mean 50', shape: [8, 6], shift: 50, momentum: 0.9, epsilon: 1e-3 },
  { name: '16 channels, one position', shape: [6, 1, 1, 16], shift: -3, momentum: 0.5, epsilon: 1e-5 },
  { name: 'rank 3 (conv1d)', shape: [3, 7, 5], shift: 1, momentum: 0.99, epsilon: 1e-2 },
];

/** A BatchNormalization model over `shape` with seeded gamma, beta and moving statistics. */
function bnModel(shape: number[], momentum: number, epsilon: number): tf.LayersModel {
  const model = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: shape.slice(1), momentum, epsilon })] });
  const c = shape[shape.length - 1];
  model.setWeights([0, 1, 2, 3].map((k) => tf.tensor1d(Float32Array.from(randomValues(c, 40 + k), (v) => (k === 3 ? 1 + v * 0.5 : k === 0 ? 1 + v : v)))));
  return model;
}

/**
 * One training step's output, gradients (x, gamma, beta; loss Σ y·w) and new moving statistics of a
 * BatchNormalization layer, on `backend`, fused or as tfjs-layers runs it.
 */
async function step(backend: 'cpu' | 'wasm', fused: boolean, c: (typeof cases)[number]) {
  await tf.setBackend(backend);
  const model = bnModel(c.shape, c.momentum, c.epsilon);
  if (fused) {
    assert.equal(fuseBatchNormLayers(model), 1);
  }
  const size = c.shape.reduce((a, b) => a * b);
  const x = tf.tensor(Float32Array.from(randomValues(size, 7), (v) => v * 2 + c.shift), c.shape);
  const w = tf.tensor(Float32Array.from(randomValues(size, 8)), c.shape);
  const layer = model.layers[0];
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar, layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val));
  const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, w)))(x);
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const result = {
    y: y.dataSync().slice(), dx: dx.dataSync().slice(), loss: value.dataSync()[0],
    grads: Object.values(grads).map((g) => g.dataSync().slice()),
    weights: model.getWeights().map((t) => t.dataSync().slice()),
  };
  tf.dispose([value, dx, y, ...Object.values(grads)]);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([x, w]);
  model.dispose();
  return { ...result, leaked };
}

describe('fused BatchNormalization training on wasm', function () {
  this.timeout(30000);
  before(() => useWasmBackend());

  for (const c of cases) {
    it(`${c.name}: output, gradients and moving statistics equal tfjs-layers' on cpu`, async () => {
      const fused = await step('wasm', true, c);
      const reference = await step('cpu', false, c);
      assert.ok(relativeError(fused.y, reference.y) < 1e-5, `y ${relativeError(fused.y, reference.y)}`);
      assert.ok(relativeError(fused.dx, reference.dx) < 1e-4, `dx ${relativeError(fused.dx, reference.dx)}`);
      fused.grads.forEach((g, i) => assert.ok(relativeError(g, reference.grads[i]) < 1e-5, `grad ${i} ${relativeError(g, reference.grads[i])}`));
      // gamma, beta unchanged; moving mean and variance after three training calls of the layer.
      fused.weights.forEach((w, i) => assert.ok(relativeError(w, reference.weights[i]) < 1e-5, `weight ${i} ${relativeError(w, reference.weights[i])}`));
      assert.equal(fused.leaked, 0, 'no tensors left behind');
    });
  }

  it('runs tfjs-layers’ own code on cpu, in inference, and for an axis other than the last', async () => {
    await tf.setBackend('cpu');
    const model = bnModel([2, 3, 4], 0.99, 1e-3);
    fuseBatchNormLayers(model);
    const x = tf.ones([2, 3, 4]);
    const kernels = (await tf.profile(() => model.layers[0].apply(x, { training: true }) as tf.Tensor)).kernelNames;
    assert.ok(!kernels.includes('RbnBatchNormTrain') && kernels.includes('FusedBatchNorm'), kernels.join());
    await tf.setBackend('wasm');
    const onWasm = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [3, 4], axis: 1 })] });
    fuseBatchNormLayers(onWasm);
    const xw = tf.ones([2, 3, 4]);
    const axisKernels = (await tf.profile(() => onWasm.layers[0].apply(xw, { training: true }) as tf.Tensor)).kernelNames;
    const inference = (await tf.profile(() => model.layers[0].apply(xw) as tf.Tensor)).kernelNames;
    const trained = (await tf.profile(() => model.layers[0].apply(xw, { training: true }) as tf.Tensor)).kernelNames;
    assert.ok(!axisKernels.includes('RbnBatchNormTrain'), axisKernels.join());
    assert.ok(!inference.includes('RbnBatchNormTrain'), inference.join());
    assert.deepEqual(trained, ['RbnBatchNormTrain'], 'the last axis trains in one kernel');
    tf.dispose([x, xw]);
    model.dispose();
    onWasm.dispose();
  });

  it('trains the README CNN compiled as sanity-train compiles a run: 3 steps on wasm give cpu’s weights', async () => {
    const train = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the plain-JS example model
      const model = (require('../../../examples/mnist-model/model.js') as { createModel(): tf.LayersModel }).createModel();
      model.setWeights(model.getWeights().map((w, i) => tf.tensor(Float32Array.from(randomValues(w.size, 900 + i), (v) => (w.shape.length === 1 ? 1 + 0.1 * v : 0.2 * v)), w.shape)));
      compileForRun(model, { optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy', description: '' });
      const { images, labels } = loadMnistDigits(8, 0);
      const x = tf.tensor4d(images, [8, 28, 28, 1]);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        losses.push(await model.trainOnBatch(x, y) as number);
      }
      const weights = model.getWeights().map((w) => w.dataSync().slice());
      const kernels = (await tf.profile(async () => {
        await model.trainOnBatch(x, y);
      })).kernelNames;
      tf.dispose([x, y]);
      model.dispose();
      return { losses, weights, kernels };
    };
    const wasm = await train('wasm');
    const cpu = await train('cpu');
    assert.ok(wasm.kernels.includes('RbnBatchNormTrain') && !wasm.kernels.includes('FusedBatchNorm'), 'wasm ran the fused kernels');
    wasm.losses.forEach((l, i) => assert.ok(Math.abs(l - cpu.losses[i]) < 1e-4 * Math.max(1, cpu.losses[i]), `loss ${i}: ${l} vs ${cpu.losses[i]}`));
    wasm.weights.forEach((w, i) => assert.ok(relativeError(w, cpu.weights[i]) < 1e-3, `weight ${i}: ${relativeError(w, cpu.weights[i])}`));
  });

  it('patches a layer once, however often the model is compiled for a run', () => {
    const model = bnModel([2, 4], 0.99, 1e-3);
    assert.equal(fuseBatchNormLayers(model), 1);
    assert.equal(fuseBatchNormLayers(model), 0);
    model.dispose();
  });
});

describe('batch-norm training maths against float64 references', () => {
  /** Table: values per channel (rows of [position][channel]) and the expected statistics. */
  const table: { name: string; x: number[][]; mean: number[]; variance: number[] }[] = [
    { name: 'two channels', x: [[1, 10], [3, 20], [5, 30]], mean: [3, 20], variance: [8 / 3, 200 / 3] },
    { name: 'constant channel (zero variance)', x: [[2], [2], [2], [2]], mean: [2], variance: [0] },
    { name: 'large mean', x: [[1e4 + 1], [1e4 - 1]], mean: [1e4], variance: [1] },
  ];
  for (const row of table) {
    it(`forward: ${row.name}`, () => {
      const c = row.mean.length;
      const x = Float32Array.from(row.x.flat());
      const out = { y: new Float32Array(x.length), mean: new Float32Array(c), variance: new Float32Array(c), movingMean: new Float32Array(c), movingVariance: new Float32Array(c) };
      const scale = new Float32Array(c).fill(2);
      const offset = new Float32Array(c).fill(0.5);
      batchNormTrainForward(x, scale, offset, { mean: new Float32Array(c), variance: new Float32Array(c).fill(1) }, { varianceEpsilon: 1e-3, momentum: 0.9 }, out);
      row.mean.forEach((m, j) => assert.ok(Math.abs(out.mean[j] - m) <= 1e-6 * Math.max(1, Math.abs(m)), `mean ${out.mean[j]}`));
      row.variance.forEach((v, j) => assert.ok(Math.abs(out.variance[j] - v) <= 1e-5 * Math.max(1, v), `variance ${out.variance[j]}`));
      row.x.forEach((values, p) => values.forEach((v, j) => {
        const expected = ((v - row.mean[j]) / Math.sqrt(row.variance[j] + 1e-3)) * 2 + 0.5;
        assert.ok(Math.abs(out.y[p * c + j] - expected) < 1e-5 * Math.max(1, Math.abs(expected)), `y ${out.y[p * c + j]} vs ${expected}`);
      }));
      row.mean.forEach((m, j) => assert.ok(Math.abs(out.movingMean[j] - 0.1 * m) < 1e-6 * Math.max(1, m), `moving mean ${out.movingMean[j]}`));
    });
  }

  it('backward: matches central differences of the float64 loss Σ y·w', () => {
    const c = 3;
    const n = 5 * c;
    const x = Float64Array.from(randomValues(n, 3), (v) => v * 3);
    const w = Float64Array.from(randomValues(n, 4));
    const scale = [1.5, -0.5, 2];
    const eps = 1e-3;
    const loss = (xs: Float64Array) => {
      let total = 0;
      for (let j = 0; j < c; j++) {
        let mean = 0;
        for (let i = j; i < n; i += c) {mean += xs[i];}
        mean /= n / c;
        let variance = 0;
        for (let i = j; i < n; i += c) {variance += (xs[i] - mean) ** 2;}
        variance /= n / c;
        for (let i = j; i < n; i += c) {total += w[i] * ((xs[i] - mean) / Math.sqrt(variance + eps)) * scale[j];}
      }
      return total;
    };
    const f32 = Float32Array.from(x);
    const stats = { y: new Float32Array(n), mean: new Float32Array(c), variance: new Float32Array(c), movingMean: new Float32Array(c), movingVariance: new Float32Array(c) };
    batchNormTrainForward(f32, Float32Array.from(scale), new Float32Array(c), { mean: new Float32Array(c), variance: new Float32Array(c) }, { varianceEpsilon: eps, momentum: 0.9 }, stats);
    const out = { dx: new Float32Array(n), dScale: new Float32Array(c), dOffset: new Float32Array(c) };
    batchNormTrainBackward({ dy: Float32Array.from(w), x: f32, scale: Float32Array.from(scale), mean: stats.mean, variance: stats.variance, dMean: new Float32Array(c), dVariance: new Float32Array(c) }, eps, out);
    const numeric = Float64Array.from(x, (_, i) => {
      const h = 1e-6;
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[i] += h;
      minus[i] -= h;
      return (loss(plus) - loss(minus)) / (2 * h);
    });
    assert.ok(relativeError(out.dx, numeric) < 1e-4, `dx ${relativeError(out.dx, numeric)}`);
  });
});
