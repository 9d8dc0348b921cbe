/**
 * tfjs bound to a name whose value the analysis cannot follow but whose type annotation says what it is
 * (`import type * as tfjs …; const tf: typeof tfjs = await import(…)`, a computed `require`, a `let`
 * filled in later): every layer is found, and conversion writes the layer's import and calls.
 */
import { strict as assert } from 'node:assert';
import { analyzeSource } from '../../../../src/core/analysis';
import { applyTextEdits, convertToRunningBatchNorm, resolveLayerFilePath } from '../../../../src/core/refactor';

interface Case {
  name: string;
  file?: string;
  code: string;
  /** `line module` of every convertible usage. */
  found: string[];
  /** The converted file. */
  converted: string;
  /** The tfjs package the created layer file imports. Defaults to @tensorflow/tfjs. */
  layerTfjs?: string;
}

const TYPE_IMPORT = "import type * as tfjs from '@tensorflow/tfjs';";
const LAYER_IMPORT = "import { runningBatchNorm } from './running-batch-norm';";
const TF = '@tensorflow/tfjs';

const FIVE_LAYERS = (tf: string) =>
  [
    `  const model = ${tf}.sequential();`,
    `  model.add(${tf}.layers.dense({ units: 8, inputShape: [4] }));`,
    `  model.add(${tf}.layers.batchNormalization());`,
    `  const { layers } = ${tf};`,
    '  model.add(layers.batchNormalization({ axis: -1 }));',
    `  const L: typeof tfjs.layers = ${tf}.layers;`,
    '  model.add(L.batchNormalization());',
    `  [1, 2].forEach(() => model.add(${tf}.layers.batchNormalization({ momentum: 0.9 })));`,
    `  model.add(${tf}['layers'].batchNormalization());`,
    '  return model;',
  ].join('\n');

const cases: Case[] = [
  {
    name: 'const tf: typeof tfjs = await import(…) inside a builder: all five layers',
    code: `${TYPE_IMPORT}\n\nexport async function build() {\n  const tf: typeof tfjs = await import('@tensorflow/tfjs');\n${FIVE_LAYERS('tf')}\n}\n`,
    found: [7, 9, 11, 12, 13].map((l) => `${l} ${TF}`),
    converted: `${TYPE_IMPORT}\n${LAYER_IMPORT}\n\nexport async function build() {\n  const tf: typeof tfjs = await import('@tensorflow/tfjs');\n${FIVE_LAYERS('tf')
      .replace('tf.layers.batchNormalization()', 'runningBatchNorm()')
      .replace('layers.batchNormalization({ axis: -1 })', 'runningBatchNorm({ axis: -1 })')
      .replace('L.batchNormalization()', 'runningBatchNorm/* rbn: was L.batchNormalization */()')
      .replace('tf.layers.batchNormalization({ momentum: 0.9 })', 'runningBatchNorm/* rbn: was tf.layers.batchNormalization */({ momentum: 0.9 })')
      .replace("tf['layers'].batchNormalization()", "runningBatchNorm/* rbn: was tf['layers'].batchNormalization */()")}\n}\n`,
  },
  {
    name: 'const tf: typeof tfjs = require(…) at the top of the file',
    code: `${TYPE_IMPORT}\nconst tf: typeof tfjs = require('@tensorflow/tfjs');\nexport const layer = tf.layers.batchNormalization();\n`,
    found: [`3 ${TF}`],
    converted: `${TYPE_IMPORT}\nconst tf: typeof tfjs = require('@tensorflow/tfjs');\n${LAYER_IMPORT}\nexport const layer = runningBatchNorm();\n`,
  },
  {
    name: 'a require of a computed specifier, typed',
    code: `${TYPE_IMPORT}\nconst tf: typeof tfjs = require(process.env.TFJS_BACKEND ?? '@tensorflow/tfjs');\nexport const layer = tf.layers.batchNormalization();\n`,
    found: [`3 ${TF}`],
    converted: `${TYPE_IMPORT}\n${LAYER_IMPORT}\nconst tf: typeof tfjs = require(process.env.TFJS_BACKEND ?? '@tensorflow/tfjs');\nexport const layer = runningBatchNorm();\n`,
  },
  {
    name: 'an await import of either package (conditional specifier), typed',
    code: `${TYPE_IMPORT}\nexport async function f(gpu: boolean) {\n  const tf: typeof tfjs = await import(gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');\n  return tf.layers.batchNormalization();\n}\n`,
    found: ['4 @tensorflow/tfjs-node-gpu'],
    // Either package: the first one named wins, as for a `let` assigned one or the other.
    layerTfjs: '@tensorflow/tfjs-node-gpu',
    converted: `${TYPE_IMPORT}\n${LAYER_IMPORT}\nexport async function f(gpu: boolean) {\n  const tf: typeof tfjs = await import(gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');\n  return runningBatchNorm();\n}\n`,
  },
  {
    name: 'a let typed typeof tfjs | undefined, filled by ??= in a loader',
    code: `${TYPE_IMPORT}\nlet tf: typeof tfjs | undefined;\nexport async function build() {\n  tf ??= await import('@tensorflow/tfjs');\n  return tf.layers.batchNormalization();\n}\n`,
    found: [`5 ${TF}`],
    converted: `${TYPE_IMPORT}\n${LAYER_IMPORT}\nlet tf: typeof tfjs | undefined;\nexport async function build() {\n  tf ??= await import('@tensorflow/tfjs');\n  return runningBatchNorm();\n}\n`,
  },
  {
    name: 'a loader the analysis cannot see into, typed by typeof import(…)',
    code: `const tf: typeof import('@tensorflow/tfjs-node') = loadTfjs();\nexport const layer = tf.layers.batchNormalization();\n`,
    found: ['2 @tensorflow/tfjs-node'],
    converted: `${LAYER_IMPORT}\n\nconst tf: typeof import('@tensorflow/tfjs-node') = loadTfjs();\nexport const layer = runningBatchNorm();\n`,
    layerTfjs: '@tensorflow/tfjs-node',
  },
  {
    name: 'an opaque value asserted as typeof tfjs',
    code: `${TYPE_IMPORT}\nconst tf = globalThis.tfjsModule as typeof tfjs;\nexport const layer = tf.layers.batchNormalization();\n`,
    found: [`3 ${TF}`],
    converted: `${TYPE_IMPORT}\n${LAYER_IMPORT}\nconst tf = globalThis.tfjsModule as typeof tfjs;\nexport const layer = runningBatchNorm();\n`,
  },
  {
    name: 'JavaScript: a JSDoc-typed require of either package, CommonJS require of the layer added',
    file: '/p/src/train.js',
    code: `/** @type {typeof import('@tensorflow/tfjs-node')} */\nconst tf = require(process.env.GPU ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');\nmodule.exports = () => tf.layers.batchNormalization();\n`,
    found: ['3 @tensorflow/tfjs-node-gpu'],
    layerTfjs: '@tensorflow/tfjs-node-gpu',
    // A require of a computed specifier is no import line to follow: the layer's require goes first.
    converted: `const { runningBatchNorm } = require('./running-batch-norm');\n\n/** @type {typeof import('@tensorflow/tfjs-node')} */\nconst tf = require(process.env.GPU ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');\nmodule.exports = () => runningBatchNorm();\n`,
  },
];

