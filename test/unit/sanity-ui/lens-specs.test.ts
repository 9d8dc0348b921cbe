import * as assert from 'node:assert/strict';
import { findModelBuilders, needsNoArguments } from '../../../src/core/analysis/model-builders';
import type { ModelBuilder } from '../../../src/core/analysis/types';

const findRunnableBuilders = (code: string, fileName: string): ModelBuilder[] => findModelBuilders(code, fileName).filter(needsNoArguments);
import { MAX_LENS_FILE_CHARS, mentionsTfjs, SANITY_COMPARE_COMMAND, SANITY_TRAIN_COMMAND, sanityLensSpecs } from '../../../src/vscode/sanity/lens-specs';

describe('sanity lens placement', () => {
  const table: { name: string; code: string; expected: [number, string][] }[] = [
    {
      name: 'exported function declaration',
      code: `import * as tf from '@tensorflow/tfjs';\n\nexport function createModel() {\n  return tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });\n}\n`,
      expected: [[2, 'createModel']],
    },
    {
      name: 'two factories, one async arrow, in source order',
      code: `const tf = require('@tensorflow/tfjs-node');\nconst a = () => tf.sequential();\n\nexports.b = async function () {\n  const m = tf.sequential();\n  return m;\n};\n`,
      expected: [
        [1, 'a'],
        [3, 'b'],
      ],
    },
    { name: 'tfjs imported but no factory', code: `import * as tf from '@tensorflow/tfjs';\nexport const x = tf.tensor([1]);\n`, expected: [] },
    { name: 'factory needing an argument', code: `import * as tf from '@tensorflow/tfjs';\nexport function f(units: number) { return tf.sequential(); }\n`, expected: [] },
    { name: 'no tfjs at all', code: `export function sequential() { return 1; }\n`, expected: [] },
    { name: 'does not parse', code: `import * as tf from '@tensorflow/tfjs';\nexport function (( {{{\n`, expected: [] },
  ];
  for (const { name, code, expected } of table) {
    it(`${name}: a train and a compare lens per factory, on its line`, () => {
      const specs = sanityLensSpecs(code, 'model.ts', findRunnableBuilders);
      const want = expected.flatMap(([line, factory]) => [
        { line, factory, command: SANITY_TRAIN_COMMAND },
        { line, factory, command: SANITY_COMPARE_COMMAND },
      ]);
      assert.deepEqual(
        specs.map((s) => ({ line: s.line, factory: s.factory, command: s.command })),
        want,
      );
    });
  }

  it('labels: "Sanity-train" then "Compare BatchNorm vs RunningBatchNorm", tooltips name the factory', () => {
    const specs = sanityLensSpecs(table[0].code, 'model.ts', findRunnableBuilders);
    assert.deepEqual(specs.map((s) => s.title), ['$(beaker) Sanity-train', 'Compare BatchNorm vs RunningBatchNorm']);
    assert.ok(specs.every((s) => s.tooltip.includes('createModel()')));
  });

  it('never parses a file that does not mention tfjs', () => {
    let calls = 0;
    const spy = (): ModelBuilder[] => {
      calls++;
      return [];
    };
    sanityLensSpecs('export const answer = 42;\n', 'a.ts', spy);
    assert.equal(calls, 0);
    sanityLensSpecs("import '@tensorflow/tfjs';\n", 'a.ts', spy);
    assert.equal(calls, 1);
  });

  it('skips files too big to parse while typing', () => {
    const huge = `${table[0].code}\n${'// filler\n'.repeat(MAX_LENS_FILE_CHARS / 10)}`;
    assert.deepEqual(sanityLensSpecs(huge, 'model.ts', findRunnableBuilders), []);
    assert.equal(sanityLensSpecs(table[0].code, 'model.ts', findRunnableBuilders).length, 2);
  });

  it('a finder that throws yields no lenses instead of an error', () => {
    const boom = (): ModelBuilder[] => {
      throw new Error('parser crashed');
    };
    assert.deepEqual(sanityLensSpecs("import * as tf from '@tensorflow/tfjs';", 'a.ts', boom), []);
  });

  const mentions: [string, boolean][] = [
    ["import * as tf from '@tensorflow/tfjs';", true],
    ["const tf = require('@tensorflow/tfjs-node-gpu');", true],
    ['const m = tf.sequential();', true],
    ['const m = tf . model({inputs, outputs});', true],
    ['await tf.loadLayersModel(url);', true],
    ['const tfx = 1; model.fit();', false],
    ['// TensorFlow is great', false],
  ];
  for (const [code, expected] of mentions) {
    it(`mentionsTfjs(${JSON.stringify(code)}) is ${expected}`, () => assert.equal(mentionsTfjs(code), expected));
  }
});
