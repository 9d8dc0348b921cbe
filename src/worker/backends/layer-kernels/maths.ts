/**
 * The RunningBatchNorm layer's training step as two passes each way over flat float32 arrays, in float64
 * accumulators: the same formulas as the layer's tfjs-ops path (src/layer/running-batch-norm.ts), so
 * its output with these kernels equals its output without them up to float32 rounding.
 *
 * Layout: x is [outer, channels, inner] row-major (inner is 1 for channels last).
 */

export interface ChannelLayout {
  outer: number;
  channels: number;
  inner: number;
}

/**
 * Per channel Σa and, with `b`, Σa·b; without `b`, Σa². One pass. Channels last (inner 1) has loops of
 * its own: a loop per channel there would run once per element.
 */
export function channelSums(a: Float32Array, b: Float32Array | null, layout: ChannelLayout, sum: Float64Array, product: Float64Array): void {
  sum.fill(0);
  product.fill(0);
  if (layout.inner === 1) {
    if (b === null) {
      sumsLast(a, a, layout.outer, layout.channels, sum, product);
    } else {
      sumsLast(a, b, layout.outer, layout.channels, sum, product);
    }
    return;
  }
  const { outer, channels, inner } = layout;
  let i = 0;
  for (let p = 0; p < outer; p++) {
    for (let c = 0; c < channels; c++) {
      let s = 0;
      let q = 0;
      const end = i + inner;
      for (; i < end; i++) {
        const v = a[i];
        s += v;
        q += v * (b === null ? v : b[i]);
      }
      sum[c] += s;
      product[c] += q;
    }
  }
}

/** Four rows per step: a quarter of the accumulator updates (2× faster at 16 channels). */
function sumsLast(a: Float32Array, b: Float32Array, outer: number, channels: number, sum: Float64Array, product: Float64Array): void {
  const n = outer * channels;
  const step = 4 * channels;
  let row = 0;
  for (; row + step <= n; row += step) {
    for (let c = 0; c < channels; c++) {
      const i0 = row + c;
      const i1 = i0 + channels;
      const i2 = i1 + channels;
      const i3 = i2 + channels;
      const v0 = a[i0];
      const v1 = a[i1];
      const v2 = a[i2];
      const v3 = a[i3];
      sum[c] += v0 + v1 + (v2 + v3);
      product[c] += v0 * b[i0] + v1 * b[i1] + (v2 * b[i2] + v3 * b[i3]);
    }
  }
  for (; row < n; row += channels) {
    for (let c = 0; c < channels; c++) {
      const v = a[row + c];
      sum[c] += v;
      product[c] += v * b[row + c];
    }
  }
}

/** out = a·f + b·g + h per channel (b null: a·f + h). One pass. */
export function channelAffine(
  a: Float32Array, f: Float64Array, b: Float32Array | null, g: Float64Array | null, h: Float64Array, layout: ChannelLayout, out: Float32Array,
): void {
  const { outer, channels, inner } = layout;
  if (inner === 1) {
    if (b === null || g === null) {
      affineLast(a, f, h, outer * channels, channels, out);
    } else {
      affine2Last(a, f, b, g, h, outer * channels, channels, out);
    }
    return;
  }
  let i = 0;
  for (let p = 0; p < outer; p++) {
    for (let c = 0; c < channels; c++) {
      const fc = f[c];
      const hc = h[c];
      const end = i + inner;
      if (b === null || g === null) {
        for (; i < end; i++) {
          out[i] = a[i] * fc + hc;
        }
      } else {
        const gc = g[c];
        for (; i < end; i++) {
          out[i] = a[i] * fc + b[i] * gc + hc;
        }
      }
    }
  }
}

function affineLast(a: Float32Array, f: Float64Array, h: Float64Array, n: number, channels: number, out: Float32Array): void {
  for (let row = 0; row < n; row += channels) {
    for (let c = 0; c < channels; c++) {
      out[row + c] = a[row + c] * f[c] + h[c];
    }
  }
}

function affine2Last(a: Float32Array, f: Float64Array, b: Float32Array, g: Float64Array, h: Float64Array, n: number, channels: number, out: Float32Array): void {
  for (let row = 0; row < n; row += channels) {
    for (let c = 0; c < channels; c++) {
      out[row + c] = a[row + c] * f[c] + b[row + c] * g[c] + h[c];
    }
  }
}

/** What the forward kernel needs besides x (per-channel arrays; gamma/beta/inference absent when off). */
export interface ForwardInputs {
  sums: ArrayLike<number>;
  sqrs: ArrayLike<number>;
  gamma: ArrayLike<number> | null;
  beta: ArrayLike<number> | null;
  inferenceMean: ArrayLike<number> | null;
  inferenceVariance: ArrayLike<number> | null;
}

/** The layer's scalars for one step (see normalizeWithBatch in the layer). */
export interface ForwardAttrs {
  /** The batch's weight in the running state. */
  mom1: number;
  /** The running element count after this step. */
  count: number;
  floor: number;
  epsilon: number;
  /** The weight of this step in the inference average (0: none kept). */
  inferenceWeight: number;
}

/** Per-channel outputs of the forward kernel (inferenceMean/Variance only when the layer keeps them). */
export interface ForwardOutputs {
  y: Float32Array;
  sums: Float32Array;
  sqrs: Float32Array;
  mean: Float32Array;
  rstd: Float32Array;
  varianceWeight: Float32Array;
  inferenceMean: Float32Array | null;
  inferenceVariance: Float32Array | null;
}

/** The per-channel factor f and offset o of y = x·f + o. */
export interface ChannelAffineMap {
  f: Float64Array;
  o: Float64Array;
}