describe('analysis and conversion: tfjs typed where its value is opaque', () => {
  for (const c of cases) {
    const file = c.file ?? '/p/src/model.ts';
    it(`finds: ${c.name}`, () => {
      const result = analyzeSource(c.code, file);
      assert.equal(result.error, undefined);
      assert.deepEqual(result.usages.filter((u) => u.convertible).map((u) => `${u.line} ${u.module ?? 'null'}`), c.found);
    });
    it(`converts: ${c.name}`, () => {
      const result = convertToRunningBatchNorm({ code: c.code, fileName: file, layerFilePath: resolveLayerFilePath({ fileName: file }) });
      assert.equal(result.kind, 'edits', result.kind === 'notApplicable' ? result.reason : '');
      if (result.kind === 'edits') {
        assert.equal(result.converted, c.found.length);
        assert.equal(applyTextEdits(c.code, result.edits), c.converted);
        const layerTfjs = c.layerTfjs ?? TF;
        assert.match(result.layerFile?.content ?? '', /class RunningBatchNorm/);
        assert.ok(new RegExp(`(from|require\\()\\s*['"]${layerTfjs}['"]`).test(result.layerFile?.content ?? ''), `the layer file loads ${layerTfjs}`);
      }
    });
  }

  it('a variable typed as the factory itself, from an opaque value, is reported, not converted', () => {
    const code = `${TYPE_IMPORT}\nconst bn: typeof tfjs.layers.batchNormalization = pickNorm();\nexport const layer = bn({});\n`;
    const [u] = analyzeSource(code, '/p/a.ts').usages;
    assert.equal(u?.kind, 'batchNormalization');
    assert.equal(u?.convertible, false);
    assert.match(u?.reason ?? '', /typed as the batchNormalization factory/);
  });

  it('a value the annotation contradicts keeps its own value (the initializer wins when it can be followed)', () => {
    const code = `import type * as tfjs from '@tensorflow/tfjs-node';\nconst tf: typeof tfjs = require('@tensorflow/tfjs');\ntf.layers.batchNormalization();\n`;
    assert.deepEqual(analyzeSource(code, '/p/a.ts').usages.map((u) => u.module), [TF]);
  });

  it('a nullable type with two tfjs members, or a non-tfjs annotation, vouches for nothing', () => {
    for (const code of [
      `const tf: typeof import('@tensorflow/tfjs') | typeof import('@tensorflow/tfjs-node') = load();\ntf.layers.batchNormalization();\n`,
      `const tf: { layers: { batchNormalization(): unknown } } = load();\ntf.layers.batchNormalization();\n`,
      `const tf: any = load();\ntf.layers.batchNormalization();\n`,
    ]) {
      assert.deepEqual(analyzeSource(code, '/p/a.ts').usages, [], code);
    }
  });
});
