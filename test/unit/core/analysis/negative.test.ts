import { strict as assert } from 'node:assert';
import { analyzeSource, mightContainBatchNorm } from '../../../../src/core/analysis';
import { renderVendoredLayer } from '../../../../src/layer/vendor';

interface Case {
  name: string;
  code: string;
  file?: string;
}

/** Look-alikes that must never be reported as a tfjs batch-norm layer (nor as anything else). */
const lookAlikes: Case[] = [
  { name: 'a local batchNormalization(x, mean, variance) function', code: `import * as tf from '@tensorflow/tfjs';\nfunction batchNormalization(x: number, m: number, v: number) { return (x - m) / v; }\nbatchNormalization(1, 2, 3);` },
  { name: 'a method definition named batchNormalization', code: `import * as tf from '@tensorflow/tfjs';\nclass Net { batchNormalization() { return 1; } }\nnew Net().batchNormalization();` },
  { name: "WebNN's builder.batchNormalization", code: `const builder = new MLGraphBuilder(ctx);\nbuilder.batchNormalization(input, mean, variance);` },
  { name: 'a user class named BatchNormalization', code: `import * as tf from '@tensorflow/tfjs';\nclass BatchNormalization {}\nnew BatchNormalization();` },
  { name: 'inside a line comment', code: `import * as tf from '@tensorflow/tfjs';\n// tf.layers.batchNormalization()\nconst x = 1;` },
  { name: 'inside a block comment', code: `import * as tf from '@tensorflow/tfjs';\n/* model.add(tf.layers.batchNormalization()); */` },
  { name: 'inside strings and templates', code: "import * as tf from '@tensorflow/tfjs';\nconst s = 'tf.layers.batchNormalization()';\nconst t = `${s} tf.layers.batchNormalization()`;" },
  { name: 'a tf that is not tfjs', code: `import * as tf from 'some-other-lib';\ntf.layers.batchNormalization();` },
  { name: 'a local tf shadowing the import', code: `import * as tf from '@tensorflow/tfjs';\nfunction f(tf: { layers: { batchNormalization(): void } }) { tf.layers.batchNormalization(); }` },
  { name: 'an undeclared tf in a TypeScript module (not a browser script)', code: `import { x } from './x';\ntf.layers.batchNormalization();` },
  { name: 'an untyped parameter named tf', file: '/p/m.js', code: `module.exports = function (tf) { return tf.layers.batchNormalization(); };` },
  { name: 'an alias chosen by || where one side is another library', code: `import * as tf from '@tensorflow/tfjs';\nimport * as other from 'some-other-lib';\nconst engine = other || tf;\nengine.layers.batchNormalization();` },
  { name: 'layers.batchNormalization on a non-tfjs object', code: `const layers = { batchNormalization() { return 1; } };\nlayers.batchNormalization();` },
  { name: 'keras-like python in a string', code: `const py = "keras.layers.BatchNormalization()";` },
  { name: 'a let re-assigned to something that is not tfjs', file: '/p/m.js', code: `let tf = require('@tensorflow/tfjs');\ntf = makeFake();\ntf.layers.batchNormalization();` },
  { name: 'a destructured non-layers property', code: `import * as tf from '@tensorflow/tfjs';\nconst { batchNormalization } = tf;\nconst l = tf.layers.batchNorm;` },
  { name: 'referenced but not called', code: `import * as tf from '@tensorflow/tfjs';\nconst f = tf.layers.batchNormalization;\nexport { f };` },
  { name: 'tf.layers.layerNormalization', code: `import * as tf from '@tensorflow/tfjs';\ntf.layers.layerNormalization();` },
  { name: 'require shadowed by a local function', file: '/p/m.js', code: `function require(m) { return { layers: {} }; }\nconst tf = require('@tensorflow/tfjs');\ntf.layers.batchNormalization();` },
  { name: 'this.tf in a plain function', file: '/p/m.js', code: `const tfjs = require('@tensorflow/tfjs');\nclass B { constructor() { this.tf = tfjs; } build() { return function () { return this.tf.layers.batchNormalization(); }; } }` },
  { name: 'runningBatchNorm from a package (not a relative layer file)', code: `import { runningBatchNorm } from 'some-package';\nrunningBatchNorm();` },
  { name: 'an untyped parameter with only a layers.batchNormalization of its own and another library\'s members', file: '/p/m.js', code: `module.exports = function (tf, x) { tf.nn.relu(x); return tf.layers.batchNormalization(); };` },
  { name: 'a WebNN builder handed in as a parameter', file: '/p/m.js', code: `export function graph(builder, x, m, v) { const y = builder.conv2d(x, w); return builder.batchNormalization(y, m, v); }` },
  { name: 'a helper object parameter with its own layers', file: '/p/m.js', code: `export function f(helpers) { helpers.layers.custom(); return helpers.layers.batchNormalization(); }` },
  { name: 'a parameter typed by an object type that is not tfjs', code: `export function q(p: { sequential(): void; layers: { batchNormalization(): void } }) { p.sequential(); p.layers.batchNormalization(); }` },
  { name: 'a parameter typed number (not opaque)', code: `export function r(p: number) { (p as any).sequential(); (p as any).layers.batchNormalization(); }` },
  { name: 'tfjs-like uses of a different variable in the function', file: '/p/m.js', code: `export function s(p, tf2) { tf2.sequential(); return p.layers.batchNormalization(); }` },
  { name: 'an undeclared tf in CommonJS', file: '/p/m.js', code: `const x = require('./x');\ntf.layers.batchNormalization();` },
  { name: 'an undeclared tf in an ES module that imports tfjs under another name', file: '/p/m.js', code: `import * as tfjs from '@tensorflow/tfjs';\ntf.layers.batchNormalization();` },
  { name: 'tf.runningBatchNorm on an imported tfjs namespace (no such member)', code: `import * as tf from '@tensorflow/tfjs';\n(tf as any).runningBatchNorm();` },
  { name: 'batchNorm ops on tfjs-layers (no such op there)', code: `import * as tfl from '@tensorflow/tfjs-layers';\ntfl.moments(x);` },
];

