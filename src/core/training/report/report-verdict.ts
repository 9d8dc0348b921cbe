/**
 * The verdict of a sanity-train report, computed once for the CLI, the summary and the panel (pure).
 * Honest by construction: "Trains cleanly" means only that no loss or weight went NaN/Inf and no
 * weight exploded, for the steps that ran; a BatchNorm-vs-RunningBatchNorm comparison is shown only
 * when every run got the steps asked for and at least one run clearly learned something (accuracy
 * clearly above chance, or error clearly below the no-learning baseline). Otherwise it says why not.
 */
import type { RunReport, SanityReport } from '../protocol';
import { comparisonSentence } from './report-comparison';
import { describeComparison, formatAccuracy, formatNumber, normLabel, verdictOf, type Verdict } from './report-view';

export interface ReportVerdict {
  kind: Verdict;
  /** 'NaN/Inf found' | 'Exploding weights' | 'Trains cleanly'. */
  headline: string;
  /** What the headline covers: "No NaN/Inf or explosion in 300 steps" (null unless healthy). */
  coverage: string | null;
  /** The comparison sentence, only when it means something. */
  comparison: string | null;
  /** Why the runs are not compared, or why a single run says little ("Too short to compare: …"). */
  caveat: string | null;
  /** A Compare's interval excludes zero: only then may the comparison be shown as a finding (bold). */
  comparisonClear?: boolean;
  /** Every run had the steps asked for and none clearly learned: more steps may say more (the editor offers a button). */
  moreSteps?: true;
}

/**
 * Accuracy clearly above chance: at least max(1.5 × chance, chance + 10 points), but never more than
 * halfway from chance to 100% (so a 50% or 90% chance level can still be cleared).
 */
export function accuracyThreshold(chance: number): number {
  return Math.min(Math.max(1.5 * chance, chance + 0.1), chance + (1 - chance) / 2);
}

/** Error clearly below the baseline of predicting the mean target: at most 75% of it. */
export function errorThreshold(baseline: number): number {
  return 0.75 * baseline;
}

/** Runs that stopped before the steps asked for for any reason but a NaN (the time budget). */
export function cutShort(run: RunReport): boolean {
  return run.nan === null && run.stepsRequested !== undefined && run.steps < run.stepsRequested;
}

function learned(run: RunReport, report: SanityReport): boolean | undefined {
  if (report.task === 'classification') {
    return run.accuracy === null || report.chanceAccuracy === undefined ? undefined : run.accuracy >= accuracyThreshold(report.chanceAccuracy);
  }
  const error = run.error ?? null;
  return error === null || report.baselineError === undefined ? undefined : error <= errorThreshold(report.baselineError);
}

/** "in 300 steps", "in 300 steps of each run", "in 300 and 280 steps". */
function stepsText(runs: RunReport[]): string {
  const steps = runs.map((r) => r.steps);
  if (steps.every((s) => s === steps[0])) {
    return `in ${steps[0]} step${steps[0] === 1 ? '' : 's'}${runs.length > 1 ? ' of each run' : ''}`;
  }
  return `in ${steps.join(' and ')} steps`;
}

/** Why no run clearly learned: the scores against the bar they had to clear. */
function notLearnedText(report: SanityReport): string {
  const scored = report.runs.filter((r) => r.nan === null);
  const names = (text: (r: RunReport) => string) => scored.map((r) => (scored.length > 1 ? `${normLabel(r.norm)} ${text(r)}` : text(r))).join(', ');
  if (report.task === 'classification') {
    const chance = report.chanceAccuracy ?? 0;
    return `held-out accuracy (${names((r) => formatAccuracy(r.accuracy))}) is not clearly above chance (${formatAccuracy(chance)}; needs ${formatAccuracy(accuracyThreshold(chance))})`;
  }
  const baseline = report.baselineError ?? 0;
  return `held-out MSE (${names((r) => formatNumber(r.error ?? null))}) is not clearly below predicting the mean (${formatNumber(baseline)}; needs ${formatNumber(errorThreshold(baseline))} or less)`;
}

/**
 * Every layer frozen (`trainable: false`): the steps only computed the loss, so there is no training
 * to call clean and no learning to judge or compare; what was checked is the forward pass.
 */
function nothingTrained(kind: Verdict, report: SanityReport): ReportVerdict {
  const coverage = kind === 'healthy' ? `No NaN/Inf in the forward pass and loss ${stepsText(report.runs)}` : null;
  const caveat = 'Nothing trained: every layer of the model is frozen (trainable: false), so each step computed the loss without updating a weight; set trainable: true on the layers to sanity-train them.';
  return { kind, headline: kind === 'healthy' ? 'Nothing to train' : 'NaN/Inf found', coverage, comparison: null, caveat };
}

export function verdictFor(report: SanityReport): ReportVerdict {
  const verdict = runsVerdict(report);
  if (!report.normSwapped) {
    return verdict;
  }
  // The runs trained a RunningBatchNorm copy: what they found is about that copy, not the model as written.
  const swapped = `The model as written cannot train: ${report.normSwapped.reason}. The runs used RunningBatchNorm in place of ${report.normSwapped.layers.length === 1 ? 'that layer' : 'those layers'}, which normalises any axis of any rank.`;
  return { ...verdict, headline: 'Cannot train as written', caveat: verdict.caveat ? `${swapped} ${verdict.caveat}` : swapped };
}

function runsVerdict(report: SanityReport): ReportVerdict {
  const kind = verdictOf(report);
  if (report.trainableParams === 0) {
    return nothingTrained(kind, report);
  }
  const headline = { nan: 'NaN/Inf found', exploding: 'Exploding weights', healthy: 'Trains cleanly' }[kind];
  const coverage = kind === 'healthy' ? `No NaN/Inf or explosion ${stepsText(report.runs)}` : null;
  const short = report.runs.filter(cutShort);
  const learnedAny = report.runs.map((r) => learned(r, report));
  const anyLearned = learnedAny.some((l) => l === true) || learnedAny.every((l) => l === undefined);
  const compared = report.runs.length > 1;
  let caveat: string | null = null;
  if (short.length > 0) {
    const r = short[0];
    // A later run may be cut shorter than the first to end in time: then name each run's steps.
    const steps = new Set(report.runs.map((run) => run.steps));
    const allowed = steps.size === 1 ? `${r.steps} of ${r.stepsRequested} steps${report.runs.length > 1 ? ' per run' : ''}` : `${report.runs.map((run) => run.steps).join(' and ')} of ${r.stepsRequested} steps`;
    caveat = `the time budget allowed ${allowed}; raise the timeout for the full run`;
  } else if (!anyLearned) {
    caveat = `${notLearnedText(report)}; train for more steps`;
  }
  // With paired seeds and an interval, runs cut short by the budget are still compared (at the steps they had).
  if (compared && report.comparison && anyLearned) {
    const fewer = caveat !== null ? `Fewer steps than asked: ${caveat}.` : null;
    return { kind, headline, coverage, comparison: comparisonSentence(report.comparison), caveat: fewer, comparisonClear: report.comparison.verdict !== 'no clear difference' };
  }
  if (caveat !== null) {
    const lead = compared ? 'Too short to compare' : 'Too short to judge learning';
    return { kind, headline, coverage, comparison: null, caveat: `${lead}: ${caveat}.`, ...(short.length === 0 ? { moreSteps: true as const } : {}) };
  }
  // One run each and no interval: the difference is shown, never as a clear result.
  return { kind, headline, coverage, comparison: compared ? describeComparison(report) : null, caveat: null, ...(compared ? { comparisonClear: false } : {}) };
}
