/**
 * The statistics behind a Compare's verdict (pure, shared by the CLI and the panel): the mean paired
 * difference between the two runs of each seed, its 90% Student-t interval across seeds, and with a
 * single seed a paired bootstrap over the held-out examples instead. See docs/compare.md.
 */
import { createRandom } from './seeded-random';

export type ComparisonMetric = 'accuracy' | 'error';
export type ComparisonVerdict = 'better' | 'worse' | 'no clear difference';

export interface Interval {
  /** The point estimate: the mean paired difference. */
  mean: number;
  interval: [number, number];
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
  }
  return values.length === 0 ? NaN : sum / values.length;
}

/** The middle value (the mean of the two middle ones for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Sample standard deviation (n − 1 in the denominator); 0 for fewer than two values. */
export function sampleStd(values: ArrayLike<number>): number {
  if (values.length < 2) {
    return 0;
  }
  const m = mean(values);
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    squares += (values[i] - m) ** 2;
  }
  return Math.sqrt(squares / (values.length - 1));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) {
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) {
    sum += c[i] / (z + i);
  }
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const numerator of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      c = Math.abs(c) < tiny ? tiny : c;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) {
      break;
    }
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) {
    return 0;
  }
  if (x >= 1) {
    return 1;
  }
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast on this side; the other side by symmetry.
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The `p` quantile of Student's t (0 < p < 1), by bisection on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) {
    throw new RangeError(`studentTQuantile needs 0 < p < 1 and df > 0, got p ${p}, df ${df}`);
  }
  if (p === 0.5) {
    return 0;
  }
  if (p < 0.5) {
    return -studentTQuantile(1 - p, df);
  }
  let high = 1;
  while (studentTCdf(high, df) < p) {
    high *= 2;
  }
  let low = 0;
  for (let i = 0; i < 200 && high - low > 1e-12 * Math.max(1, high); i++) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, df) < p) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return (low + high) / 2;
}

/**
 * The `level` interval of the mean of paired differences across seeds: mean ± t(1 − α/2, n − 1) · s/√n.
 * Needs at least two differences. All of them equal gives a zero-width interval at that value.
 */
export function pairedTInterval(differences: readonly number[], level = 0.9): Interval {
  if (differences.length < 2) {
    throw new RangeError(`a t-interval needs at least 2 paired differences, got ${differences.length}`);
  }
  const m = mean(differences);
  const half = studentTQuantile(1 - (1 - level) / 2, differences.length - 1) * (sampleStd(differences) / Math.sqrt(differences.length));
  return { mean: m, interval: [m - half, m + half] };
}

/** The `q` quantile of sorted values, interpolated linearly between order statistics (R's type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
}

export interface BootstrapOptions {
  level?: number;
  /** Resamples of the examples; defaults to 2000. */
  resamples?: number;
  /** The generator's seed: the same inputs and seed give the same interval. Defaults to 1. */
  seed?: number;
}

/**
 * One seed: the percentile bootstrap of the mean paired difference over the held-out examples, both runs
 * scored on the same resampled examples (per example: 1/0 correct for accuracy, the squared error for error).
 */
export function pairedBootstrapInterval(baseline: ArrayLike<number>, subject: ArrayLike<number>, options: BootstrapOptions = {}): Interval {
  const n = baseline.length;
  if (n === 0 || subject.length !== n) {
    throw new RangeError(`a paired bootstrap needs two equally long, non-empty score lists, got ${n} and ${subject.length}`);
  }
  const differences = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    differences[i] = subject[i] - baseline[i];
  }
  const random = createRandom(options.seed ?? 1);
  const resamples = options.resamples ?? 2000;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += differences[Math.floor(random() * n)];
    }
    means[r] = sum / n;
  }
  means.sort();
  const alpha = 1 - (options.level ?? 0.9);
  return { mean: mean(differences), interval: [quantileSorted(means, alpha / 2), quantileSorted(means, 1 - alpha / 2)] };
}

/**
 * `better` when the whole interval says the subject scores better (accuracy up, error down), `worse`
 * when it says the opposite, else (it holds zero) `no clear difference`.
 */
export function verdictOfInterval(metric: ComparisonMetric, interval: readonly [number, number]): ComparisonVerdict {
  const [lo, hi] = interval;
  const up = lo > 0;
  const down = hi < 0;
  if (!up && !down) {
    return 'no clear difference';
  }
  return up === (metric === 'accuracy') ? 'better' : 'worse';
}
