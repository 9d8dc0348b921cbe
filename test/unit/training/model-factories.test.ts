import { strict as assert } from 'node:assert';
import { findModelFactories } from '../../../src/core/analysis/model-factories';

interface Row {
  title: string;
  code: string;
  fileName?: string;
  /** name:exported:async for each factory, in source order. */
  expected: string[];
}

const NS = "import * as tf from '@tensorflow/tfjs';\n";

const rows: Row[] = [
  { title: 'exported function returning tf.sequential directly', code: `${NS}export function build() { return tf.sequential({ layers: [] }); }`, expected: ['build:true:false'] },
  { title: 'through a variable that is filled with add()', code: `${NS}export function build() {\n const m = tf.sequential();\n m.add(tf.layers.dense({ units: 1, inputShape: [2] }));\n return m;\n}`, expected: ['build:true:false'] },
  { title: 'exported arrow function', code: `${NS}export const build = () => tf.sequential();`, expected: ['build:true:false'] },
  { title: 'async arrow awaiting loadLayersModel', code: `${NS}export const load = async () => await tf.loadLayersModel('file://m/model.json');`, expected: ['load:true:true'] },
  { title: 'async function returning a variable from tf.model', code: `${NS}export async function f() {\n const input = tf.input({ shape: [4] });\n const out = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;\n const model = tf.model({ inputs: input, outputs: out });\n return model;\n}`, expected: ['f:true:true'] },
  { title: 'top-level, not exported', code: `${NS}function local() { return tf.sequential(); }`, expected: ['local:false:false'] },
  { title: 'function expression in a const', code: `${NS}const f = function () { return tf.sequential(); };`, expected: ['f:false:false'] },
  { title: 'required parameter excludes it', code: `${NS}export function build(units: number) { return tf.sequential(); }`, expected: [] },
  { title: 'optional, defaulted and rest parameters are fine', code: `${NS}export function a(u?: number) { return tf.sequential(); }\nexport function b(u = 3) { return tf.sequential(); }\nexport function c(...xs: number[]) { return tf.sequential(); }`, expected: ['a:true:false', 'b:true:false', 'c:true:false'] },
  { title: 'named imports with alias', code: "import { sequential as seq, layers } from '@tensorflow/tfjs';\nexport function build() { const m = seq(); m.add(layers.dense({ units: 1, inputShape: [1] })); return m; }", expected: ['build:true:false'] },
  { title: 'default import of tfjs-node', code: "import tfn from '@tensorflow/tfjs-node';\nexport const build = () => tfn.sequential();", expected: ['build:true:false'] },
  { title: 'CommonJS require and exports', code: "const tf = require('@tensorflow/tfjs');\nfunction build() { return tf.sequential(); }\nmodule.exports = { build };", fileName: 'model.js', expected: ['build:true:false'] },
  { title: 'exports.f = function', code: "const tf = require('@tensorflow/tfjs');\nexports.createModel = function () { return tf.sequential(); };", fileName: 'model.js', expected: ['createModel:true:false'] },
  { title: 'destructured require', code: "const { sequential } = require('@tensorflow/tfjs');\nexport const m = () => sequential();", fileName: 'm.js', expected: ['m:true:false'] },
  { title: 'browser global tf without imports', code: 'function build() { return tf.sequential(); }', fileName: 'page.js', expected: ['build:false:false'] },
  { title: 'a factory calling another factory', code: `${NS}function base() { return tf.sequential(); }\nexport function wrapped() { const m = base(); return m; }`, expected: ['base:false:false', 'wrapped:true:false'] },
  { title: 'export under another name', code: `${NS}function base() { return tf.sequential(); }\nexport { base as createModel };`, expected: ['createModel:true:false'] },
  { title: 'default export function', code: `${NS}export default function () { return tf.sequential(); }`, expected: ['default:true:false'] },
  { title: 'a function that returns a tensor is not a factory', code: `${NS}export function data() { return tf.zeros([2, 2]); }`, expected: [] },
  { title: 'a return inside a nested callback does not count', code: `${NS}export function outer() { [1].map(() => { return tf.sequential(); }); return 1; }`, expected: [] },
  { title: 'a non-tfjs namespace named sequential is ignored', code: "import * as other from 'other';\nimport * as tf from '@tensorflow/tfjs';\nexport const f = () => other.sequential();", expected: [] },
  { title: 'methods and nested functions are not factories', code: `${NS}class A { build() { return tf.sequential(); } }\nfunction outer() { function inner() { return tf.sequential(); } return 0; }`, expected: [] },
  { title: 'modelFromJSON', code: `${NS}export async function f() { return tf.models.modelFromJSON({} as never); }`, expected: ['f:true:true'] },
];

describe('findModelFactories', () => {
  for (const row of rows) {
    it(row.title, () => {
      const found = findModelFactories(row.code, row.fileName ?? 'model.ts');
      assert.deepEqual(found.map((f) => `${f.name}:${f.exported}:${f.async}`), row.expected);
    });
  }

  it('reports 1-based lines and offsets of the declaration', () => {
    const code = `${NS}\n/** Doc. */\nexport const build = () => tf.sequential();\n`;
    const [f] = findModelFactories(code, 'a.ts');
    assert.equal(f.line, 4);
    assert.equal(f.column, 1);
    assert.equal(code.slice(f.start, f.end), 'export const build = () => tf.sequential();');
  });

  it('survives syntax errors without throwing', () => {
    const found = findModelFactories(`${NS}export function build() { return tf.sequential(; }\nexport const x = (`, 'broken.ts');
    assert.ok(Array.isArray(found));
  });
});
