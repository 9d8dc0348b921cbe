/**
 * The one-paragraph, plain-text account of a sanity-train report (the VS Code output channel; any
 * adapter that wants prose). Pure.
 */
import type { RunReport, SanityReport } from '../protocol';
import { verdictFor } from './report-verdict';
import { perSeedText } from './report-comparison';
import {
  describeData,
  describeNan,
  describeSource,
  displayPath,
  formatGrowth,
  formatNumber,
  formatStepsPerSecond,
  metricOf,
  runLabel,
} from './report-view';

function describeRun(run: RunReport, index: number, report: SanityReport, roots: readonly string[]): string {
  const metric = metricOf(run, report.task);
  const parts = [
    `${run.steps} steps at batch size ${run.batchSize}`,
    `final loss ${formatNumber(run.finalLoss)}`,
    `${metric.name} ${metric.text}`,
    `${formatStepsPerSecond(run.stepsPerSecond)} steps/s`,
  ];
  const nan = run.nan ? `${describeNan(run.nan)}, built at ${describeSource(run.nan.source, roots)}` : 'no NaN/Inf';
  const worst = [...run.exploding].sort((a, b) => b.growth - a.growth)[0];
  const exploding = worst
    ? `${run.exploding.length} exploding-weight warning(s), worst ${worst.measure === 'gradient' ? `the gradient norm of layer "${worst.layer}"` : `"${worst.weight}"`} grew ${formatGrowth(worst.growth)} by step ${worst.step}${worst.evidence ? ` (${worst.evidence})` : ''}`
    : 'no exploding weights';
  return `${runLabel(run, index)}: ${parts.join(', ')}; ${nan}; ${exploding}.`;
}

function describeBackend(report: SanityReport): string {
  const skipped = report.backendSkipped ?? [];
  return skipped.length === 0
    ? report.backend
    : `${report.backend} (skipped ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`;
}

/**
 * One paragraph: what was trained on what, then each run's loss, metric, speed and findings, then the
 * comparison when there are two runs.
 * @param workspaceRoots folders that paths are shown relative to.
 */
export function summarizeReport(report: SanityReport, workspaceRoots: readonly string[] = []): string {
  const subject = [report.model, report.file ? `(${displayPath(report.file, workspaceRoots)})` : undefined]
    .filter((s) => s !== undefined)
    .join(' ');
  const head = `Sanity-train${subject ? ` of ${subject}` : ''} on backend ${describeBackend(report)} with ${describeData(report)}.`;
  const runs = report.runs.map((run, i) => describeRun(run, i, report, workspaceRoots));
  const verdict = verdictFor(report);
  const perSeed = verdict.comparison && report.comparison ? `Per seed: ${perSeedText(report.comparison)}.` : null;
  const comparison = [verdict.comparison, perSeed, verdict.caveat].filter((s) => s !== null).join(' ');
  const notes = (report.notes ?? []).map((n) => `Note: ${n.trim().replace(/\s+/g, ' ').replace(/\.?$/, '.')}`);
  return [head, ...runs, ...(comparison ? [comparison] : []), ...notes].join(' ');
}
