import * as assert from 'node:assert/strict';
import { analyzeSource } from '../../../src/core/analysis';
import { convertToRunningBatchNorm } from '../../../src/core/refactor';
import { chooseConversionTarget, describeConversion, targetLines } from '../../../src/vscode/conversion/conversion-target';
import { isWithinSizeLimit, usageDiagnostics, WHY_RUNNING_BATCH_NORM } from '../../../src/vscode/conversion/usage-diagnostics';

const MODEL = [
  "import * as tf from '@tensorflow/tfjs';",
  'const model = tf.sequential();',
  'model.add(tf.layers.batchNormalization());',
  'model.add(tf.layers.batchNormalization({ momentum: 0.99 }));',
  "import { runningBatchNorm } from './running-batch-norm';",
  'model.add(runningBatchNorm());',
  'const { mean, variance } = tf.moments(x, [0]);',
].join('\n');

const at = (needle: string, nth = 0): number => {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = MODEL.indexOf(needle, i + 1);
  }
  return i;
};

describe('usageDiagnostics', () => {
  const usages = analyzeSource(MODEL, '/p/model.ts');

  it('gives one diagnostic per convertible tfjs batch-norm layer, over the whole call', () => {
    const diagnostics = usageDiagnostics(usages);
    assert.deepEqual(
      diagnostics.map((d) => MODEL.slice(d.start, d.end)),
      ['tf.layers.batchNormalization()', 'tf.layers.batchNormalization({ momentum: 0.99 })'],
    );
  });

  it('says why RunningBatchNorm helps and where the layer comes from', () => {
    const [first] = usageDiagnostics(usages);
    assert.ok(first!.message.includes(WHY_RUNNING_BATCH_NORM));
    assert.match(first!.message, /@tensorflow\/tfjs/);
  });

  for (const code of [
    "import { runningBatchNorm } from './running-batch-norm';\nrunningBatchNorm();",
    "import * as tf from '@tensorflow/tfjs';\nconst m = tf.moments(x, [0]);",
    'const x = 1;',
    'this is not (valid code',
  ]) {
    it(`gives none for ${JSON.stringify(code.slice(0, 40))}`, () => {
      assert.deepEqual(usageDiagnostics(analyzeSource(code, '/p/a.ts')), []);
    });
  }

  it('size limit is inclusive', () => {
    assert.equal(isWithinSizeLimit(10, 10), true);
    assert.equal(isWithinSizeLimit(11, 10), false);
  });
});

describe('chooseConversionTarget', () => {
  const { usages } = analyzeSource(MODEL, '/p/model.ts');
  const cases: { name: string; start: number; end: number; kind: 'batchNormalization' | 'runningBatchNorm'; expected: string }[] = [
    { name: 'cursor inside a batch-norm call', start: at('batchNormalization') + 3, end: at('batchNormalization') + 3, kind: 'batchNormalization', expected: 'cursor' },
    { name: 'cursor on a blank-ish line', start: at('const model'), end: at('const model'), kind: 'batchNormalization', expected: 'file' },
    { name: 'selection over both layers', start: at('model.add'), end: at('runningBatchNorm()'), kind: 'batchNormalization', expected: 'selection' },
    { name: 'cursor on RunningBatchNorm, converting', start: at('runningBatchNorm()'), end: at('runningBatchNorm()'), kind: 'batchNormalization', expected: 'file' },
    { name: 'cursor on RunningBatchNorm, reverting', start: at('runningBatchNorm()'), end: at('runningBatchNorm()'), kind: 'runningBatchNorm', expected: 'cursor' },
    { name: 'cursor on tf.moments', start: at('moments'), end: at('moments'), kind: 'batchNormalization', expected: 'file' },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.expected}`, () => {
      const target = chooseConversionTarget(usages, { start: c.start, end: c.end }, c.kind);
      assert.equal(target.scope, c.expected);
      assert.deepEqual(target.range, c.expected === 'file' ? undefined : { start: c.start, end: c.end });
    });
  }

  it('targetLines lists the lines the target covers', () => {
    const cursor = chooseConversionTarget(usages, { start: at('batchNormalization', 1), end: at('batchNormalization', 1) }, 'batchNormalization');
    assert.deepEqual(targetLines(usages, cursor, 'batchNormalization'), [4]);
    assert.deepEqual(targetLines(usages, { scope: 'file' }, 'batchNormalization'), [3, 4]);
  });
});

describe('describeConversion', () => {
  const input = { code: MODEL, fileName: '/p/model.ts', layerFilePath: '/p/running-batch-norm.ts' };

  it('names the line for a cursor conversion', () => {
    const range = { start: at('batchNormalization'), end: at('batchNormalization') };
    const result = convertToRunningBatchNorm({ ...input, range });
    assert.equal(describeConversion(result, { scope: 'cursor', range }, 'model.ts', 'convert', [3]), 'Converted 1 BatchNorm layer at line 3 to RunningBatchNorm.');
  });

  it('says "all" and the file for a whole-file conversion', () => {
    const result = convertToRunningBatchNorm(input);
    assert.equal(describeConversion(result, { scope: 'file' }, 'model.ts', 'convert', [3, 4]), 'Converted all 2 BatchNorm layers in model.ts to RunningBatchNorm.');
  });

  it('passes on the reason when there is nothing to do', () => {
    const result = convertToRunningBatchNorm({ ...input, code: 'const x = 1;' });
    assert.match(describeConversion(result, { scope: 'file' }, 'a.ts', 'convert'), /^Nothing to convert in a\.ts: .+\.$/);
    assert.match(describeConversion(result, { scope: 'file' }, 'a.ts', 'revert'), /^Nothing to convert back in a\.ts/);
  });

  it('lists layers left as they were, with the reason', () => {
    const message = describeConversion(
      { kind: 'edits', edits: [], converted: 1, skipped: [{ line: 9, reason: 'spread arguments' }] },
      { scope: 'file' },
      'm.js',
      'convert',
    );
    assert.equal(message, 'Converted 1 BatchNorm layer in m.js to RunningBatchNorm. Left 1 as is (line 9: spread arguments).');
  });
});
