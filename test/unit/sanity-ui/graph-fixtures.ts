/**
 * A compared report with a graph: a small U-Net (two levels down, a nested bottleneck model, two up,
 * skips concatenated) whose BatchNorm run goes NaN in the decoder while its RunningBatchNorm swap stays
 * healthy; per-layer statistics at 30 sampled steps, made by formula so every number is known.
 */
import type { GraphNode, LayerTelemetry, ModelGraph, RunReport, SanityReport } from '../../../src/core/training/protocol';
import { compareReport, ROOT } from './report-fixtures';

export const UNET_FILE = `${ROOT}/src/unet.ts`;

const shapeOf = (size: number, channels: number) => [null, size, size, channels];

function layer(name: string, className: string, line: number | null, shape: (number | null)[], params: number, nested: ModelGraph | null = null): GraphNode {
  return { name, className, outputShape: shape, params, source: line === null ? null : { file: UNET_FILE, line }, nested };
}

/** The graph of the model as written; `norm` renames the batch norms' class for the swapped run. */
export function unetGraph(normClass = 'BatchNormalization'): ModelGraph {
  const bottleneck: ModelGraph = {
    nodes: [layer('bottleneck_input', 'InputLayer', null, shapeOf(8, 32), 0), layer('bottleneck_conv', 'Conv2D', 31, shapeOf(8, 64), 18_496), layer('bottleneck_bn', normClass, 32, shapeOf(8, 64), 256)],
    edges: [
      ['bottleneck_input', 'bottleneck_conv'],
      ['bottleneck_conv', 'bottleneck_bn'],
    ],
  };
  const nodes: GraphNode[] = [
    layer('image', 'InputLayer', null, shapeOf(32, 3), 0),
    layer('down1_conv', 'Conv2D', 12, shapeOf(32, 16), 448),
    layer('down1_bn', normClass, 13, shapeOf(32, 16), 64),
    layer('down1_pool', 'MaxPooling2D', 14, shapeOf(16, 16), 0),
    layer('down2_conv', 'Conv2D', 16, shapeOf(16, 32), 4_640),
    layer('down2_bn', normClass, 17, shapeOf(16, 32), 128),
    layer('down2_pool', 'MaxPooling2D', 18, shapeOf(8, 32), 0),
    layer('bottleneck', 'Sequential', 30, shapeOf(8, 64), 18_752, bottleneck),
    layer('up2', 'UpSampling2D', 21, shapeOf(16, 64), 0),
    layer('up2_concat', 'Concatenate', 22, shapeOf(16, 96), 0),
    layer('up2_conv', 'Conv2D', 23, shapeOf(16, 32), 27_680),
    layer('up2_bn', normClass, 24, shapeOf(16, 32), 128),
    layer('up1', 'UpSampling2D', 25, shapeOf(32, 32), 0),
    layer('up1_concat', 'Concatenate', 26, shapeOf(32, 48), 0),
    layer('up1_conv', 'Conv2D', 27, shapeOf(32, 16), 6_928),
    layer('mask', 'Conv2D', 28, shapeOf(32, 1), 17),
  ];
  const chain = ['image', 'down1_conv', 'down1_bn', 'down1_pool', 'down2_conv', 'down2_bn', 'down2_pool', 'bottleneck', 'up2', 'up2_concat', 'up2_conv', 'up2_bn', 'up1', 'up1_concat', 'up1_conv', 'mask'];
  const edges: [string, string][] = chain.slice(1).map((to, i) => [chain[i], to]);
  edges.push(['down2_bn', 'up2_concat'], ['down1_bn', 'up1_concat']);
  return { nodes, edges };
}

