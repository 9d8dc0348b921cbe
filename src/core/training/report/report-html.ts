/**
 * The sanity-train report page, as one HTML string (pure, so unit tests render it without VS Code).
 * Security model: a nonce CSP that allows only our two scripts and our stylesheet; every string that
 * came from the user's code (layer names, weight names, file paths, error messages) is escaped; the chart
 * data travels as an inert JSON block with `<` escaped; no inline styles or handlers, no network.
 */
import type { RunReport, SanityCall, SanityReport, SanityRuntime } from '../protocol';
import { describeCallCode } from './report-call';
import {
  describeData,
  describeNan,
  displayPath,
  formatGrowth,
  formatNumber,
  formatStepsPerSecond,
  metricName,
  metricOf,
  runLabel,
} from './report-view';
import { cutShort, verdictFor, type ReportVerdict } from './report-verdict';
import { escapeHtml, jsonForScriptBlock, sourceLink } from './report-escape';
import { explosionsSection } from './report-explosions';
import { layersSection } from './report-layers';
import { graphSection, graphViewDataOf, liveLayersSection, type GraphViewData } from './report-graph';
import { comparisonFigure } from './report-comparison';
import { errorHeadline, errorHint } from './report-errors';

export { escapeHtml, jsonForScriptBlock };

/** Where the page's assets live, as webview URIs, and the per-render nonce. */
export interface ReportPageAssets {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  styleUri: string;
  scriptUri: string;
  chartUri: string;
  /** media/report-layers.js, which draws the per-layer charts; without it that section stays text. */
  layersScriptUri?: string;
  /** The graph view's scripts (report-graph.ts's GRAPH_SCRIPTS, in that order) and the bundled layout (media/vendor/graph-layout.js). */
  graphScriptUris?: readonly string[];
  graphLayoutUri?: string;
}

export type ReportPageState =
  | { kind: 'report'; report: SanityReport }
  | {
      /** Training in progress: the page draws the loss curves live from `LiveChartMessage`s. */
      kind: 'running';
      model: string;
      file: string;
      compare: boolean;
      steps: number;
      batchSize: number;
    }
  | {
      kind: 'error';
      /** The launcher's reason ('threw', 'timeout', …). */
      reason: string;
      message: string;
      file?: string;
      model?: string;
      /** Which tfjs and backend were in use, when the worker got that far. */
      runtime?: SanityRuntime;
      /** The editor's buttons for this failure ("Run Again", "Run Again with 2× Budget", an install), in order. */
      actions?: readonly string[];
    };

/** What the page's script receives in its JSON block (and, while training, in `LiveChartMessage`s). */
export interface ReportChartData {
  /** null while training (the task is known only from the report). */
  task: SanityReport['task'] | null;
  /** The planned steps while training (null for a report); the page's axis covers only the steps that ran. */
  maxStep: number | null;
  /** Per run: the steps (x) and their losses (y, null where not finite), and the step of its NaN. */
  runs: { label: string; norm: RunReport['norm']; steps: number[]; losses: (number | null)[]; nanStep: number | null }[];
}

/** Posted to a running page: the curves so far and a status line. */
export interface LiveChartMessage {
  type: 'live';
  data: ReportChartData;
  status: string;
  /** The graph and the per-layer statistics streamed so far (absent before the worker sent any). */
  graph?: GraphViewData;
}

export function contentSecurityPolicy(assets: Pick<ReportPageAssets, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `img-src ${assets.cspSource} data:`,
    `style-src ${assets.cspSource}`,
    `font-src ${assets.cspSource}`,
    `script-src 'nonce-${assets.nonce}'`,
  ].join('; ');
}

