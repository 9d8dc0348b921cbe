/**
 * The layer inside tfjs models: config and serialisation, weights, save/load round trips, model.fit,
 * the statistics interval, argument errors and tensor leaks, on cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningBatchNorm, runningBatchNorm } from '../../../src/layer/running-batch-norm';
import { BACKENDS, assertClose, useBackend, values } from './backends';
import { fileSystemHandler } from './fs-io-handler';
import * as ref from './reference';

function disposeLayer(layer: tf.layers.Layer): void {
  layer.weights.forEach((w) => w.dispose());
}

/** A small conv net with two RunningBatchNorm layers (rank 4 and rank 2). */
function convNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, useBias: false }),
      runningBatchNorm(),
      tf.layers.reLU(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4 }),
      runningBatchNorm({ statsInterval: 2 }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
}

function denseNet(): tf.Sequential {
  return tf.sequential({
    layers: [tf.layers.dense({ inputShape: [5], units: 6 }), runningBatchNorm({ momentum: 0.8 }), tf.layers.reLU(), tf.layers.dense({ units: 2, activation: 'softmax' })],
  });
}

function data(inputShape: number[], n: number, seed: number): { xs: tf.Tensor; ys: tf.Tensor } {
  const rand = ref.seededRandom(seed);
  const size = inputShape.reduce((p, d) => p * d, 1);
  const x = ref.randomValues(n * size, rand, 0.5, 1);
  const labels = Array.from({ length: n }, (_, i) => [i % 2, 1 - (i % 2)]).flat();
  return { xs: tf.tensor(x, [n, ...inputShape]), ys: tf.tensor2d(labels, [n, 2]) };
}

async function fit(model: tf.LayersModel, d: { xs: tf.Tensor; ys: tf.Tensor }, epochs: number): Promise<number[]> {
  const history = await model.fit(d.xs, d.ys, { epochs, batchSize: 2, shuffle: false, verbose: 0 });
  return history.history.loss as number[];
}

function compile(model: tf.LayersModel): tf.LayersModel {
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
}

function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map(values);
}

