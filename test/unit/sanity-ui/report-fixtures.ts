/** Fixture reports for the panel and summary tests, typed against the protocol so a contract change breaks them. */
import type { LayerTelemetry, RunReport, SanityReport } from '../../../src/core/training/protocol';

export const ROOT = '/home/ada/project';

function curve(n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, (_, i) => from + ((to - from) * i) / Math.max(1, n - 1));
}

const healthyBn: RunReport = {
  norm: 'batchNormalization',
  steps: 300,
  batchSize: 8,
  finalLoss: 0.2812,
  accuracy: 0.932,
  stepsPerSecond: 45.27,
  nan: null,
  exploding: [],
  losses: curve(300, 2.3, 0.28),
};

/** Batch size 2, SGD lr 0.4: BatchNorm blows up in its own layer, RunningBatchNorm trains. */
export const nanReport: SanityReport = {
  backend: 'wasm',
  backendSkipped: [{ name: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed in the workspace' }],
  tfjs: { source: 'bundled', version: '4.22.0' },
  data: 'mnist',
  task: 'classification',
  model: 'createModel',
  file: `${ROOT}/src/model.ts`,
  runs: [
    {
      ...healthyBn,
      batchSize: 2,
      steps: 42,
      finalLoss: null,
      accuracy: null,
      losses: [...curve(41, 2.3, 40), null],
      nan: {
        step: 42,
        layer: 'batch_normalization_1',
        className: 'BatchNormalization',
        where: 'gradient',
        source: { file: `${ROOT}/src/model.ts`, line: 17 },
      },
      exploding: [
        {
          step: 30,
          layer: 'dense_Dense1',
          className: 'Dense',
          weight: 'dense_Dense1/kernel',
          growth: 153.4,
          source: { file: `${ROOT}/src/layers.ts`, line: 8 },
        },
      ],
    },
  ],
};

/** --compare: the model as written (BatchNorm) then the in-memory swap (RunningBatchNorm). */
export const compareReport: SanityReport = {
  backend: 'tensorflow',
  data: 'synthetic',
  task: 'classification',
  model: 'buildNet',
  file: `${ROOT}/models/net.js`,
  runs: [healthyBn, { ...healthyBn, norm: 'runningBatchNorm', accuracy: 0.941, finalLoss: 0.25, stepsPerSecond: 39.9, losses: curve(300, 2.3, 0.25).map((l, i) => l + 0.3 * Math.exp(-i / 20)) }],
};

/** A regression model (MSE instead of accuracy) whose swap does worse. */
export const regressionReport: SanityReport = {
  backend: 'cpu',
  data: 'custom',
  task: 'regression',
  model: 'regressor',
  file: `${ROOT}/src/regressor.ts`,
  notes: ['sanityData() returned 64 samples;\n13 held out'],
  runs: [
    { ...healthyBn, accuracy: null, error: 0.0123, finalLoss: 0.0119 },
    { ...healthyBn, norm: 'runningBatchNorm', accuracy: null, error: 0.0456, finalLoss: 0.04 },
  ],
};

/** Everything a hostile or merely odd user file could put into the strings of a report. */
export const hostileReport: SanityReport = {
  backend: 'wasm<script>alert(1)</script>',
  data: 'synthetic',
  task: 'classification',
  model: '<img src=x onerror=alert(1)>',
  file: `${ROOT}/src/"quoted" & <odd>.ts`,
  notes: ['<script>alert("note")</script>'],
  call: { model: '<img src=x onerror=alert(2)>', args: ['</script><script>alert("arg")</script>'], ctorArgs: [{ '<b>': '"q"' }], argsSource: 'call in <i>x</i>.js:1' },
  runs: [
    {
      ...healthyBn,
      losses: [1, 2],
      nan: {
        step: 3,
        layer: '</script><script>alert("layer")</script>',
        className: 'Evil"Class',
        where: 'output',
        source: { file: `${ROOT}/src/x" onclick="alert(1).ts`, line: 5 },
      },
      exploding: [{ step: 2, layer: "it's<b>", className: 'Dense', weight: 'w/<kernel>', growth: 1000, source: null }],
    },
  ],
};

/** Deterministic per-layer telemetry for a run of `steps` steps sampled every other step. */
function layerTelemetry(name: string, className: string, line: number | null, steps: number, shape: { mean: number; std: number; grad: number | null; blowUp?: number }, histogram: boolean): LayerTelemetry {
  const sampled = Array.from({ length: Math.ceil(steps / 2) }, (_, i) => 1 + 2 * i);
  const grow = (s: number) => (shape.blowUp !== undefined && s > shape.blowUp - 12 ? 10 ** ((s - (shape.blowUp - 12)) / 3) : 1);
  const bins = 40;
  return {
    name,
    className,
    source: line === null ? null : { file: `${ROOT}/models/net.js`, line },
    steps: sampled,
    mean: sampled.map((s) => shape.mean * (1 + 0.3 * Math.sin(s / 15)) * grow(s)),
    std: sampled.map((s) => shape.std * (1 + s / 600) * grow(s)),
    nearZero: sampled.map((s) => 0.2 + 0.1 * Math.cos(s / 40)),
    weightNorm: sampled.map((s) => (shape.grad === null ? null : 2 + s / 300)),
    gradNorm: sampled.map((s) => (shape.grad === null ? null : shape.grad * Math.exp(-s / 200) * grow(s) ** 2)),
    nonFinite: sampled.map(() => 0),
    histogram: histogram
      ? {
          min: -4,
          max: 4,
          bins,
          counts: sampled.map((s) => Array.from({ length: bins }, (_, b) => Math.round(400 * Math.exp(-(((b - 20 + 8 * Math.sin(s / 50)) / (3 + s / 60)) ** 2))))),
        }
      : null,
  };
}

/** --compare with telemetry: BatchNorm's own layer explodes and goes NaN at step 41, RunningBatchNorm trains. */
export const telemetryReport: SanityReport = {
  ...compareReport,
  runs: [
    {
      ...healthyBn,
      steps: 41,
      finalLoss: null,
      accuracy: null,
      losses: [...curve(40, 2.3, 9), null],
      nan: { step: 41, layer: 'batch_normalization_1', className: 'BatchNormalization', where: 'gradient', source: { file: `${ROOT}/models/net.js`, line: 6 } },
      exploding: [{ step: 35, layer: 'batch_normalization_1', className: 'BatchNormalization', weight: 'batch_normalization_1/gamma, batch_normalization_1/beta', growth: 640, source: { file: `${ROOT}/models/net.js`, line: 6 }, measure: 'gradient' }],
      layers: [
        layerTelemetry('conv2d_1', 'Conv2D', 5, 41, { mean: 0.08, std: 0.2, grad: 1.4 }, false),
        layerTelemetry('batch_normalization_1', 'BatchNormalization', 6, 41, { mean: 0.01, std: 0.9, grad: 0.7, blowUp: 41 }, true),
        layerTelemetry('flatten_1', 'Flatten', null, 41, { mean: 0.01, std: 0.9, grad: null }, false),
        layerTelemetry('dense_1', 'Dense', 8, 41, { mean: 0.1, std: 0.25, grad: 5 }, false),
      ],
    },
    {
      ...compareReport.runs[1],
      layers: [
        layerTelemetry('conv2d_1', 'Conv2D', 5, 300, { mean: 0.08, std: 0.22, grad: 1.2 }, false),
        layerTelemetry('batch_normalization_1', 'RunningBatchNorm', 6, 300, { mean: -0.01, std: 0.85, grad: 0.6 }, true),
        layerTelemetry('flatten_1', 'Flatten', null, 300, { mean: -0.01, std: 0.85, grad: null }, false),
        layerTelemetry('dense_1', 'Dense', 8, 300, { mean: 0.1, std: 0.26, grad: 4.8 }, false),
      ],
    },
  ],
};
