import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { compileForRun, chooseCompile } from '../../../src/worker/training/compile';
import { baselineOf, scoreOutputs } from '../../../src/worker/training/evaluation';
import { describeModelIO, multiSyntheticData } from '../../../src/worker/data/multi-io-data';
import { needsPerOutputData } from '../../../src/worker/sanity-session';
import { describeModel, type OutputSpec, type TrainingData } from '../../../src/worker/data/training-data';

type Data = TrainingData & { outputs: OutputSpec[] };

/** An image-to-image conv net: [6, 6, 2] in, [6, 6, units] out with `activation`. */
function imageToImage(units: number, activation: string): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.batchNormalization(),
      tf.layers.conv2d({ filters: units, kernelSize: 1, activation: activation as 'linear' }),
    ],
  });
}

/** A generator: a latent vector drawn up to an [8, 8, 1] tanh image through a transposed convolution. */
function generator(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [12], units: 4 * 4 * 8, activation: 'relu' }),
      tf.layers.reshape({ targetShape: [4, 4, 8] }),
      tf.layers.batchNormalization(),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }),
    ],
  });
}

function dataFor(model: tf.LayersModel, seed = 3): Data {
  return multiSyntheticData(tf, describeModelIO(model), seed) as Data;
}

function values(t: tf.Tensor | tf.Tensor[]): Float32Array {
  return (Array.isArray(t) ? t[0] : t).dataSync() as Float32Array;
}

/** Trains on the data with the default compile and returns the held-out score of the first output and the baseline. */
async function trainAndScore(model: tf.LayersModel, data: Data, steps: number) {
  const io = describeModelIO(model);
  compileForRun(model, chooseCompile(tf, model, describeModel(model), 0.01, io.outputs));
  const xs = data.xs as tf.Tensor;
  const ys = data.ys as tf.Tensor;
  for (let step = 0; step < steps; step++) {
    const begin = (step * 32) % (xs.shape[0] - 32);
    const [x, y] = [xs.slice([begin], [32]), ys.slice([begin], [32])];
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
  }
  return { score: scoreOutputs(tf, model, data)[0], baseline: baselineOf(tf, data) };
}

describe('synthetic data for image-shaped outputs', function () {
  this.timeout(120_000);
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('routes image outputs to per-output data, plain vector models stay on the single-output data', () => {
    assert.equal(needsPerOutputData(describeModelIO(imageToImage(3, 'tanh'))), true);
    assert.equal(needsPerOutputData(describeModelIO(generator())), true);
    const vector = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })] });
    assert.equal(needsPerOutputData(describeModelIO(vector)), false);
  });

  const rows: { title: string; model: () => tf.LayersModel; target: number[]; check: (v: Float32Array) => void; loss: string }[] = [
    { title: 'tanh image: values of the full shape inside [-1, 1]', model: () => imageToImage(3, 'tanh'), target: [6, 6, 3], loss: 'meanSquaredError', check: (v) => assert.ok(v.every((x) => x > -1 && x < 1) && v.some((x) => x < -0.1) && v.some((x) => x > 0.1)) },
    { title: 'relu image: non-negative values', model: () => imageToImage(2, 'relu'), target: [6, 6, 2], loss: 'meanSquaredError', check: (v) => assert.ok(v.every((x) => x >= 0) && v.some((x) => x > 0.5)) },
    { title: 'sigmoid mask: a 0/1 label per pixel, both present', model: () => imageToImage(1, 'sigmoid'), target: [6, 6, 1], loss: 'binaryCrossentropy', check: (v) => assert.deepEqual(new Set(v), new Set([0, 1])) },
    { title: 'sigmoid over two channels: 0/1 per element', model: () => imageToImage(2, 'sigmoid'), target: [6, 6, 2], loss: 'binaryCrossentropy', check: (v) => assert.deepEqual(new Set(v), new Set([0, 1])) },
    { title: 'softmax over the last axis: one-hot per pixel', model: () => imageToImage(3, 'softmax'), target: [6, 6, 3], loss: 'categoricalCrossentropy', check: (v) => {
      for (let p = 0; p < v.length; p += 3) {
        assert.equal(v[p] + v[p + 1] + v[p + 2], 1);
      }
    } },
    { title: 'generator (conv2dTranspose, tanh): an image per latent vector', model: generator, target: [8, 8, 1], loss: 'meanSquaredError', check: (v) => assert.ok(v.every((x) => Math.abs(x) < 1)) },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const model = row.model();
      const data = dataFor(model);
      assert.deepEqual((data.ys as tf.Tensor).shape.slice(1), row.target);
      assert.equal((data.xs as tf.Tensor).shape[0] + (data.testXs as tf.Tensor).shape[0], 2560);
      row.check(values(data.ys));
      const compile = chooseCompile(tf, model, describeModel(model), undefined, describeModelIO(model).outputs);
      assert.equal(compile.loss, row.loss);
    });
  }

  it('per-pixel classes are learnable: held-out per-pixel accuracy well above the majority class', async () => {
    const model = imageToImage(3, 'softmax');
    const { score, baseline } = await trainAndScore(model, dataFor(model), 150);
    assert.ok(baseline.chanceAccuracy! < 0.6, `chance ${baseline.chanceAccuracy}`);
    assert.ok(score.accuracy! > baseline.chanceAccuracy! + 0.2, `accuracy ${score.accuracy} vs chance ${baseline.chanceAccuracy}`);
  });

  it('a sigmoid mask is learnable: per-element accuracy above the majority label', async () => {
    const model = imageToImage(2, 'sigmoid');
    const { score, baseline } = await trainAndScore(model, dataFor(model), 150);
    assert.ok(score.accuracy! > baseline.chanceAccuracy! + 0.2, `accuracy ${score.accuracy} vs chance ${baseline.chanceAccuracy}`);
  });

  it('a tanh image is learnable: held-out MSE well below predicting the mean', async () => {
    const model = imageToImage(3, 'tanh');
    const { score, baseline } = await trainAndScore(model, dataFor(model), 150);
    assert.ok(score.error! < 0.6 * baseline.baselineError!, `MSE ${score.error} vs mean ${baseline.baselineError}`);
  });

  it('a generator learns its class prototypes: held-out MSE below predicting the mean', async () => {
    const model = generator();
    const { score, baseline } = await trainAndScore(model, dataFor(model), 150);
    assert.ok(score.error! < 0.8 * baseline.baselineError!, `MSE ${score.error} vs mean ${baseline.baselineError}`);
  });
});
