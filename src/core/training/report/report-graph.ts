/**
 * The report page's graph view (issue 21): the model's graph, laid out by graph-layout.ts in the page
 * and drawn by media/report-graph.js, each layer coloured by a statistic at a chosen step. This pure
 * renderer writes the section's frame and controls and the inert JSON block the script reads; while
 * training, the same data arrives in the live messages (GraphLiveRuns collects it from the worker).
 */
import { escapeHtml, jsonForScriptBlock } from './report-escape';
import type { LayerSample, LayerTelemetry, ModelGraph, NormKind, SanityReport, WorkerMessage } from '../protocol';
import { highlightOf } from './report-layers';
import { runLabel } from './report-view';

/** One layer's statistics over the sampled steps (LayerTelemetry without its histograms). */
export type GraphLayerSeries = Pick<LayerTelemetry, 'name' | 'steps' | 'mean' | 'std' | 'nearZero' | 'weightNorm' | 'gradNorm' | 'nonFinite'>;

/** A layer to mark on the graph: where NaN/Inf started, or what exploded first. */
export interface GraphMark {
  layer: string;
  step: number;
  text: string;
}

export interface GraphViewRun {
  label: string;
  norm: NormKind;
  graph: ModelGraph | null;
  layers: GraphLayerSeries[];
  nan: GraphMark | null;
  exploding: GraphMark | null;
}

/**
 * The graph view's scripts under media/, in the order the page loads them: the data and colour
 * scales, the SVG drawing and the tooltip, which the view (report-graph.js) uses.
 */
export const GRAPH_SCRIPTS = ['report-graph-data.js', 'report-graph-draw.js', 'report-graph-hover.js', 'report-graph.js'] as const;

/** What media/report-graph.js draws. */
export interface GraphViewData {
  /** True while training: the step follows the latest sample unless the user scrubs. */
  live: boolean;
  runs: GraphViewRun[];
}

function seriesOf(layer: LayerTelemetry): GraphLayerSeries {
  const { name, steps, mean, std, nearZero, weightNorm, gradNorm, nonFinite } = layer;
  return { name, steps, mean, std, nearZero, weightNorm, gradNorm, nonFinite };
}

export function graphViewDataOf(report: SanityReport): GraphViewData {
  return {
    live: false,
    runs: report.runs.map((run, i) => {
      const first = highlightOf({ ...run, nan: null });
      return {
        label: runLabel(run, i),
        norm: run.norm,
        graph: run.graph ?? null,
        layers: (run.layers ?? []).map(seriesOf),
        nan: run.nan ? { layer: run.nan.layer, step: run.nan.step, text: `NaN/Inf first seen here at step ${run.nan.step}` } : null,
        exploding: first,
      };
    }),
  };
}

const STATISTICS: [string, string][] = [
  ['std', 'activation std'],
  ['nearZero', 'dead share (|x| ≤ 0.05)'],
  ['gradNorm', 'gradient norm'],
  ['nonFinite', 'NaN/Inf count'],
];

/** The section; with `data` null (no graph: an older report) nothing. */
export function graphSection(data: GraphViewData | null): string {
  if (!data || (!data.live && !data.runs.some((r) => r.graph !== null))) {
    return '';
  }
  const options = STATISTICS.map(([value, label]) => `<option value="${value}">${escapeHtml(label)}</option>`).join('');
  return `<section class="graph-view" id="graph-view">
  <h2>Graph</h2>
  <p class="muted">The model’s layers as its code connects them, each coloured by a statistic of its output at one sampled step (or of its weights’ gradient). Hover a layer for its numbers and their course; click it to open the line that built it. Scrub the steps with the slider${data.live ? '; while training it follows the latest step' : ''}.</p>
  <div class="graph-controls">
    <label>Colour by <select id="graph-stat">${options}</select></label>
    <label id="graph-run-label" hidden>Show <select id="graph-run"></select></label>
    <label class="graph-step">Step <input type="range" id="graph-step" min="0" max="0" value="0" step="1"> <output id="graph-step-text">–</output></label>
    <label><input type="checkbox" id="graph-latest" checked> ${data.live ? 'Live' : 'Last step'}</label>
  </div>
  <div class="graph-legend" id="graph-legend" aria-live="polite"></div>
  <div class="graph-scroll" id="graph-canvas" role="img" aria-label="The model’s graph, coloured by the chosen statistic"></div>
  <div class="graph-tooltip" id="graph-tooltip" role="tooltip" hidden></div>
  <p id="graph-fallback" class="muted" hidden></p>
</section>
<script type="application/json" id="graph-data">${jsonForScriptBlock(data)}</script>`;
}

