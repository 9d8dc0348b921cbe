/**
 * The layer's maths against a float64 reference (reference.ts), on every backend: outputs over several
 * training steps with varying batch sizes, inference, gradients for x, gamma and beta against finite
 * differences, ranks 2 to 5, several axes, the variance floor, center/scale off, statsInterval and the
 * slow inference average (inferenceMomentum). Each backend runs the table twice: with tfjs ops only, and
 * with the fused training kernels the extension registers (src/worker/backends/layer-kernels).
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { RunningBatchNorm, RunningBatchNormArgs } from '../../../src/layer/running-batch-norm';
import { BACKENDS, assertClose, useBackend, values } from './backends';
import * as ref from './reference';
import { registerLayerKernels, unregisterLayerKernels } from '../../../src/worker/backends/layer-kernels/register';
import { BACKWARD_KERNEL, FORWARD_KERNEL } from '../../../src/worker/backends/layer-kernels/kernels';

const KERNEL_MODES = [
  { name: 'tfjs ops', fused: false },
  { name: 'fused kernels', fused: true },
] as const;

/** The kernels one training step (forward and gradients) runs. */
async function kernelsOfStep(c: Case): Promise<string[]> {
  const { layer } = makeLayer(c, {}, ref.seededRandom(80));
  const shape = [4, ...c.shape];
  const x = tf.tensor(ref.randomValues(shape.reduce((p, d) => p * d, 1), ref.seededRandom(81)), shape);
  const variables = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, variables);
    tf.dispose([value, ...Object.values(grads)]);
  });
  x.dispose();
  disposeLayer(layer);
  return info.kernels.map((k) => k.name);
}

interface Case {
  name: string;
  /** Shape without the batch dimension. */
  shape: number[];
  axis: number;
}

const CASES: Case[] = [
  { name: 'rank 2 (dense)', shape: [6], axis: -1 },
  { name: 'rank 3 (conv1d)', shape: [5, 3], axis: -1 },
  { name: 'rank 4 (conv2d)', shape: [4, 3, 3], axis: -1 },
  { name: 'rank 5 (conv3d)', shape: [2, 3, 2, 3], axis: -1 },
  { name: 'rank 4, channels first', shape: [3, 4, 2], axis: 1 },
  { name: 'rank 3, axis 1', shape: [3, 5], axis: 1 },
  { name: 'rank 5, middle axis', shape: [2, 4, 3, 2], axis: 2 },
];

const BATCH_SIZES = [4, 1, 3, 2, 8, 1, 5];

function options({ fastai, ...args }: RunningBatchNormArgs): ref.ReferenceOptions {
  return { ...(fastai === true ? ref.FASTAI_OPTIONS : ref.DEFAULT_OPTIONS), ...args } as ref.ReferenceOptions;
}

function channelsOf(c: Case): number {
  return c.shape[(c.axis < 0 ? c.axis + c.shape.length + 1 : c.axis) - 1];
}

/** A built layer with gamma and beta set to non-trivial values (returned for the reference). */
function makeLayer(c: Case, args: RunningBatchNormArgs, rand: () => number): { layer: RunningBatchNorm; gamma?: number[]; beta?: number[] } {
  const layer = new RunningBatchNorm({ axis: c.axis, ...args });
  layer.build([null, ...c.shape]);
  const channels = channelsOf(c);
  const gamma = args.scale === false ? undefined : ref.randomValues(channels, rand, 1, 0.5);
  const beta = args.center === false ? undefined : ref.randomValues(channels, rand, 0, 0.5);
  const trainable = [gamma, beta].filter((v): v is number[] => v !== undefined).map((v) => tf.tensor1d(v));
  layer.setWeights([...trainable, ...layer.getWeights().slice(trainable.length)]);
  tf.dispose(trainable);
  return { layer, gamma, beta };
}

/** Frees a layer that was called directly (Layer.dispose wants a layer used in a model). */
export function disposeLayer(layer: tf.layers.Layer): void {
  layer.weights.forEach((w) => w.dispose());
}

function run(layer: RunningBatchNorm, x: number[], shape: number[], training: boolean): number[] {
  return tf.tidy(() => values(layer.apply(tf.tensor(x, shape), { training }) as tf.Tensor));
}

