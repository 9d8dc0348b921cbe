import * as assert from 'node:assert/strict';
import { summarizeReport } from '../../../src/core/training/report/report-summary';
import { displayPath, formatAccuracy, formatGrowth, formatNumber, sourcesOf, verdictOf } from '../../../src/core/training/report/report-view';
import { compareReport, nanReport, regressionReport, ROOT, telemetryReport } from './report-fixtures';

describe('report summary (output channel paragraph)', () => {
  it('NaN case: subject, backend with the skipped one, the finding and its source line, on one line', () => {
    const text = summarizeReport(nanReport, [ROOT]);
    assert.ok(!text.includes('\n'), 'one paragraph');
    for (const part of [
      'Sanity-train of createModel (src/model.ts) on backend wasm (skipped tensorflow: @tensorflow/tfjs-node is not installed in the workspace) with MNIST digits (mnist package).',
      'BatchNorm (as written): 42 steps at batch size 2, final loss —, held-out accuracy —',
      'NaN/Inf at step 42 in layer "batch_normalization_1" (BatchNormalization): first seen in its gradient, built at src/model.ts:17',
      '1 exploding-weight warning(s), worst "dense_Dense1/kernel" grew 153× by step 30.',
    ]) {
      assert.ok(text.includes(part), `missing ${JSON.stringify(part)} in ${text}`);
    }
  });

  it('compare case: both runs and the comparison', () => {
    const text = summarizeReport(compareReport, [ROOT]);
    assert.ok(text.includes('BatchNorm (as written): 300 steps at batch size 8, final loss 0.281, held-out accuracy 93.2%, 45.3 steps/s; no NaN/Inf; no exploding weights.'), text);
    assert.ok(text.includes('RunningBatchNorm (swapped in memory):'));
    assert.ok(text.endsWith('RunningBatchNorm 94.1% vs BatchNorm 93.2% held-out accuracy (+0.9 points; one seed, no interval: within the noise of seeds unless large).'), text);
  });

  it('a gradient-norm explosion is named by its layer', () => {
    const text = summarizeReport(telemetryReport, [ROOT]);
    assert.ok(text.includes('1 exploding-weight warning(s), worst the gradient norm of layer "batch_normalization_1" grew 640× by step 35.'), text);
  });

  it('regression case: MSE and which way it moved', () => {
    const text = summarizeReport(regressionReport, []);
    assert.ok(text.includes(`(${ROOT}/src/regressor.ts)`), 'absolute path outside any workspace root');
    assert.ok(text.includes('held-out MSE 0.0123'));
    assert.ok(text.endsWith('RunningBatchNorm MSE 0.0456 vs BatchNorm 0.0123: higher (worse) (one seed, no interval: within the noise of seeds unless large). Note: sanityData() returned 64 samples; 13 held out.'), text);
    assert.ok(!text.includes('\n'));
  });
});

describe('report view helpers', () => {
  const table: [unknown, string][] = [
    [formatNumber(null), '—'],
    [formatNumber(Number.NaN), 'NaN'],
    [formatNumber(Number.POSITIVE_INFINITY), '+Inf'],
    [formatNumber(0), '0'],
    [formatNumber(0.28123), '0.281'],
    [formatNumber(2.3), '2.3'],
    [formatNumber(123456), '1.23e+5'],
    [formatNumber(0.0001234), '1.23e-4'],
    [formatAccuracy(0.9321), '93.2%'],
    [formatAccuracy(null), '—'],
    [formatGrowth(153.4), '153×'],
    [formatGrowth(2.345), '2.3×'],
    [formatGrowth(2.0151855535984765e38), '2.0e+38×'],
    [formatGrowth(Number.POSITIVE_INFINITY), '∞×'],
  ];
  for (const [actual, expected] of table) {
    it(`formats ${expected}`, () => assert.equal(actual, expected));
  }

  it('shows paths relative to the workspace folder that holds them, else unchanged', () => {
    assert.equal(displayPath(`${ROOT}/src/a.ts`, ['/elsewhere', ROOT]), 'src/a.ts');
    assert.equal(displayPath('/tmp/a.ts', [ROOT]), '/tmp/a.ts');
    assert.equal(displayPath(`${ROOT}-other/a.ts`, [ROOT]), `${ROOT}-other/a.ts`);
  });

  it('verdict: NaN beats explosion beats healthy', () => {
    assert.equal(verdictOf(nanReport), 'nan');
    assert.equal(verdictOf(compareReport), 'healthy');
    const exploding = { ...compareReport, runs: [{ ...compareReport.runs[0], exploding: nanReport.runs[0].exploding }] };
    assert.equal(verdictOf(exploding), 'exploding');
  });

  it('sources: every location the report names, and nothing else', () => {
    assert.deepEqual(
      sourcesOf(nanReport).map((s) => `${s.file}:${s.line}`),
      [`${ROOT}/src/model.ts:17`, `${ROOT}/src/layers.ts:8`],
    );
    assert.deepEqual(sourcesOf(compareReport), []);
  });
});
