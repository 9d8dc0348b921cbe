/**
 * The on-device reductions telemetry takes of one tensor (a layer's output, a set of weights or their
 * gradients): a few scalars per tensor that the collector concatenates and reads back in one transfer.
 * Written for wasm's engine, where every kernel costs tens of microseconds and broadcasting a scalar
 * into `where` is slow: few kernels per tensor, and masks only where NaN/Inf actually occur.
 */
import type * as tfjs from '@tensorflow/tfjs';

/** |x| at or below this counts as "near zero" (dead or collapsed units). */
export const NEAR_ZERO = 0.05;
export const HISTOGRAM_BINS = 40;

function flatFloat(x: tfjs.Tensor): tfjs.Tensor1D {
  const flat = x.reshape([-1]) as tfjs.Tensor1D;
  return flat.dtype === 'float32' ? flat : flat.toFloat();
}

/**
 * [mean, sum of squared deviations, near-zero count] over every element: two passes (mean, then
 * deviations) so float32 keeps the std accurate when the mean is large. Any NaN/Inf makes the first
 * two non-finite, which is how the collector knows to take `maskedStats` instead.
 */
export function outputStats(tf: typeof tfjs, x: tfjs.Tensor): tfjs.Tensor1D {
  return tf.tidy(() => {
    const flat = flatFloat(x);
    const mean = flat.mean();
    const deviations = tf.squaredDifference(flat, mean).sum();
    return tf.stack([mean, deviations, nearZeroCount(flat)]) as tfjs.Tensor1D;
  });
}

/** The same over the finite elements only, with their count first: [count, mean, deviations, near-zero]. */
export function maskedStats(tf: typeof tfjs, x: tfjs.Tensor): tfjs.Tensor1D {
  return tf.tidy(() => {
    const flat = flatFloat(x);
    const finite = tf.isFinite(flat);
    const zeros = tf.zerosLike(flat);
    const count = finite.toFloat().sum();
    const mean = tf.where(finite, flat, zeros).sum().div(count.maximum(1));
    const deviations = tf.where(finite, tf.squaredDifference(flat, mean), zeros).sum();
    return tf.stack([count, mean, deviations, nearZeroCount(flat)]) as tfjs.Tensor1D;
  });
}

/** |x| ≤ NEAR_ZERO; NaN compares false, so it is never near zero. */
function nearZeroCount(flat: tfjs.Tensor1D): tfjs.Scalar {
  return flat.abs().lessEqual(NEAR_ZERO).toFloat().sum();
}

/** [min, max] of the finite elements (+Inf, -Inf when there are none). */
export function finiteRange(tf: typeof tfjs, x: tfjs.Tensor): tfjs.Tensor1D {
  return tf.tidy(() => {
    const flat = flatFloat(x);
    const finite = tf.isFinite(flat);
    const min = tf.where(finite, flat, tf.fill(flat.shape, Infinity)).min();
    const max = tf.where(finite, flat, tf.fill(flat.shape, -Infinity)).max();
    return tf.stack([min, max]) as tfjs.Tensor1D;
  });
}

/** Sum of squares of all elements of `tensors` (a scalar), the square of their joint L2 norm. */
export function sumOfSquares(tf: typeof tfjs, tensors: tfjs.Tensor[]): tfjs.Scalar {
  return tf.tidy(() => {
    const parts = tensors.map((t) => flatFloat(t).square().sum());
    return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tfjs.Scalar;
  });
}

/**
 * Counts of the finite elements of `x` in `HISTOGRAM_BINS` equal bins over [min, max]; values beyond
 * the range land in the edge bins, NaN/Inf in none.
 */
export function histogramCounts(tf: typeof tfjs, x: tfjs.Tensor, min: number, max: number): tfjs.Tensor1D {
  return tf.tidy(() => {
    const flat = flatFloat(x);
    const bin = flat.sub(min).mul(HISTOGRAM_BINS / (max - min)).clipByValue(0, HISTOGRAM_BINS - 1).floor().toInt();
    // Non-finite values go to an extra bin that is cut off.
    const index = tf.where(tf.isFinite(flat), bin, tf.fill(flat.shape, HISTOGRAM_BINS, 'int32'));
    if (typeof tf.bincount !== 'function') {
      // tfjs before 3.0 has no bincount (a program's own tfjs, in a capture): counted here instead.
      return tf.tensor1d(countBins(index.dataSync()));
    }
    return tf.bincount(index as tfjs.Tensor1D, tf.tensor1d([], 'float32'), HISTOGRAM_BINS + 1).slice(0, HISTOGRAM_BINS);
  });
}

/** How many of `bins` fall in each of the HISTOGRAM_BINS bins (the cut-off bin, and anything past it, not counted). */
function countBins(bins: ArrayLike<number>): Float32Array {
  const counts = new Float32Array(HISTOGRAM_BINS);
  for (let i = 0; i < bins.length; i++) {
    if (bins[i] < HISTOGRAM_BINS) {
      counts[bins[i]]++;
    }
  }
  return counts;
}

/**
 * The histogram's fixed range from the first sampled step: its finite min and max, clipped to the
 * mean ± 4 std so a few outliers do not squeeze the bulk into a couple of bins, then widened by a
 * quarter of the span on each side so later steps have room to drift. A layer that is never negative
 * (ReLU) starts at 0, and a constant output gets a unit-wide range.
 */
export function chooseHistogramRange(min: number, max: number, mean = NaN, std = NaN): { min: number; max: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    return { min: -1, max: 1 };
  }
  const spread = Number.isFinite(mean) && Number.isFinite(std) && std > 0;
  const low = spread ? Math.max(min, mean - 4 * std) : min;
  const high = spread ? Math.min(max, mean + 4 * std) : max;
  const span = high - low;
  if (span <= Math.max(Math.abs(high), 1) * 1e-6) {
    return { min: low - 0.5, max: high + 0.5 };
  }
  return { min: min >= 0 ? 0 : low - span / 4, max: high + span / 4 };
}