for (const backend of BACKENDS) {
  describe(`RunningBatchNorm in models on ${backend}`, () => {
    before(async () => useBackend(backend));

    const NETS = [
      { name: 'conv net', make: convNet, inputShape: [6, 6, 1] },
      { name: 'dense net', make: denseNet, inputShape: [5] },
    ];
    const [{ make: makeNet, inputShape }] = NETS;

    for (const net of NETS) {
      it(`trains a ${net.name} in model.fit: finite losses, every sample counted, no leaked tensors`, async () => {
        await checkFit(net.make, net.inputShape);
      });
    }

    async function checkFit(make: () => tf.Sequential, shape: number[]): Promise<void> {
      const model = compile(make());
      const d = data(shape, 8, 1);
      await fit(model, d, 1);
      const before = tf.memory().numTensors;
      const weightsBefore = weightValues(model);
      const losses = await fit(model, d, 3);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked by fit');
      weightValues(model).forEach((w, i) => {
        if (model.weights[i].trainable) {
          assert.notDeepEqual(w, weightsBefore[i], `${model.weights[i].name} did not train`);
        }
      });
      assert.ok(losses.every(Number.isFinite), `losses ${losses.join(', ')}`);
      const layer = model.layers.find((l) => l instanceof RunningBatchNorm)!;
      const samples = layer.getWeights()[layer.weights.findIndex((w) => w.name.endsWith('samplesSeen'))];
      assert.deepEqual(values(samples), [4 * 8]);
      tf.dispose([d.xs, d.ys]);
      model.dispose();
    }

    it('leaks no tensors over many calls in training, inference and gradients', () => {
      for (const statsInterval of [1, 3]) {
        const layer = new RunningBatchNorm({ statsInterval, warmupSamples: 2 });
        const x = tf.randomNormal([3, 4, 4, 5]);
        tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
        const before = tf.memory().numTensors;
        for (let i = 0; i < 20; i++) {
          tf.dispose(layer.apply(x, { training: i % 2 === 0 }) as tf.Tensor);
          tf.dispose(tf.grads((v: tf.Tensor) => tf.sum(layer.apply(v, { training: true }) as tf.Tensor))([x]));
          const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
          tf.dispose([value, ...Object.values(grads)]);
        }
        assert.equal(tf.memory().numTensors, before, `statsInterval ${statsInterval}`);
        x.dispose();
        disposeLayer(layer);
      }
    });

    it('saves and loads (in memory and through files) with identical outputs and identical continued training', async () => {
      const model = compile(makeNet());
      const d = data(inputShape, 8, 2);
      await fit(model, d, 2);
      let saved: tf.io.ModelArtifacts | undefined;
      await model.save(tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-save-'));
      await model.save(fileSystemHandler(dir));
      const copies = [await tf.loadLayersModel(tf.io.fromMemory(saved!)), await tf.loadLayersModel(fileSystemHandler(dir))];
      fs.rmSync(dir, { recursive: true, force: true });
      for (const copy of copies) {
        assert.equal(copy.layers.filter((l) => l.getClassName() === 'RunningBatchNorm').length, model.layers.filter((l) => l instanceof RunningBatchNorm).length);
        assert.deepEqual(weightValues(copy), weightValues(model));
        assert.deepEqual(tf.tidy(() => values(copy.predict(d.xs) as tf.Tensor)), tf.tidy(() => values(model.predict(d.xs) as tf.Tensor)));
      }
      await fit(model, d, 1);
      for (const copy of copies) {
        await fit(compile(copy), d, 1);
        weightValues(copy).forEach((w, i) => assertClose(w, weightValues(model)[i], 1e-6, 1e-6, `weight ${copy.weights[i].name} after training on`));
        copy.dispose();
      }
      tf.dispose([d.xs, d.ys]);
      model.dispose();
    });
  });
}

function trained(args: ConstructorParameters<typeof RunningBatchNorm>[0], steps: number): { layer: RunningBatchNorm; x: tf.Tensor } {
  const layer = new RunningBatchNorm(args);
  const x = tf.tensor(ref.randomValues(2 * 3 * 4, ref.seededRandom(3), 1, 2), [2, 3, 4]);
  for (let i = 0; i < steps; i++) {
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
  }
  return { layer, x };
}

for (const backend of BACKENDS) {
  describe(`RunningBatchNorm state and statistics interval on ${backend}`, () => {
    before(async () => useBackend(backend));

    it('names its weights gamma, beta and the running state, trainable only gamma and beta', () => {
      const { layer, x } = trained({ statsInterval: 2 }, 1);
      assert.deepEqual(layer.weights.map((w) => w.name.split('/').pop()), ['gamma', 'beta', 'sums', 'sqrs', 'count', 'samplesSeen', 'statsAge', 'inferenceMean', 'inferenceVariance', 'inferenceSteps']);
      assert.deepEqual(layer.trainableWeights.map((w) => w.name.split('/').pop()), ['gamma', 'beta']);
      const plain = trained({ center: false, inferenceMomentum: null }, 1);
      assert.deepEqual(plain.layer.weights.map((w) => w.name.split('/').pop()), ['gamma', 'sums', 'sqrs', 'count', 'samplesSeen']);
      tf.dispose([x, plain.x]);
      disposeLayer(layer);
      disposeLayer(plain.layer);
    });

    it('carries the whole state through getWeights/setWeights, the statistics schedule included', () => {
      for (const statsInterval of [1, 2, 3]) {
        const { layer, x } = trained({ statsInterval, warmupSamples: 4 }, 5);
        const copy = new RunningBatchNorm({ statsInterval, warmupSamples: 4 });
        copy.build(x.shape);
        // A copy trained on other data first, so its own schedule is set and must be replaced.
        tf.tidy(() => {
          copy.apply(tf.mul(x, 3), { training: true });
        });
        copy.setWeights(layer.getWeights());
        for (let step = 0; step < 5; step++) {
          const training = step < 4;
          const [a, b] = tf.tidy(() => {
            const input = tf.add(x, step);
            return [values(layer.apply(input, { training }) as tf.Tensor), values(copy.apply(input, { training }) as tf.Tensor)];
          });
          assert.deepEqual(b, a, `statsInterval ${statsInterval}, step ${step}`);
        }
        assert.deepEqual(copy.getWeights().map(values), layer.getWeights().map(values));
        tf.dispose(x);
        disposeLayer(layer);
        disposeLayer(copy);
      }
    });

    it('recomputes statistics every statsInterval-th step after the warm-up and reuses them in between', () => {
      const o = { ...ref.DEFAULT_OPTIONS, warmupSamples: 4 };
      const layer = new RunningBatchNorm({ statsInterval: 2, warmupSamples: 4 });
      const rand = ref.seededRandom(21);
      let state = ref.initialState(3);
      const recomputed: boolean[] = [];
      let age = 0;
      for (let step = 0; step < 8; step++) {
        const shape = [2, 3];
        const x = ref.randomValues(6, rand, 1, 2);
        const recompute = state.samples < o.warmupSamples || age >= 1;
        recomputed.push(recompute);
        if (recompute) {
          state = ref.foldBatch(x, shape, -1, state, o);
        }
        age = recompute ? 0 : age + 1;
        const y = tf.tidy(() => values(layer.apply(tf.tensor(x, shape), { training: true }) as tf.Tensor));
        assertClose(y, ref.normalize(x, shape, -1, state, o), 2e-4, 2e-3, `output at step ${step}`);
      }
      assert.deepEqual(recomputed, [true, true, false, true, false, true, false, true]);
      disposeLayer(layer);
    });

    it('passes gradients only through gamma and beta on the steps that reuse statistics', () => {
      const layer = new RunningBatchNorm({ statsInterval: 2, warmupSamples: 0 });
      const rand = ref.seededRandom(22);
      const shape = [3, 4];
      const x0 = ref.randomValues(12, rand, 1, 2);
      tf.dispose(layer.apply(tf.tensor(x0, shape), { training: true }) as tf.Tensor);
      const state = ref.foldBatch(x0, shape, -1, ref.initialState(4), ref.DEFAULT_OPTIONS);
      const x = ref.randomValues(12, rand, 1, 2);
      const w = ref.randomValues(12, rand);
      const dx = tf.tidy(() => values(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { training: true }) as tf.Tensor, tf.tensor(w, shape))))(tf.tensor(x, shape))));
      const loss = (v: number[]): number => ref.normalize(v, shape, -1, state, ref.DEFAULT_OPTIONS).reduce((s, y, i) => s + y * w[i], 0);
      assertClose(dx, ref.finiteDifferences(x, loss), 2e-3, 5e-3, 'dL/dx on a reuse step');
      assert.deepEqual(values(layer.getWeights()[5]), [3], 'a reuse step counts no samples');
      disposeLayer(layer);
    });
  });
}

