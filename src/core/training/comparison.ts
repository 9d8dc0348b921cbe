/**
 * Builds a Compare's `comparison` from its paired seeds (pure): the metric from the task, each seed's
 * difference, and the interval (Student-t across two or more seeds; one seed: the paired bootstrap over
 * the held-out examples). See docs/compare.md.
 */
import { pairedBootstrapInterval, pairedTInterval, verdictOfInterval, type ComparisonMetric } from './comparison-stats';
import type { SanityComparison, SeedComparison } from './compare-protocol';
import type { NormKind, RunReport, SanityReport } from './protocol';

/** The confidence level of every Compare interval. */
export const COMPARISON_LEVEL = 0.9;

/** One seed's two runs and, for the bootstrap, their per-example scores. */
export interface PairedSeed {
  seed: number;
  baseline: RunReport;
  subject: RunReport;
  baselineScores?: readonly number[] | null;
  subjectScores?: readonly number[] | null;
}

export function metricOfTask(task: SanityReport['task']): ComparisonMetric {
  return task === 'classification' ? 'accuracy' : 'error';
}

function scoreOf(run: RunReport, metric: ComparisonMetric): number | null {
  const value = metric === 'accuracy' ? run.accuracy : (run.error ?? null);
  return value !== null && Number.isFinite(value) ? value : null;
}

/** The seeds whose two runs were both scored, as differences subject − baseline. */
export function seedDifferences(seeds: readonly PairedSeed[], metric: ComparisonMetric): SeedComparison[] {
  return seeds.flatMap((s) => {
    const [baseline, subject] = [scoreOf(s.baseline, metric), scoreOf(s.subject, metric)];
    return baseline === null || subject === null ? [] : [{ seed: s.seed, baseline, subject, difference: subject - baseline, steps: Math.min(s.baseline.steps, s.subject.steps) }];
  });
}

/**
 * The comparison, or undefined when no seed has both runs scored (a NaN run), or one seed lacks the
 * per-example scores a bootstrap needs.
 */
export function compareSeeds(task: SanityReport['task'], seeds: readonly PairedSeed[], norms: { baseline: NormKind; subject: NormKind }): SanityComparison | undefined {
  const metric = metricOfTask(task);
  const perSeed = seedDifferences(seeds, metric);
  if (perSeed.length === 0) {
    return undefined;
  }
  let found: { mean: number; interval: [number, number] };
  let method: SanityComparison['method'];
  let examples: number;
  if (perSeed.length >= 2) {
    found = pairedTInterval(perSeed.map((s) => s.difference), COMPARISON_LEVEL);
    method = 'paired-t';
    examples = seeds.find((s) => s.baselineScores)?.baselineScores?.length ?? 0;
  } else {
    const only = seeds.find((s) => s.seed === perSeed[0].seed)!;
    if (!only.baselineScores || !only.subjectScores || only.baselineScores.length === 0 || only.baselineScores.length !== only.subjectScores.length) {
      return undefined;
    }
    found = pairedBootstrapInterval(only.baselineScores, only.subjectScores, { level: COMPARISON_LEVEL, seed: only.seed });
    method = 'paired-bootstrap';
    examples = only.baselineScores.length;
  }
  // The bootstrap's mean of per-example differences is the accuracy difference up to rounding; the
  // reported difference is always the runs' own scores'.
  const difference = perSeed.reduce((a, s) => a + s.difference, 0) / perSeed.length;
  return {
    metric,
    difference,
    interval: found.interval,
    seeds: perSeed.length,
    verdict: verdictOfInterval(metric, found.interval),
    level: COMPARISON_LEVEL,
    method,
    examples,
    baseline: norms.baseline,
    subject: norms.subject,
    perSeed,
  };
}
