/**
 * Words and numbers a person reads about a sanity-train report, shared by the webview page and the
 * one-paragraph summary (pure: no `vscode`, no DOM), so both always say the same thing.
 */
import * as path from 'node:path';
import type { ModelGraph, NanFinding, NormKind, RunReport, SanityReport, SourceLocation } from '../protocol';
import { describeCapturedData } from '../capture';

/** Overall finding, worst first: a NaN beats an explosion beats a clean run. */
export type Verdict = 'nan' | 'exploding' | 'healthy';

/** Human name of a batch-norm flavour. */
export function normLabel(norm: NormKind): string {
  switch (norm) {
    case 'batchNormalization':
      return 'BatchNorm';
    case 'runningBatchNorm':
      return 'RunningBatchNorm';
    case 'none':
      return 'No batch norm';
  }
}

/** Label of a run: the first run is the model as written, a second one the in-memory swap. */
export function runLabel(run: Pick<RunReport, 'norm' | 'swapped'>, index: number): string {
  return `${normLabel(run.norm)} (${index === 0 && !run.swapped ? 'as written' : 'swapped in memory'})`;
}

export function verdictOf(report: SanityReport): Verdict {
  if (report.runs.some((r) => r.nan !== null)) {
    return 'nan';
  }
  return report.runs.some((r) => r.exploding.length > 0) ? 'exploding' : 'healthy';
}

/** `12.3%`, or an em dash when there is no accuracy (regression). */
export function formatAccuracy(accuracy: number | null | undefined): string {
  return typeof accuracy === 'number' && Number.isFinite(accuracy) ? `${(accuracy * 100).toFixed(1)}%` : '—';
}

/** Three significant digits; a missing loss is a dash, a non-finite one says so. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (!Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  }
  const abs = Math.abs(value);
  return abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? value.toExponential(2) : String(Number(value.toPrecision(3)));
}

export function formatStepsPerSecond(value: number): string {
  return Number.isFinite(value) ? value.toFixed(value >= 100 ? 0 : 1) : '—';
}

/** `150×`; growth is a ratio, so whole numbers read best past 10. */
export function formatGrowth(growth: number): string {
  if (!Number.isFinite(growth)) {
    return '∞×';
  }
  return `${growth >= 1e5 ? growth.toExponential(1) : growth >= 10 ? Math.round(growth) : growth.toFixed(1)}×`;
}

/** Name of the headline metric: accuracy for classification, mean squared error for regression. */
export function metricName(task: SanityReport['task']): string {
  return task === 'classification' ? 'held-out accuracy' : 'held-out MSE';
}

/** Headline metric of a run, named and formatted. */
export function metricOf(run: RunReport, task: SanityReport['task']): { name: string; text: string } {
  return { name: metricName(task), text: task === 'classification' ? formatAccuracy(run.accuracy) : formatNumber(run.error ?? null) };
}

/**
 * A path as the user knows it: relative to the workspace folder that holds it, else as given.
 * Forward slashes either way, so the text is the same on every platform.
 */
export function displayPath(file: string, workspaceRoots: readonly string[] = []): string {
  for (const root of workspaceRoots) {
    const rel = path.relative(root, file);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      return rel.split(path.sep).join('/');
    }
  }
  return file.split(path.sep).join('/');
}

export function describeSource(source: SourceLocation | null, workspaceRoots: readonly string[] = []): string {
  return source ? `${displayPath(source.file, workspaceRoots)}:${source.line}` : 'source line unknown';
}

const WHERE_TEXT: Record<NanFinding['where'], string> = {
  output: 'its output',
  gradient: 'its gradient',
  weights: 'its weights',
  loss: 'the loss',
};

/** `NaN/Inf at step 42 in layer "bn_1" (BatchNormalization): first in its gradient`. */
export function describeNan(finding: NanFinding): string {
  const cause = finding.cause ? `; cause: ${finding.cause}` : '';
  return `NaN/Inf at step ${finding.step} in layer "${finding.layer}" (${finding.className}): first seen in ${WHERE_TEXT[finding.where]}${cause}`;
}

/** What the data was, in words. */
export function describeData(report: SanityReport): string {
  if (report.capture) {
    // The file's name is enough beside the report's own file line.
    const site = report.capture.site && { ...report.capture.site, file: path.basename(report.capture.site.file) };
    return describeCapturedData({ ...report.capture, site });
  }
  switch (report.data) {
    case 'custom':
      return 'the module’s sanityData() export';
    case 'mnist':
      return 'MNIST digits (mnist package)';
    case 'synthetic':
      return `a synthetic ${report.task} task shaped to the model`;
  }
}

/** Without paired seeds there is no interval: seeds alone move accuracy by points at small batches. */
const ONE_SEED = 'one seed, no interval: within the noise of seeds unless large';

/**
 * The compare verdict of a report without a `comparison` (one run each, as a captured model's Compare
 * trains): "RunningBatchNorm 94.1% vs BatchNorm 93.2% held-out accuracy (+0.9 points; one seed, …)",
 * or null when the report has no second run or a run lacks the metric.
 */
export function describeComparison(report: SanityReport): string | null {
  const [first, second] = report.runs;
  if (!first || !second) {
    return null;
  }
  const a = report.task === 'classification' ? first.accuracy : (first.error ?? null);
  const b = report.task === 'classification' ? second.accuracy : (second.error ?? null);
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) {
    return null;
  }
  const [x, y] = [metricOf(second, report.task).text, metricOf(first, report.task).text];
  if (report.task === 'classification') {
    const points = (b - a) * 100;
    const sign = points >= 0 ? '+' : '−';
    return `${normLabel(second.norm)} ${x} vs ${normLabel(first.norm)} ${y} held-out accuracy (${sign}${Math.abs(points).toFixed(1)} points; ${ONE_SEED}).`;
  }
  const better = b < a ? 'lower (better)' : b > a ? 'higher (worse)' : 'equal';
  return `${normLabel(second.norm)} MSE ${x} vs ${normLabel(first.norm)} ${y}: ${better} (${ONE_SEED}).`;
}

/** Every source location the report mentions: the only files the panel may ask the editor to open. */
/** Every source line the graph names (nested models' layers too), for the links the page may open. */
export function graphSources(graph: ModelGraph | undefined | null): SourceLocation[] {
  return (graph?.nodes ?? []).flatMap((n) => [...(n.source ? [n.source] : []), ...graphSources(n.nested)]);
}

export function sourcesOf(report: SanityReport): SourceLocation[] {
  const found: SourceLocation[] = [];
  for (const run of report.runs) {
    if (run.nan?.source) {
      found.push(run.nan.source);
    }
    for (const warning of run.exploding) {
      if (warning.source) {
        found.push(warning.source);
      }
    }
    for (const layer of run.layers ?? []) {
      if (layer.source) {
        found.push(layer.source);
      }
    }
    found.push(...graphSources(run.graph));
  }
  return found;
}
