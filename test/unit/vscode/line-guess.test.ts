/**
 * The editor context menu's "is this a BatchNorm line?" before and after the analysis answers: the
 * text guess never says "no" where the analysis says "yes" (that would offer the whole file's
 * conversion for one layer's line), and agrees with it on ordinary lines.
 */
import * as assert from 'node:assert/strict';
import { analyzeSource } from '../../../src/core/analysis';
import { factoryNames, lineHasBatchNorm } from '../../../src/vscode/conversion/editor/line-guess';

const CODE = [
  "import * as tf from '@tensorflow/tfjs';", // 1
  "import { runningBatchNorm } from './running-batch-norm';", // 2
  'const bn = tf.layers.batchNormalization;', // 3
  'const { batchNormalization: norm } = tf.layers;', // 4
  'export function build(): tf.Sequential {', // 5
  '  const model = tf.sequential();', // 6
  "  model.add(tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }));", // 7
  '  model.add(tf.layers.batchNormalization());', // 8
  '  model.add(tf.layers.batchNormalization({', // 9
  '    momentum: 0.99,', // 10
  "    gammaInitializer: tf.initializers.constant({ value: 1 }),", // 11
  '  }));', // 12
  '  model.add(bn({ axis: -1 }));', // 13
  '  model.add(norm());', // 14
  '  model.add(runningBatchNorm());', // 15
  '  model.add(tf.layers.dense({ units: 1 }));', // 16
  '  return model;', // 17
  '}', // 18
].join('\n');

/** Offset of the end of 1-based `line` (where a right-click in the blank area right of the code puts the cursor). */
function endOfLine(line: number): number {
  const lines = CODE.split('\n');
  return lines.slice(0, line).join('\n').length;
}

const cursor = (line: number) => [{ start: endOfLine(line), end: endOfLine(line) }];
const BATCH_NORM_LINES = [8, 9, 10, 11, 12, 13, 14];

describe('lineHasBatchNorm', () => {
  const { usages, error } = analyzeSource(CODE, '/p/model.ts');

  it('the fixture parses and the analysis finds four convertible layers', () => {
    assert.equal(error, undefined);
    assert.equal(usages.filter((u) => u.kind === 'batchNormalization' && u.convertible).length, 4);
  });

  for (let line = 1; line <= 18; line++) {
    const expected = BATCH_NORM_LINES.includes(line);
    it(`line ${line}: ${expected ? 'a BatchNorm line' : 'no BatchNorm'}, before the analysis answers and after`, () => {
      assert.equal(lineHasBatchNorm(CODE, cursor(line), usages), expected, 'from the analysis');
      assert.equal(lineHasBatchNorm(CODE, cursor(line), undefined), expected, 'from the text');
    });
  }

  it('a selection over several lines counts when one of them holds a layer; several cursors when one does', () => {
    assert.equal(lineHasBatchNorm(CODE, [{ start: endOfLine(6), end: endOfLine(8) }], undefined), true);
    assert.equal(lineHasBatchNorm(CODE, [...cursor(6), ...cursor(13)], undefined), true);
    assert.equal(lineHasBatchNorm(CODE, [...cursor(6), ...cursor(16)], undefined), false);
  });

  it('a selection ending at the start of the next line leaves that line out (triple-click)', () => {
    const line6 = endOfLine(5) + 1;
    assert.equal(lineHasBatchNorm(CODE, [{ start: line6, end: endOfLine(6) + 1 }], undefined), false);
  });

  it('mid-edit text that does not parse still gets a guess from its lines', () => {
    const broken = CODE.replace('  return model;', '  return model.(');
    assert.equal(lineHasBatchNorm(broken, cursor(8), undefined), true);
  });

  it('a call on the browser global and on a destructured factory are guessed too', () => {
    const script = 'const { batchNormalization } = tf.layers;\nmodel.add(batchNormalization());\nmodel.add(tf.layers.batchNormalization());';
    assert.equal(lineHasBatchNorm(script, [{ start: script.length, end: script.length }], undefined), true);
    assert.equal(lineHasBatchNorm(script, [{ start: 60, end: 60 }], undefined), true);
  });
});

describe('factoryNames', () => {
  for (const [code, expected] of [
    ['const bn = tf.layers.batchNormalization;', ['batchNormalization', 'bn']],
    ['let $norm = layers.batchNormalization', ['batchNormalization', '$norm']],
    ['const { batchNormalization: bnorm, dense } = tf.layers;', ['batchNormalization', 'bnorm']],
    ["import { batchNormalization as bnl } from '@tensorflow/tfjs-layers';", ['batchNormalization', 'bnl']],
    ['const layer = tf.layers.batchNormalization();', ['batchNormalization']],
    ['const x = 1;', ['batchNormalization']],
  ] as const) {
    it(`${code} → ${expected.join(', ')}`, () => {
      assert.deepEqual(factoryNames(code), expected);
    });
  }
});
