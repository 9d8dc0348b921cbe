import { strict as assert } from 'node:assert';
import type { RunReport, SanityReport } from '../../../src/core/training/protocol';
import { accuracyThreshold, errorThreshold, verdictFor } from '../../../src/core/training/report/report-verdict';

function run(overrides: Partial<RunReport> = {}): RunReport {
  return { norm: 'batchNormalization', steps: 300, batchSize: 8, finalLoss: 0.3, accuracy: 0.9, error: null, stepsPerSecond: 20, nan: null, exploding: [], stepsRequested: 300, stepsPlanned: 300, ...overrides };
}

function report(runs: RunReport[], overrides: Partial<SanityReport> = {}): SanityReport {
  return { backend: 'wasm', data: 'synthetic', task: 'classification', runs, chanceAccuracy: 0.1, ...overrides };
}

const rbn = (overrides: Partial<RunReport> = {}) => run({ norm: 'runningBatchNorm', ...overrides });

describe('verdictFor', () => {
  it('chance thresholds: max(1.5×chance, chance + 10 points), at most halfway to 100%', () => {
    const rows: [number, number][] = [
      [0.1, 0.2],
      [1 / 3, 0.5],
      [0.5, 0.75],
      [0.9, 0.95],
      [0.02, 0.12],
    ];
    for (const [chance, expected] of rows) {
      assert.ok(Math.abs(accuracyThreshold(chance) - expected) < 1e-12, `${chance}: ${accuracyThreshold(chance)}`);
    }
    assert.equal(errorThreshold(0.2), 0.15000000000000002);
  });

  const rows: { title: string; report: SanityReport; headline: string; coverage: string | null; comparison: RegExp | null; caveat: RegExp | null }[] = [
    {
      title: 'two full runs above chance: the comparison',
      report: report([run({ accuracy: 0.8 }), rbn({ accuracy: 0.85 })]),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 300 steps of each run',
      comparison: /^RunningBatchNorm 85\.0% vs BatchNorm 80\.0% held-out accuracy \(\+5\.0 points; one seed, no interval: within the noise of seeds unless large\)\.$/,
      caveat: null,
    },
    {
      title: 'chance-level accuracy after 2 steps (the issue’s case): no comparison, and why',
      report: report([run({ steps: 2, stepsRequested: 2, stepsPlanned: 2, accuracy: 0.108 }), rbn({ steps: 2, stepsRequested: 2, stepsPlanned: 2, accuracy: 0.1 })]),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 2 steps of each run',
      comparison: null,
      caveat: /^Too short to compare: held-out accuracy \(BatchNorm 10\.8%, RunningBatchNorm 10\.0%\) is not clearly above chance \(10\.0%; needs 20\.0%\); train for more steps\.$/,
    },
    {
      title: 'one run learned, the other did not: that is a real difference',
      report: report([run({ accuracy: 0.12 }), rbn({ accuracy: 0.6 })]),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 300 steps of each run',
      comparison: /\+48\.0 points/,
      caveat: null,
    },
    {
      title: 'cut short by the budget: no comparison even above chance',
      report: report([run({ steps: 40, stepsPlanned: 40 }), rbn({ steps: 40, stepsPlanned: 40 })]),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 40 steps of each run',
      comparison: null,
      caveat: /^Too short to compare: the time budget allowed 40 of 300 steps per run; raise the timeout for the full run\.$/,
    },
    {
      title: 'the second run cut shorter than the first: each run says its steps',
      report: report([run({ steps: 269, stepsPlanned: 269 }), rbn({ steps: 220, stepsPlanned: 220 })]),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 269 and 220 steps',
      comparison: null,
      caveat: /^Too short to compare: the time budget allowed 269 and 220 of 300 steps; raise the timeout for the full run\.$/,
    },
    {
      title: 'a single run at chance says so',
      report: report([run({ accuracy: 0.11 })]),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 300 steps',
      comparison: null,
      caveat: /^Too short to judge learning: held-out accuracy \(11\.0%\)/,
    },
    {
      title: 'a single healthy run: nothing to add',
      report: report([run()]),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 300 steps',
      comparison: null,
      caveat: null,
    },
    {
      title: 'regression clearly below the mean baseline: compared',
      report: report([run({ accuracy: null, error: 0.05 }), rbn({ accuracy: null, error: 0.04 })], { task: 'regression', chanceAccuracy: undefined, baselineError: 0.2 }),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 300 steps of each run',
      comparison: /MSE 0\.04 vs BatchNorm 0\.05: lower \(better\)/,
      caveat: null,
    },
    {
      title: 'regression no better than predicting the mean: not compared',
      report: report([run({ accuracy: null, error: 0.19 }), rbn({ accuracy: null, error: 0.18 })], { task: 'regression', chanceAccuracy: undefined, baselineError: 0.2 }),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 300 steps of each run',
      comparison: null,
      caveat: /is not clearly below predicting the mean \(0\.2; needs 0\.15 or less\)/,
    },
    {
      title: 'a NaN: the NaN headline, no coverage claim, no comparison',
      report: report([run({ steps: 42, accuracy: null, nan: { step: 42, layer: 'bn', className: 'BatchNormalization', where: 'gradient', source: null } }), rbn()]),
      headline: 'NaN/Inf found',
      coverage: null,
      comparison: null,
      caveat: null,
    },
    {
      title: 'an older report without baselines or plans keeps its comparison',
      report: report([run({ stepsRequested: undefined, stepsPlanned: undefined }), rbn({ stepsRequested: undefined, stepsPlanned: undefined })], { chanceAccuracy: undefined }),
      headline: 'Trains cleanly',
      coverage: 'No NaN/Inf or explosion in 300 steps of each run',
      comparison: /\+0\.0 points/,
      caveat: null,
    },
    {
      title: 'every layer frozen: no "Trains cleanly", no comparison, and it says nothing trained',
      report: report([run({ accuracy: 0.9 }), rbn({ accuracy: 0.95 })], { trainableParams: 0 }),
      headline: 'Nothing to train',
      coverage: 'No NaN/Inf in the forward pass and loss in 300 steps of each run',
      comparison: null,
      caveat: /^Nothing trained: every layer of the model is frozen \(trainable: false\), so each step computed the loss without updating a weight; /,
    },
    {
      title: 'every layer frozen and a NaN in the forward pass: the NaN headline, still nothing trained',
      report: report([run({ steps: 3, accuracy: null, nan: { step: 3, layer: 'conv', className: 'Conv2D', where: 'output', source: null } })], { trainableParams: 0 }),
      headline: 'NaN/Inf found',
      coverage: null,
      comparison: null,
      caveat: /^Nothing trained: /,
    },
    {
      title: 'a model that cannot train as written (channels-first BatchNorm): that headline, why, and what the RunningBatchNorm copy showed',
      report: report([rbn({ swapped: true })], { normSwapped: { reason: 'tfjs trains BatchNormalization only over the last axis, and bn1 normalises axis 1 (channels-first)', layers: ['bn1'] } }),
      headline: 'Cannot train as written',
      coverage: 'No NaN/Inf or explosion in 300 steps',
      comparison: null,
      caveat: /^The model as written cannot train: tfjs trains BatchNormalization only over the last axis, and bn1 normalises axis 1 \(channels-first\)\. The runs used RunningBatchNorm in place of that layer, which normalises any axis of any rank\.$/,
    },
    {
      title: 'cannot train as written, and the copy was cut short: both said',
      report: report([rbn({ swapped: true, steps: 40, stepsPlanned: 40 })], { normSwapped: { reason: 'tfjs trains BatchNormalization only over the last axis', layers: ['bn1', 'bn2'] } }),
      headline: 'Cannot train as written',
      coverage: 'No NaN/Inf or explosion in 40 steps',
      comparison: null,
      caveat: /in place of those layers, which normalises any axis of any rank\. Too short to judge learning: the time budget allowed 40 of 300 steps/,
    },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const verdict = verdictFor(row.report);
      assert.equal(verdict.headline, row.headline);
      assert.equal(verdict.coverage, row.coverage);
      if (row.comparison) {
        assert.match(verdict.comparison ?? '', row.comparison);
        // Without paired seeds there is no interval: never shown as a clear (bold) result.
        assert.equal(verdict.comparisonClear, false);
      } else {
        assert.equal(verdict.comparison, null);
      }
      if (row.caveat) {
        assert.match(verdict.caveat ?? '', row.caveat);
      } else {
        assert.equal(verdict.caveat, null);
      }
    });
  }
});