/**
 * The forward's per-channel part, from the batch's sums s and sums of squares ss: the running and
 * inference statistics into `out` (all but y), and y's affine map.
 */
export function forwardChannels(s: Float64Array, ss: Float64Array, inputs: ForwardInputs, attrs: ForwardAttrs, out: Omit<ForwardOutputs, 'y'>): ChannelAffineMap {
  const channels = s.length;
  const { mom1, count, floor, epsilon, inferenceWeight } = attrs;
  const meanWeight = mom1 / count;
  const f = new Float64Array(channels);
  const o = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const sums = inputs.sums[c] * (1 - mom1) + s[c] * mom1;
    const sqrs = inputs.sqrs[c] * (1 - mom1) + ss[c] * mom1;
    const mean = sums / count;
    const variance = sqrs / count - mean * mean;
    const rstd = 1 / Math.sqrt(Math.max(variance, floor) + epsilon);
    out.sums[c] = sums;
    out.sqrs[c] = sqrs;
    out.mean[c] = mean;
    out.rstd[c] = rstd;
    out.varianceWeight[c] = floor > 0 && !(variance >= floor) ? 0 : meanWeight;
    f[c] = (inputs.gamma === null ? 1 : inputs.gamma[c]) * rstd;
    o[c] = (inputs.beta === null ? 0 : inputs.beta[c]) - mean * f[c];
    if (out.inferenceMean !== null && out.inferenceVariance !== null && inputs.inferenceMean !== null && inputs.inferenceVariance !== null) {
      out.inferenceMean[c] = inputs.inferenceMean[c] * (1 - inferenceWeight) + mean * inferenceWeight;
      out.inferenceVariance[c] = inputs.inferenceVariance[c] * (1 - inferenceWeight) + Math.max(variance, 0) * inferenceWeight;
    }
  }
  return { f, o };
}

/**
 * One training forward: fold the batch's sums into the running state, normalise with it, and fold its
 * statistics into the inference average; two passes over x.
 */
export function trainingForward(x: Float32Array, inputs: ForwardInputs, attrs: ForwardAttrs, layout: ChannelLayout, out: ForwardOutputs): void {
  const s = new Float64Array(layout.channels);
  const ss = new Float64Array(layout.channels);
  channelSums(x, null, layout, s, ss);
  const { f, o } = forwardChannels(s, ss, inputs, attrs, out);
  channelAffine(x, f, null, null, o, layout, out.y);
}

/** What the backward kernel needs besides dy and x. */
export interface BackwardInputs {
  mean: ArrayLike<number>;
  rstd: ArrayLike<number>;
  gamma: ArrayLike<number> | null;
  /** Per channel; null: `varianceWeight` from the attrs for every channel. */
  varianceWeight: ArrayLike<number> | null;
}

export interface BackwardAttrs {
  /** ∂mean/∂x of each element: mom1/count for this batch's statistics, 0 for stored ones. */
  meanWeight: number;
  /** The variance weight of every channel when no per-channel one is given. */
  varianceWeight: number;
}

export interface BackwardOutputs {
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
}

/** dx = dy·f + x·b + a per channel; b and a are zero (and x unread) unless gradients flow through the batch. */
export interface InputGradientMap {
  f: Float64Array;
  b: Float64Array;
  a: Float64Array;
  throughBatch: boolean;
}

/**
 * The closed-form backward's per-channel part, from A = Σdy and B = Σdy·x: centred = B − mean·A;
 * dβ = A, dγ = rstd·centred into `out`; dx's map f = γ·rstd, b = −f·rstd²·centred·varianceWeight,
 * a = −(f·A·meanWeight + b·mean).
 */
export function backwardChannels(sumDy: Float64Array, sumDyX: Float64Array, inputs: BackwardInputs, attrs: BackwardAttrs, out: Omit<BackwardOutputs, 'dx'>): InputGradientMap {
  const channels = sumDy.length;
  const f = new Float64Array(channels);
  const b = new Float64Array(channels);
  const a = new Float64Array(channels);
  let throughBatch = attrs.meanWeight !== 0;
  for (let c = 0; c < channels; c++) {
    const rstd = inputs.rstd[c];
    const mean = inputs.mean[c];
    const centred = sumDyX[c] - mean * sumDy[c];
    const vw = inputs.varianceWeight === null ? attrs.varianceWeight : inputs.varianceWeight[c];
    f[c] = (inputs.gamma === null ? 1 : inputs.gamma[c]) * rstd;
    b[c] = -f[c] * rstd * rstd * centred * vw;
    a[c] = -(f[c] * sumDy[c] * attrs.meanWeight + b[c] * mean);
    throughBatch ||= vw !== 0;
    out.dgamma[c] = rstd * centred;
    out.dbeta[c] = sumDy[c];
  }
  return { f, b, a, throughBatch };
}

/** The whole backward in JavaScript: two passes over dy and x (the second reads x only when gradients flow through the batch). */
export function trainingBackward(dy: Float32Array, x: Float32Array, inputs: BackwardInputs, attrs: BackwardAttrs, layout: ChannelLayout, out: BackwardOutputs): void {
  const sumDy = new Float64Array(layout.channels);
  const sumDyX = new Float64Array(layout.channels);
  channelSums(dy, x, layout, sumDy, sumDyX);
  const { f, b, a, throughBatch } = backwardChannels(sumDy, sumDyX, inputs, attrs, out);
  channelAffine(dy, f, throughBatch ? x : null, throughBatch ? b : null, a, layout, out.dx);
}
