import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

function request(file: string, overrides: Partial<SanityRequest>): SanityRequest {
  return { file: path.join(FIXTURES, file), steps: 3, batchSize: 8, compare: false, backend: 'wasm', timeoutMs: 60_000, seed: 1, ...overrides };
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

describe('sanity-train fits the batch to the machine (child process)', function () {
  this.timeout(120_000);

  it('a batch too big for the memory cap is halved until a step fits, for both runs of --compare, and the report says so', async () => {
    // About 8 MB per example in the backward pass: 256 examples want 2 GB; a 600 MB cap leaves a few hundred
    // besides what the process holds, and a budget with room for the steps leaves the batch to the memory.
    const outcome = await runSanityTrain(request('batch-fit.ts', { model: 'buildWideConv', batchSize: 256, compare: true, steps: 2, timeoutMs: 90_000 }), { workerScript: WORKER, maxMemoryMb: 600 });
    const report = reportOf(outcome);
    const fit = report.batchFit!;
    assert.equal(fit.requested, 256);
    assert.equal(fit.reason, 'memory', JSON.stringify(fit));
    assert.ok(fit.batchSize >= 2 && fit.batchSize <= 64, String(fit.batchSize));
    assert.ok(fit.stepBytes <= fit.memoryRoomBytes && fit.stepBytesRequested > fit.memoryRoomBytes, JSON.stringify(fit));
    assert.deepEqual(report.runs.map((r) => r.batchSize), [fit.batchSize, fit.batchSize]);
    assert.ok(report.runs.every((r) => r.steps === 2 && r.nan === null));
    const note = new RegExp(`^batch size lowered from 256 to ${fit.batchSize} to fit the worker's 600 MB memory cap \\(2\\.9 k parameters, ~1\\.9 GB per step at batch size 256\\)$`);
    assert.ok(report.notes?.some((n) => note.test(n)), JSON.stringify(report.notes));
  });

  it('a model too large even at batch size 1 names the field its input shape comes from, and runs with it halved', async () => {
    // 12.6 M weights (128×128×3 flattened into 256 units) want about 900 MB for Adam's update, more than an 800 MB
    // cap leaves besides the process; halved to 64×64×3 they are a quarter of that.
    const first = await runSanityTrain(request('batch-fit.ts', { model: 'FlatImageClassifier.buildModel' }), { workerScript: WORKER, maxMemoryMb: 800 });
    assert.equal(first.kind, 'error');
    const failure = first as Extract<SanityOutcome, { kind: 'error' }>;
    assert.equal(failure.reason, 'memory', failure.message);
    assert.match(failure.message, /even at batch size 1 .*; the input \[128, 128, 3\] comes from this\.inputShape: halve it with --instance-vars '\{ inputShape: \[64, 64, 3\] \}' or use a smaller model$/);
    assert.equal(failure.batchSize, 1, 'no smaller batch to retry or offer');
    assert.deepEqual(failure.smallerInput?.change, { instanceVars: { inputShape: [64, 64, 3] }, instanceVarsSource: 'input halved to 64×64×3 to fit', instanceVarsTyped: ['inputShape'] });
    const again = reportOf(await runSanityTrain(request('batch-fit.ts', { model: 'FlatImageClassifier.buildModel', ...failure.smallerInput?.change }), { workerScript: WORKER, maxMemoryMb: 800 }));
    assert.deepEqual(again.call?.instanceVars, { inputShape: [64, 64, 3] });
    assert.equal(again.runs[0].steps, 3);
  });

  it('the batch asked for, when it fits, runs as asked and the report says so', async () => {
    const report = reportOf(await runSanityTrain(request('batch-fit.ts', { model: 'buildWideConv', args: [16] }), { workerScript: WORKER }));
    assert.deepEqual({ requested: report.batchFit?.requested, batchSize: report.batchFit?.batchSize, reason: report.batchFit?.reason }, { requested: 8, batchSize: 8, reason: undefined });
    assert.equal(report.runs[0].batchSize, 8);
    assert.ok(!report.notes?.some((n) => n.startsWith('batch size lowered')));
  });

  it('a step too long for the budget at the batch asked for trains at a smaller one, in time, and says why', async () => {
    // 256 examples of 64×64 take seconds per step on wasm: a 25 s budget (most of it left after loading)
    // fits only a few dozen, even on a machine several times faster than this one; the memory fits all 256.
    const timeoutMs = 25_000;
    const started = Date.now();
    const outcome = await runSanityTrain(request('batch-fit.ts', { model: 'buildWideConv', batchSize: 256, timeoutMs, steps: 300 }), { workerScript: WORKER, maxMemoryMb: 4096 });
    const report = reportOf(outcome);
    assert.ok(Date.now() - started < timeoutMs + 2000, 'finished inside the budget');
    const fit = report.batchFit!;
    assert.equal(fit.reason, 'time', JSON.stringify(fit));
    assert.ok(fit.batchSize < 256 && report.runs[0].batchSize === fit.batchSize && report.runs[0].steps >= 1, JSON.stringify({ fit, steps: report.runs[0].steps }));
    const note = new RegExp(`^batch size lowered from 256 to ${fit.batchSize} to fit the 25 s budget \\(2\\.9 k parameters; one step at batch size 256 would take about [\\d.]+ s on wasm\\)$`);
    assert.ok(report.notes?.some((n) => note.test(n)), JSON.stringify(report.notes));
  });
});
