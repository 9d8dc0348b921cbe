/**
 * A Compare whose run runs out of memory in training (the batch estimate was wrong) runs again once,
 * both runs at half the batch in fresh workers, within what is left of the budget; the report keeps
 * the batch asked for and says what happened (as a single run does, see batch-fit.test.ts).
 * The failure is forced by a fixture layer that aborts as wasm's allocator does above a batch size.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { SanityOutcome, SanityRequest } from '../../../src/core/training/protocol';
import { runCompare } from '../../../src/worker/compare/compare-launcher';

const ROOT = path.resolve(__dirname, '../../..');
const WORKER = path.join(ROOT, 'src/worker/sanity-worker.ts');
const FILE = path.join(ROOT, 'test/fixtures/sanity/memory-overflow.ts');

function request(model: string, overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: FILE, model, steps: 12, batchSize: 8, compare: true, backend: 'cpu', timeoutMs: 60_000, seed: 1, telemetry: false, ...overrides };
}

function compare(req: SanityRequest, startedAtMs?: number): Promise<SanityOutcome> {
  return runCompare(req, { workerScript: WORKER, maxMemoryMb: 2048, cores: 2, maxSeeds: 1, ...(startedAtMs !== undefined ? { startedAtMs } : {}) });
}

const RETRY_NOTE = 'batch size 8 ran out of memory in a first try (more than its estimate), so the Compare ran again with both runs at 4 in fresh workers';

describe('Compare after a memory failure: one retry at half the batch (child processes)', function () {
  this.timeout(180_000);

  it('fits at half the batch: both runs train at 4, the report keeps 8 as asked and says why', async () => {
    const outcome = await compare(request('buildOverflowAbove4'));
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
    const report = (outcome as Extract<SanityOutcome, { kind: 'report' }>).report;
    assert.deepEqual(report.runs.map((r) => r.norm), ['batchNormalization', 'runningBatchNorm']);
    assert.equal(report.runs[0].steps, report.runs[1].steps);
    assert.ok(report.runs[0].steps > 0);
    assert.equal(report.notes?.[0], RETRY_NOTE);
    assert.equal(report.batchFit?.requested, 8);
    assert.equal(report.batchFit?.batchSize, 4);
    assert.equal(report.batchFit?.reason, 'memory');
    assert.match(report.batchFit?.note ?? '', new RegExp(`^${RETRY_NOTE.replace(/[()]/g, '\\$&')}`));
    assert.ok(report.comparison, 'the retried Compare compares');
  });

  it('still out of memory at half: the failure says both tries, and there is no third', async () => {
    const outcome = await compare(request('buildAlwaysOverflows'));
    assert.equal(outcome.kind, 'error');
    const failure = outcome as Extract<SanityOutcome, { kind: 'error' }>;
    assert.equal(failure.reason, 'memory');
    assert.match(failure.message, /at batch size 4/);
    assert.ok(failure.message.endsWith(`(${RETRY_NOTE})`), failure.message);
  });

  it('no time left for a second try: the first failure, as it was', async () => {
    // Started 460 of its 600 s ago: the 140 s left are plenty for the first try on a busy machine, and
    // below the quarter of the budget a retry needs.
    const outcome = await compare(request('buildAlwaysOverflows', { timeoutMs: 600_000 }), Date.now() - 460_000);
    assert.equal(outcome.kind, 'error');
    const failure = outcome as Extract<SanityOutcome, { kind: 'error' }>;
    assert.equal(failure.reason, 'memory', failure.message);
    assert.match(failure.message, /at batch size 8/);
    assert.ok(!failure.message.includes('first try'), failure.message);
  });
});
