import * as assert from 'node:assert/strict';
import type { RunReport, SanityReport } from '../../../src/core/training/protocol';
import { renderReportPage, type ReportPageAssets } from '../../../src/core/training/report/report-html';
import { highlightOf, layerChartDataOf, layersSection, type LayerChartData } from '../../../src/core/training/report/report-layers';
import { sourcesOf } from '../../../src/core/training/report/report-view';
import { elementsOf } from './html-tree';
import { compareReport, nanReport, ROOT, telemetryReport } from './report-fixtures';

const SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const ASSETS: ReportPageAssets = {
  cspSource: SOURCE,
  nonce: 'bm9uY2U=',
  styleUri: `${SOURCE}/ext/media/report.css`,
  scriptUri: `${SOURCE}/ext/media/report.js`,
  chartUri: `${SOURCE}/ext/media/vendor/chart.umd.min.js`,
  layersScriptUri: `${SOURCE}/ext/media/report-layers.js`,
};

const page = (report: SanityReport) => renderReportPage({ kind: 'report', report }, ASSETS, [ROOT]);

function layerData(html: string): LayerChartData {
  const block = elementsOf(html).find((e) => e.attrs.id === 'layer-data');
  assert.ok(block, 'layer-data block present');
  return JSON.parse(block.text) as LayerChartData;
}

describe('report page: per-layer telemetry section', () => {
  it('loads the layer script with the nonce, after the page script, on report and running pages (live charts), not on error pages', () => {
    const scripts = (html: string) => elementsOf(html).filter((e) => e.tag === 'script' && e.attrs.src);
    assert.deepEqual(scripts(page(telemetryReport)).map((s) => [s.attrs.src, s.attrs.nonce]), [
      [ASSETS.chartUri, ASSETS.nonce],
      [ASSETS.scriptUri, ASSETS.nonce],
      [ASSETS.layersScriptUri, ASSETS.nonce],
    ]);
    const running = renderReportPage({ kind: 'running', model: 'm', file: `${ROOT}/m.ts`, compare: false, steps: 10, batchSize: 2 }, ASSETS, [ROOT]);
    assert.deepEqual(scripts(running).map((s) => s.attrs.src), [ASSETS.chartUri, ASSETS.scriptUri, ASSETS.layersScriptUri]);
    const failed = renderReportPage({ kind: 'error', reason: 'threw', message: 'x' }, ASSETS, [ROOT]);
    assert.deepEqual(scripts(failed).map((s) => s.attrs.src), [ASSETS.chartUri, ASSETS.scriptUri]);
  });

  it('one column per run with mean, std and gradient canvases and a heatmap per histogram layer', () => {
    const els = elementsOf(page(telemetryReport));
    assert.deepEqual(els.filter((e) => e.tag === 'canvas' && e.attrs.class === 'layer-chart').map((e) => e.attrs.id), ['layer-mean-0', 'layer-std-0', 'layer-grad-0', 'layer-mean-1', 'layer-std-1', 'layer-grad-1']);
    assert.deepEqual(els.filter((e) => e.attrs.class === 'heatmap-canvas').map((e) => [e.attrs['data-run'], e.attrs['data-layer']]), [['0', '1'], ['1', '1']]);
    assert.equal(els.filter((e) => (e.attrs.class ?? '').includes('layer-runs compared')).length, 1, 'compared runs sit side by side');
    // Every layer with a source line links to it; the Flatten has none.
    const links = els.filter((e) => e.tag === 'a' && e.attrs.class === 'source-link' && e.attrs['data-file'] === `${ROOT}/models/net.js`).map((e) => e.attrs['data-line']);
    assert.deepEqual(links.filter((_, i) => i >= links.length - 6), ['5', '6', '8', '5', '6', '8']);
    assert.deepEqual(layerData(page(telemetryReport)), JSON.parse(JSON.stringify(layerChartDataOf(telemetryReport))));
  });

  it('no section without telemetry (switched off, or a report from before it)', () => {
    assert.equal(layersSection(compareReport), '');
    assert.equal(elementsOf(page(nanReport)).filter((e) => e.attrs.id === 'layer-data').length, 0);
  });

  it('hostile layer names stay text', () => {
    const evil = '</script><img src=x onerror=alert(1)>';
    const run = telemetryReport.runs[1];
    const report: SanityReport = { ...telemetryReport, runs: [{ ...run, layers: (run.layers ?? []).map((l) => ({ ...l, name: evil, className: `"${evil}` })) }] };
    const html = page(report);
    assert.equal(elementsOf(html).filter((e) => e.tag === 'img').length, 0);
    assert.equal(layerData(html).runs[0].layers[0].name, evil);
  });

  const base: RunReport = telemetryReport.runs[1];
  const highlights: { title: string; run: RunReport; expected: ReturnType<typeof highlightOf> }[] = [
    { title: 'a healthy run highlights nothing', run: base, expected: null },
    { title: 'a NaN names its layer and step', run: telemetryReport.runs[0], expected: { layer: 'batch_normalization_1', step: 41, text: 'NaN/Inf first seen here at step 41' } },
    {
      title: 'else the earliest explosion, by gradient or by weights',
      run: {
        ...base,
        exploding: [
          { step: 30, layer: 'dense_1', className: 'Dense', weight: 'dense_1/kernel', growth: 200, source: null },
          { step: 12, layer: 'conv2d_1', className: 'Conv2D', weight: 'conv2d_1/kernel, conv2d_1/bias', growth: 900, source: null, measure: 'gradient' },
        ],
      },
      expected: { layer: 'conv2d_1', step: 12, text: 'gradient norm exploded here by step 12' },
    },
    {
      title: 'with what was seen: from → to and what confirmed it',
      run: { ...base, exploding: [{ step: 12, layer: 'conv2d_1', className: 'Conv2D', weight: 'conv2d_1/kernel', growth: 900, magnitude: 4.5, confirmedBy: 'loss', source: null, measure: 'gradient' }] },
      expected: { layer: 'conv2d_1', step: 12, text: 'gradient norm exploded here by step 12: 0.005 → 4.5 (900×), confirmed by loss rising' },
    },
    {
      title: 'weights that reached a large magnitude',
      run: { ...base, exploding: [{ step: 7, layer: 'dense_1', className: 'Dense', weight: 'dense_1/kernel', growth: 150, magnitude: 3000, confirmedBy: 'magnitude', source: null }] },
      expected: { layer: 'dense_1', step: 7, text: 'weights exploded here by step 7: 20 → 3000 (150×), confirmed by a large magnitude' },
    },
  ];
  for (const h of highlights) {
    it(h.title, () => assert.deepEqual(highlightOf(h.run), h.expected));
  }

  it('the layers’ source lines are ones the panel may open', () => {
    const lines = sourcesOf(telemetryReport).map((s) => s.line);
    assert.ok([5, 6, 8].every((l) => lines.includes(l)));
  });
});

describe('report page: a gradient explosion in the verdict', () => {
  it('names the layer, its growth, the step and the source line', () => {
    const run = { ...telemetryReport.runs[1], exploding: telemetryReport.runs[0].exploding };
    const items = elementsOf(page({ ...telemetryReport, runs: [run] })).filter((e) => e.tag === 'li' && e.text.includes('gradient norm'));
    assert.ok(items.some((e) => e.text.includes('the gradient norm of layer “batch_normalization_1” (BatchNormalization) grew 640× within 50 steps, by step 35 (built at models/net.js:6), before any NaN.')), items.map((e) => e.text).join('\n'));
  });
});
