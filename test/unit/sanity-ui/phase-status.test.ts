import { strict as assert } from 'node:assert';
import type { WorkerMessage } from '../../../src/core/training/protocol';
import { PhaseStatus } from '../../../src/vscode/sanity/panel/phase-status';

const phase = (p: 'buildModel' | 'prepareData' | 'timeStep' | 'firstStep', stepMs?: number): WorkerMessage => ({ type: 'phase', phase: p, elapsedMs: 0, ...(stepMs !== undefined ? { stepMs } : {}) });
const progress = (run: number, step: number, totalSteps: number, norm: 'batchNormalization' | 'runningBatchNorm' = 'batchNormalization'): WorkerMessage => ({ type: 'progress', run, norm, step, totalSteps, loss: 0.5 });

describe('PhaseStatus: the status line from the click', () => {
  it('names every phase with the time since the click', () => {
    const s = new PhaseStatus(1000, 1, false);
    const lines: [number, WorkerMessage | undefined, string][] = [
      [1000, undefined, 'starting the training process · 0.0 s'],
      [2500, phase('buildModel'), 'loading the code and building the model · 1.5 s'],
      [4000, phase('prepareData'), 'preparing the data · 3.0 s'],
      [4200, phase('timeStep'), 'timing one training step · 3.2 s'],
      [5000, phase('firstStep', 400), 'first training step · 4.0 s'],
      [5300, progress(0, 1, 100), 'step 1 of 100, loss 0.5 · 4.3 s'],
      [31_000, progress(0, 100, 100), 'scoring the held-out examples · 30 s'],
    ];
    for (const [now, message, expected] of lines) {
      if (message) {
        s.onMessage(message, now);
      }
      assert.equal(s.status(now), expected);
    }
  });

  it('a capture starts with the program; compare names the run; the last run ends in scoring', () => {
    const s = new PhaseStatus(0, 2, true);
    assert.equal(s.status(12_400), 'running the program until it trains a model · 12 s');
    s.onMessage(progress(0, 50, 50), 13_000);
    assert.match(s.status(13_000), /^BatchNorm \(run 1 of 2\): step 50 of 50, loss 0.5 · 13 s$/);
    s.onMessage(progress(1, 50, 50, 'runningBatchNorm'), 14_000);
    assert.equal(s.status(14_000), 'scoring the held-out examples · 14 s');
  });

  it('a first step far slower than the timing expected says so while it runs and after', () => {
    const s = new PhaseStatus(0, 1, false);
    s.onMessage(phase('firstStep', 2000), 10_000);
    assert.equal(s.status(14_000), 'first training step · 14 s', 'twice the estimate plus a second is still fine');
    assert.equal(s.status(16_000), 'first training step, 6.0 s so far: longer than the 2.0 s the timing expected · 16 s');
    s.onMessage(progress(0, 1, 10), 17_800);
    assert.equal(s.status(17_800), 'step 1 of 10, loss 0.5 (the first step took 7.8 s; the timing expected 2.0 s) · 18 s');
  });
});
