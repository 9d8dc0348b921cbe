import * as assert from 'node:assert/strict';
import { allGraphNodes, describeGraph, mapGraphSources, mergeNodes } from '../../../src/core/training/graph/graph-summary';
import type { GraphNode, LayerSample, ModelGraph, WorkerMessage } from '../../../src/core/training/protocol';
import { GRAPH_SCRIPTS, GraphLiveRuns, graphSection, graphViewDataOf } from '../../../src/core/training/report/report-graph';
import { renderReportPage, type ReportPageAssets, type ReportPageState } from '../../../src/core/training/report/report-html';
import { sourcesOf } from '../../../src/core/training/report/report-view';
import { LiveCurves } from '../../../src/vscode/sanity/panel/live-curves';
import { UNET_FILE, unetGraph, unetReport } from './graph-fixtures';

const node = (name: string, className: string, params = 0, nested: ModelGraph | null = null): GraphNode => ({ name, className, outputShape: [null, 2], params, source: null, nested });

const sample = (name: string, std: number | null): LayerSample => ({ name, mean: 0, std, nearZero: 0.1, weightNorm: 1, gradNorm: 0.5, nonFinite: std === null ? 3 : 0 });

describe('graph in words and in the report', () => {
  it('describeGraph: layers by class (nested counted, inputs not), inputs, outputs, merges, branch points, nested models, parameters', () => {
    assert.equal(
      describeGraph(unetGraph()),
      '16 layers (6 Conv2D, 4 BatchNormalization, 2 Concatenate, 2 MaxPooling2D, 2 UpSampling2D), 1 input, 1 output, 2 merges (up2_concat, up1_concat), 2 branch points (down1_bn, down2_bn), 1 nested model (bottleneck: 2 layers), 58,785 parameters',
    );
    const twoHeads: ModelGraph = {
      nodes: [node('a', 'InputLayer'), node('b', 'InputLayer'), node('join', 'Concatenate'), node('x', 'Dense', 10), node('y', 'Dense', 6), node('z', 'LSTM', 1), node('w', 'GRU', 1), node('v', 'Conv1D', 1)],
      edges: [['a', 'join'], ['b', 'join'], ['join', 'x'], ['join', 'y']],
    };
    assert.equal(describeGraph(twoHeads), '6 layers (2 Dense, 1 Concatenate, 1 Conv1D, 1 GRU, 1 LSTM), 5 inputs, 5 outputs, 1 merge (join), 1 branch point (join), 19 parameters');
    assert.deepEqual(mergeNodes(twoHeads), ['join']);
  });

  it('mapGraphSources rewrites every source, nested ones too; allGraphNodes walks into nested models', () => {
    const mapped = mapGraphSources(unetGraph(), (s) => ({ ...s, file: 'unet.ts' }));
    const sources = allGraphNodes(mapped).flatMap((n) => (n.source ? [n.source.file] : []));
    assert.equal(sources.length, 17);
    assert.ok(sources.every((f) => f === 'unet.ts'));
    assert.deepEqual(allGraphNodes(unetGraph()).filter((n) => n.name.startsWith('bottleneck')).map((n) => n.name), ['bottleneck', 'bottleneck_input', 'bottleneck_conv', 'bottleneck_bn']);
  });

  it('the page may open every source the graph names, nested layers included', () => {
    const lines = sourcesOf(unetReport).filter((s) => s.file === UNET_FILE).map((s) => s.line);
    assert.ok(lines.includes(31) && lines.includes(32), 'the nested model’s layers');
    assert.ok(lines.includes(30), 'the nested model itself');
  });

  it('graphViewDataOf: per run its graph, series without histograms, the NaN layer and the first explosion', () => {
    const data = graphViewDataOf(unetReport);
    assert.equal(data.live, false);
    assert.deepEqual(data.runs.map((r) => [r.label, r.nan?.layer ?? null, r.exploding?.layer ?? null]), [
      ['BatchNorm (as written)', 'up2_conv', 'up2_bn'],
      ['RunningBatchNorm (swapped in memory)', null, null],
    ]);
    assert.equal(data.runs[0].layers.length, 15);
    assert.ok(data.runs[0].layers.every((l) => !('histogram' in l) && !('source' in l)));
  });

  it('graphSection: nothing for a report without a graph; controls and an inert, escaped JSON block otherwise', () => {
    assert.equal(graphSection(graphViewDataOf({ ...unetReport, runs: unetReport.runs.map(({ graph: _graph, ...r }) => r) })), '');
    const hostile = { ...unetReport, runs: [{ ...unetReport.runs[0], graph: { nodes: [node('</script><b>x', 'Dense')], edges: [] } }] };
    const html = graphSection(graphViewDataOf(hostile));
    assert.match(html, /<select id="graph-stat"><option value="std">activation std<\/option><option value="nearZero">/);
    assert.match(html, /Last step/);
    assert.ok(!html.includes('</script><b>'), 'a layer name cannot close the data block');
    assert.match(graphSection({ live: true, runs: [] }), /<input type="checkbox" id="graph-latest" checked> Live/);
  });
});

