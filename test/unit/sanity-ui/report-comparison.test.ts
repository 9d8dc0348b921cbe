import { strict as assert } from 'node:assert';
import type { SanityComparison } from '../../../src/core/training/compare-protocol';
import { compareSeeds } from '../../../src/core/training/comparison';
import type { RunReport, SanityReport } from '../../../src/core/training/protocol';
import { comparisonSentence, comparisonStripSvg, formatDifference, formatInterval, perSeedText } from '../../../src/core/training/report/report-comparison';
import { renderReportPage } from '../../../src/core/training/report/report-html';
import { summarizeReport } from '../../../src/core/training/report/report-summary';
import { verdictFor } from '../../../src/core/training/report/report-verdict';
import { formatSanity } from '../../../src/cli/commands/sanity';
import { elementsOf } from './html-tree';
import { compareReport, ROOT } from './report-fixtures';

function run(norm: RunReport['norm'], accuracy: number | null, error: number | null = null, steps = 300): RunReport {
  return { norm, steps, batchSize: 8, finalLoss: 0.3, accuracy, error, stepsPerSecond: 20, nan: null, exploding: [], stepsRequested: 300 };
}

const NORMS = { baseline: 'batchNormalization', subject: 'runningBatchNorm' } as const;

/** Three seeds, RunningBatchNorm 1, 3 and 2 points ahead: the hand-computed interval 2 ± 1.686 points. */
const clear = compareSeeds('classification', [0.01, 0.03, 0.02].map((d, i) => ({ seed: i + 1, baseline: run('batchNormalization', 0.8), subject: run('runningBatchNorm', 0.8 + d) })), NORMS)!;
/** Four seeds either way: the interval holds zero. */
const unclear = compareSeeds('classification', [0.02, -0.01, 0.005, 0].map((d, i) => ({ seed: i + 1, baseline: run('batchNormalization', 0.8), subject: run('runningBatchNorm', 0.8 + d) })), NORMS)!;

function reportWith(comparison: SanityComparison, runs = [run('batchNormalization', 0.8), run('runningBatchNorm', 0.8 + comparison.perSeed[0].difference)]): SanityReport {
  return { ...compareReport, runs, chanceAccuracy: 0.1, comparison };
}