function verdictSection(report: SanityReport, reportVerdict: ReportVerdict, roots: readonly string[], wording: Wording): string {
  const { kind: verdict, headline, coverage, comparison, caveat, comparisonClear } = reportVerdict;
  const items = report.runs.flatMap((run, i) => {
    if (run.nan) {
      return [`<li><strong>${escapeHtml(runLabel(run, i))}</strong>: ${escapeHtml(describeNan(run.nan))}. Built at ${sourceLink(run.nan.source, roots)}.</li>`];
    }
    if (run.exploding.length > 0) {
      const weights = run.exploding.filter((w) => w.measure !== 'gradient').length;
      // Telemetry's finding names its layer and step: where the blow-up started, before any NaN.
      const gradient = run.exploding.find((w) => w.measure === 'gradient');
      const parts = [
        weights > 0 ? `${weights} layer weight(s) grew more than 100× within 50 steps` : '',
        gradient
          ? `the gradient norm of layer “${escapeHtml(gradient.layer)}” (${escapeHtml(gradient.className)}) grew ${escapeHtml(formatGrowth(gradient.growth))} within 50 steps, by step ${gradient.step} (built at ${sourceLink(gradient.source, roots)})`
          : '',
      ].filter((p) => p !== '');
      return [`<li><strong>${escapeHtml(runLabel(run, i))}</strong>: ${parts.join('; ')}, before any NaN.</li>`];
    }
    return [`<li><strong>${escapeHtml(runLabel(run, i))}</strong>: every loss finite, no exploding weights.</li>`];
  });
  // The comparison is bold only when it means something; otherwise the page says why there is none.
  const extra = [
    coverage ? `<p class="coverage">${escapeHtml(coverage)}.</p>` : '',
    comparison ? `<p class="comparison${comparisonClear === false ? ' unclear' : ''}">${escapeHtml(comparison)}</p>` : '',
    comparison && report.comparison ? comparisonFigure(report.comparison) : '',
    caveat ? `<p class="caveat">${escapeHtml(wording(caveat))}</p>` : '',
  ].filter((p) => p !== '');
  // A model that cannot train as written is a finding, whatever its RunningBatchNorm copy showed.
  return `<section class="verdict verdict-${report.normSwapped ? 'cannot-train' : verdict}" role="status">
  <h2>${headline}</h2>
  <ul>${items.join('')}</ul>${extra.map((p) => `\n  ${p}`).join('')}
</section>`;
}

function runsTable(report: SanityReport): string {
  const metric = metricName(report.task);
  // Cells carry their column's name, so a narrow panel can show each run as a list (report.css).
  const heads = ['Run', 'Steps', 'Batch size', 'Final loss', metric[0].toUpperCase() + metric.slice(1), 'Steps/s', 'NaN/Inf', 'Explosions'];
  const rows = report.runs.map((run, i) => {
    const cells = [
      escapeHtml(runLabel(run, i)),
      String(run.steps),
      String(run.batchSize),
      escapeHtml(formatNumber(run.finalLoss)),
      escapeHtml(metricOf(run, report.task).text),
      escapeHtml(formatStepsPerSecond(run.stepsPerSecond)),
      run.nan ? `step ${run.nan.step}` : 'none',
      String(run.exploding.length),
    ];
    return `<tr class="norm-${run.norm}">${cells.map((c, j) => (j === 0 ? `<th scope="row">${c}</th>` : `<td data-label="${escapeHtml(heads[j])}">${c}</td>`)).join('')}</tr>`;
  });
  return `<section class="runs">
  <h2>Runs</h2>
  <div class="table-scroll"><table>
    <thead><tr>${heads.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
    <tbody>${rows.join('')}</tbody>
  </table></div>
</section>`;
}

function notesSection(report: SanityReport, wording: Wording): string {
  const notes = report.notes ?? [];
  return notes.length === 0 ? '' : `<section class="notes">\n  <h2>Notes</h2>\n  <ul>${notes.map((n) => `<li>${escapeHtml(wording(n))}</li>`).join('')}</ul>\n</section>`;
}

function setupSection(report: SanityReport): string {
  const skipped = (report.backendSkipped ?? []).map((s) => `<li><code>${escapeHtml(s.name)}</code>: ${escapeHtml(s.reason)}</li>`);
  return `<section class="setup">
  <h2>Setup</h2>
  <dl>
    <dt>Backend</dt><dd><code>${escapeHtml(report.backend)}</code>${skipped.length > 0 ? `<ul class="skipped">${skipped.join('')}</ul>` : ''}</dd>${
      report.tfjs ? `\n    <dt>tfjs</dt><dd>${escapeHtml(`${report.tfjs.version}, ${report.tfjs.source === 'workspace' ? 'your workspace’s' : 'bundled with the extension'}`)}</dd>` : ''
    }

    <dt>Data</dt><dd>${escapeHtml(describeData(report))}</dd>
    <dt>Task</dt><dd>${escapeHtml(report.task)}</dd>
  </dl>
</section>`;
}