describe('the graph view\'s scripts on the page', () => {
  const assets = (graph: boolean): ReportPageAssets => ({
    cspSource: 'vscode-resource:',
    nonce: 'n0nce',
    styleUri: 'media/report.css',
    scriptUri: 'media/report.js',
    chartUri: 'media/vendor/chart.umd.min.js',
    ...(graph ? { graphScriptUris: GRAPH_SCRIPTS.map((f) => `media/${f}`), graphLayoutUri: 'media/vendor/graph-layout.js' } : {}),
  });
  const graphScripts = (html: string): string[] => [...html.matchAll(/<script nonce="n0nce" src="(media\/(?:vendor\/graph-layout|report-graph[^"]*)\.js)"><\/script>/g)].map((m) => m[1]!);
  const cases: Array<{ name: string; state: ReportPageState; graph: boolean; expected: string[] }> = [
    { name: 'a report: the layout, then data, drawing, hover and the view, each with the nonce', state: { kind: 'report', report: unetReport }, graph: true, expected: ['media/vendor/graph-layout.js', ...GRAPH_SCRIPTS.map((f) => `media/${f}`)] },
    { name: 'no graph assets: none', state: { kind: 'report', report: unetReport }, graph: false, expected: [] },
    { name: 'an error page: none', state: { kind: 'error', reason: 'threw', message: 'failed' }, graph: true, expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(graphScripts(renderReportPage(c.state, assets(c.graph))), c.expected);
    });
  }
});

describe('graph while training (streamed)', () => {
  it('GraphLiveRuns: the graph per run, a series per layer growing with each sample, repeats ignored, NaN marked', () => {
    const live = new GraphLiveRuns();
    const messages: WorkerMessage[] = [
      { type: 'graph', run: 0, norm: 'batchNormalization', graph: unetGraph() },
      { type: 'layerStats', run: 0, norm: 'batchNormalization', step: 1, layers: [sample('down1_conv', 0.4), sample('mask', 0.05)] },
      { type: 'layerStats', run: 0, norm: 'batchNormalization', step: 3, layers: [sample('down1_conv', 0.5), sample('mask', null)] },
      { type: 'layerStats', run: 0, norm: 'batchNormalization', step: 3, layers: [sample('down1_conv', 9)] },
      { type: 'layerNaN', run: 0, finding: { step: 3, layer: 'mask', className: 'Conv2D', where: 'output', source: null } },
      { type: 'layerStats', run: 1, norm: 'runningBatchNorm', step: 1, layers: [sample('down1_conv', 0.3)] },
    ];
    assert.deepEqual(messages.map((m) => live.add(m)), [true, true, true, true, true, true]);
    assert.equal(live.add({ type: 'progress', run: 0, norm: 'batchNormalization', step: 4, totalSteps: 9, loss: 1 }), false);
    const snap = live.snapshot();
    assert.equal(snap.live, true);
    assert.deepEqual(snap.runs.map((r) => [r.label, r.graph?.nodes.length ?? null, r.nan?.layer ?? null]), [
      ['BatchNorm (as written)', 16, 'mask'],
      ['RunningBatchNorm (swapped in memory)', null, null],
    ]);
    const conv = snap.runs[0].layers.find((l) => l.name === 'down1_conv');
    assert.deepEqual([conv?.steps, conv?.std], [[1, 3], [0.4, 0.5]]);
    assert.deepEqual(snap.runs[0].layers.find((l) => l.name === 'mask')?.nonFinite, [0, 3]);
    // A snapshot is a copy: later samples do not change what was posted.
    live.add({ type: 'layerStats', run: 0, norm: 'batchNormalization', step: 5, layers: [sample('down1_conv', 0.6)] });
    assert.deepEqual(snap.runs[0].layers.find((l) => l.name === 'down1_conv')?.steps, [1, 3]);
  });

  it('LiveCurves: the graph data travels with the curves only when it changed', () => {
    const curves = new LiveCurves(false);
    assert.equal(curves.snapshot().graph, undefined, 'nothing streamed yet');
    assert.equal(curves.add({ type: 'graph', run: 0, norm: 'batchNormalization', graph: unetGraph() }), true);
    assert.equal(curves.snapshot().graph?.runs[0].graph?.nodes.length, 16);
    curves.add({ type: 'progress', run: 0, norm: 'batchNormalization', step: 1, totalSteps: 9, loss: 1 });
    assert.equal(curves.snapshot().graph, undefined, 'only the loss changed');
    curves.add({ type: 'layerStats', run: 0, norm: 'batchNormalization', step: 1, layers: [sample('mask', 0.05)] });
    assert.deepEqual(curves.snapshot().graph?.runs[0].layers.map((l) => l.name), ['mask']);
  });
});
