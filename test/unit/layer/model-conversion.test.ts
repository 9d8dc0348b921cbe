/**
 * runningBatchNormify and batchNormify: the converted model infers as the original before training
 * (Sequential, functional, nested, shared-layer, two-input/two-output models), trains, round-trips,
 * and leaves the original alone; a frozen RunningBatchNorm keeps its state in fit.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { RunningBatchNorm, batchNormify, runningBatchNorm, runningBatchNormify } from '../../../src/layer/running-batch-norm';
import { assertClose, useBackend, values } from './backends';

const RTOL = 1e-4;
const ATOL = 1e-5;

/** Gives every BatchNormalization random gamma, beta, moving mean and variance (as after training). */
function randomizeNorms(model: tf.LayersModel, seed: number): void {
  let s = seed;
  for (const layer of allLayers(model)) {
    if (layer.getClassName() === 'BatchNormalization') {
      layer.setWeights(layer.weights.map((w) => {
        const n = w.shape[0] ?? 1;
        s += 1;
        const name = w.originalName.split('/').pop();
        return name === 'moving_variance' ? tf.randomUniform([n], 0.2, 3, 'float32', s) : tf.randomNormal([n], name === 'gamma' ? 1 : 0, 0.7, 'float32', s);
      }));
    }
  }
}

function allLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((l) => (l instanceof tf.LayersModel ? [l, ...allLayers(l)] : [l]));
}

function classNames(model: tf.LayersModel): string[] {
  return allLayers(model).map((l) => l.getClassName());
}

function predictAll(model: tf.LayersModel, xs: tf.Tensor[]): number[][] {
  const out = model.predict(xs.length === 1 ? xs[0]! : xs);
  return (Array.isArray(out) ? out : [out]).map(values);
}

function sequentialCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, seed: 1 } as never),
      tf.layers.batchNormalization({ epsilon: 1e-3 }),
      tf.layers.reLU(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
      tf.layers.batchNormalization({ momentum: 0.8, center: false }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
    ],
  });
}

function functional(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 3] });
  const a = tf.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }).apply(input) as tf.SymbolicTensor;
  const normed = tf.layers.batchNormalization({ scale: false, betaRegularizer: tf.regularizers.l2({ l2: 0.01 }) }).apply(a) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(normed) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }).apply(flat) as tf.SymbolicTensor });
}

/** A Sequential and a functional model used as layers of an outer functional model. */
function nested(): tf.LayersModel {
  const innerSeq = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }) }), tf.layers.batchNormalization()] });
  const innerIn = tf.input({ shape: [4] });
  const innerFn = tf.model({ inputs: innerIn, outputs: tf.layers.batchNormalization({ gammaConstraint: tf.constraints.nonNeg() }).apply(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }) }).apply(innerIn)) as tf.SymbolicTensor });
  const input = tf.input({ shape: [5] });
  const out = tf.layers.batchNormalization().apply(innerFn.apply(innerSeq.apply(input)) as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** One BatchNormalization applied to two branches. */
function sharedLayer(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const shared = tf.layers.batchNormalization();
  const left = shared.apply(tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 8 }) }).apply(input)) as tf.SymbolicTensor;
  const right = shared.apply(tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 9 }) }).apply(input)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.add().apply([left, right]) as tf.SymbolicTensor });
}

function twoInTwoOut(): tf.LayersModel {
  const a = tf.input({ shape: [3], name: 'a' });
  const b = tf.input({ shape: [2, 2], name: 'b' });
  const na = tf.layers.batchNormalization({ name: 'norm_a' }).apply(a) as tf.SymbolicTensor;
  const nb = tf.layers.flatten().apply(tf.layers.batchNormalization({ name: 'norm_b' }).apply(b)) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([na, nb]) as tf.SymbolicTensor;
  const out1 = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 10 }) }).apply(joined) as tf.SymbolicTensor;
  const out2 = tf.layers.batchNormalization({ name: 'norm_out' }).apply(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 11 }) }).apply(joined)) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: [out1, out2] });
}

/**
 * A custom layer with a weight whose fromConfig forgets its name (as real code does: `new cls(size)`),
 * so the rebuilt copy's layer has another name than the original's.
 */
class ForgetfulScale extends tf.layers.Layer {
  static className = 'ForgetfulScale';
  private scaleWeight: tf.LayerVariable | undefined;
  constructor(private readonly size: number) {
    super({});
  }
  override build(): void {
    this.scaleWeight = this.addWeight('scale', [this.size], 'float32', tf.initializers.randomNormal({ mean: 1, stddev: 0.5, seed: 12 }));
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, this.scaleWeight!.read()));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new (cls as unknown as new (size: number) => T)(config['size'] as number);
  }
}
tf.serialization.registerClass(ForgetfulScale);