/** The builder call that made the model: code, constructor arguments, where the arguments came from, the module variables and instance fields set. */
function callLine(call: SanityCall | undefined): string {
  if (!call) {
    return '';
  }
  const code = describeCallCode(call);
  const ctor = code.constructorArgs ? `, constructor <code>${escapeHtml(code.constructorArgs)}</code>` : '';
  const source = call.args.length > 0 || call.ctorArgs ? ` · <span class="muted">arguments: ${escapeHtml(call.argsSource)}</span>` : '';
  const vars = call.moduleVars ? Object.entries(call.moduleVars).map(([name, value]) => `${name} = ${JSON.stringify(value)}`).join(', ') : '';
  const moduleVars = vars ? ` · module variables <code>${escapeHtml(vars)}</code> <span class="muted">(${escapeHtml(call.moduleVarsSource ?? 'given')})</span>` : '';
  const fields = call.instanceVars ? Object.entries(call.instanceVars).map(([name, value]) => `this.${name} = ${JSON.stringify(value)}`).join(', ') : '';
  const instanceVars = fields ? ` · instance fields <code>${escapeHtml(fields)}</code> <span class="muted">(${escapeHtml(call.instanceVarsSource ?? 'given')})</span>` : '';
  return `\n  <p class="call">Built by <code>${escapeHtml(code.call)}</code>${ctor}${source}${moduleVars}${instanceVars}</p>`;
}

function chartSection(runs: readonly Pick<RunReport, 'norm'>[]): string {
  const labels = runs.map((r, i) => runLabel(r, i)).join(' and ');
  return `<section class="chart">
  <h2>Training loss per step</h2>
  <div class="chart-box"><canvas id="loss-chart" role="img" aria-label="${escapeHtml(`Training loss per step for ${labels}`)}"></canvas></div>
  <p id="chart-fallback" class="muted" hidden></p>
</section>`;
}

/** The chart's input: per run its label, loss curve and the step of its NaN, if any. */
export function chartDataOf(report: SanityReport): ReportChartData {
  return {
    task: report.task,
    maxStep: null,
    runs: report.runs.map((run, i) => {
      const losses = run.losses ?? [];
      return { label: runLabel(run, i), norm: run.norm, steps: losses.map((_, step) => step + 1), losses, nanStep: run.nan?.step ?? null };
    }),
  };
}

/**
 * The page's buttons; no "Compare" once compared, when there is no batch norm to swap, or when the
 * BatchNorm side cannot train; "Run Again with 2× Budget" (as the advice names it) when the budget cut a
 * run short, "Run Again with 2× Steps" when every run had its steps and none clearly learned.
 */
function actions(hideCompare: boolean, cutByBudget: boolean, moreSteps: boolean): string {
  const longer = cutByBudget
    ? '<button type="button" class="secondary" data-action="rerunLonger">Run Again with 2× Budget</button>'
    : moreSteps
      ? '<button type="button" class="secondary" data-action="rerunMoreSteps">Run Again with 2× Steps</button>'
      : '';
  const compare = hideCompare ? '' : '<button type="button" class="secondary" data-action="compare">Compare BatchNorm vs RunningBatchNorm</button>';
  return `<nav class="actions"><button type="button" data-action="rerun">Run again</button>${longer}${compare}<button type="button" class="secondary" data-action="showLog">Show Log</button></nav>`;
}

function reportBody(report: SanityReport, roots: readonly string[], wording: Wording): string {
  const title = report.model ? `Sanity-train: ${report.model}` : 'Sanity-train report';
  const where = report.file ? displayPath(report.file, roots) : undefined;
  // Computed once: the buttons and the verdict section both follow it.
  const verdict = verdictFor(report);
  return `<header>
  <h1>${escapeHtml(title)}</h1>
  <p class="subtitle">${[where, `backend ${report.backend}`, describeData(report)].filter((s) => s !== undefined).map((s) => escapeHtml(s)).join(' · ')}</p>${callLine(report.call)}
  ${actions(report.runs.length > 1 || report.runs.every((r) => r.norm === 'none') || report.normSwapped !== undefined, report.runs.some(cutShort), verdict.moreSteps === true)}
</header>
${verdictSection(report, verdict, roots, wording)}
${notesSection(report, wording)}
${chartSection(report.runs)}
${runsTable(report)}
${explosionsSection(report, roots)}
${graphSection(graphViewDataOf(report))}
${layersSection(report, roots)}
${setupSection(report)}
<script type="application/json" id="report-data">${jsonForScriptBlock(chartDataOf(report))}</script>`;
}