/** Trains over BATCH_SIZES, checking each output and the inference output after it. */
function checkSteps(c: Case, args: RunningBatchNormArgs, spread: number, seed: number, mean = 3): void {
  const rand = ref.seededRandom(seed);
  const { layer, gamma, beta } = makeLayer(c, args, rand);
  const o = options(args);
  let state = ref.initialState(channelsOf(c));
  for (const bs of BATCH_SIZES) {
    const shape = [bs, ...c.shape];
    const x = ref.randomValues(shape.reduce((p, d) => p * d, 1), rand, mean, spread);
    const expected = ref.trainStep(x, shape, c.axis, state, o, gamma, beta);
    state = expected.state;
    assertClose(run(layer, x, shape, true), expected.y, 2e-4, 2e-3, `training output at ${state.samples} samples`);
    assertClose(run(layer, x, shape, false), ref.infer(x, shape, c.axis, state, o, gamma, beta), 2e-4, 2e-3, `inference output at ${state.samples} samples`);
  }
  disposeLayer(layer);
}

/** Gradients of Σ y·w for x, gamma and beta against central differences of the reference. */
function checkGradients(c: Case, args: RunningBatchNormArgs, warmSamples: number, spread: number, mean = 3): void {
  const rand = ref.seededRandom(7);
  const { layer, gamma, beta } = makeLayer(c, args, rand);
  const o = options(args);
  let state = ref.initialState(channelsOf(c));
  for (let seen = 0; seen < warmSamples; seen += 4) {
    const shape = [4, ...c.shape];
    const x = ref.randomValues(shape.reduce((p, d) => p * d, 1), rand, mean, spread);
    state = ref.foldBatch(x, shape, c.axis, state, o);
    run(layer, x, shape, true);
  }
  const shape = [3, ...c.shape];
  const n = shape.reduce((p, d) => p * d, 1);
  const x = ref.randomValues(n, rand, mean, spread);
  const w = ref.randomValues(n, rand);
  const loss = (from: ref.ReferenceState, xs: number[], g = gamma, b = beta): number =>
    ref.trainStep(xs, shape, c.axis, from, o, g, b).y.reduce((sum, y, i) => sum + y * w[i], 0);
  const grads = tf.tidy(() => {
    const f = tf.grads((...inputs: tf.Tensor[]) => {
      return tf.sum(tf.mul(layer.apply(inputs[0], { training: true }) as tf.Tensor, tf.tensor(w, shape)));
    });
    return f([tf.tensor(x, shape)]).map(values);
  });
  assertClose(grads[0], ref.finiteDifferences(x, (v) => loss(state, v)), 2e-3, 5e-3, 'dL/dx');
  // That call trained a step; the parameter gradients come from the next one.
  state = ref.foldBatch(x, shape, c.axis, state, o);
  const variables = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  if (variables.length === 0) {
    disposeLayer(layer);
    return;
  }
  const paramGrads = tf.tidy(() => {
    const { grads: g } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(tf.tensor(x, shape), { training: true }) as tf.Tensor, tf.tensor(w, shape))) as tf.Scalar, variables);
    return variables.map((v) => values(g[v.name]));
  });
  if (gamma) {
    assertClose(paramGrads[0], ref.finiteDifferences(gamma, (g) => loss(state, x, g, beta)), 2e-3, 5e-3, 'dL/dgamma');
  }
  if (beta) {
    assertClose(paramGrads[gamma ? 1 : 0], ref.finiteDifferences(beta, (b) => loss(state, x, gamma, b)), 2e-3, 5e-3, 'dL/dbeta');
  }
  disposeLayer(layer);
}

