import * as assert from 'node:assert/strict';
import { analyzeSource } from '../../../src/core/analysis';
import { applyTextEdits, convertToRunningBatchNorm } from '../../../src/core/refactor';
import { chooseConversionTarget, describeConversion, hasConvertibleUsage, lineSpan } from '../../../src/vscode/conversion/editor/conversion-target';
import { isWithinSizeLimit, usageDiagnostics, WHY_RUNNING_BATCH_NORM } from '../../../src/vscode/conversion/editor/usage-diagnostics';

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
  const lineEnd = (needle: string, nth = 0): number => MODEL.indexOf('\n', at(needle, nth));
  const cases: { name: string; start: number; end: number; kind: 'batchNormalization' | 'runningBatchNorm'; expected: string; lines: [number, number] }[] = [
    { name: 'cursor inside a batch-norm call', start: at('batchNormalization') + 3, end: at('batchNormalization') + 3, kind: 'batchNormalization', expected: 'lines', lines: [3, 3] },
    { name: 'cursor in the blank area right of the call', start: lineEnd('batchNormalization'), end: lineEnd('batchNormalization'), kind: 'batchNormalization', expected: 'lines', lines: [3, 3] },
    { name: 'cursor at the start of the line', start: at('model.add'), end: at('model.add'), kind: 'batchNormalization', expected: 'lines', lines: [3, 3] },
    { name: 'cursor on a line without a layer', start: at('const model'), end: at('const model'), kind: 'batchNormalization', expected: 'none', lines: [2, 2] },
    { name: 'selection over both layers', start: at('model.add'), end: at('runningBatchNorm()'), kind: 'batchNormalization', expected: 'lines', lines: [3, 6] },
    { name: 'a whole line selected (ends at the next line start)', start: at('model.add'), end: at('model.add', 1), kind: 'batchNormalization', expected: 'lines', lines: [3, 3] },
    { name: 'cursor on RunningBatchNorm, converting', start: at('runningBatchNorm()'), end: at('runningBatchNorm()'), kind: 'batchNormalization', expected: 'none', lines: [6, 6] },
    { name: 'cursor on RunningBatchNorm, reverting', start: at('runningBatchNorm()'), end: at('runningBatchNorm()'), kind: 'runningBatchNorm', expected: 'lines', lines: [6, 6] },
    { name: 'cursor on tf.moments', start: at('moments'), end: at('moments'), kind: 'batchNormalization', expected: 'none', lines: [7, 7] },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.expected}`, () => {
      const target = chooseConversionTarget(usages, MODEL, { start: c.start, end: c.end }, c.kind);
      assert.equal(target.scope, c.expected);
      assert.deepEqual([target.firstLine, target.lastLine], c.lines);
      assert.equal(target.range === undefined, c.expected === 'none');
    });
  }

  it('converts exactly the layer on the line pointed at, from the blank area right of it', () => {
    const target = chooseConversionTarget(usages, MODEL, { start: lineEnd('batchNormalization', 1), end: lineEnd('batchNormalization', 1) }, 'batchNormalization');
    const result = convertToRunningBatchNorm({ code: MODEL, fileName: '/p/model.ts', layerFilePath: '/p/running-batch-norm.ts', range: target.range });
    assert.equal(result.kind, 'edits');
    const after = applyTextEdits(MODEL, result.kind === 'edits' ? result.edits : []);
    assert.match(after, /model\.add\(tf\.layers\.batchNormalization\(\)\);/);
    assert.match(after, /model\.add\(runningBatchNorm\(\{ momentum: 0\.99 \}\)\);/);
  });

  it('hasConvertibleUsage drives the menu: true on a BatchNorm line, false elsewhere', () => {
    assert.equal(hasConvertibleUsage(usages, lineSpan(MODEL, { start: lineEnd('batchNormalization'), end: lineEnd('batchNormalization') }), 'batchNormalization'), true);
    assert.equal(hasConvertibleUsage(usages, lineSpan(MODEL, { start: at('const model'), end: at('const model') }), 'batchNormalization'), false);
    assert.equal(hasConvertibleUsage(usages, lineSpan(MODEL, { start: at('moments'), end: at('moments') }), 'batchNormalization'), false);
  });
});

describe('describeConversion', () => {
  const input = { code: MODEL, fileName: '/p/model.ts', layerFilePath: '/p/running-batch-norm.ts' };

  it('names the line after the edit (the existing import is reused, so nothing shifts)', () => {
    const range = { start: at('batchNormalization'), end: at('batchNormalization') };
    const result = convertToRunningBatchNorm({ ...input, range });
    assert.equal(describeConversion(result, { scope: 'lines', range }, 'model.ts', 'convert'), 'Converted 1 BatchNorm layer in model.ts (line 3) to RunningBatchNorm.');
  });

  it('names lines after the import the conversion adds', () => {
    const code = "import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nm.add(tf.layers.batchNormalization());\nm.add(tf.layers.batchNormalization());\n";
    const result = convertToRunningBatchNorm({ ...input, code });
    assert.equal(describeConversion(result, { scope: 'file' }, 'model.ts', 'convert'), 'Converted all 2 BatchNorm layers in model.ts (lines 4, 5) to RunningBatchNorm.');
  });

  it('says "all" and the file for a whole-file conversion', () => {
    const result = convertToRunningBatchNorm(input);
    assert.equal(describeConversion(result, { scope: 'file' }, 'model.ts', 'convert'), 'Converted all 2 BatchNorm layers in model.ts (lines 3, 4) to RunningBatchNorm.');
  });

  it('says nothing was converted on a line without a layer, and what to use instead', () => {
    const message = describeConversion({ kind: 'notApplicable', reason: '' }, { scope: 'none', firstLine: 2, lastLine: 2 }, 'model.ts', 'convert');
    assert.equal(message, 'No BatchNorm layer on line 2 of model.ts: nothing converted. Use "Convert All BatchNorm in File" for every layer in the file.');
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
