import { strict as assert } from 'node:assert';
import type { RunReport } from '../../../src/core/training/protocol';
import { oneSeedComparison } from '../../../src/worker/compare/compare-report';

function run(norm: RunReport['norm'], accuracy: number | null, steps = 30): RunReport {
  return { norm, steps, batchSize: 8, finalLoss: 0.3, accuracy, error: null, stepsPerSecond: 20, nan: null, exploding: [], stepsRequested: 30 };
}

// Ten held-out examples: the swapped run gets two more right and none fewer.
const BASELINE = [1, 1, 0, 0, 1, 0, 1, 1, 0, 1];
const SUBJECT = [1, 1, 1, 1, 1, 0, 1, 1, 0, 1];

describe("an in-process Compare's one-seed comparison (a captured model)", () => {
  it('equal steps and both runs scored: the paired bootstrap over the held-out examples', () => {
    const notes: string[] = [];
    const c = oneSeedComparison('classification', [run('batchNormalization', 0.6), run('runningBatchNorm', 0.8)], [BASELINE, SUBJECT], 3, notes)!;
    assert.equal(c.method, 'paired-bootstrap');
    assert.equal(c.seeds, 1);
    assert.equal(c.examples, 10);
    assert.ok(Math.abs(c.difference - 0.2) < 1e-12);
    // Per-example differences are 0 or +1 (two of ten): the count of +1s in a resample is about Binomial(10, 0.2),
    // whose 5–95% range is 0–4, so the interval starts at 0 and ends by 0.5.
    assert.ok(c.interval[0] >= 0 && c.interval[1] <= 0.5 && c.interval[0] <= 0.2 && c.interval[1] >= 0.2, JSON.stringify(c.interval));
    assert.deepEqual(notes, []);
  });

  const none: [string, RunReport[], (number[] | null)[], RegExp | null][] = [
    ['the second run was cut to fewer steps', [run('batchNormalization', 0.6), run('runningBatchNorm', 0.8, 20)], [BASELINE, SUBJECT], /trained 30 and 20 steps/],
    ['a run was not scored (NaN)', [run('batchNormalization', 0.6), run('runningBatchNorm', null)], [BASELINE, null], null],
    ['only the model as written ran', [run('batchNormalization', 0.6)], [BASELINE], null],
    ['the runs scored different numbers of examples', [run('batchNormalization', 0.6), run('runningBatchNorm', 0.8)], [BASELINE, SUBJECT.slice(1)], null],
  ];
  for (const [why, runs, scores, note] of none) {
    it(`no comparison when ${why}`, () => {
      const notes: string[] = [];
      assert.equal(oneSeedComparison('classification', runs, scores, 1, notes), undefined);
      assert.equal(notes.some((n) => note?.test(n)), note !== null, JSON.stringify(notes));
    });
  }
});
