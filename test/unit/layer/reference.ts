/**
 * A float64 reference of RunningBatchNorm in plain JS numbers, written from the maths (issue 2 and the
 * fastai course's final form), independent of the layer's tensor code.
 */
import { createRandom } from '../../../src/worker/random';

export interface ReferenceOptions {
  momentum: number;
  epsilon: number;
  varianceFloor: number;
  warmupSamples: number;
  /** Weight of the old value in the slow inference average; null or absent: off. */
  inferenceMomentum?: number | null;
}

/** The slow inference average: per-channel mean and variance (never floored), and how many steps it has seen. */
export interface InferenceAverage {
  mean: number[];
  variance: number[];
  steps: number;
}

export interface ReferenceState {
  sums: number[];
  sqrs: number[];
  count: number;
  samples: number;
  inference?: InferenceAverage;
}

/** The layer's defaults (inferenceMomentum 0.9 and epsilon 1e-4 since issue 10). */
export const DEFAULT_OPTIONS: ReferenceOptions = { momentum: 0.9, epsilon: 1e-4, varianceFloor: 0.01, warmupSamples: 20, inferenceMomentum: 0.9 };
/** fastai's exact layer (`fastai: true`): epsilon 1e-5, inference on the running state. */
export const FASTAI_OPTIONS: ReferenceOptions = { ...DEFAULT_OPTIONS, epsilon: 1e-5, inferenceMomentum: null };

export function initialState(channels: number): ReferenceState {
  return { sums: new Array<number>(channels).fill(0), sqrs: new Array<number>(channels).fill(0), count: 0, samples: 0 };
}

/** Channel of each flat index of a tensor of `shape` with channels on `axis`. */
export function channelOf(shape: number[], axis: number): (i: number) => number {
  const a = axis < 0 ? axis + shape.length : axis;
  const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
  return (i) => Math.floor(i / inner) % shape[a];
}

/** Folds a training batch into the state (returns a new state). */
export function foldBatch(x: number[], shape: number[], axis: number, state: ReferenceState, o: ReferenceOptions): ReferenceState {
  const channels = state.sums.length;
  const ch = channelOf(shape, axis);
  const s = new Array<number>(channels).fill(0);
  const ss = new Array<number>(channels).fill(0);
  x.forEach((v, i) => {
    s[ch(i)] += v;
    ss[ch(i)] += v * v;
  });
  const bs = shape[0];
  const mom = 1 - o.momentum;
  const mom1 = bs > 1 ? 1 - (1 - mom) / Math.sqrt(bs - 1) : mom;
  const lerp = (a: number, b: number): number => a + mom1 * (b - a);
  const next: ReferenceState = {
    sums: state.sums.map((v, c) => lerp(v, s[c])),
    sqrs: state.sqrs.map((v, c) => lerp(v, ss[c])),
    count: lerp(state.count, x.length / channels),
    samples: state.samples + bs,
  };
  return o.inferenceMomentum === undefined || o.inferenceMomentum === null ? next : { ...next, inference: foldInference(next, state.inference, o) };
}

/** The variance floor after `samples` samples: the floor during the warm-up, 0 after it. */
export function floorAt(samples: number, o: ReferenceOptions): number {
  return samples < o.warmupSamples ? o.varianceFloor : 0;
}

/** The running state's per-channel mean and variance: floored as the output uses it, or as estimated (≥ 0). */
export function stateStats(state: ReferenceState, o: ReferenceOptions, floored = true): Array<{ mean: number; variance: number }> {
  return state.sums.map((sum, c) => {
    const mean = sum / state.count;
    const variance = Math.max(state.sqrs[c] / state.count - mean * mean, floored ? floorAt(state.samples, o) : 0);
    return { mean, variance };
  });
}

/**
 * Debiased EMA of the running state's statistics after each training step, the variance before the
 * warm-up floor: v_t = Σ m^(t−i)·(1 − m)·stat_i / (1 − m^t).
 */
function foldInference(next: ReferenceState, previous: InferenceAverage | undefined, o: ReferenceOptions): InferenceAverage {
  const m = o.inferenceMomentum!;
  const steps = (previous?.steps ?? 0) + 1;
  const stats = stateStats(next, o, false);
  // Written as the explicit weighted sum's recursion: E_t = m·E_(t−1) + (1 − m)·stat, v_t = E_t/(1 − m^t).
  const biased = (prev: number[] | undefined, pick: (c: number) => number): number[] =>
    stats.map((_, c) => m * (prev ? prev[c] * (1 - Math.pow(m, steps - 1)) : 0) + (1 - m) * pick(c));
  const debias = (e: number[]): number[] => e.map((v) => v / (1 - Math.pow(m, steps)));
  return {
    mean: debias(biased(previous?.mean, (c) => stats[c].mean)),
    variance: debias(biased(previous?.variance, (c) => stats[c].variance)),
    steps,
  };
}

/** y from a state (identity normalisation while the state is empty). */
export function normalize(x: number[], shape: number[], axis: number, state: ReferenceState, o: ReferenceOptions, gamma?: number[], beta?: number[]): number[] {
  const ch = channelOf(shape, axis);
  const stats = state.sums.map((sum, c) => {
    if (state.count === 0) {
      return { mean: 0, rstd: 1 };
    }
    const mean = sum / state.count;
    let variance = state.sqrs[c] / state.count - mean * mean;
    variance = Math.max(variance, floorAt(state.samples, o));
    return { mean, rstd: 1 / Math.sqrt(variance + o.epsilon) };
  });
  return x.map((v, i) => {
    const c = ch(i);
    return (v - stats[c].mean) * stats[c].rstd * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
  });
}

/**
 * y of an inference call: from the slow average when the layer keeps one and it has seen a training
 * step (its variance floored during the warm-up, as training floors it), else from the running state.
 */
export function infer(x: number[], shape: number[], axis: number, state: ReferenceState, o: ReferenceOptions, gamma?: number[], beta?: number[]): number[] {
  const avg = state.inference;
  if (avg === undefined || avg.steps === 0) {
    return normalize(x, shape, axis, state, o, gamma, beta);
  }
  const ch = channelOf(shape, axis);
  const floor = floorAt(state.samples, o);
  return x.map((v, i) => {
    const c = ch(i);
    return ((v - avg.mean[c]) / Math.sqrt(Math.max(avg.variance[c], floor) + o.epsilon)) * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
  });
}

/** One training call: fold, then normalise with the new state. */
export function trainStep(x: number[], shape: number[], axis: number, state: ReferenceState, o: ReferenceOptions, gamma?: number[], beta?: number[]): { y: number[]; state: ReferenceState } {
  const next = foldBatch(x, shape, axis, state, o);
  return { y: normalize(x, shape, axis, next, o, gamma, beta), state: next };
}

/** Central finite differences of f at v (float64). */
export function finiteDifferences(v: number[], f: (v: number[]) => number, h = 1e-5): number[] {
  return v.map((_, i) => {
    const plus = v.slice();
    const minus = v.slice();
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** Deterministic pseudo-random numbers (the worker's seeded mulberry32), so failures reproduce. */
export const seededRandom = createRandom;

/** n normal-ish numbers with the given mean and spread. */
export function randomValues(n: number, rand: () => number, mean = 0, spread = 1): number[] {
  return Array.from({ length: n }, () => mean + spread * (rand() + rand() + rand() - 1.5) * 2);
}
