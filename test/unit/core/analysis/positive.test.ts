import { strict as assert } from 'node:assert';
import { analyzeSource } from '../../../../src/core/analysis';

/** `kind line module` for every usage, in source order. */
function summary(code: string, file = '/p/model.ts'): string[] {
  const result = analyzeSource(code, file);
  assert.equal(result.error, undefined, result.error);
  return result.usages.map((u) => `${u.kind} ${u.line} ${u.module ?? 'null'}`);
}

interface Case {
  name: string;
  code: string;
  file?: string;
  expected: string[];
}

const TF = '@tensorflow/tfjs';
const bn = (line: number, module: string | null = TF): string => `batchNormalization ${line} ${module ?? 'null'}`;

/** Import styles: every way code reaches `layers.batchNormalization`. */
const importStyles: Case[] = [
  { name: 'namespace import as tf', code: `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization();`, expected: [bn(2)] },
  { name: 'namespace import under another alias', code: `import * as tfjs from '@tensorflow/tfjs';\ntfjs.layers.batchNormalization({});`, expected: [bn(2)] },
  { name: 'tfjs-node', code: `import * as tf from '@tensorflow/tfjs-node';\ntf.layers.batchNormalization();`, expected: [bn(2, '@tensorflow/tfjs-node')] },
  { name: 'tfjs-node-gpu', code: `import * as tf from '@tensorflow/tfjs-node-gpu';\ntf.layers.batchNormalization();`, expected: [bn(2, '@tensorflow/tfjs-node-gpu')] },
  { name: 'tfjs-layers as tfl', code: `import * as tfl from '@tensorflow/tfjs-layers';\ntfl.layers.batchNormalization();`, expected: [bn(2, '@tensorflow/tfjs-layers')] },
  { name: "Deno's npm: specifier", code: `import * as tf from 'npm:@tensorflow/tfjs@4.22.0';\ntf.layers.batchNormalization();`, expected: [bn(2)] },
  { name: "Deno's npm: specifier of tfjs-node, required", file: '/p/m.js', code: `const tf = require('npm:@tensorflow/tfjs-node');\ntf.layers.batchNormalization();`, expected: [bn(2, '@tensorflow/tfjs-node')] },
  { name: 'a browser module importing tfjs from a CDN', file: '/p/app.js', code: `import * as tf from 'https://esm.sh/@tensorflow/tfjs@4.22.0';\ntf.layers.batchNormalization();`, expected: [bn(2)] },
  { name: "a CDN's +esm entry, named import", file: '/p/app.mjs', code: `import { layers } from 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4/+esm';\nlayers.batchNormalization();`, expected: [bn(2)] },
  { name: 'default import (interop)', code: `import tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization();`, expected: [bn(2)] },
  { name: 'named import of layers', code: `import { layers } from '@tensorflow/tfjs';\nlayers.batchNormalization();`, expected: [bn(2)] },
  { name: 'named import of layers renamed', code: `import { layers as L, sequential } from '@tensorflow/tfjs';\nL.batchNormalization();`, expected: [bn(2)] },
  { name: 'import equals require (TS)', code: `import tf = require('@tensorflow/tfjs-node');\ntf.layers.batchNormalization();`, expected: [bn(2, '@tensorflow/tfjs-node')] },
  { name: 'require into a const', file: '/p/m.js', code: `const tf = require('@tensorflow/tfjs');\ntf.layers.batchNormalization();`, expected: [bn(2)] },
  { name: 'destructured layers from require', file: '/p/m.cjs', code: `const { layers } = require('@tensorflow/tfjs-node');\nlayers.batchNormalization({ axis: 1 });`, expected: [bn(2, '@tensorflow/tfjs-node')] },
  { name: 'nested destructuring with rename', file: '/p/m.js', code: `const { layers: { batchNormalization: bn } } = require('@tensorflow/tfjs');\nbn();`, expected: [bn(2)] },
  { name: 'alias const L = tf.layers', code: `import * as tf from '@tensorflow/tfjs';\nconst L = tf.layers;\nL.batchNormalization();`, expected: [bn(3)] },
  { name: 'destructured factory from tf.layers', code: `import * as tf from '@tensorflow/tfjs';\nconst { batchNormalization } = tf.layers;\nbatchNormalization({});`, expected: [bn(3)] },
  { name: 'factory alias', code: `import * as tf from '@tensorflow/tfjs';\nconst makeBn = tf.layers.batchNormalization;\nmakeBn();`, expected: [bn(3)] },
  { name: 'parameter typed typeof namespace', code: `import type * as tfjs from '@tensorflow/tfjs';\nexport function block(tf: typeof tfjs) {\n  return tf.layers.batchNormalization();\n}`, expected: [bn(3)] },
  { name: 'parameter typed typeof import()', code: `export function block(tf: typeof import('@tensorflow/tfjs-node')) {\n  return tf.layers.batchNormalization();\n}`, expected: [bn(2, '@tensorflow/tfjs-node')] },
  { name: 'parameter typed typeof tf.layers', code: `import * as tf from '@tensorflow/tfjs';\nfunction f(L: typeof tf.layers) { return L.batchNormalization(); }`, expected: [bn(2)] },
  { name: 'destructured parameter', code: `import * as tf from '@tensorflow/tfjs';\nfunction f({ layers }: typeof tf) { return layers.batchNormalization(); }`, expected: [bn(2)] },
  { name: 'JSDoc-typed parameter in JS', file: '/p/m.js', code: `/** @param {typeof import('@tensorflow/tfjs')} tf */\nexport function f(tf) { return tf.layers.batchNormalization(); }`, expected: [bn(2)] },
  { name: 'this.tf from a parameter property', code: `import * as tfjs from '@tensorflow/tfjs';\nclass B {\n  constructor(private tf: typeof tfjs) {}\n  build() { return this.tf.layers.batchNormalization(); }\n}`, expected: [bn(4)] },
  { name: 'this.tf assigned in the constructor (JS)', file: '/p/m.js', code: `const tfjs = require('@tensorflow/tfjs');\nclass B {\n  constructor() { this.tf = tfjs; }\n  build() { return [1].map(() => this.tf.layers.batchNormalization()); }\n}`, expected: [bn(4)] },
  { name: 'this.tf property initializer', code: `import * as tfjs from '@tensorflow/tfjs';\nclass B {\n  tf = tfjs;\n  build() { return this.tf.layers.batchNormalization(); }\n}`, expected: [bn(4)] },
  { name: 'browser ES module that imports its siblings and uses the global tf', file: '/p/main.js', code: `import { draw } from './draw.js';\nexport const m = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [2] })] });`, expected: [bn(2, null)] },
  { name: 'tf.runningBatchNorm on the browser global (revert)', file: '/p/app.js', code: `tf.sequential().add(tf.runningBatchNorm());\nnew tf.RunningBatchNorm({});`, expected: ['runningBatchNorm 1 null', 'runningBatchNorm 2 null'] },
  { name: 'browser global tf in a script', file: '/p/app.js', code: `const model = tf.sequential();\nmodel.add(tf.layers.batchNormalization());`, expected: [bn(2, null)] },
  { name: 'let tf re-assigned to another package', file: '/p/m.js', code: `let tf = require('@tensorflow/tfjs');\ntry { tf = require('@tensorflow/tfjs-node'); } catch (e) {}\ntf.layers.batchNormalization();`, expected: [bn(3)] },
  { name: 'let tf assigned later only', file: '/p/m.js', code: `let tf = null;\nif (process.env.GPU) { tf = require('@tensorflow/tfjs-node-gpu'); } else { tf = require('@tensorflow/tfjs-node'); }\ntf.layers.batchNormalization();`, expected: [bn(3, '@tensorflow/tfjs-node-gpu')] },
  { name: 'an alias chosen by ?: and ||, each side tfjs', file: '/p/m.ts', code: `const tf = require('@tensorflow/tfjs-node');\nconst tfnGpu = require('@tensorflow/tfjs-node-gpu');\nconst backend = process.env.CPU === '1' ? tf : tfnGpu || tf;\nbackend.layers.batchNormalization();`, expected: [bn(4, '@tensorflow/tfjs-node')] },
  { name: 'an alias chosen by ??', code: `import * as tf from '@tensorflow/tfjs';\ndeclare const gpu: typeof tf | undefined;\nconst engine = gpu ?? tf;\nengine.layers.batchNormalization();`, expected: [bn(4)] },
  { name: 'var hoisted out of a block', file: '/p/m.js', code: `if (true) { var tf = require('@tensorflow/tfjs'); }\ntf.layers.batchNormalization();`, expected: [bn(2)] },
  { name: 'dynamic import', code: `export async function f() {\n  const tf = await import('@tensorflow/tfjs');\n  return tf.layers.batchNormalization();\n}`, expected: [bn(3)] },
  { name: 'element access with a string', code: `import * as tf from '@tensorflow/tfjs';\ntf['layers']['batchNormalization']();`, expected: [bn(2)] },
  { name: 'type assertion and non-null', code: `import * as tf from '@tensorflow/tfjs';\n(tf as typeof tf).layers!.batchNormalization();`, expected: [bn(2)] },
  { name: 'tfx subpath', code: `import * as tf from '@tensorflow/tfjs/dist/index.js';\ntf.layers.batchNormalization();`, expected: [bn(2)] },
];

