import { strict as assert } from 'node:assert';
import { findDeferredTfjsBindings, getTfjsBindings, parseSourceFile, TFJS_LIBRARY } from '../../../../src/core/analysis/builders/tfjs-bindings';

describe('findDeferredTfjsBindings (top-level tfjs bindings filled only by some function)', () => {
  const rows: { title: string; code: string; expected: string[] }[] = [
    { title: 'let tf; assigned a require inside run()', code: "let tf;\nfunction run() { tf = require('@tensorflow/tfjs-node'); }", expected: ['tf'] },
    { title: 'var with another name, behind a ?:', code: "var tfjs;\nasync function main(gpu) { tfjs = require(gpu ? 'x' : 'y'); tfjs = gpu ? require('@tensorflow/tfjs-node-gpu') : require('@tensorflow/tfjs-node'); }", expected: ['tfjs'] },
    { title: 'an awaited dynamic import', code: "let engine;\nasync function init() { engine = await import('@tensorflow/tfjs'); }", expected: ['engine'] },
    { title: 'let tf; with no visible assignment (the usual name)', code: 'let tf;\nexport function f() { return tf.sequential(); }', expected: ['tf'] },
    { title: 'several declarations, only the empty tfjs one', code: "let tf, numberOfClasses, imageSize = 28;\nfunction run() { tf = require('@tensorflow/tfjs'); numberOfClasses = 10; }", expected: ['tf'] },
    { title: 'let tf = null, filled by a browser app behind a check for window', code: "let tf: any = null;\nconst load = async () => { if (typeof window !== 'undefined') { tf = await import('@tensorflow/tfjs'); } };", expected: ['tf'] },
    { title: 'let engine = undefined, filled by require', code: "let engine = undefined;\nfunction run() { engine = require('@tensorflow/tfjs'); }", expected: ['engine'] },
    { title: 'a name declared with another value is not empty', code: "let tf = 0;\nfunction run() { tf = require('@tensorflow/tfjs'); }", expected: [] },
    { title: 'let tf = require(...) already has its value', code: "let tf = require('@tensorflow/tfjs');\nfunction run() { tf = require('@tensorflow/tfjs-node'); }", expected: [] },
    { title: 'an import binds it already', code: "import * as tf from '@tensorflow/tfjs';\nexport const f = () => tf.sequential();", expected: [] },
    { title: 'a non-tfjs variable assigned in a function', code: "let model;\nfunction run() { model = require('./model'); }", expected: [] },
    { title: 'a let inside a function is not top-level', code: "function run() { let tf; tf = require('@tensorflow/tfjs'); }", expected: [] },
  ];
  for (const row of rows) {
    it(row.title, () => {
      assert.deepEqual(findDeferredTfjsBindings(parseSourceFile(row.code, 'm.js')), row.expected);
    });
  }

  it("counts Deno's npm: specifiers and CDN URLs as tfjs", () => {
    const bindings = getTfjsBindings(parseSourceFile("import * as tfn from 'npm:@tensorflow/tfjs@4.22.0';\nimport { layers } from 'https://esm.sh/@tensorflow/tfjs-layers@4';\nconst tfd = await import('npm:@tensorflow/tfjs-node');", 'm.ts'));
    assert.deepEqual([[...bindings.namespaces], [...bindings.named]], [['tfn', 'tfd'], [['layers', 'layers']]]);
  });

  const aliases: [string, string, string[]][] = [
    ['an alias of a required namespace', "const tf = require('@tensorflow/tfjs-node');\nconst backend = tf;", ['tf', 'backend']],
    ['an alias chosen by ?: and ||, every side tfjs', "const tf = require('@tensorflow/tfjs-node');\nconst tfnGpu = require('@tensorflow/tfjs-node-gpu');\nconst tfjsBackend = process.env.CPU === '1' ? tf : tfnGpu || tf;", ['tf', 'tfnGpu', 'tfjsBackend']],
    ['an alias of an alias, declared first', "const engine = backend;\nconst backend = tf;\nimport * as tf from '@tensorflow/tfjs';", ['tf', 'backend', 'engine']],
    ['an alias by ?? of an awaited import, in parentheses and cast', "const gpu = await import('@tensorflow/tfjs-node-gpu');\nconst tf = require('@tensorflow/tfjs');\nconst engine = (gpu ?? tf) as typeof tf;", ['gpu', 'tf', 'engine']],
    ['a side whose value is unknown (a caught import): no alias', "const gpu = await import('@tensorflow/tfjs-node-gpu').catch(() => undefined);\nconst tf = require('@tensorflow/tfjs');\nconst engine = gpu ?? tf;", ['tf']],
    ['a side that is not tfjs: no alias', "import * as tf from '@tensorflow/tfjs';\nimport * as other from 'other-lib';\nconst engine = other || tf;\nconst maybe = flag ? tf : other;", ['tf']],
  ];
  for (const [title, code, expected] of aliases) {
    it(`aliases: ${title}`, () => assert.deepEqual([...getTfjsBindings(parseSourceFile(code, 'm.ts')).namespaces], expected));
  }

  it('counts an assigned name as a tfjs namespace', () => {
    const bindings = getTfjsBindings(parseSourceFile("let tfn;\nfunction run() { tfn = require('@tensorflow/tfjs-node'); }", 'm.js'));
    assert.deepEqual([...bindings.namespaces], ['tfn']);
  });
});

describe('tfjs itself or an add-on (which requests the worker serves, which may get a stand-in)', () => {
  const rows: [string, boolean][] = [
    ['@tensorflow/tfjs', true],
    ['@tensorflow/tfjs-layers', true],
    ['@tensorflow/tfjs-node-gpu', true],
    // Deep imports of a library's internals, and add-ons, are not served by the worker's tfjs.
    ['@tensorflow/tfjs-layers/dist/losses', false],
    ['@tensorflow/tfjs-react-native', false],
    ['@tensorflow/tfjs-vis', false],
    ['@tensorflow/tfjs-backend-webgl', false],
  ];
  for (const [request, library] of rows) {
    it(`${request}: ${library ? 'tfjs itself' : 'not'}`, () => assert.equal(TFJS_LIBRARY.test(request), library));
  }
});