function errorBody(state: Extract<ReportPageState, { kind: 'error' }>, roots: readonly string[]): string {
  const subject = [state.model, state.file ? displayPath(state.file, roots) : undefined].filter((s) => s !== undefined).join(' in ');
  const hint = errorHint(state.reason, state.message);
  return `<header>
  <h1>${state.reason === 'cancelled' ? 'Sanity-train stopped' : 'Sanity-train could not run'}</h1>
  ${subject ? `<p class="subtitle">${escapeHtml(subject)}</p>` : ''}
  ${errorActions(state.actions ?? [])}
</header>
<section class="verdict verdict-error" role="alert">
  <h2>${escapeHtml(errorHeadline(state.reason))}</h2>
  <pre class="message">${escapeHtml(state.message)}</pre>${hint ? `\n  <p class="hint">${escapeHtml(hint)}</p>` : ''}${state.runtime ? `\n  <p class="runtime muted">${escapeHtml(describeRuntimeLine(state.runtime))}</p>` : ''}
</section>`;
}

/** The failure's buttons, by their place in the list (the editor keeps what each does), then Show Log. */
function errorActions(titles: readonly string[]): string {
  const buttons = titles.map((title, i) => `<button type="button"${i === 0 ? '' : ' class="secondary"'} data-action="recover" data-index="${i}">${escapeHtml(title)}</button>`);
  return `<nav class="actions">${buttons.join('')}<button type="button"${titles.length === 0 ? '' : ' class="secondary"'} data-action="showLog">Show Log</button></nav>`;
}

/** "Backend cpu on the workspace's tfjs 4.22.0; not used: wasm (…)". */
function describeRuntimeLine(runtime: SanityRuntime): string {
  const skipped = runtime.backendSkipped.map((s) => `${s.name} (${s.reason})`).join('; ');
  return `Backend ${runtime.backend} on ${runtime.tfjs.source === 'workspace' ? "the workspace's" : 'the bundled'} tfjs ${runtime.tfjs.version}${runtime.tfjs.reason ? ` (${runtime.tfjs.reason})` : ''}${skipped ? `; not used: ${skipped}` : ''}.`;
}

function runningBody(state: Extract<ReportPageState, { kind: 'running' }>, roots: readonly string[]): string {
  const runs: Pick<RunReport, 'norm'>[] = state.compare ? [{ norm: 'batchNormalization' }, { norm: 'runningBatchNorm' }] : [{ norm: 'batchNormalization' }];
  const what = `${state.steps} steps at batch size ${state.batchSize}${state.compare ? ', as written and with batch norm swapped' : ''}`;
  const empty: ReportChartData = { task: null, maxStep: state.steps, runs: [] };
  return `<header>
  <h1>${escapeHtml(`Sanity-training ${state.model}…`)}</h1>
  <p class="subtitle">${escapeHtml(`${displayPath(state.file, roots)} · ${what}`)}</p>
  <nav class="actions"><button type="button" data-action="cancel">Cancel</button><button type="button" class="secondary" data-action="showLog">Show Log</button></nav>
</header>
<section class="verdict verdict-running" role="status">
  <h2>Training</h2>
  <p id="live-status">Starting the training process…</p>
</section>
${chartSection(runs)}
${graphSection({ live: true, runs: [] })}
${liveLayersSection(state.compare)}
<script type="application/json" id="report-data">${jsonForScriptBlock(empty)}</script>`;
}

/** Rewords advice for where the page is shown (the editor names its buttons and settings, not CLI flags). */
export type Wording = (text: string) => string;

/**
 * Renders the whole report page.
 * @param workspaceRoots folders that paths are shown relative to (links still carry absolute paths).
 * @param wording applied to the verdict's caveat and the notes, which the worker writes in the CLI's words.
 */
export function renderReportPage(state: ReportPageState, assets: ReportPageAssets, workspaceRoots: readonly string[] = [], wording: Wording = (text) => text): string {
  const body =
    state.kind === 'report' ? reportBody(state.report, workspaceRoots, wording) : state.kind === 'running' ? runningBody(state, workspaceRoots) : errorBody(state, workspaceRoots);
  const nonce = escapeHtml(assets.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(assets))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(assets.styleUri)}">
<title>Sanity-train report</title>
</head>
<body>
${body}
<script nonce="${nonce}" src="${escapeHtml(assets.chartUri)}"></script>
<script nonce="${nonce}" src="${escapeHtml(assets.scriptUri)}"></script>${
    assets.layersScriptUri && state.kind !== 'error' ? `\n<script nonce="${nonce}" src="${escapeHtml(assets.layersScriptUri)}"></script>` : ''
  }${
    assets.graphScriptUris?.length && assets.graphLayoutUri && state.kind !== 'error'
      ? [assets.graphLayoutUri, ...assets.graphScriptUris].map((uri) => `\n<script nonce="${nonce}" src="${escapeHtml(uri)}"></script>`).join('')
      : ''
  }
</body>
</html>
`;
}
