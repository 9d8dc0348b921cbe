import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { engine } from '@tensorflow/tfjs';
import { allocateOutput, heapView } from '../heap';
import { javascriptChannelPasses, SimdChannelPasses, type ChannelPasses } from '../simd/channel-passes';
import { simdKernelsOf } from '../simd/simd-module';

/** Batch normalization in training, forward (this project's kernel name; see fused-batch-norm.ts). */
export const BATCH_NORM_TRAIN_KERNEL = 'RbnBatchNormTrain';
/** Its gradient: dx, dscale, doffset in two passes over x and dy. */
export const BATCH_NORM_TRAIN_GRAD_KERNEL = 'RbnBatchNormTrainGrad';

export interface BatchNormTrainAttrs {
  varianceEpsilon: number;
  /** The moving averages' momentum: moving ← moving − (moving − batch)·(1 − momentum), as tfjs-layers. */
  momentum: number;
}

interface Channels {
  /** Values per channel (the product of every axis but the last). */
  count: number;
  channels: number;
}

function channelsOf(x: TensorInfo): Channels {
  const channels = x.shape[x.shape.length - 1];
  return { channels, count: channels === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / channels };
}

/**
 * tfjs-layers' BatchNormalization in training (channels last): the batch's mean and (biased) variance
 * per channel, y = (x − mean)/√(variance + ε)·scale + offset, and the moving averages' next values.
 * Two passes over x: the statistics (float64 sums of x − x₀, x₀ each channel's first value, so that a
 * large mean loses no precision), then y. tfjs's float32 chain (moments, FusedBatchNorm, six
 * moving-average kernels) differs from this by float32 rounding only.
 */
export function batchNormTrainForward(
  x: Float32Array, scale: Float32Array, offset: Float32Array, moving: { mean: Float32Array; variance: Float32Array },
  a: BatchNormTrainAttrs, out: { y: Float32Array; mean: Float32Array; variance: Float32Array; movingMean: Float32Array; movingVariance: Float32Array },
  passes: ChannelPasses = javascriptChannelPasses,
): void {
  const c = scale.length;
  const n = x.length;
  const count = c === 0 ? 0 : n / c;
  const shift = new Float64Array(c);
  const sums = new Float64Array(c);
  const squares = new Float64Array(c);
  for (let j = 0; j < c && j < n; j++) {
    shift[j] = x[j];
  }
  passes.sums(x, null, shift, sums, squares);
  const factor = new Float64Array(c);
  const meanOut = out.mean;
  const decay = Math.fround(1 - a.momentum);
  for (let j = 0; j < c; j++) {
    const meanShifted = sums[j] / count;
    meanOut[j] = shift[j] + meanShifted;
    out.variance[j] = Math.max(0, squares[j] / count - meanShifted * meanShifted);
    factor[j] = scale[j] / Math.sqrt(out.variance[j] + a.varianceEpsilon);
    // offset − mean·factor, so that y = x·factor + shiftOut.
    shift[j] = offset[j] - meanOut[j] * factor[j];
    out.movingMean[j] = Math.fround(moving.mean[j] - Math.fround(Math.fround(moving.mean[j] - meanOut[j]) * decay));
    out.movingVariance[j] = Math.fround(moving.variance[j] - Math.fround(Math.fround(moving.variance[j] - out.variance[j]) * decay));
  }
  passes.affine(x, factor, null, null, shift, out.y);
}

/**
 * The gradients of `batchNormTrainForward`'s y, mean and variance (dy, dMean, dVariance) with respect
 * to x, scale and offset, the batch statistics depending on x: with x̂ = (x − μ)/σ and N values per
 * channel, dx = scale/σ·(dy − Σdy/N − x̂·Σ(dy·x̂)/N) + dMean/N + dVariance·2(x − μ)/N,
 * dscale = Σ dy·x̂, doffset = Σ dy. Sums in float64; two passes over x and dy.
 */