/**
 * Collects the worker's graph and per-layer statistics for a running page (pure): per run its graph and
 * a series per layer, growing with every `layerStats` message; NaN news marks its layer.
 */
export class GraphLiveRuns {
  private readonly runs: (GraphViewRun & { id: number })[] = [];

  /** Takes one worker message; true when the graph data changed. */
  add(message: WorkerMessage): boolean {
    if (message.type === 'graph') {
      this.runFor(message.run, message.norm).graph = message.graph;
      return true;
    }
    if (message.type === 'layerStats') {
      const run = this.runFor(message.run, message.norm);
      for (const sample of message.layers) {
        appendSample(run, message.step, sample);
      }
      return true;
    }
    if (message.type === 'layerNaN') {
      const run = this.runs.find((r) => r.id === message.run);
      if (run) {
        run.nan = { layer: message.finding.layer, step: message.finding.step, text: `NaN/Inf first seen here at step ${message.finding.step}` };
        return true;
      }
    }
    return false;
  }

  snapshot(): GraphViewData {
    const copy = (l: GraphLayerSeries): GraphLayerSeries => ({ name: l.name, steps: [...l.steps], mean: [...l.mean], std: [...l.std], nearZero: [...l.nearZero], weightNorm: [...l.weightNorm], gradNorm: [...l.gradNorm], nonFinite: [...l.nonFinite] });
    return { live: true, runs: this.runs.map(({ id: _id, ...run }) => ({ ...run, layers: run.layers.map(copy) })) };
  }

  private runFor(id: number, norm: NormKind): GraphViewRun & { id: number } {
    let run = this.runs.find((r) => r.id === id);
    if (!run) {
      run = { id, label: runLabel({ norm }, this.runs.length), norm, graph: null, layers: [], nan: null, exploding: null };
      this.runs.push(run);
    }
    return run;
  }
}

function appendSample(run: GraphViewRun, step: number, sample: LayerSample): void {
  let series = run.layers.find((l) => l.name === sample.name);
  if (!series) {
    series = { name: sample.name, steps: [], mean: [], std: [], nearZero: [], weightNorm: [], gradNorm: [], nonFinite: [] };
    run.layers.push(series);
  }
  if (series.steps.length > 0 && step <= series.steps[series.steps.length - 1]) {
    return; // a repeated sample adds nothing
  }
  series.steps.push(step);
  series.mean.push(sample.mean);
  series.std.push(sample.std);
  series.nearZero.push(sample.nearZero);
  series.weightNorm.push(sample.weightNorm);
  series.gradNorm.push(sample.gradNorm);
  series.nonFinite.push(sample.nonFinite);
}

/**
 * The running page's "Inside the network" charts (mean, std and gradient norm per layer, per run),
 * empty until media/report-layers.js fills them from the live messages' per-layer statistics; the
 * histograms and the layer list come with the report.
 */
export function liveLayersSection(compare: boolean): string {
  const column = (r: number, label: string) => {
    const chart = (kind: string, title: string) =>
      `<h4>${escapeHtml(title)}</h4>\n    <div class="layer-chart-box live-chart-box"><canvas id="layer-${kind}-${r}" class="layer-chart" data-run="${r}" data-kind="${kind}" role="img" aria-label="${escapeHtml(`${title} per layer for ${label}`)}"></canvas></div>`;
    return `<div class="layer-run" data-run="${r}">
    <h3>${escapeHtml(label)}</h3>
    ${chart('mean', 'Activation mean')}
    ${chart('std', 'Activation std')}
    ${chart('grad', 'Gradient norm (log scale)')}
  </div>`;
  };
  const labels = compare ? [runLabel({ norm: 'batchNormalization' }, 0), runLabel({ norm: 'runningBatchNorm' }, 1)] : ['As written'];
  return `<section class="layers" id="live-layers" hidden>
  <h2>Inside the network</h2>
  <p class="muted">Each layer’s output in training mode at the sampled steps so far: one line per layer, drawn as the statistics arrive.</p>
  <div class="layer-runs${compare ? ' compared' : ''}">
  ${labels.map((label, r) => column(r, label)).join('\n  ')}
  </div>
  <p id="layer-fallback" class="muted" hidden></p>
</section>
<script type="application/json" id="layer-data">{"runs":[],"live":true}</script>`;
}
