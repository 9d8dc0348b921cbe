/**
 * The opt-in slow inference average (`inferenceMomentum`): training output untouched, the weights it
 * adds (and only when set), the statistics interval, config and save/load round trips, argument errors
 * and leaks, on cpu and wasm. Its maths against the float64 reference is in running-batch-norm-maths.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { RunningBatchNorm, RunningBatchNormArgs, runningBatchNorm } from '../../../src/layer/running-batch-norm';
import { BACKENDS, assertClose, useBackend, values } from './backends';
import * as ref from './reference';

function disposeLayer(layer: tf.layers.Layer): void {
  layer.weights.forEach((w) => w.dispose());
}

function weightNames(layer: tf.layers.Layer): string[] {
  return layer.weights.map((w) => w.originalName.split('/').pop() ?? '');
}

/** Input batches of varying size (1 included) for a [bs, 3, 4] input. */
function batches(seed: number): number[][] {
  const rand = ref.seededRandom(seed);
  return [3, 1, 2, 5, 1, 4].map((bs) => ref.randomValues(bs * 12, rand, 1, 2));
}

function apply(layer: RunningBatchNorm, x: number[], training: boolean): number[] {
  return tf.tidy(() => values(layer.apply(tf.tensor(x, [x.length / 12, 3, 4]), { training }) as tf.Tensor));
}

function denseNet(args: RunningBatchNormArgs): tf.Sequential {
  return tf.sequential({
    layers: [tf.layers.dense({ inputShape: [5], units: 6 }), runningBatchNorm(args), tf.layers.reLU(), tf.layers.dense({ units: 2, activation: 'softmax' })],
  });
}