describe('RunningBatchNorm weights, config and arguments', () => {
  before(async () => useBackend('cpu'));

  it('round-trips its config through getConfig/fromConfig and the serialization registry', () => {
    const layer = runningBatchNorm({
      axis: 1, momentum: 0.8, epsilon: 1e-3, center: false, varianceFloor: 0.1, warmupSamples: 8, statsInterval: 3,
      gammaInitializer: 'randomNormal', gammaRegularizer: 'l1l2', gammaConstraint: 'nonNeg', betaInitializer: tf.initializers.constant({ value: 2 }),
    });
    const config = layer.getConfig();
    assert.equal(RunningBatchNorm.className, 'RunningBatchNorm');
    assert.deepEqual((config.gammaRegularizer as { className: string }).className, 'L1L2');
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap.RunningBatchNorm;
    const copy = fromConfig(cls, config) as RunningBatchNorm;
    assert.deepEqual(copy.getConfig(), config);
    for (const key of ['axis', 'momentum', 'epsilon', 'center', 'scale', 'varianceFloor', 'warmupSamples', 'statsInterval']) {
      assert.ok(key in config, key);
    }
  });

  it('defaults to epsilon 1e-4; fastai: true saves fastai\'s epsilon 1e-5 and inferenceMomentum null, not itself', () => {
    const table: Array<[object, number, number | null]> = [
      [{}, 1e-4, 0.9],
      [{ fastai: true }, 1e-5, null],
      [{ fastai: true, epsilon: 1e-3 }, 1e-3, null],
      [{ fastai: true, inferenceMomentum: 0.99 }, 1e-5, 0.99],
      [{ fastai: false }, 1e-4, 0.9],
    ];
    for (const [args, epsilon, inferenceMomentum] of table) {
      const config = runningBatchNorm(args).getConfig();
      assert.deepEqual([config.epsilon, config.inferenceMomentum, 'fastai' in config], [epsilon, inferenceMomentum, false], JSON.stringify(args));
    }
  });

  it('accepts and ignores the moving-statistics initializers of a shared batchNormalization config', () => {
    const shared = { axis: -1, momentum: 0.95, epsilon: 1e-3, movingMeanInitializer: 'zeros', movingVarianceInitializer: 'ones' } as const;
    const bn = tf.layers.batchNormalization(shared);
    const layer = new RunningBatchNorm(shared);
    assert.equal(layer.getConfig().momentum, 0.95);
    assert.ok(!('movingMeanInitializer' in layer.getConfig()));
    const fromBnConfig = new RunningBatchNorm(bn.getConfig() as never);
    assert.equal(fromBnConfig.getConfig().epsilon, 1e-3);
    const { x } = trained({}, 0);
    assert.ok(values(fromBnConfig.apply(x, { training: true }) as tf.Tensor).every(Number.isFinite));
    x.dispose();
  });

  const BAD_ARGS: Array<{ name: string; args: object; message: RegExp }> = [
    { name: 'momentum 1', args: { momentum: 1 }, message: /momentum must be a number in \[0, 1\)/ },
    { name: 'momentum -0.1', args: { momentum: -0.1 }, message: /momentum/ },
    { name: 'epsilon -1', args: { epsilon: -1 }, message: /epsilon/ },
    { name: 'varianceFloor NaN', args: { varianceFloor: Number.NaN }, message: /varianceFloor/ },
    { name: 'warmupSamples as a string', args: { warmupSamples: '20' }, message: /warmupSamples must be a number/ },
    { name: 'statsInterval 0', args: { statsInterval: 0 }, message: /statsInterval/ },
    { name: 'statsInterval 1.5', args: { statsInterval: 1.5 }, message: /statsInterval must be a whole number/ },
    { name: 'an unknown initializer', args: { gammaInitializer: 'noSuchInitializer' }, message: /unknown initializer "noSuchInitializer"/ },
  ];
  for (const { name, args, message } of BAD_ARGS) {
    it(`rejects ${name} with a clear message`, () => {
      assert.throws(() => new RunningBatchNorm(args as never), message);
    });
  }

  it('rejects an axis that is not a defined channel dimension', () => {
    assert.throws(() => new RunningBatchNorm({ axis: 3 }).build([null, 4, 5]), /axis 3 must name a defined, non-batch dimension/);
    assert.throws(() => new RunningBatchNorm({ axis: 0 }).build([null, 4]), /axis 0/);
    assert.throws(() => new RunningBatchNorm({}).build([null, null]), /axis -1/);
  });
});