function customLayerForgetsItsName(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const scaled = new ForgetfulScale(4).apply(tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 13 }) }).apply(input)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.batchNormalization().apply(scaled) as tf.SymbolicTensor });
}

const CASES: Array<{ name: string; build: () => tf.LayersModel; inputs: number[][]; norms: number }> = [
  { name: 'Sequential CNN', build: sequentialCnn, inputs: [[6, 6, 2]], norms: 2 },
  { name: 'functional', build: functional, inputs: [[4, 4, 3]], norms: 1 },
  { name: 'nested Sequential and functional models', build: nested, inputs: [[5]], norms: 3 },
  { name: 'shared layer', build: sharedLayer, inputs: [[4]], norms: 1 },
  { name: 'two inputs, two outputs', build: twoInTwoOut, inputs: [[3], [2, 2]], norms: 3 },
  { name: 'a custom layer whose fromConfig forgets its name', build: customLayerForgetsItsName, inputs: [[4]], norms: 1 },
];

describe('runningBatchNormify / batchNormify', () => {
  before(() => useBackend('cpu'));

  for (const c of CASES) {
    describe(c.name, () => {
      const setup = (): { model: tf.LayersModel; xs: tf.Tensor[] } => {
        const model = c.build();
        randomizeNorms(model, 3);
        // Inputs with an offset and a scale, so the moving statistics matter.
        const xs = c.inputs.map((shape, i) => tf.add(tf.mul(tf.randomNormal([5, ...shape], 0, 1, 'float32', 20 + i), 2), 0.5));
        return { model, xs };
      };

      it('converts every BatchNormalization and infers as the original before training', () => {
        const { model, xs } = setup();
        const before = predictAll(model, xs);
        const weightsBefore = model.getWeights().map(values);
        const converted = runningBatchNormify(model);
        assert.equal(classNames(converted).filter((n) => n === 'RunningBatchNorm').length, c.norms);
        assert.ok(!classNames(converted).includes('BatchNormalization'));
        predictAll(converted, xs).forEach((out, i) => assertClose(out, before[i]!, ATOL, RTOL, `output ${i}`));
        // The original is untouched.
        assert.deepEqual(classNames(model).filter((n) => n === 'RunningBatchNorm'), []);
        model.getWeights().map(values).forEach((w, i) => assert.deepEqual(w, weightsBefore[i]));
      });

      it('infers as the original with fastai\'s exact layer too (inferenceMomentum: null)', () => {
        const { model, xs } = setup();
        const converted = runningBatchNormify(model, { args: { inferenceMomentum: null } });
        predictAll(converted, xs).forEach((out, i) => assertClose(out, predictAll(model, xs)[i]!, ATOL, RTOL, `output ${i}`));
      });

      it('maps back with batchNormify to the same classes, names and outputs', () => {
        const { model, xs } = setup();
        const back = batchNormify(runningBatchNormify(model));
        assert.deepEqual(classNames(back), classNames(model));
        // A custom layer whose fromConfig drops its name keeps it too.
        const names = (m: tf.LayersModel) => allLayers(m).map((l) => l.name);
        assert.deepEqual(names(back), names(model));
        predictAll(back, xs).forEach((out, i) => assertClose(out, predictAll(model, xs)[i]!, ATOL, RTOL, `output ${i}`));
      });
    });
  }

  it('normalises a non-last axis with the moving statistics (float64 reference)', () => {
    // tfjs's own BatchNormalization is no reference here: on cpu its inference with axis 1 walks the
    // statistics cyclically over the flat tensor, ignoring the broadcast shape.
    const model = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [3, 2], axis: 1, epsilon: 0.01 })] });
    const [gamma, beta, mean, variance] = [[1, 2, 3], [0.5, 0, -1], [1, -1, 2], [0.5, 1, 2]];
    model.layers[0]!.setWeights([gamma, beta, mean, variance].map((v) => tf.tensor1d(v)));
    const x = tf.randomNormal([2, 3, 2], 0, 2, 'float32', 50);
    const xv = values(x);
    const expected = xv.map((v, i) => {
      const c = Math.floor(i / 2) % 3;
      return ((v - mean[c]!) / Math.sqrt(variance[c]! + 0.01)) * gamma[c]! + beta[c]!;
    });
    assertClose(predictAll(runningBatchNormify(model), [x])[0]!, expected, ATOL, RTOL, 'axis 1');
  });

  it('keeps name, axis, epsilon, center, scale, regularizers, constraints and trainable; momentum only where set', () => {
    const input = tf.input({ shape: [3, 4] });
    const bn = tf.layers.batchNormalization({ name: 'keep_me', axis: 1, epsilon: 0.01, center: false, gammaRegularizer: tf.regularizers.l1({ l1: 0.1 }), betaConstraint: tf.constraints.maxNorm({ maxValue: 2 }), trainable: false });
    const model = tf.model({ inputs: input, outputs: tf.layers.batchNormalization({ momentum: 0.7 }).apply(bn.apply(input)) as tf.SymbolicTensor });
    const converted = runningBatchNormify(model, { args: { statsInterval: 2, name: 'ignored' } as never });
    const config = converted.getLayer('keep_me').getConfig();
    assert.deepEqual(
      { name: config.name, axis: config.axis, epsilon: config.epsilon, center: config.center, scale: config.scale, trainable: config.trainable, momentum: config.momentum, statsInterval: config.statsInterval },
      { name: 'keep_me', axis: 1, epsilon: 0.01, center: false, scale: true, trainable: false, momentum: 0.9, statsInterval: 2 },
    );
    assert.deepEqual(config.gammaRegularizer, { className: 'L1L2', config: { l1: 0.1, l2: 0 } });
    assert.equal((config.betaConstraint as { className: string }).className, 'MaxNorm');
    assert.equal(converted.layers[2]!.getConfig().momentum, 0.7);
    const back = batchNormify(converted);
    assert.equal(back.getLayer('keep_me').getConfig().momentum, 0.99);
    assert.equal(back.layers[2]!.getConfig().momentum, 0.7);
  });

  it('starts from a fresh state with keepStatistics: false', () => {
    const model = sequentialCnn();
    randomizeNorms(model, 5);
    const converted = runningBatchNormify(model, { keepStatistics: false });
    const norm = converted.layers[1] as RunningBatchNorm;
    const byName = Object.fromEntries(norm.weights.map((w) => [w.originalName.split('/').pop(), values(w.read())]));
    assert.deepEqual(byName['count'], [0]);
    assert.deepEqual(byName['sums'], [0, 0, 0]);
    assert.deepEqual(byName['gamma'], values(model.layers[1]!.weights[0]!.read()));
  });

  it('trains after conversion: the loss falls and nothing is NaN', async () => {
    const model = sequentialCnn();
    randomizeNorms(model, 7);
    const converted = runningBatchNormify(model);
    converted.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const xs = tf.randomNormal([16, 6, 6, 2], 0, 1, 'float32', 30);
    const ys = tf.oneHot(tf.cast(tf.greater(tf.sum(xs, [1, 2, 3]), 0), 'int32'), 2);
    const history = await converted.fit(xs, ys, { epochs: 15, batchSize: 4, shuffle: false, verbose: 0 });
    const losses = history.history['loss'] as number[];
    assert.ok(losses.every(Number.isFinite), `losses ${losses.join()}`);
    assert.ok(losses[losses.length - 1]! < losses[0]! * 0.8, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
    // Training moved the running state of the converted layer away from the copied statistics.
    const { mean } = (converted.layers[1] as RunningBatchNorm).getStatistics();
    const movingMean = values(model.layers[1]!.weights[2]!.read());
    assert.ok(mean.some((m, i) => Math.abs(m - movingMean[i]!) > 1e-3));
  });
});