describe('analysis: ignores look-alikes', () => {
  for (const c of lookAlikes) {
    it(c.name, () => {
      const result = analyzeSource(c.code, c.file ?? '/p/model.ts');
      assert.equal(result.error, undefined);
      assert.deepEqual(result.usages, []);
    });
  }
});

describe('analysis: bad input', () => {
  it('refuses a file with syntax errors with a one-line message and no usages', () => {
    const result = analyzeSource(`import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization({ axis: 1 ;\n`, '/p/a.ts');
    assert.deepEqual(result.usages, []);
    assert.match(result.error ?? '', /^syntax error at 2:\d+: .+; fix it before converting$/);
  });

  it('accepts a BOM and CRLF line endings', () => {
    const code = `\uFEFFimport * as tf from '@tensorflow/tfjs';\r\n\r\nmodel.add(tf.layers.batchNormalization());\r\n`;
    const [u] = analyzeSource(code, '/p/a.ts').usages;
    assert.equal(u?.line, 3);
    assert.equal(code.slice(u?.start, u?.end), 'tf.layers.batchNormalization()');
  });

  it('answers again for the same text from its cache, and callers cannot spoil it', () => {
    const code = `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization();\n`;
    const first = analyzeSource(code, '/p/cache.ts');
    first.usages[0]!.convertible = false;
    first.usages.pop();
    assert.equal(analyzeSource(code, '/p/cache.ts').usages[0]?.convertible, true);
    assert.equal(analyzeSource(code.replace('tf.layers.batchNormalization()', '1'), '/p/cache.ts').usages.length, 0);
  });

  it('never reports the vendored layer itself (by name, or by its header under another name)', () => {
    const layer = renderVendoredLayer('ts', '@tensorflow/tfjs');
    assert.match(layer, /tf\.batchNorm\(/, 'the layer does use a low-level op internally');
    assert.deepEqual(analyzeSource(layer, '/p/src/running-batch-norm.ts').usages, []);
    assert.deepEqual(analyzeSource(layer, '/p/vendor/norm.ts').usages, []);
  });

  it('does not parse files the prefilter rules out', () => {
    assert.equal(mightContainBatchNorm('const a = 1;\n'.repeat(100)), false);
    assert.equal(mightContainBatchNorm('tf.layers.batchNormalization()'), true);
    assert.equal(mightContainBatchNorm('runningBatchNorm()'), true);
    assert.equal(mightContainBatchNorm('tf.moments(x)'), true);
    // A syntax error in a file with no batch norm is not this tool's business.
    assert.deepEqual(analyzeSource('const = ;', '/p/a.ts'), { file: '/p/a.ts', usages: [] });
  });
});
