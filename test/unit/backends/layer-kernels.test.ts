/**
 * The RunningBatchNorm layer's fused kernels (src/worker/backends/layer-kernels) against a float64
 * reference written from the maths, on wasm (channels last: XNNPACK for the full-size outputs; other
 * layouts: JavaScript) and cpu: every output of the forward and backward kernels, ranks 2 to 5.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { BACKWARD_KERNEL, FORWARD_KERNEL } from '../../../src/worker/backends/layer-kernels/kernels';
import { randomValues, useWasmBackend } from './kernel-harness';

interface Case {
  name: string;
  shape: number[];
  axis: number;
  gamma?: boolean;
  beta?: boolean;
  inference?: boolean;
  /** A variance floor above some channels' variance (those channels' varianceWeight is 0). */
  floor?: number;
  /** Backward with stored statistics: meanWeight and varianceWeight 0. */
  stored?: boolean;
  /** Backward with one varianceWeight attribute instead of a per-channel tensor. */
  scalarVarianceWeight?: boolean;
}

const CASES: Case[] = [
  { name: 'rank 2, channels last', shape: [7, 5], axis: 1, gamma: true, beta: true, inference: true },
  { name: 'rank 4, channels last (conv2d)', shape: [3, 4, 5, 6], axis: 3, gamma: true, beta: true, inference: true },
  { name: 'rank 4, channels first', shape: [3, 4, 5, 2], axis: 1, gamma: true, beta: true, inference: true },
  { name: 'rank 3, middle axis, no gamma, no beta', shape: [4, 3, 5], axis: 1 },
  { name: 'rank 5, channels last, no inference average', shape: [2, 3, 2, 3, 4], axis: 4, gamma: true, beta: false },
  { name: 'rank 5, middle axis, gamma only', shape: [2, 2, 3, 2, 3], axis: 2, gamma: true },
  { name: 'rank 4, floor holds for some channels', shape: [2, 3, 3, 4], axis: 3, gamma: true, beta: true, floor: 1.2 },
  { name: 'rank 4, channels first, floor holds for some channels', shape: [2, 4, 3, 3], axis: 1, beta: true, floor: 1.2 },
  { name: 'rank 4, stored statistics (no gradient through the batch)', shape: [2, 3, 3, 4], axis: 3, gamma: true, stored: true },
  { name: 'rank 2, one varianceWeight for every channel', shape: [9, 3], axis: 1, gamma: true, scalarVarianceWeight: true },
  // Channels last over more than one 256-position block of the SIMD sums, 13 channels (a scalar tail).
  { name: 'rank 4, channels last, 300 positions, 13 channels', shape: [3, 10, 10, 13], axis: 3, gamma: true, beta: true, inference: true },
];

const ATTRS = { mom1: 0.37, epsilon: 1e-4, inferenceWeight: 0.23 };

interface Layout { outer: number; channels: number; inner: number }

function layoutOf(c: Case): Layout {
  const channels = c.shape[c.axis]!;
  const inner = c.shape.slice(c.axis + 1).reduce((p, d) => p * d, 1);
  return { outer: c.shape.reduce((p, d) => p * d, 1) / (channels * inner), channels, inner };
}

function channelOf(layout: Layout): (i: number) => number {
  return (i) => Math.floor(i / layout.inner) % layout.channels;
}

/** The running element count: one batch's elements per channel, as the layer's count settles to. */
function countOf(c: Case): number {
  const layout = layoutOf(c);
  return layout.outer * layout.inner;
}

/**
 * Channel k's inputs (and its running state) have mean 1.5 and variance about (k + 1)²/3, so a floor
 * of 1.2 holds for channel 0 only.
 */
