/**
 * How a Compare spends its budget (pure): whether its two workers train side by side or take turns,
 * how many paired seeds fit at the steps asked for (else one seed at fewer steps), and how many steps
 * to grant at a time. Times are wall-clock milliseconds of a *paired* step: both runs' step, side by
 * side (the slower one counts) or one after the other.
 */

/** At most this many paired seeds: past it the interval narrows slowly and the answer only waits. */
export const MAX_SEEDS = 10;
/** Seeds the evaluation's share of the budget is sized for. */
export const TARGET_SEEDS = 3;
/** A grant lets the workers run about this long before they report back (the first one shorter, to measure sooner). */
const CHUNK_MS = 1000;
const FIRST_CHUNK_MS = 400;

/** The two workers train at the same time when the machine has a share of cores for each. */
export function trainsConcurrently(cores: number, workers: number, threadsPerWorker: number): boolean {
  return workers > 1 && cores >= workers * Math.max(1, threadsPerWorker);
}

/** One run's timing as its worker measured it: a step, scoring one held-out example, building the model again. */
export interface ArmTiming {
  stepMs: number;
  evalMsPerRow: number;
  buildMs: number;
}

/** Combines the runs' costs: side by side the slower one sets the pace, taking turns they add up. */
function combine(values: number[], concurrent: boolean): number {
  return concurrent ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
}

/** The first estimate of a paired step, from the workers' own timing. */
export function pairedStepMs(arms: ArmTiming[], concurrent: boolean): number {
  return combine(arms.map((a) => a.stepMs), concurrent);
}

/**
 * What a seed costs besides its steps: scoring `rows` examples (1.5× the estimate, as the single-run
 * budget reserves) and building the model again.
 */
export function seedOverheadMs(arms: ArmTiming[], rows: number, concurrent: boolean): number {
  return combine(arms.map((a) => 1.5 * a.evalMsPerRow * rows + a.buildMs), concurrent);
}

export interface SeedPlan {
  seeds: number;
  steps: number;
}

/**
 * Paired seeds that fit in `remainingMs` at the steps asked for, at most `maxSeeds`; when not even one
 * does, one seed at the steps that fit (at least 1: the worker's first step corrects an estimate).
 */
export function planSeeds(requested: number, remainingMs: number, stepMs: number, overheadMs: number, maxSeeds = MAX_SEEDS): SeedPlan {
  const perSeed = requested * stepMs + overheadMs;
  const seeds = Math.min(maxSeeds, Math.floor(remainingMs / Math.max(perSeed, 1e-3)));
  if (seeds >= 1) {
    return { seeds, steps: requested };
  }
  return { seeds: 1, steps: Math.max(1, Math.min(requested, Math.floor((remainingMs - overheadMs) / Math.max(stepMs, 1e-3)))) };
}

/**
 * The steps the current seed can still have, never fewer than already granted: what fits before the
 * deadline after its evaluation.
 */
export function stepsThatFit(steps: number, granted: number, remainingMs: number, stepMs: number, evalMs: number): number {
  const more = Math.floor((remainingMs - evalMs) / Math.max(stepMs, 1e-3));
  return Math.max(granted, Math.min(steps, granted + more));
}

/** The next grant: about a second of steps (less for the first), never past the seed's steps. */
export function nextGrant(granted: number, steps: number, stepMs: number, first: boolean): number {
  const chunk = Math.max(1, Math.round((first ? FIRST_CHUNK_MS : CHUNK_MS) / Math.max(stepMs, 1e-3)));
  return Math.min(steps, granted + chunk);
}

/**
 * Held-out examples each run scores per seed: all when scoring every seed's runs takes at most a fifth
 * of the budget (for TARGET_SEEDS seeds), else as many as do, at least 100 (fewer when there are fewer);
 * but one scoring takes at most half of `roomMs`, the time left after a step (at least one example):
 * a slow model scores fewer rather than not finishing its one seed.
 */
export function evalRowsFor(total: number, evalMsPerRow: number[], budgetMs: number, concurrent: boolean, roomMs = Infinity): number {
  const perRow = Math.max(combine(evalMsPerRow, concurrent), 1e-6);
  const wanted = Math.min(total, Math.max(100, Math.floor((0.2 * budgetMs) / (perRow * TARGET_SEEDS))));
  return Math.max(1, Math.min(wanted, Math.floor((0.5 * roomMs) / perRow)));
}
