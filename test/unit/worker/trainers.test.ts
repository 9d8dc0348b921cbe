/**
 * Builders that train the model they build (training-in-builder.ts) and builders whose own body throws
 * before they build it (past-builder-error.ts), through the worker as the CLI runs them.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const FILE = path.resolve(__dirname, '../../fixtures/sanity/generalised/trainers.js');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

function run(overrides: Partial<SanityRequest>): Promise<SanityOutcome> {
  const req: SanityRequest = { file: FILE, steps: 3, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 60_000, seed: 1, data: 'synthetic', ...overrides };
  return runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

describe('builders that train their model, or throw before they build it (worker)', function () {
  this.timeout(120_000);

  it('a trainer given its arrays: stopped at its fit(), the model it was training is trained, as it compiled it', async () => {
    const report = reportOf(await run({ model: 'trainOnArrays', args: [5] }));
    assert.equal(report.runs[0].steps, 3);
    assert.ok(report.notes?.includes('trainOnArrays() trains the model it builds (model.fit() at trainers.js:42): sanity-train stopped it at that call and trained that model, as the builder compiled it'), String(report.notes));
    assert.ok(report.notes?.some((n) => /^optimizer: SGD \(lr 0\.05\), categoricalCrossentropy, from the model's compile\(\)/.test(n)), String(report.notes));
  });

  it('a trainer that catches what its fit() throws and returns a score: the model it was training', async () => {
    const report = reportOf(await run({ model: 'scoreQuietly', args: [5] }));
    assert.equal(report.runs[0].steps, 3);
    assert.match(report.notes?.[0] ?? '', /^scoreQuietly\(\) trains the model it builds \(model\.fit\(\) at trainers\.js:49\)/);
  });

  it('an objective whose data loading throws: the statements that threw are skipped, its fitDataset() hands over the model its finally would dispose, both said', async () => {
    const report = reportOf(await run({ model: 'objective', args: [{ bucket: 'rows', units: 5 }] }));
    assert.equal(report.runs[0].steps, 3);
    assert.ok(report.runs[0].finalLoss !== null && Number.isFinite(report.runs[0].finalLoss), 'the disposed-in-finally model still trains');
    assert.match(report.notes?.[0] ?? '', /^objective\(\) throws before it hands over its model: TypeError: .* \(at .*trainers\.js:11\); sanity-train skipped the 2 statements of its body that threw, ran the rest and trained the model it built \(what the skipped statements set was left undefined\)$/);
    assert.match(report.notes?.[1] ?? '', /^objective\(\) trains the model it builds \(model\.fitDataset\(\) at trainers\.js:30\)/);
  });

  it('a builder that builds its model, then loops over data it never got: the loop is skipped, the model it returns trains', async () => {
    const report = reportOf(await run({ model: 'loopOverData', args: [{ epochs: 3 }] }));
    assert.equal(report.runs[0].steps, 3);
    assert.match(report.notes?.[0] ?? '', /^loopOverData\(\) throws before it hands over its model: TypeError: Cannot read properties of undefined \(reading 'nextBatch'\) \(at .*trainers\.js:71\); sanity-train skipped the statement of its body that threw/);
  });

  it('a trainer given an object where it expects a tensor: its tensor arithmetic is skipped (`.add(` on a call\'s result builds no layer), the model it fits trains', async () => {
    const report = reportOf(await run({ model: 'standardiseAndTrain', args: [{ count: 2 }, null, true] }));
    assert.equal(report.runs[0].steps, 3);
    assert.deepEqual(report.runs[0].graph?.nodes.at(-1)?.outputShape, [null, 2]);
    assert.match(report.notes?.[0] ?? '', /^standardiseAndTrain\(\) throws before it hands over its model: Error: Argument 'x' passed to 'moments' must be a Tensor .*sanity-train skipped the 3 statements of its body that threw/);
  });

  it('a service whose catch swallows the failed download before it builds (this.model stays null): its try block runs statement by statement, the model it builds trains, said so', async () => {
    const report = reportOf(await run({ model: 'WeightsService.load' }));
    assert.equal(report.runs[0].steps, 3);
    assert.match(report.notes?.[0] ?? '', /^WeightsService\.load\(\) kept no model: its catch swallowed what stopped it: Error: HTTP 404 \(at .*trainers\.js:\d+\); sanity-train skipped the 2 statements of its body that threw, ran the rest and trained the model it built/);
  });

  it('a helper that made layers, then threw: not skipped (the model would differ), the builder\'s own error stands', async () => {
    const outcome = await run({ model: 'blockFails', args: [null] });
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /^blockFails\(\) threw: TypeError: Cannot read properties of null \(reading 'units'\) \(at .*trainers\.js:80\)/);
  });

  it('a builder whose data loading throws and then a statement that makes a layer: that statement is never skipped, the builder\'s own error stands', async () => {
    const outcome = await run({ model: 'brokenLayer', args: [{ bucket: 'rows' }] });
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /^brokenLayer\(\) threw: TypeError: .*trainers\.js:11/);
  });
});