for (const { backend, mode } of BACKENDS.flatMap((b) => KERNEL_MODES.map((m) => ({ backend: b, mode: m })))) {
  describe(`RunningBatchNorm maths on ${backend}, ${mode.name}`, () => {
    let registeredBefore = false;
    before(async () => {
      await useBackend(backend);
      registeredBefore = tf.getKernel(FORWARD_KERNEL, backend) !== undefined;
      if (mode.fused) {
        registerLayerKernels();
      } else {
        unregisterLayerKernels();
      }
    });
    after(() => (registeredBefore ? registerLayerKernels() : unregisterLayerKernels()));

    for (const c of [CASES[0], CASES[2], CASES[4]]) {
      it(`a training step runs ${mode.fused ? 'one fused forward and one fused backward kernel' : 'no fused kernel'}: ${c.name}`, async () => {
        const names = await kernelsOfStep(c);
        const count = (name: string): number => names.filter((n) => n === name).length;
        assert.deepEqual([count(FORWARD_KERNEL), count(BACKWARD_KERNEL)], mode.fused ? [1, 1] : [0, 0], names.join(' '));
      });
    }

    for (const c of CASES) {
      it(`matches the reference over training steps and inference: ${c.name}`, () => checkSteps(c, {}, 2, 11));
      it(`matches finite differences for x, gamma, beta: ${c.name}`, () => checkGradients(c, {}, 24, 1.5));
    }

    it('floors the variance while fewer than warmupSamples were seen, and gradients respect the floor', () => {
      // Mean 0: var = Q/C − mean² in float32 cannot resolve a spread of 0.02 around a large mean.
      checkSteps(CASES[2], {}, 0.02, 3, 0);
      checkGradients(CASES[0], {}, 8, 0.02, 0);
      checkSteps(CASES[0], { varianceFloor: 0.5, warmupSamples: 10 }, 0.3, 4);
    });

    it('trains with center and scale off, alone and together', () => {
      for (const args of [{ center: false }, { scale: false }, { center: false, scale: false }]) {
        checkSteps(CASES[2], args, 2, 5);
        checkGradients(CASES[1], args, 24, 1.5);
      }
    });

    it('honours momentum and epsilon', () => {
      checkSteps(CASES[0], { momentum: 0.5, epsilon: 1e-3 }, 2, 6);
      checkGradients(CASES[0], { momentum: 0.99, epsilon: 0.1 }, 24, 1.5);
    });

    it('with inferenceMomentum, infers with the debiased slow average of the training statistics', () => {
      // BATCH_SIZES varies the batch size (1 included) and spans the warm-up, so steps whose variance the
      // output floors fold in too (unfloored), and inference floors the average until the warm-up ends.
      for (const [i, c] of CASES.entries()) {
        checkSteps(c, { inferenceMomentum: 0.9 }, 2, 30 + i);
      }
      checkSteps(CASES[2], { inferenceMomentum: 0.99, momentum: 0.5 }, 2, 40);
      checkSteps(CASES[0], { inferenceMomentum: 0, center: false }, 2, 41);
      checkSteps(CASES[2], { inferenceMomentum: 0.9 }, 0.02, 42, 0);
    });

    it('with inferenceMomentum: null, infers with the running state', () => {
      for (const [i, c] of CASES.entries()) {
        checkSteps(c, { inferenceMomentum: null }, 2, 50 + i);
      }
    });

    it('with fastai: true, is fastai\'s exact layer (epsilon 1e-5, inference on the running state); given values win', () => {
      for (const [i, c] of CASES.entries()) {
        checkSteps(c, { fastai: true }, 0.02, 60 + i, 0);
      }
      checkSteps(CASES[1], { fastai: true, epsilon: 1e-3, inferenceMomentum: 0.9 }, 0.02, 70, 0);
    });

    it('returns gamma·x + beta before any training, never NaN', () => {
      const c = CASES[2];
      const { layer, gamma, beta } = makeLayer(c, {}, ref.seededRandom(9));
      const shape = [2, ...c.shape];
      const x = ref.randomValues(shape.reduce((p, d) => p * d, 1), ref.seededRandom(10), 5, 3);
      const ch = ref.channelOf(shape, c.axis);
      assertClose(run(layer, x, shape, false), x.map((v, i) => v * gamma![ch(i)] + beta![ch(i)]), 1e-5, 1e-5, 'untrained output');
      disposeLayer(layer);
    });

    it('leaves the running state alone in inference', () => {
      const c = CASES[1];
      const { layer } = makeLayer(c, {}, ref.seededRandom(12));
      const shape = [3, ...c.shape];
      const x = ref.randomValues(shape.reduce((p, d) => p * d, 1), ref.seededRandom(13));
      run(layer, x, shape, true);
      const before = layer.getWeights().map(values);
      run(layer, x, shape, false);
      run(layer, x, shape, false);
      assert.deepEqual(layer.getWeights().map(values), before);
      disposeLayer(layer);
    });
  });
}
