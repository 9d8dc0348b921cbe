import * as assert from 'node:assert/strict';
import type { NormKind, WorkerMessage } from '../../../src/core/training/protocol';
import { ProgressTracker } from '../../../src/vscode/sanity/panel/progress-tracker';

const progress = (run: number, step: number, norm: NormKind = 'batchNormalization', loss: number | null = 0.5): WorkerMessage => ({
  type: 'progress',
  run,
  norm,
  step,
  totalSteps: 300,
  loss,
});

describe('progress tracker (notification updates)', () => {
  it('one run: percent of steps, step count and loss in the message', () => {
    const t = new ProgressTracker(1, 0);
    assert.deepEqual(t.update(progress(0, 30), 0), { increment: 10, message: 'step 30/300 · loss 0.5' });
    assert.deepEqual(t.update(progress(0, 150, 'batchNormalization', null), 1), { increment: 40, message: 'step 150/300 · loss —' });
  });

  it('compare: each run is half the bar, and the message names the run', () => {
    const t = new ProgressTracker(2, 0);
    let total = 0;
    for (const m of [progress(1, 300), progress(2, 150, 'runningBatchNorm'), progress(2, 300, 'runningBatchNorm')]) {
      total += t.update(m, 0)?.increment ?? 0;
    }
    assert.equal(total, 100);
    assert.equal(t.update(progress(2, 300, 'runningBatchNorm'), 0)?.message, 'RunningBatchNorm (run 2/2): step 300/300 · loss 0.5');
  });

  it("a Compare's runs side by side fill the bar together; later paired seeds name their seed and add nothing", () => {
    const t = new ProgressTracker(2, 0);
    assert.equal(t.update({ ...progress(0, 30), seed: 1 } as WorkerMessage, 0)?.increment, 5);
    assert.equal(t.update({ ...progress(1, 30, 'runningBatchNorm'), seed: 1 } as WorkerMessage, 0)?.increment, 5);
    assert.ok(Math.abs((t.update({ ...progress(0, 300), seed: 1 } as WorkerMessage, 0)?.increment ?? 0) - 45) < 1e-9);
    const later = t.update({ ...progress(1, 10, 'runningBatchNorm'), seed: 2 } as WorkerMessage, 0);
    assert.deepEqual(later, { increment: 0, message: 'paired seed 2, RunningBatchNorm (run 2/2): step 10/300 · loss 0.5' });
  });

  it('throttles per-step messages but always shows the last step and NaN news', () => {
    const t = new ProgressTracker(1, 100);
    assert.ok(t.update(progress(0, 1), 1000));
    assert.equal(t.update(progress(0, 2), 1050), undefined);
    assert.ok(t.update(progress(0, 3), 1100));
    assert.ok(t.update(progress(0, 300), 1101), 'last step');
    const nan = t.update({ type: 'layerNaN', run: 0, finding: { step: 7, layer: 'bn', className: 'BatchNormalization', where: 'output', source: null } }, 1102);
    assert.equal(nan?.message, 'NaN/Inf at step 7 in layer "bn" (BatchNormalization); finishing the report…');
  });

  it('never goes backwards or past 100%', () => {
    const t = new ProgressTracker(1, 0);
    assert.equal(t.update(progress(0, 200), 0)?.increment.toFixed(6), (200 / 3).toFixed(6));
    assert.equal(t.update(progress(0, 100), 0)?.increment, 0);
    assert.equal(t.update(progress(0, 900), 0)?.increment.toFixed(6), (100 / 3).toFixed(6));
    assert.equal(t.update(progress(5, 10), 0)?.increment, 0, 'an unexpected extra run does not overflow');
  });

  it('ignores messages that are not progress', () => {
    const t = new ProgressTracker(1, 0);
    assert.equal(t.update({ type: 'error', reason: 'threw', message: 'x' }, 0), undefined);
  });
});
