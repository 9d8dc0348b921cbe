import * as assert from 'node:assert/strict';
import type { NormKind, WorkerMessage } from '../../../src/core/training/protocol';
import { LiveCurves } from '../../../src/vscode/sanity/panel/live-curves';

const progress = (run: number, step: number, loss: number | null, norm: NormKind = 'batchNormalization'): WorkerMessage => ({
  type: 'progress',
  run,
  norm,
  step,
  totalSteps: 300,
  loss,
});

describe('live curves (panel while training)', () => {
  it('collects each run’s steps and losses, labelled in start order', () => {
    const live = new LiveCurves(true);
    for (const m of [progress(0, 1, 2.3), progress(0, 2, 2.1), progress(1, 1, 2.4, 'runningBatchNorm'), progress(1, 5, 1.9, 'runningBatchNorm')]) {
      assert.equal(live.add(m), true);
    }
    const snap = live.snapshot();
    assert.equal(snap.type, 'live');
    assert.deepEqual(
      snap.data.runs.map((r) => [r.label, r.steps, r.losses]),
      [
        ['BatchNorm (as written)', [1, 2], [2.3, 2.1]],
        ['RunningBatchNorm (swapped in memory)', [1, 5], [2.4, 1.9]],
      ],
    );
    assert.equal(snap.status, 'RunningBatchNorm: step 5 of 300, loss 1.9');
    assert.equal(snap.data.maxStep, 300);
  });

  it('non-finite losses become gaps; repeated or backwards steps are ignored', () => {
    const live = new LiveCurves(false);
    live.add(progress(7, 1, Number.NaN));
    live.add(progress(7, 2, 1));
    assert.equal(live.add(progress(7, 2, 5)), false);
    assert.equal(live.add(progress(7, 1, 5)), false);
    assert.deepEqual(live.snapshot().data.runs[0].losses, [null, 1]);
    assert.equal(live.snapshot().status, 'step 2 of 300, loss 1');
  });

  it('marks the NaN step of the run it happened in and says so', () => {
    const live = new LiveCurves(false);
    live.add(progress(0, 1, 2));
    const changed = live.add({ type: 'layerNaN', run: 0, finding: { step: 9, layer: 'bn', className: 'BatchNormalization', where: 'output', source: null } });
    assert.equal(changed, true);
    assert.equal(live.snapshot().data.runs[0].nanStep, 9);
    assert.match(live.snapshot().status, /^NaN\/Inf at step 9 in layer "bn".*Finishing the report…$/);
  });

  it('snapshots are copies: later progress does not change a message already sent', () => {
    const live = new LiveCurves(false);
    live.add(progress(0, 1, 2));
    const first = live.snapshot();
    live.add(progress(0, 2, 1));
    assert.deepEqual(first.data.runs[0].steps, [1]);
  });

  it("a Compare's later paired seeds move the status on and leave the first seed's curves as they are", () => {
    const seeded = (run: number, step: number, loss: number, seed: number) => ({ ...progress(run, step, loss), seed }) as WorkerMessage;
    const live = new LiveCurves(true);
    live.add(seeded(0, 1, 2, 1));
    live.add(seeded(0, 2, 1, 1));
    assert.equal(live.add(seeded(1, 1, 3, 2)), true);
    assert.deepEqual(live.snapshot().data.runs.map((r) => r.steps), [[1, 2]]);
    assert.match(live.snapshot().status, /^Paired seed 2: \w+ step 1 of 300, loss 3$/);
  });

  it('ignores done and error messages', () => {
    const live = new LiveCurves(false);
    assert.equal(live.add({ type: 'error', reason: 'threw', message: 'x' }), false);
    assert.deepEqual(live.snapshot().data.runs, []);
  });
});