describe('a Compare’s comparison in words and in the panel', () => {
  it('builds the comparison from the paired seeds: metric, differences, t interval, verdict', () => {
    assert.equal(clear.metric, 'accuracy');
    assert.equal(clear.method, 'paired-t');
    assert.equal(clear.seeds, 3);
    assert.ok(Math.abs(clear.difference - 0.02) < 1e-12);
    assert.ok(Math.abs(clear.interval[0] - 0.0031414554) < 1e-8 && Math.abs(clear.interval[1] - 0.0368585446) < 1e-8, String(clear.interval));
    assert.equal(clear.verdict, 'better');
    assert.equal(unclear.verdict, 'no clear difference');
  });

  it('one seed needs its per-example scores (the bootstrap), and a regression compares the error', () => {
    const baseline = run('batchNormalization', null, 0.5);
    const subject = run('runningBatchNorm', null, 0.25);
    assert.equal(compareSeeds('regression', [{ seed: 1, baseline, subject }], NORMS), undefined);
    const one = compareSeeds('regression', [{ seed: 1, baseline, subject, baselineScores: [0.5, 0.6, 0.4, 0.5], subjectScores: [0.25, 0.2, 0.3, 0.25] }], NORMS)!;
    assert.equal(one.metric, 'error');
    assert.equal(one.method, 'paired-bootstrap');
    assert.equal(one.examples, 4);
    assert.equal(one.difference, -0.25);
    assert.equal(one.verdict, 'better', JSON.stringify(one.interval));
  });

  it('a NaN run leaves its seed out', () => {
    const seeds = [1, 2, 3].map((seed) => ({ seed, baseline: run('batchNormalization', seed === 2 ? null : 0.8), subject: run('runningBatchNorm', 0.85) }));
    assert.deepEqual(compareSeeds('classification', seeds, NORMS)?.perSeed.map((s) => s.seed), [1, 3]);
  });

  it('says the interval with the number, and "No clear difference" first when it holds zero', () => {
    assert.equal(formatDifference(clear, 0.02), '+2.0 points');
    assert.equal(formatInterval(clear), '+0.3 to +3.7 points');
    assert.equal(comparisonSentence(clear), 'RunningBatchNorm is better than BatchNorm here: +2.0 points of held-out accuracy on average (90% interval +0.3 to +3.7 points; 3 paired seeds).');
    assert.equal(comparisonSentence(unclear), 'No clear difference between RunningBatchNorm and BatchNorm: the 90% interval of the held-out accuracy difference, −1.1 to +1.8 points, includes zero (mean +0.4 points; 4 paired seeds).');
    assert.equal(perSeedText(unclear), 'seed 1 +2.0, seed 2 −1.0, seed 3 +0.5, seed 4 0.0 points (RunningBatchNorm − BatchNorm)');
    assert.equal(formatDifference({ metric: 'error' }, -0.00312), '−0.00312');
  });

  it('both runs at 100% on every seed: no clear difference, and the task is too easy to tell them apart', () => {
    const right = [1, 1, 1, 1];
    const perfect = (seeds: number) => compareSeeds('classification', Array.from({ length: seeds }, (_, i) => ({ seed: i + 1, baseline: run('batchNormalization', 1), subject: run('runningBatchNorm', 1), baselineScores: right, subjectScores: right })), NORMS)!;
    assert.match(comparisonSentence(perfect(3)), /^No clear difference .* Both scored every held-out example right on every seed, so this task is too easy to tell them apart\.$/);
    assert.match(comparisonSentence(perfect(1)), /Both scored every held-out example right, so this task/);
    const nearly = compareSeeds('classification', [1, 0.99].map((a, i) => ({ seed: i + 1, baseline: run('batchNormalization', a), subject: run('runningBatchNorm', 1) })), NORMS)!;
    assert.doesNotMatch(comparisonSentence(nearly), /too easy/);
  });

  it('the verdict shows the comparison even for runs the budget cut short, and marks an unclear one', () => {
    const shortRuns = [run('batchNormalization', 0.8, null, 120), run('runningBatchNorm', 0.82, null, 120)];
    const verdict = verdictFor(reportWith(unclear, shortRuns));
    assert.equal(verdict.comparison, comparisonSentence(unclear));
    assert.equal(verdict.comparisonClear, false);
    assert.equal(verdict.caveat, 'Fewer steps than asked: the time budget allowed 120 of 300 steps per run; raise the timeout for the full run.');
    assert.equal(verdictFor(reportWith(clear)).comparisonClear, true);
    // Nothing learned: still no comparison, whatever the interval.
    assert.match(verdictFor({ ...reportWith(clear), chanceAccuracy: 0.85 }).caveat ?? '', /^Too short to compare: held-out accuracy/);
  });

  it('the panel: bold only when the interval excludes zero, and the strip with one dot per seed', () => {
    const assets = { cspSource: 'vscode-resource:', nonce: 'n', styleUri: 's', scriptUri: 'j', chartUri: 'c' };
    for (const [comparison, bold] of [[clear, true], [unclear, false]] as const) {
      const html = renderReportPage({ kind: 'report', report: reportWith(comparison) }, assets, [ROOT]);
      const paragraph = elementsOf(html).find((e) => e.tag === 'p' && (e.attrs.class ?? '').split(' ').includes('comparison'));
      assert.equal(paragraph?.attrs.class, bold ? 'comparison' : 'comparison unclear');
      const svg = comparisonStripSvg(comparison);
      assert.ok(html.includes(svg));
      assert.equal(svg.match(/<circle class="strip-seed"/g)?.length, comparison.perSeed.length);
      assert.equal(svg.includes('comparison-strip unclear'), !bold);
      assert.ok(!/style=/.test(svg), 'no inline styles under the CSP');
    }
  });

  it('the strip places zero, the interval and the dots in order on one axis', () => {
    const svg = comparisonStripSvg(clear);
    const cx = [...svg.matchAll(/<circle class="strip-seed" cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    const [zero] = [...svg.matchAll(/<line class="strip-zero" x1="([\d.]+)"/g)].map((m) => Number(m[1]));
    const [lo, hi] = [...svg.matchAll(/<line class="strip-cap" x1="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.ok(zero < lo && lo < hi, `${zero} < ${lo} < ${hi}`);
    assert.ok(cx[0] < cx[2] && cx[2] < cx[1], 'seeds at +1, +3 and +2 points');
    assert.match(svg, /<title>seed 2: RunningBatchNorm 83\.0%, BatchNorm 80\.0% \(\+3\.0 points\), 300 steps<\/title>/);
  });

  it('the CLI summary and the log paragraph say the interval and each seed', () => {
    const report = reportWith(unclear);
    const text = formatSanity(report);
    assert.ok(text.includes(comparisonSentence(unclear)), text);
    assert.ok(text.includes('  per seed: seed 1 +2.0, seed 2 −1.0, seed 3 +0.5, seed 4 0.0 points'), text);
    const paragraph = summarizeReport(report, [ROOT]);
    assert.ok(paragraph.includes(`${comparisonSentence(unclear)} Per seed: seed 1 +2.0`), paragraph);
  });
});
