import { strict as assert } from 'node:assert';
import { convertToRunningBatchNorm, revertToBatchNormalization } from '../../../../src/core/refactor';
import { run } from './helpers';

interface Case {
  name: string;
  file?: string;
  code: string;
  expected: string;
}

const cases: Case[] = [
  {
    name: 'back to tf.layers.batchNormalization; the import goes with its line',
    code: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm';\n\nm.add(runningBatchNorm({ axis: -1 }));\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\n\nm.add(tf.layers.batchNormalization({ axis: -1 }));\n`,
  },
  {
    name: 'RunningBatchNorm-only args are commented out; moving-stat initializers restored',
    code: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm';\nrunningBatchNorm({ axis: 3, /* rbn: not used by RunningBatchNorm: movingMeanInitializer: 'zeros', */ warmupSamples: 64, varianceFloor: 1e-3 });\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization({ axis: 3, movingMeanInitializer: 'zeros', /* rbn: not used by BatchNormalization: warmupSamples: 64, */ /* rbn: not used by BatchNormalization: varianceFloor: 1e-3 */ });\n`,
  },
  {
    name: 'inferenceMomentum is RunningBatchNorm-only too: commented out on revert',
    code: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm';\nrunningBatchNorm({ momentum: 0.9, inferenceMomentum: 0.99 });\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization({ momentum: 0.9, /* rbn: not used by BatchNormalization: inferenceMomentum: 0.99 */ });\n`,
  },
  {
    name: 'uses the names in scope: a layers alias, a destructured factory, a parameter, this.tf',
    code: `import * as tfjs from '@tensorflow/tfjs';\nimport type * as T from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm';\nconst L = tfjs.layers;\nrunningBatchNorm();\nfunction f(tf: typeof T) { return runningBatchNorm(); }\nfunction g() { const { batchNormalization } = tfjs.layers; return runningBatchNorm(); }\nclass C { constructor(private tf: typeof T) {} m() { return runningBatchNorm(); } }\n`,
    expected: `import * as tfjs from '@tensorflow/tfjs';\nimport type * as T from '@tensorflow/tfjs';\nconst L = tfjs.layers;\nL.batchNormalization();\nfunction f(tf: typeof T) { return tf.layers.batchNormalization(); }\nfunction g() { const { batchNormalization } = tfjs.layers; return batchNormalization(); }\nclass C { constructor(private tf: typeof T) {} m() { return this.tf.layers.batchNormalization(); } }\n`,
  },
  {
    name: 'CommonJS: the require goes; other names in the same require stay',
    file: '/p/src/train.js',
    code: `const tf = require('@tensorflow/tfjs-node');\nconst { runningBatchNorm, RunningBatchNorm } = require('./running-batch-norm');\nrunningBatchNorm();\nmodule.exports = RunningBatchNorm;\n`,
    expected: `const tf = require('@tensorflow/tfjs-node');\nconst { RunningBatchNorm } = require('./running-batch-norm');\ntf.layers.batchNormalization();\nmodule.exports = RunningBatchNorm;\n`,
  },
  {
    name: 'new RunningBatchNorm(args) becomes the factory call',
    code: `import * as tf from '@tensorflow/tfjs';\nimport { RunningBatchNorm } from './running-batch-norm';\nconst l = new RunningBatchNorm({ axis: 1 });\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nconst l = tf.layers.batchNormalization({ axis: 1 });\n`,
  },
  {
    name: 'no tfjs name in the file: adds the tfjs import',
    code: `import { runningBatchNorm } from './running-batch-norm';\nexport const l = runningBatchNorm();\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nexport const l = tf.layers.batchNormalization();\n`,
  },
  {
    name: 'cursor reverts one usage and keeps the import that is still used',
    code: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm';\nconst a = runningBatchNorm();\nconst b = running[cursor]BatchNorm();\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm';\nconst a = runningBatchNorm();\nconst b = tf.layers.batchNormalization();\n`,
  },
  { name: 'nothing to revert', code: `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization();\n`, expected: 'notApplicable: no RunningBatchNorm layer in this file' },
  { name: 'a local runningBatchNorm that is not the layer', code: `function runningBatchNorm() {}\nrunningBatchNorm();\n`, expected: 'notApplicable: no RunningBatchNorm layer in this file' },
];

describe('refactor: revert to BatchNormalization', () => {
  for (const c of cases) {
    it(c.name, () => assert.equal(run(revertToBatchNormalization, c.code, c.file), c.expected));
  }
});

/** Originals whose convert → revert must give back exactly the same text. */
const roundTrips: { name: string; file?: string; code: string }[] = [
  { name: 'ESM TS with comments, quotes and CRLF', code: `\uFEFFimport * as tf from "@tensorflow/tfjs"; // tfjs\r\n\r\n/* model */\r\nexport function build() {\r\n\tconst m = tf.sequential();\r\n\tm.add(tf.layers.batchNormalization({ axis: -1, movingVarianceInitializer: 'ones' })); // bn\r\n\treturn m;\r\n}\r\n` },
  { name: 'CommonJS JS without semicolons', file: '/p/a.js', code: `const tf = require('@tensorflow/tfjs-node')\nconst cfg = { momentum: 0.9 }\nmodule.exports = [tf.layers.batchNormalization(cfg), tf.layers.batchNormalization({ ...cfg, movingMeanInitializer: 'zeros' })]\n` },
  { name: 'named layers import', code: `import { layers, sequential } from '@tensorflow/tfjs';\nsequential({ layers: [layers.batchNormalization({ inputShape: [4] })] });\n` },
  { name: 'destructured factory', file: '/p/a.cjs', code: `const { layers: { batchNormalization } } = require('@tensorflow/tfjs');\nbatchNormalization({ axis: 1 });\n` },
  { name: 'parameter namespace', code: `import * as tf from '@tensorflow/tfjs';\nexport const f = (t: typeof tf) => t.layers.batchNormalization();\n` },
  { name: 'a file mixing tf.layers. and layers. (the original callee is kept in a comment)', code: `import * as tf from '@tensorflow/tfjs';\nimport { layers } from '@tensorflow/tfjs';\nlayers.batchNormalization();\ntf.layers.batchNormalization();\n` },
  { name: 'this.tf assigned in a JS constructor', file: '/p/a.js', code: `const tfjs = require('@tensorflow/tfjs');\nclass B {\n  constructor() { this.tf = tfjs; }\n  build() { return this.tf.layers.batchNormalization(); }\n}\n` },
  { name: 'a callee split over several lines stays split', code: `import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nm.add(tf.layers\n  .batchNormalization({ axis: 1 }));\nm.add(tf\n  .layers\n  .batchNormalization());\n` },
  { name: 'a callee split over lines in CommonJS', file: '/p/a.cjs', code: `const tf = require('@tensorflow/tfjs');\nmodule.exports = tf.layers.\n  batchNormalization();\n` },
  { name: 'tfjs as an untyped parameter', file: '/p/a.js', code: `export function buildModel(p, classes) {\n  const m = p.sequential();\n  m.add(p.layers.batchNormalization());\n  return m;\n}\n` },
  { name: 'a browser script handed the global tf as a parameter', file: '/p/site/build.js', code: `function buildModel(tf, classes) {\n  const m = tf.sequential();\n  m.add(tf.layers.batchNormalization());\n  return m;\n}\n` },
  { name: 'browser script on the global tf', file: '/p/site/app.js', code: `const model = tf.sequential();\nmodel.add(tf.layers.batchNormalization({ axis: 1 }));\n` },
  { name: 'browser ES module on the global tf via an alias', file: '/p/site/main.js', code: `import { plot } from './plot.js';\nconst L = tf.layers;\nexport const l = L.batchNormalization();\n` },
  { name: 'multi-line args with a trailing comment', code: `import * as tf from '@tensorflow/tfjs';\nconst l = tf.layers.batchNormalization({\n  axis: 1,\n  movingMeanInitializer: 'zeros' // init\n});\n` },
];

describe('refactor: convert → revert round trip', () => {
  for (const c of roundTrips) {
    it(c.name, () => {
      const converted = run(convertToRunningBatchNorm, c.code, c.file);
      assert.notEqual(converted, c.code);
      assert.equal(run(revertToBatchNormalization, converted, c.file), c.code);
    });
  }
});