for (const backend of BACKENDS) {
  describe(`RunningBatchNorm inferenceMomentum on ${backend}`, () => {
    before(async () => useBackend(backend));

    it('leaves every training output and the running state exactly as without it', () => {
      for (const statsInterval of [1, 2]) {
        const plain = new RunningBatchNorm({ statsInterval, warmupSamples: 4 });
        const slow = new RunningBatchNorm({ statsInterval, warmupSamples: 4, inferenceMomentum: 0.9 });
        for (const x of batches(1)) {
          assert.deepEqual(apply(slow, x, true), apply(plain, x, true), `statsInterval ${statsInterval}`);
        }
        const shared = plain.weights.length;
        assert.deepEqual(slow.getWeights().slice(0, shared).map(values), plain.getWeights().map(values));
        disposeLayer(plain);
        disposeLayer(slow);
      }
    });

    it('adds inferenceMean, inferenceVariance and inferenceSteps last, non-trainable, and only when set', () => {
      const off = new RunningBatchNorm({ inferenceMomentum: null });
      off.build([null, 3, 4]);
      assert.deepEqual(weightNames(off), ['gamma', 'beta', 'sums', 'sqrs', 'count', 'samplesSeen']);
      const on = new RunningBatchNorm({ inferenceMomentum: 0.99, statsInterval: 2 });
      on.build([null, 3, 4]);
      assert.deepEqual(weightNames(on), ['gamma', 'beta', 'sums', 'sqrs', 'count', 'samplesSeen', 'statsAge', 'inferenceMean', 'inferenceVariance', 'inferenceSteps']);
      assert.deepEqual(on.trainableWeights.length, 2);
      disposeLayer(off);
      disposeLayer(on);
    });

    it('infers as gamma·x + beta before any training, never NaN', () => {
      const layer = new RunningBatchNorm({ inferenceMomentum: 0.99 });
      const [x] = batches(2);
      assert.deepEqual(apply(layer, x, false), x.map((v) => Math.fround(v)));
      disposeLayer(layer);
    });

    it('folds only the steps that recompute statistics (statsInterval) into the average', () => {
      const o = { ...ref.DEFAULT_OPTIONS, warmupSamples: 4, inferenceMomentum: 0.8 };
      const layer = new RunningBatchNorm({ statsInterval: 3, warmupSamples: 4, inferenceMomentum: 0.8 });
      let state = ref.initialState(4);
      let age = 0;
      for (const x of [...batches(3), ...batches(4)]) {
        const shape = [x.length / 12, 3, 4];
        const recompute = state.samples < o.warmupSamples || age >= 2;
        state = recompute ? ref.foldBatch(x, shape, -1, state, o) : state;
        age = recompute ? 0 : age + 1;
        apply(layer, x, true);
        assertClose(apply(layer, x, false), ref.infer(x, shape, -1, state, o), 2e-4, 2e-3, `inference after ${state.samples} samples`);
      }
      assert.deepEqual(values(layer.getWeights()[9]), [state.inference!.steps]);
      disposeLayer(layer);
    });

    it('moves every non-trainable weight in each warm-up step, though the floored variance is constant there', () => {
      // Spread 0.02: every channel's variance (4e-4) is under the floor 0.01, as in a GAN generator's
      // first steps, so the variance the training output uses is the constant floor.
      const o = ref.DEFAULT_OPTIONS;
      const layer = new RunningBatchNorm();
      const rand = ref.seededRandom(8);
      let state = ref.initialState(4);
      for (const bs of [4, 4, 1, 3]) {
        const shape = [bs, 3, 4];
        const x = ref.randomValues(bs * 12, rand, 0, 0.02);
        const before = layer.built ? layer.getWeights().map(values) : undefined;
        apply(layer, x, true);
        state = ref.foldBatch(x, shape, -1, state, o);
        const after = layer.getWeights().map(values);
        layer.nonTrainableWeights.forEach((w) => {
          const i = layer.weights.indexOf(w);
          assert.ok(before === undefined || after[i].some((v, j) => v !== before[i][j]), `${weightNames(layer)[i]} moved at ${state.samples} samples`);
        });
        assertClose(after[7], state.inference!.variance, 1e-7, 1e-3, `inferenceVariance at ${state.samples} samples`);
        assert.ok(after[7].every((v) => v < o.varianceFloor), 'the average holds the variance before the floor');
        assertClose(apply(layer, x, false), ref.infer(x, shape, -1, state, o), 2e-4, 2e-3, `inference (floored) at ${state.samples} samples`);
        assertClose(layer.getStatistics().variance, state.inference!.variance.map(() => o.varianceFloor), 0, 1e-6, 'getStatistics floors in the warm-up');
      }
      disposeLayer(layer);
    });

    it('at batch size 1 on dense input folds variance 0 and still infers with the floor, never dividing by √ε', () => {
      const o = ref.DEFAULT_OPTIONS;
      const layer = new RunningBatchNorm();
      const x = ref.randomValues(5, ref.seededRandom(9), 1, 2);
      const y = tf.tidy(() => values(layer.apply(tf.tensor(x, [1, 5]), { training: true }) as tf.Tensor));
      const state = ref.foldBatch(x, [1, 5], -1, ref.initialState(5), o);
      assertClose(layer.getWeights()[7].dataSync(), [0, 0, 0, 0, 0], 1e-6, 0, 'inferenceVariance after one sample');
      const inferred = tf.tidy(() => values(layer.apply(tf.tensor(x, [1, 5]), { training: false }) as tf.Tensor));
      assertClose(inferred, ref.infer(x, [1, 5], -1, state, o), 1e-4, 1e-3, 'inference after one sample');
      assertClose(inferred, y, 1e-4, 1e-3, 'inference equals the training output after one step');
      disposeLayer(layer);
    });

    it('leaks no tensors in training and inference', () => {
      const layer = new RunningBatchNorm({ inferenceMomentum: 0.9 });
      const x = tf.randomNormal([3, 4, 5]);
      tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 10; i++) {
        tf.dispose(layer.apply(x, { training: i % 2 === 0 }) as tf.Tensor);
        const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
        tf.dispose([value, ...Object.values(grads)]);
      }
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
      disposeLayer(layer);
    });

    it('saves and loads a trained model with identical weights, predictions and continued training', async () => {
      const model = denseNet({ inferenceMomentum: 0.95 });
      model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
      const xs = tf.tensor(ref.randomValues(40, ref.seededRandom(5), 0.5, 1), [8, 5]);
      const ys = tf.tensor2d(Array.from({ length: 8 }, (_, i) => [i % 2, 1 - (i % 2)]), [8, 2]);
      await model.fit(xs, ys, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
      let saved: tf.io.ModelArtifacts | undefined;
      await model.save(tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }));
      const copy = await tf.loadLayersModel(tf.io.fromMemory(saved!));
      assert.equal((copy.layers[1] as RunningBatchNorm).getConfig().inferenceMomentum, 0.95);
      assert.deepEqual(copy.getWeights().map(values), model.getWeights().map(values));
      assert.deepEqual(tf.tidy(() => values(copy.predict(xs) as tf.Tensor)), tf.tidy(() => values(model.predict(xs) as tf.Tensor)));
      copy.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
      await model.fit(xs, ys, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
      await copy.fit(xs, ys, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
      copy.getWeights().forEach((w, i) => assertClose(values(w), values(model.getWeights()[i]), 1e-6, 1e-6, `weight ${copy.weights[i].name}`));
      tf.dispose([xs, ys]);
      model.dispose();
      copy.dispose();
    });
  });
}

describe('RunningBatchNorm inferenceMomentum config and arguments', () => {
  before(async () => useBackend('cpu'));

  it('round-trips through getConfig/fromConfig; defaults to 0.9 and is null when off', () => {
    const layer = runningBatchNorm({ inferenceMomentum: 0.99, momentum: 0.8 });
    const config = layer.getConfig();
    assert.equal(config.inferenceMomentum, 0.99);
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap.RunningBatchNorm;
    assert.deepEqual((fromConfig(cls, config) as RunningBatchNorm).getConfig(), config);
    assert.equal(runningBatchNorm().getConfig().inferenceMomentum, 0.9);
    assert.equal(runningBatchNorm({ inferenceMomentum: null }).getConfig().inferenceMomentum, null);
    // A config saved before the default changed says null, and still loads as off.
    assert.equal((fromConfig(cls, { ...config, inferenceMomentum: null }) as RunningBatchNorm).getConfig().inferenceMomentum, null);
  });

  for (const bad of [1, -0.1, Number.NaN, '0.9']) {
    it(`rejects inferenceMomentum ${JSON.stringify(bad)} with a clear message`, () => {
      assert.throws(() => new RunningBatchNorm({ inferenceMomentum: bad as never }), /inferenceMomentum must be a number in \[0, 1\)/);
    });
  }
});