/** Positions: every place users put the call. */
const positions: Case[] = [
  { name: 'model.add', code: `import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nm.add(tf.layers.batchNormalization());`, expected: [bn(3)] },
  { name: '.apply in the functional API', code: `import * as tf from '@tensorflow/tfjs';\nconst x = tf.input({ shape: [4] });\nconst y = tf.layers.batchNormalization().apply(x);`, expected: [bn(3)] },
  { name: 'array literal of layers', code: `import * as tf from '@tensorflow/tfjs';\ntf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] }), tf.layers.batchNormalization(), tf.layers.batchNormalization({ axis: -1 })] });`, expected: [bn(2), bn(2)] },
  { name: 'returned from a helper', code: `import * as tf from '@tensorflow/tfjs';\nfunction norm() {\n  return tf.layers.batchNormalization({ momentum: 0.9 });\n}\nconst arrow = () => tf.layers.batchNormalization();`, expected: [bn(3), bn(5)] },
  { name: 'in a loop', code: `import * as tf from '@tensorflow/tfjs';\nfor (let i = 0; i < 3; i++) {\n  model.add(tf.layers.batchNormalization());\n}`, expected: [bn(3)] },
  { name: 'shared config variable', code: `import * as tf from '@tensorflow/tfjs';\nconst cfg = { axis: -1, momentum: 0.99 };\ntf.layers.batchNormalization(cfg);`, expected: [bn(3)] },
  { name: 'spread config', code: `import * as tf from '@tensorflow/tfjs';\nconst base = { axis: -1 };\ntf.layers.batchNormalization({ ...base, epsilon: 1e-3 });`, expected: [bn(3)] },
  { name: 'config from a call', code: `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization(makeConfig(3));`, expected: [bn(2)] },
  { name: 'split over lines', code: `import * as tf from '@tensorflow/tfjs';\nconst l = tf.layers\n  .batchNormalization({\n    axis: 1,\n  });`, expected: [bn(2)] },
  { name: 'optional chaining', code: `import * as tf from '@tensorflow/tfjs';\ntf?.layers?.batchNormalization?.();`, expected: [bn(2)] },
  { name: 'nested in another call', code: `import * as tf from '@tensorflow/tfjs';\nconst out = tf.layers.activation({ activation: 'relu' }).apply(tf.layers.batchNormalization().apply(x));`, expected: [bn(2)] },
  { name: 'in a class method (TSX)', file: '/p/view.tsx', code: `import * as tf from '@tensorflow/tfjs';\nexport const V = () => <div>{String(tf.layers.batchNormalization())}</div>;`, expected: [bn(2)] },
];