function inputs(c: Case, seed: number): Record<string, Float64Array> {
  const layout = layoutOf(c);
  const ch = channelOf(layout);
  const size = layout.outer * layout.channels * layout.inner;
  const x = randomValues(size, seed).map((v, i) => Math.fround(1.5 + v * (ch(i) + 1)));
  const perChannel = (s: number, offset: number, spread: number): Float64Array => randomValues(layout.channels, s).map((v) => Math.fround(offset + spread * v));
  const count = countOf(c);
  return {
    x,
    dy: randomValues(size, seed + 1),
    sums: perChannel(seed + 2, 1.5, 0.1).map((m) => Math.fround(m * count)),
    sqrs: perChannel(seed + 3, 2.25, 0.1).map((q, k) => Math.fround((q + (k + 1) ** 2 / 3) * count)),
    gamma: perChannel(seed + 4, 1, 0.5),
    beta: perChannel(seed + 5, 0, 0.5),
    inferenceMean: perChannel(seed + 6, 1, 0.5),
    inferenceVariance: perChannel(seed + 7, 2, 0.5),
  };
}

/** float64 reference of both kernels. */
function reference(c: Case, v: Record<string, Float64Array>): { forward: number[][]; backward: number[][] } {
  const layout = layoutOf(c);
  const ch = channelOf(layout);
  const floor = c.floor ?? 0;
  const C = layout.channels;
  const s = new Array<number>(C).fill(0);
  const ss = new Array<number>(C).fill(0);
  v.x!.forEach((value, i) => {
    s[ch(i)] += value;
    ss[ch(i)] += value * value;
  });
  const sums = s.map((value, k) => v.sums![k]! + ATTRS.mom1 * (value - v.sums![k]!));
  const sqrs = ss.map((value, k) => v.sqrs![k]! + ATTRS.mom1 * (value - v.sqrs![k]!));
  const count = countOf(c);
  const mean = sums.map((value) => value / count);
  const variance = sqrs.map((value, k) => value / count - mean[k]! ** 2);
  const rstd = variance.map((value) => 1 / Math.sqrt(Math.max(value, floor) + ATTRS.epsilon));
  const meanWeight = ATTRS.mom1 / count;
  const varianceWeight = variance.map((value) => (value < floor ? 0 : meanWeight));
  const gamma = (k: number): number => (c.gamma ? v.gamma![k]! : 1);
  const beta = (k: number): number => (c.beta ? v.beta![k]! : 0);
  const y = Array.from(v.x!, (value, i) => (value - mean[ch(i)]!) * rstd[ch(i)]! * gamma(ch(i)) + beta(ch(i)));
  const w = ATTRS.inferenceWeight;
  const forward = [y, sums, sqrs, mean, rstd, varianceWeight];
  if (c.inference) {
    forward.push(mean.map((m, k) => v.inferenceMean![k]! + w * (m - v.inferenceMean![k]!)));
    forward.push(variance.map((value, k) => v.inferenceVariance![k]! + w * (Math.max(value, 0) - v.inferenceVariance![k]!)));
  }
  // Backward: dx = f·dy − f·mw·Σdy − f·rstd²·vw·Σdy(x − mean)·(x − mean), with the forward's mean and rstd.
  const mw = c.stored ? 0 : meanWeight;
  const vw = (k: number): number => (c.stored ? 0 : c.scalarVarianceWeight ? meanWeight : varianceWeight[k]!);
  const sumDy = new Array<number>(C).fill(0);
  const centred = new Array<number>(C).fill(0);
  v.dy!.forEach((d, i) => {
    sumDy[ch(i)] += d;
    centred[ch(i)] += d * (v.x![i]! - mean[ch(i)]!);
  });
  const dx = Array.from(v.dy!, (d, i) => {
    const k = ch(i);
    const f = gamma(k) * rstd[k]!;
    return f * d - f * mw * sumDy[k]! - f * rstd[k]! ** 2 * vw(k) * centred[k]! * (v.x![i]! - mean[k]!);
  });
  return { forward, backward: [dx, centred.map((value, k) => value * rstd[k]!), sumDy] };
}