export function batchNormTrainBackward(
  input: { dy: Float32Array; x: Float32Array; scale: Float32Array; mean: Float32Array; variance: Float32Array; dMean: Float32Array; dVariance: Float32Array },
  varianceEpsilon: number, out: { dx: Float32Array; dScale: Float32Array; dOffset: Float32Array },
  passes: ChannelPasses = javascriptChannelPasses,
): void {
  const { dy, x, scale, mean, variance, dMean, dVariance } = input;
  const c = scale.length;
  const n = x.length;
  const count = c === 0 ? 0 : n / c;
  const mu = Float64Array.from(mean);
  const sumDy = new Float64Array(c);
  const sumDyCentered = new Float64Array(c);
  passes.sums(dy, x, mu, sumDy, sumDyCentered);
  // dx = a·dy + b·x + k per channel.
  const a = new Float64Array(c);
  const b = new Float64Array(c);
  const k = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    const inv = 1 / Math.sqrt(variance[j] + varianceEpsilon);
    a[j] = scale[j] * inv;
    b[j] = -scale[j] * inv * inv * inv * sumDyCentered[j] / count + 2 * dVariance[j] / count;
    k[j] = -a[j] * sumDy[j] / count + dMean[j] / count - b[j] * mu[j];
    out.dScale[j] = sumDyCentered[j] * inv;
    out.dOffset[j] = sumDy[j];
  }
  passes.affine(dy, a, x, b, k, out.dx);
}

const f32 = (backend: unknown, t: TensorInfo) => heapView(backend, t) as Float32Array;

/**
 * Runs `body` with the SIMD module's passes where they can run (else the JavaScript ones). Called
 * after the outputs are allocated and before any view is taken: the passes' scratch allocation may grow the heap.
 */
function withChannelPasses<T>(backend: unknown, channels: number, body: (passes: ChannelPasses) => T): T {
  const kernels = simdKernelsOf(backend);
  if (kernels === undefined) {
    return body(javascriptChannelPasses);
  }
  const passes = new SimdChannelPasses(kernels, channels);
  try {
    return body(passes);
  } finally {
    passes.release();
  }
}

const batchNormTrain: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, scale, offset, movingMean, movingVariance } = inputs as Record<string, TensorInfo>;
  const { channels } = channelsOf(x);
  const outputs = [x.shape, [channels], [channels], [channels], [channels]].map((shape) => allocateOutput(backend, shape, 'float32').info);
  withChannelPasses(backend, channels, (passes) => {
    const [y, mean, variance, newMovingMean, newMovingVariance] = outputs.map((t) => f32(backend, t));
    batchNormTrainForward(
      f32(backend, x), f32(backend, scale), f32(backend, offset), { mean: f32(backend, movingMean), variance: f32(backend, movingVariance) },
      attrs as unknown as BatchNormTrainAttrs, { y, mean, variance, movingMean: newMovingMean, movingVariance: newMovingVariance }, passes,
    );
  });
  return outputs;
};

const batchNormTrainGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x, scale, mean, variance, dMean, dVariance } = inputs as Record<string, TensorInfo>;
  const outputs = [x.shape, scale.shape, scale.shape].map((shape) => allocateOutput(backend, shape, 'float32').info);
  withChannelPasses(backend, scale.shape[0] ?? 0, (passes) => {
    const [dx, dScale, dOffset] = outputs.map((t) => f32(backend, t));
    batchNormTrainBackward(
      { dy: f32(backend, dy), x: f32(backend, x), scale: f32(backend, scale), mean: f32(backend, mean), variance: f32(backend, variance), dMean: f32(backend, dMean), dVariance: f32(backend, dVariance) },
      (attrs as unknown as BatchNormTrainAttrs).varianceEpsilon, { dx, dScale, dOffset }, passes,
    );
  });
  return outputs;
};

export const batchNormTrainConfig: KernelConfig = { kernelName: BATCH_NORM_TRAIN_KERNEL, backendName: 'wasm', kernelFunc: batchNormTrain };
export const batchNormTrainGradConfig: KernelConfig = { kernelName: BATCH_NORM_TRAIN_GRAD_KERNEL, backendName: 'wasm', kernelFunc: batchNormTrainGrad };

/**
 * The forward kernel's gradient: one backward kernel for x, scale and offset (tfjs's chain runs
 * about 40 kernels for them). The moving averages' outputs carry no gradient (tfjs-layers writes them
 * to variables, which cuts the tape).
 */
export const batchNormTrainGradient: GradConfig = {
  kernelName: BATCH_NORM_TRAIN_KERNEL,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, true, true, false, false],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as Tensor[];
    const [x, scale, mean, variance] = saved;
    // Computed at once, in the backward pass's own scope: the closures run in separate tidies, and
    // the three results must outlive the first of them.
    const [dx, dScale, dOffset] = engine().runKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, { dy, x, scale, mean, variance, dMean, dVariance }, attrs as NamedAttrMap) as Tensor[];
    return {
      x: () => dx,
      scale: () => dScale,
      offset: () => dOffset,
      movingMean: () => engine().runKernel('ZerosLike', { x: mean }) as Tensor,
      movingVariance: () => engine().runKernel('ZerosLike', { x: variance }) as Tensor,
    };
  },
};
