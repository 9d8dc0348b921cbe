import { strict as assert } from 'node:assert';
import { describeExit } from '../../../src/worker/launcher';
import { ExplosionDetector } from '../../../src/worker/training/weight-monitor';

/** Feeds one weight's largest magnitude step by step; returns the steps (0-based) flagged. */
function flagged(series: number[], trainable = true): number[] {
  const detector = new ExplosionDetector([trainable], 50, 100, 0.1);
  const out: number[] = [];
  series.forEach((v, step) => {
    if (detector.observe(Float32Array.of(v)).length > 0) {
      out.push(step);
    }
  });
  return out;
}

describe('ExplosionDetector', () => {
  const rows: { title: string; series: number[]; trainable?: boolean; expected: number[] }[] = [
    { title: 'steady weights are fine', series: Array.from({ length: 120 }, () => 0.5), expected: [] },
    { title: 'a 1000x jump is flagged once', series: [0.5, 0.5, 500, 5000, 50000], expected: [2] },
    { title: 'exactly 100x is not more than 100x', series: [0.5, 50], expected: [] },
    { title: 'a bias leaving zero is measured from the floor', series: [0, 0, 0.5, 5], expected: [] },
    { title: 'from zero past 100 x floor is flagged', series: [0, 11], expected: [1] },
    { title: 'slow growth outside the 50-step window is not', series: Array.from({ length: 200 }, (_, i) => 0.5 * 1.05 ** i), expected: [] },
    { title: 'growth within the window is', series: Array.from({ length: 60 }, (_, i) => 0.5 * 1.2 ** i), expected: [26] },
    { title: 'non-trainable state (running statistics) is ignored', series: [0.5, 5000], trainable: false, expected: [] },
    { title: 'non-finite values are left to the NaN check', series: [0.5, Infinity], expected: [] },
  ];
  for (const row of rows) {
    it(row.title, () => assert.deepEqual(flagged(row.series, row.trainable), row.expected));
  }
});

describe('describeExit', () => {
  it('tells an out-of-memory death from a crash', () => {
    const oom = describeExit(null, 'SIGABRT', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 512, ' (run 1, step 3 of 300)');
    assert.deepEqual(oom, { kind: 'error', reason: 'memory', message: 'the worker ran out of its 512 MB memory cap (run 1, step 3 of 300); lower the batch size or use a smaller model' });
    const crash = describeExit(3, null, 'something\nSegfault here\n', 512, '');
    assert.deepEqual(crash, { kind: 'error', reason: 'crashed', message: 'the sanity-train worker exited (code 3) without a report: Segfault here' });
  });
});
