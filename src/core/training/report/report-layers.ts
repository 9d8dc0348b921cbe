/**
 * The report page's "Inside the network" section (issue 13): per run, per-layer activation mean and
 * std, gradient norms and histogram heatmaps, drawn by media/report-layers.js from an inert JSON block;
 * this pure renderer writes the headings, the canvases and the layer list with its source links, and
 * names the layer where a NaN or an explosion started so every chart can highlight it.
 */
import { escapeHtml, jsonForScriptBlock } from './report-escape';
import { briefEvidence } from './report-explosions';
import type { LayerTelemetry, RunReport, SanityReport } from '../protocol';
import { displayPath, runLabel } from './report-view';

/** Where a run went wrong first: the NaN's layer, else the earliest explosion's. */
export interface LayerHighlight {
  layer: string;
  step: number;
  /** e.g. 'NaN/Inf first seen here at step 42'. */
  text: string;
}

/** What media/report-layers.js draws, per run. */
export interface LayerChartData {
  runs: { label: string; norm: RunReport['norm']; highlight: LayerHighlight | null; layers: LayerTelemetry[] }[];
}

export function highlightOf(run: RunReport): LayerHighlight | null {
  if (run.nan) {
    return { layer: run.nan.layer, step: run.nan.step, text: `NaN/Inf first seen here at step ${run.nan.step}` };
  }
  const first = [...run.exploding].sort((a, b) => a.step - b.step)[0];
  if (!first) {
    return null;
  }
  const what = first.measure === 'gradient' ? 'gradient norm' : 'weights';
  const evidence = briefEvidence(first);
  return { layer: first.layer, step: first.step, text: `${what} exploded here by step ${first.step}${evidence ? `: ${evidence}` : ''}` };
}

export function layerChartDataOf(report: SanityReport): LayerChartData {
  return {
    runs: report.runs.map((run, i) => ({ label: runLabel(run, i), norm: run.norm, highlight: highlightOf(run), layers: run.layers ?? [] })),
  };
}

function layerItem(layer: LayerTelemetry, index: number, highlight: LayerHighlight | null, roots: readonly string[]): string {
  const marked = highlight?.layer === layer.name;
  const name = escapeHtml(layer.name);
  const link = layer.source
    ? `<a href="#" class="source-link" data-file="${escapeHtml(layer.source.file)}" data-line="${layer.source.line}" title="${escapeHtml(`Open ${displayPath(layer.source.file, roots)}:${layer.source.line}`)}">${name}</a>`
    : `<span title="source line unknown">${name}</span>`;
  const nonFinite = layer.nonFinite.reduce((a, b) => a + b, 0);
  const badges = [
    marked && highlight ? `<span class="badge badge-alert">${escapeHtml(highlight.text)}</span>` : '',
    nonFinite > 0 ? `<span class="badge">${nonFinite} NaN/Inf values</span>` : '',
  ].join('');
  return `<li${marked ? ' class="highlighted"' : ''}><span class="swatch" data-layer-index="${index}"></span>${link} <span class="muted">${escapeHtml(layer.className)}</span>${badges}</li>`;
}

function runColumn(run: LayerChartData['runs'][number], r: number, roots: readonly string[]): string {
  const chart = (kind: string, title: string, label: string) =>
    `<h4>${escapeHtml(title)}</h4>\n    <div class="chart-box layer-chart-box"><canvas id="layer-${kind}-${r}" class="layer-chart" data-run="${r}" data-kind="${kind}" role="img" aria-label="${escapeHtml(`${label} per layer for ${run.label}`)}"></canvas></div>`;
  const heatmaps = run.layers
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.histogram !== null)
    .map(
      ({ l, i }) =>
        `<figure class="heatmap${run.highlight?.layer === l.name ? ' highlighted' : ''}"><figcaption>${escapeHtml(l.name)} <span class="muted">${escapeHtml(l.className)}</span></figcaption><canvas class="heatmap-canvas" data-run="${r}" data-layer="${i}" role="img" aria-label="${escapeHtml(`Histogram of ${l.name}'s output per step`)}"></canvas></figure>`,
    );
  return `<div class="layer-run" data-run="${r}">
    <h3>${escapeHtml(run.label)}</h3>
    ${chart('mean', 'Activation mean', 'Mean of each layer’s output')}
    ${chart('std', 'Activation std', 'Standard deviation of each layer’s output')}
    ${chart('grad', 'Gradient norm (log scale)', 'L2 norm of each layer’s weight gradient')}
    ${heatmaps.length > 0 ? `<h4>Histograms per step</h4>\n    <div class="heatmaps">${heatmaps.join('')}</div>` : ''}
    <h4>Layers</h4>
    <ol class="layer-list">${run.layers.map((l, i) => layerItem(l, i, run.highlight, roots)).join('')}</ol>
  </div>`;
}

/** The section, or '' when no run recorded telemetry (switched off, or an older report). */
export function layersSection(report: SanityReport, roots: readonly string[] = []): string {
  const data = layerChartDataOf(report);
  if (!data.runs.some((r) => r.layers.length > 0)) {
    return '';
  }
  const sampled = Math.max(...data.runs.map((r) => r.layers[0]?.steps.length ?? 0));
  const columns = data.runs.filter((r) => r.layers.length > 0);
  return `<section class="layers">
  <h2>Inside the network</h2>
  <p class="muted">Each layer’s output in training mode at ${sampled} sampled steps: mean and standard deviation (one line per layer; hover for its name, click to open its source line), the L2 norm of its weights’ gradient, and for the normalisation layers and the last hidden layer a histogram per step (brighter: more values; range fixed at the first step, values beyond it in the edge rows).</p>
  <div class="layer-runs${columns.length > 1 ? ' compared' : ''}">
  ${data.runs.map((run, r) => (run.layers.length > 0 ? runColumn(run, r, roots) : '')).join('\n  ')}
  </div>
  <p id="layer-fallback" class="muted" hidden></p>
</section>
<script type="application/json" id="layer-data">${jsonForScriptBlock(data)}</script>`;
}
