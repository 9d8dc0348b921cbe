/** Fixture reports for the panel and summary tests, typed against the protocol so a contract change breaks them. */
import type { RunReport, SanityReport } from '../../../src/core/training/protocol';

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