function runKernel(name: string, tensors: Record<string, Float64Array | Float32Array>, shapes: Record<string, number[]>, attrs: tf.NamedAttrMap): { outputs: Float32Array[]; leaked: number } {
  const inputs = Object.fromEntries(Object.entries(tensors).map(([key, values]) => [key, tf.tensor(Float32Array.from(values), shapes[key])]));
  // Backend data, not tensors: a kernel's intermediates (the wasm step's reshapes, filters, products) are data only.
  const before = tf.engine().backend.numDataIds();
  const result = tf.engine().runKernel(name, inputs, attrs) as tf.Tensor[];
  const outputs = result.map((t) => t.dataSync() as Float32Array);
  const leaked = tf.engine().backend.numDataIds() - before - result.length;
  tf.dispose([...result, ...Object.values(inputs)]);
  return { outputs, leaked };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(1e-6, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!);
    assert.ok(error <= 1e-5 * scale + 1e-6 * Math.abs(expected[i]!), `${what}[${i}]: ${actual[i]} vs ${expected[i]} (error ${error}, scale ${scale})`);
  }
}

const FORWARD_NAMES = ['y', 'sums', 'sqrs', 'mean', 'rstd', 'varianceWeight', 'inferenceMean', 'inferenceVariance'];

describe('RunningBatchNorm fused kernels against float64', function () {
  this.timeout(30000);
  before(() => useWasmBackend());

  for (const backend of ['wasm', 'cpu']) {
    CASES.forEach((c, n) => {
      it(`${backend}: ${c.name}`, async () => {
        await tf.setBackend(backend);
        const v = inputs(c, 100 + 10 * n);
        const expected = reference(c, v);
        const layout = layoutOf(c);
        const perChannel = [layout.channels];
        const forwardInputs: Record<string, Float64Array> = { x: v.x!, sums: v.sums!, sqrs: v.sqrs! };
        const shapes: Record<string, number[]> = { x: c.shape, dy: c.shape };
        for (const key of ['sums', 'sqrs', 'gamma', 'beta', 'inferenceMean', 'inferenceVariance', 'mean', 'rstd', 'varianceWeight']) {
          shapes[key] = perChannel;
        }
        if (c.gamma) {forwardInputs.gamma = v.gamma!;}
        if (c.beta) {forwardInputs.beta = v.beta!;}
        if (c.inference) {
          forwardInputs.inferenceMean = v.inferenceMean!;
          forwardInputs.inferenceVariance = v.inferenceVariance!;
        }
        const layoutAttrs = { channels: layout.channels, inner: layout.inner };
        const forward = runKernel(FORWARD_KERNEL, forwardInputs, shapes, { ...layoutAttrs, ...ATTRS, count: countOf(c), floor: c.floor ?? 0, inferenceWeight: c.inference ? ATTRS.inferenceWeight : 0 });
        assert.equal(forward.leaked, 0, 'forward leaks no tensors');
        assert.equal(forward.outputs.length, expected.forward.length, 'forward outputs');
        expected.forward.forEach((values, k) => assertClose(forward.outputs[k]!, values, `${FORWARD_NAMES[k]}`));
        if (c.floor !== undefined) {
          const weights = Array.from(forward.outputs[5]!);
          assert.ok(weights.includes(0) && weights.some((w) => w > 0), `the floor holds for some channels only: ${weights.join(', ')}`);
        }
        // The backward takes the forward's mean and rstd (float32), as the layer saves them.
        const [mean, rstd, varianceWeight] = [forward.outputs[3]!, forward.outputs[4]!, forward.outputs[5]!];
        const backwardInputs: Record<string, Float64Array | Float32Array> = { dy: v.dy!, x: v.x!, mean, rstd };
        if (c.gamma) {backwardInputs.gamma = v.gamma!;}
        if (!c.stored && !c.scalarVarianceWeight) {backwardInputs.varianceWeight = varianceWeight;}
        const meanWeight = c.stored ? 0 : ATTRS.mom1 / countOf(c);
        const backward = runKernel(BACKWARD_KERNEL, backwardInputs, shapes, { ...layoutAttrs, meanWeight, varianceWeight: c.scalarVarianceWeight ? meanWeight : 0 });
        assert.equal(backward.leaked, 0, 'backward leaks no tensors');
        // The reference's mean and rstd are float64, the kernel's their float32 roundings: within the tolerance.
        ['dx', 'dgamma', 'dbeta'].forEach((name, k) => assertClose(backward.outputs[k]!, expected.backward[k]!, name));
      });
    });
  }
});