describe('RunningBatchNorm frozen (trainable: false) in fit', () => {
  before(() => useBackend('cpu'));

  const state = (layer: tf.layers.Layer): number[][] => layer.weights.map((w) => values(w.read()));

  async function fitOnce(model: tf.LayersModel): Promise<void> {
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const xs = tf.add(tf.randomNormal([12, 4], 0, 1, 'float32', 40), 3);
    await model.fit(xs, tf.randomNormal([12, 2], 0, 1, 'float32', 41), { epochs: 2, batchSize: 3, verbose: 0 });
  }

  const denseNet = (trainable: boolean): tf.Sequential =>
    tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 }), runningBatchNorm({ trainable }), tf.layers.dense({ units: 2 })] });

  it('keeps gamma, beta and the running state when the layer is frozen', async () => {
    const model = denseNet(false);
    const before = state(model.layers[1]!);
    const denseBefore = state(model.layers[0]!);
    await fitOnce(model);
    assert.deepEqual(state(model.layers[1]!), before);
    assert.notDeepEqual(state(model.layers[0]!), denseBefore, 'the trainable layers still train');
  });

  it('keeps them when a parent model is frozen', async () => {
    const base = denseNet(true);
    // Functional outer model: an outer Sequential's compile() marks nested weights trainable again (tfjs 4.22).
    const input = tf.input({ shape: [4] });
    const outer = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(base.apply(input)) as tf.SymbolicTensor });
    // A state with statistics in it, so inference mode differs from a fresh layer.
    await fitOnce(outer);
    base.trainable = false;
    const before = state(base.layers[1]!);
    await fitOnce(outer);
    assert.deepEqual(state(base.layers[1]!), before);
  });

  it('still trains and updates its state when trainable (the control)', async () => {
    const model = denseNet(true);
    const before = state(model.layers[1]!);
    await fitOnce(model);
    assert.notDeepEqual(state(model.layers[1]!), before);
  });
});