/** tfjs handed in as a parameter: untyped, or typed by a name the analysis cannot follow. */
const injected: Case[] = [
  { name: 'untyped tf parameter used with sequential', file: '/p/m.js', code: `export function buildModel(tf, classes) {\n  const m = tf.sequential();\n  m.add(tf.layers.batchNormalization());\n  return m;\n}`, expected: [bn(3, null)] },
  { name: 'untyped parameter under another name, with layers.dense', file: '/p/m.cjs', code: `const build = (p) => {\n  p.layers.dense({ units: 4 });\n  return p.layers.batchNormalization();\n};\nmodule.exports = build;`, expected: [bn(3, null)] },
  { name: 'typed by an imported type name, with model and input', code: `import type { TF } from './tf-type';\nexport function createModelM(tfjs: TF, inputShape: number[]) {\n  const input = tfjs.input({ shape: inputShape });\n  return tfjs.model({ inputs: input, outputs: tfjs.layers.batchNormalization().apply(input) as never });\n}`, expected: [bn(4, null)] },
  { name: 'typed by a local alias of the tfjs namespace type', code: `type TF = typeof import('@tensorflow/tfjs-node');\nexport const f = (p: TF) => p.layers.batchNormalization();`, expected: [bn(2, '@tensorflow/tfjs-node')] },
  { name: 'JSDoc-typed by an imported type name', file: '/p/m.js', code: `/** @param {import('./t').Tf} p */\nexport function g(p) { p.train.adam(); return p.layers.batchNormalization(); }`, expected: [bn(2, null)] },
];

