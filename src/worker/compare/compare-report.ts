/**
 * The Compare's report from its arms' results: the first seed's two runs as `runs` (every per-run field
 * as a single sanity-train has them), the paired seeds' `comparison`, and notes on how the budget went.
 */
import { compareSeeds, type PairedSeed } from '../../core/training/comparison';
import type { ArmSetup, CompareSchedule } from '../../core/training/compare-protocol';
import type { RunReport, SanityReport } from '../../core/training/protocol';
import type { SeedDone } from './arm-process';
import { durationText } from '../budget/budget';

/** One seed's results, one per arm that trained (the model as written first). */
export type SeedResults = SeedDone[];

export interface CompareResults {
  setup: ArmSetup;
  seeds: SeedResults[];
  requestedSteps: number;
  schedule: CompareSchedule;
  backend: string;
  /** Seeds dropped because they could not finish in time, and other notes of the scheduler. */
  notes: string[];
}

/** "ran 120 of 300 steps per run in the 60 s budget (…)", when the first seed could not have them all (the verdict's caveat says how to get them). */
function budgetNote(runs: RunReport[], results: CompareResults): string | undefined {
  const steps = Math.min(...runs.filter((r) => r.nan === null).map((r) => r.steps));
  if (!Number.isFinite(steps) || steps >= results.requestedSteps) {
    return undefined;
  }
  return `ran ${steps} of ${results.requestedSteps} steps per run in the ${Math.round(results.schedule.budgetMs / 1000)} s budget (about ${durationText(results.schedule.wallMsPerPairedStep)} per step of both runs on ${results.backend})`;
}

function seedsNote(results: CompareResults, seeds: number[]): string {
  const { schedule } = results;
  const how = schedule.concurrent ? `side by side in ${schedule.workers} worker processes (${schedule.cores} cores)` : `taking turns in ${schedule.workers} worker processes (${schedule.cores} core${schedule.cores === 1 ? '' : 's'})`;
  return `${seeds.length} paired seed${seeds.length === 1 ? '' : 's'} (${seeds.join(', ')}) in ${(schedule.wallMs / 1000).toFixed(1)} s of the ${Math.round(schedule.budgetMs / 1000)} s budget: both runs of a seed start from the same initial weights and train on the same batches, ${how}`;
}

export function compareReport(results: CompareResults): SanityReport {
  const [first] = results.seeds;
  const runs = first.map((d) => d.run);
  const baseline = first[0].baseline;
  const paired: PairedSeed[] = results.seeds
    .filter((s) => s.length === 2)
    .map(([a, b]) => ({ seed: a.seed, baseline: a.run, subject: b.run, baselineScores: a.scores, subjectScores: b.scores }));
  const comparison = runs.length === 2 ? compareSeeds(results.setup.task, paired, { baseline: runs[0].norm, subject: runs[1].norm }) : undefined;
  const budget = budgetNote(runs, results);
  const notes = [...(results.setup.notes ?? []), ...(budget ? [budget] : []), ...(runs.length === 2 ? [seedsNote(results, paired.map((p) => p.seed))] : []), ...results.notes];
  return { ...results.setup, runs, ...baseline, notes, ...(comparison ? { comparison: { ...comparison, schedule: results.schedule } } : {}) };
}

/**
 * The comparison of an in-process Compare (a captured model's: one seed, the program's own initial
 * weights for both runs): the paired bootstrap over the held-out examples. None when a run has no
 * scores (NaN) or the second run was cut to fewer steps, which would compare unequal training.
 */
export function oneSeedComparison(task: SanityReport['task'], runs: RunReport[], scores: (number[] | null)[], seed: number, notes: string[]): SanityReport['comparison'] {
  const [baseline, subject] = runs;
  if (!baseline || !subject) {
    return undefined;
  }
  if (baseline.steps !== subject.steps) {
    notes.push(`no interval: the runs trained ${baseline.steps} and ${subject.steps} steps, so their scores do not compare like for like; raise the timeout`);
    return undefined;
  }
  return compareSeeds(task, [{ seed, baseline, subject, baselineScores: scores[0], subjectScores: scores[1] }], { baseline: baseline.norm, subject: subject.norm });
}
