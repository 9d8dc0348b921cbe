import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { verdictFor } from '../../../src/core/training/report/report-verdict';
import { runSanityTrain } from '../../../src/worker/launcher';

const AUDIO = path.resolve(__dirname, '../../fixtures/sanity/builders/audio');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');
const STAND_IN_NOTE = 'The module used OfflineAudioContext at import (browser-only): sanity-train gave it an inert stand-in.';

function request(file: string, overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: path.join(AUDIO, file), steps: 3, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic', ...overrides };
}

async function run(req: SanityRequest): Promise<SanityOutcome> {
  return runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

describe('browser-only APIs and unusual shapes (through the worker)', function () {
  this.timeout(60_000);

  it('a sibling import that makes an OfflineAudioContext at its top level: a stand-in, and the model trains', async () => {
    const report = reportOf(await run(request('frame-model.ts', { model: 'FrameCnn' })));
    assert.deepEqual(report.browserStandIns, ['OfflineAudioContext']);
    assert.ok(report.notes?.includes(STAND_IN_NOTE), JSON.stringify(report.notes));
    assert.equal(report.runs[0].steps, 3);
    assert.ok((report.trainableParams ?? 0) > 0);
    // The optional constructor parameter needs no --args.
    assert.deepEqual(report.call?.args, []);
    assert.equal(report.call?.argsSource, 'defaults in the signature');
    assert.equal(verdictFor(report).headline, 'Trains cleanly');
  });

  it('a variable time axis ([null, 12, 1]) gets a concrete length, said in a note; --ctor-args fill the optional constructor parameter', async () => {
    // As the real-code bench types it for --model Class: an empty --args, the constructor's in --ctor-args.
    const report = reportOf(await run(request('frame-model.ts', { model: 'FrameCnn', args: [], ctorArgs: ['sigmoid'] })));
    assert.ok(report.notes?.includes("ran the model's input [null, 12, 1] as [16, 12, 1]: a variable dimension needs one length for synthetic data (export sanityData() to train on your own lengths)"), JSON.stringify(report.notes));
    assert.deepEqual(report.call?.args, ['sigmoid']);
    // A sigmoid over [time, units] is a 0/1 target per element: classification.
    assert.equal(report.task, 'classification');
  });

  it('a builder that really uses the stand-in fails in one line naming the API', async () => {
    const outcome = await run(request('uses-audio.ts', { model: 'buildResampledNet' }));
    assert.equal(outcome.kind, 'error');
    const failure = outcome as { reason: string; message: string };
    assert.equal(failure.reason, 'threw');
    assert.match(
      failure.message,
      /^buildResampledNet\(\) threw: BrowserOnlyError: OfflineAudioContext\.sampleRate is browser-only; sanity-train runs your model in Node and gave the module an inert stand-in for OfflineAudioContext \(at [^)]*uses-audio\.ts:\d+\) — build the model without it, or behind a check that it exists$/,
    );
    assert.equal(failure.message.split('\n').length, 1);
  });

  it('code that checks typeof AudioContext first gets no stand-in', async () => {
    const report = reportOf(await run(request('feature-detect.ts', { model: 'buildPortableNet' })));
    assert.equal(report.browserStandIns, undefined);
    assert.ok(!(report.notes ?? []).some((n) => /stand-in/.test(n)), JSON.stringify(report.notes));
    assert.equal(report.runs[0].steps, 3);
  });

  it('every layer frozen: it runs, and the report says nothing trained', async () => {
    const report = reportOf(await run(request('frame-model.ts', { model: 'FrozenFrameCnn' })));
    assert.equal(report.trainableParams, 0);
    assert.equal(report.runs[0].steps, 3);
    assert.equal(report.runs[0].nan, null);
    const verdict = verdictFor(report);
    assert.equal(verdict.headline, 'Nothing to train');
    assert.match(verdict.caveat ?? '', /^Nothing trained: every layer of the model is frozen/);
    assert.ok(report.notes?.some((n) => n.endsWith('the optimizer is unused: every layer is frozen, so no weight is updated')), JSON.stringify(report.notes));
  });
});