/** RunningBatchNorm (for revert) and manual normalisation, told apart from the tfjs layer. */
const otherKinds: Case[] = [
  { name: 'runningBatchNorm imported from the vendored file', code: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm';\nrunningBatchNorm({ axis: 1 });\ntf.layers.batchNormalization();`, expected: ['runningBatchNorm 3 null', bn(4)] },
  { name: 'runningBatchNorm required with .cjs', file: '/p/m.cjs', code: `const { runningBatchNorm: rbn } = require('../lib/running-batch-norm.cjs');\nrbn();`, expected: ['runningBatchNorm 2 null'] },
  { name: 'runningBatchNorm from a configured layer file with another name', code: `import { runningBatchNorm } from '../vendor/rbn-layer';\nrunningBatchNorm();`, expected: ['runningBatchNorm 2 null'] },
  { name: 'runningBatchNorm required from a configured layer file', file: '/p/m.js', code: `const { runningBatchNorm } = require('./lib/norm');\nrunningBatchNorm();`, expected: ['runningBatchNorm 2 null'] },
  { name: 'new RunningBatchNorm', code: `import { RunningBatchNorm } from './running-batch-norm.js';\nnew RunningBatchNorm({});`, expected: ['runningBatchNorm 2 null'] },
  { name: 'manual ops', code: `import * as tf from '@tensorflow/tfjs';\nconst { mean, variance } = tf.moments(x, [0]);\nconst y = tf.batchNorm(x, mean, variance);\ntf.batchNorm4d(x, mean, variance);`, expected: [`manual 2 ${TF}`, `manual 3 ${TF}`, `manual 4 ${TF}`] },
  { name: 'legacy core op tf.batchNormalization is manual', code: `import * as tf from '@tensorflow/tfjs-core';\ntf.batchNormalization(x, m, v);`, expected: ['manual 2 @tensorflow/tfjs-core'] },
];

describe('analysis: finds every batch-norm layer', () => {
  for (const c of [...importStyles, ...positions, ...injected, ...otherKinds]) {
    it(c.name, () => assert.deepEqual(summary(c.code, c.file), c.expected));
  }

  it('reports offsets, 1-based line and column of the whole call', () => {
    const code = `import * as tf from '@tensorflow/tfjs';\n  m.add(tf.layers.batchNormalization({}));`;
    const [u] = analyzeSource(code, '/p/a.ts').usages;
    assert.ok(u);
    assert.equal(code.slice(u.start, u.end), 'tf.layers.batchNormalization({})');
    assert.deepEqual([u.line, u.column, u.convertible, u.reason], [2, 9, true, undefined]);
  });

  it('converts the browser global (through the layer\'s browser script); marks manual ops not convertible, with a reason', () => {
    const global = analyzeSource('tf.layers.batchNormalization();', '/p/a.js').usages[0];
    assert.equal(global?.convertible, true);
    const manual = analyzeSource(`import * as tf from '@tensorflow/tfjs';\ntf.moments(x, [0]);`, '/p/a.ts').usages[0];
    assert.equal(manual?.convertible, false);
    assert.match(manual?.reason ?? '', /tf\.moments is a low-level op/);
  });

  it('reports a call through a parameter typed as the factory, not convertible', () => {
    const [u] = analyzeSource(`import * as tf from '@tensorflow/tfjs';\nexport const make = (f: typeof tf.layers.batchNormalization) => f({});`, '/p/a.ts').usages;
    assert.equal(u?.kind, 'batchNormalization');
    assert.equal(u?.convertible, false);
    assert.match(u?.reason ?? '', /parameter typed as the batchNormalization factory/);
  });

  it('refuses a name clash with runningBatchNorm', () => {
    const [u] = analyzeSource(`import * as tf from '@tensorflow/tfjs';\nconst runningBatchNorm = 1;\ntf.layers.batchNormalization();`, '/p/a.ts').usages;
    assert.equal(u?.convertible, false);
    assert.match(u?.reason ?? '', /already declared/);
  });
});