/** Statistics by formula: std drifts from `std` by `drift` per step; from `blowUp` on the gradient grows 10× per sample and the output goes NaN at the end. */
function series(name: string, className: string, line: number | null, steps: number[], o: { std: number; drift: number; dead: number; grad: number | null; blowUp?: number }): LayerTelemetry {
  const nan = (s: number) => o.blowUp !== undefined && s === steps[steps.length - 1];
  const growth = (s: number) => (o.blowUp !== undefined && s >= o.blowUp ? 10 ** ((s - o.blowUp) / 2 + 1) : 1);
  return {
    name,
    className,
    source: line === null ? null : { file: UNET_FILE, line },
    steps,
    mean: steps.map((s) => (nan(s) ? null : Number((0.01 * Math.sin(s / 5)).toPrecision(5)))),
    std: steps.map((s) => (nan(s) ? null : Number((o.std * (1 + o.drift * s) * growth(s)).toPrecision(5)))),
    nearZero: steps.map((s) => Number(Math.min(1, o.dead + 0.004 * s).toPrecision(5))),
    weightNorm: steps.map(() => (o.grad === null ? null : 3.2)),
    gradNorm: steps.map((s) => (o.grad === null || nan(s) ? null : Number((o.grad * growth(s)).toPrecision(5)))),
    nonFinite: steps.map((s) => (nan(s) ? 4096 : 0)),
    histogram: null,
  };
}

const PROFILE: Record<string, { std: number; drift: number; dead: number; grad: number | null }> = {
  down1_conv: { std: 0.4, drift: 0.002, dead: 0.1, grad: 0.8 },
  down1_bn: { std: 0.98, drift: 0, dead: 0.04, grad: 0.3 },
  down1_pool: { std: 1.1, drift: 0, dead: 0.02, grad: null },
  down2_conv: { std: 0.7, drift: 0.004, dead: 0.2, grad: 0.6 },
  down2_bn: { std: 0.95, drift: 0, dead: 0.05, grad: 0.25 },
  down2_pool: { std: 1.2, drift: 0, dead: 0.03, grad: null },
  bottleneck: { std: 0.9, drift: 0, dead: 0.06, grad: 0.5 },
  up2: { std: 0.9, drift: 0, dead: 0.06, grad: null },
  up2_concat: { std: 0.93, drift: 0, dead: 0.05, grad: null },
  up2_conv: { std: 0.5, drift: 0.01, dead: 0.3, grad: 1.1 },
  up2_bn: { std: 0.97, drift: 0, dead: 0.05, grad: 0.4 },
  up1: { std: 0.97, drift: 0, dead: 0.05, grad: null },
  up1_concat: { std: 0.99, drift: 0, dead: 0.05, grad: null },
  up1_conv: { std: 0.3, drift: 0.02, dead: 0.55, grad: 2.0 },
  mask: { std: 0.05, drift: 0.01, dead: 0.9, grad: 0.09 },
};

function telemetry(graph: ModelGraph, steps: number[], blowUp?: { layer: string; step: number }): LayerTelemetry[] {
  return graph.nodes
    .filter((n) => n.className !== 'InputLayer')
    .map((n) => series(n.name, n.className, n.source?.line ?? null, steps, { ...PROFILE[n.name], ...(blowUp && blowUp.layer === n.name ? { blowUp: blowUp.step } : {}) }));
}

const every = (count: number, stride: number) => Array.from({ length: count }, (_, i) => 1 + i * stride);

const bnSteps = every(30, 2).filter((s) => s <= 57);
const asWritten: RunReport = {
  ...compareReport.runs[0],
  steps: 57,
  finalLoss: null,
  accuracy: null,
  nan: { step: 57, layer: 'up2_conv', className: 'Conv2D', where: 'output', source: { file: UNET_FILE, line: 23 } },
  exploding: [{ step: 51, layer: 'up2_bn', className: 'BatchNormalization', weight: 'up2_bn/gamma, up2_bn/beta', growth: 420, source: { file: UNET_FILE, line: 24 }, measure: 'gradient' }],
  graph: unetGraph(),
  layers: telemetry(unetGraph(), bnSteps, { layer: 'up2_conv', step: 49 }),
};

const swapped: RunReport = {
  ...compareReport.runs[1],
  graph: unetGraph('RunningBatchNorm'),
  layers: telemetry(unetGraph('RunningBatchNorm'), every(30, 10)).map((l) => (l.className === 'RunningBatchNorm' ? { ...l, std: l.std.map((v) => (v === null ? null : Number((v * 0.8).toPrecision(5)))) } : l)),
};

export const unetReport: SanityReport = { ...compareReport, model: 'unet', file: UNET_FILE, task: 'regression', runs: [asWritten, swapped] };
