import { strict as assert } from 'node:assert';
import {
  incompleteBeta,
  mean,
  pairedBootstrapInterval,
  pairedTInterval,
  quantileSorted,
  sampleStd,
  studentTCdf,
  studentTQuantile,
  verdictOfInterval,
} from '../../../src/core/training/comparison-stats';

function close(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} should be within ${tolerance} of ${expected}`);
}

describe('comparison statistics', () => {
  it('Student t quantiles match the tables (df 1 to 100, and 97.5%)', () => {
    // t(0.95, df) from the standard tables (scipy.stats.t.ppf gives the same digits).
    const rows: [number, number, number][] = [
      [0.95, 1, 6.313751515],
      [0.95, 2, 2.919985580],
      [0.95, 3, 2.353363435],
      [0.95, 4, 2.131846786],
      [0.95, 9, 1.833112933],
      [0.95, 29, 1.699127027],
      [0.95, 100, 1.660234326],
      [0.975, 5, 2.570581836],
    ];
    for (const [p, df, expected] of rows) {
      close(studentTQuantile(p, df), expected, 1e-8, `t(${p}, ${df})`);
    }
    close(studentTQuantile(0.05, 3), -2.353363435, 1e-8, 'lower tail');
    assert.equal(studentTQuantile(0.5, 7), 0);
    assert.throws(() => studentTQuantile(1, 3), /0 < p < 1/);
  });

  it('the t CDF and the incomplete beta function match float64 references', () => {
    close(studentTCdf(1.5, 3), 0.8847080673775886, 1e-12, 'P(T3 ≤ 1.5)');
    close(studentTCdf(-2, 7), 0.042809664281488025, 1e-12, 'P(T7 ≤ −2)');
    close(incompleteBeta(0.3, 2.5, 0.5), 0.018927124071945658, 1e-12, 'I_0.3(2.5, 0.5)');
    assert.equal(incompleteBeta(0, 2, 3), 0);
    assert.equal(incompleteBeta(1, 2, 3), 1);
  });

  it('mean, sample standard deviation and type-7 quantiles', () => {
    assert.equal(mean([1, 2, 3, 6]), 3);
    close(sampleStd([0.01, 0.03, 0.02]), 0.01, 1e-15);
    assert.equal(sampleStd([4]), 0);
    assert.equal(quantileSorted([1, 2, 3, 4, 5], 0.5), 3);
    close(quantileSorted([10, 20, 30, 40], 0.05), 11.5, 1e-12);
  });

  it('a 90% t-interval computed by hand: differences 1, 3, 2 points', () => {
    // mean 0.02, s = 0.01, s/√3 = 0.0057735, t(0.95, 2) = 2.919986: half-width 0.0168585.
    const { mean: m, interval } = pairedTInterval([0.01, 0.03, 0.02]);
    close(m, 0.02, 1e-15);
    close(interval[0], 0.02 - 0.0168585446, 1e-9, 'low');
    close(interval[1], 0.02 + 0.0168585446, 1e-9, 'high');
    assert.equal(verdictOfInterval('accuracy', interval), 'better');
    assert.equal(verdictOfInterval('error', interval), 'worse');
  });

  it('an interval spanning zero is no clear difference, and two seeds give the wide df-1 interval', () => {
    const four = pairedTInterval([0.02, -0.01, 0.005, 0]);
    close(four.interval[0], -0.010958521467511396, 1e-9);
    close(four.interval[1], 0.018458521467511396, 1e-9);
    assert.equal(verdictOfInterval('accuracy', four.interval), 'no clear difference');
    const two = pairedTInterval([-0.5, -0.7]);
    close(two.interval[0], -1.2313751514675035, 1e-9);
    close(two.interval[1], 0.03137515146750358, 1e-9);
    assert.equal(verdictOfInterval('error', two.interval), 'no clear difference');
  });

  it('equal differences give a zero-width interval at their value', () => {
    assert.deepEqual(pairedTInterval([0.03, 0.03, 0.03]).interval, [0.03, 0.03]);
    assert.equal(verdictOfInterval('error', [-0.03, -0.03]), 'better');
    assert.deepEqual(pairedTInterval([0, 0, 0, 0]).interval, [0, 0]);
    assert.equal(verdictOfInterval('accuracy', [0, 0]), 'no clear difference');
    assert.throws(() => pairedTInterval([0.1]), /at least 2/);
  });

  it('one seed: the paired bootstrap over examples is close to the normal interval and repeats with its seed', () => {
    // 400 examples: the subject alone right on 100, the baseline alone right on 60. Mean difference 0.1,
    // standard deviation √(160/400 − 0.01) = 0.6245, so the normal 90% interval is 0.1 ± 1.645 · 0.6245/20.
    const baseline = new Float64Array(400);
    const subject = new Float64Array(400);
    subject.fill(1, 0, 100);
    baseline.fill(1, 100, 160);
    const first = pairedBootstrapInterval(baseline, subject, { seed: 7 });
    close(first.mean, 0.1, 1e-12);
    close(first.interval[0], 0.1 - 0.05137, 0.01, 'low');
    close(first.interval[1], 0.1 + 0.05137, 0.01, 'high');
    assert.deepEqual(pairedBootstrapInterval(baseline, subject, { seed: 7 }), first);
    assert.notDeepEqual(pairedBootstrapInterval(baseline, subject, { seed: 8 }).interval, first.interval);
    assert.equal(verdictOfInterval('accuracy', first.interval), 'better');
  });

  it('one seed with the same score on every example: a zero-width bootstrap interval', () => {
    const same = pairedBootstrapInterval([1, 0, 1, 1], [1, 0, 1, 1]);
    assert.deepEqual(same, { mean: 0, interval: [0, 0] });
    assert.throws(() => pairedBootstrapInterval([1, 0], [1]), /equally long/);
  });
});
