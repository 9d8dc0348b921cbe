import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const FIXTURES = path.resolve(__dirname, '../../fixtures/capture-runners');
const DIST = path.resolve(__dirname, '../../../dist');

function request(command: string): SanityRequest {
  return { file: FIXTURES, steps: 30, batchSize: 8, compare: false, backend: 'auto', timeoutMs: 60_000, seed: 1, from: { command, cwd: FIXTURES, capture: 1 } };
}

async function run(command: string): Promise<{ outcome: SanityOutcome; output: string[] }> {
  const output: string[] = [];
  const outcome = await runSanityTrain(request(command), { maxMemoryMb: 2048, onOutput: (line) => output.push(line) });
  return { outcome, output };
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

function errorOf(outcome: SanityOutcome): string {
  assert.equal(outcome.kind, 'error', 'expected a failure');
  return (outcome as { message: string }).message;
}

/** The fixture's test runs still alive (the runner and its test files), once the kill has had up to 5 s to land. */
async function runnersLeft(): Promise<string[]> {
  const alive = () => execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' }).split('\n').filter((l) => !l.trim().startsWith('Z') && /jest|vitest/.test(l) && l.includes('classifier'));
  for (let waited = 0; waited < 5000 && alive().length > 0; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return alive();
}

/** The fixture test's own line after a capture: printed only when its fit() returned. */
const ranOn = (output: string[]) => output.some((line) => line.trim() === 'trained');

describe('sanity --from: capture from Jest and Vitest tests', function () {
  this.timeout(120_000);

  before(function () {
    if (!fs.existsSync(path.join(DIST, 'capture-hook.js')) || !fs.existsSync(path.join(DIST, 'capture-session.js'))) {
      throw new Error('dist/capture-hook.js is missing: run npm run build before these tests');
    }
  });

  const trains: { command: string; file: string; line: number; bnLine: number; learningRate: number }[] = [
    { command: 'npx jest classifier.test.js', file: 'classifier.test.js', line: 17, bnLine: 8, learningRate: 0.01 },
    { command: 'npx vitest run classifier.vitest.test.mjs', file: 'classifier.vitest.test.mjs', line: 18, bnLine: 9, learningRate: 0.001 },
    // A package script that runs the runner: `npm test` runs jest.
    { command: 'npm test', file: 'classifier.test.js', line: 17, bnLine: 8, learningRate: 0.01 },
  ];
  for (const { command, file, line, bnLine, learningRate } of trains) {
    it(`${command}: the model the test fits, where it fits it, on its own examples, and the run stopped there`, async () => {
      const { outcome, output } = await run(command);
      const report = reportOf(outcome);
      assert.equal(report.model, 'createClassifier');
      assert.equal(report.capture?.command, command);
      assert.equal(report.capture?.kind, 'fit');
      assert.equal(report.capture?.data, 'captured');
      assert.deepEqual(report.capture?.site, { file: path.join(FIXTURES, file), line });
      assert.equal(report.capture?.examples, 300);
      assert.equal(report.capture?.heldOut, 60);
      assert.equal(report.capture?.compile?.optimizer, 'Adam');
      assert.equal(report.capture?.compile?.optimizerConfig.learningRate, learningRate);
      assert.ok(report.runs.every((r) => r.steps === 30 && r.nan === null));
      // The layers map to the lines of the builder the test called.
      assert.equal(report.runs[0].layers?.find((l) => l.className === 'BatchNormalization')?.source?.line, bnLine);
      assert.ok(!ranOn(output), 'the test is stopped at its fit() and never reaches its next line');
      assert.deepEqual(await runnersLeft(), [], 'the runner and its processes are ended');
    });
  }

  it("npx jest loop.test.js: a test that trains in its own loop is stopped at its first update, though Jest catches the stop; the model it built is sanity-trained", async () => {
    const { outcome, output } = await run('npx jest loop.test.js');
    const report = reportOf(outcome);
    assert.equal(report.capture?.kind, 'applyGradients');
    // Where the test built the model: tfjs's frames, which Jest's source maps name by tfjs's own sources, are not it.
    assert.deepEqual(report.capture?.site, { file: path.join(FIXTURES, 'loop.test.js'), line: 6 });
    assert.notEqual(report.capture?.data, 'captured');
    assert.ok(report.runs.every((r) => r.steps === 30 && r.nan === null));
    assert.ok(!output.some((line) => line.trim() === 'looped'), 'the loop does not run on');
    // The test file has ended by then: Jest 30 would have soft-deleted tfjs's engine, and wasm could not start in it.
    assert.equal(report.backend, 'wasm', JSON.stringify(report.backendSkipped));
  });

  it('npx vitest run builds.vitest.test.mjs: a test that only builds a model hands it over when Vitest stops its worker, and Vitest waits for the session', async () => {
    const report = reportOf((await run('npx vitest run builds.vitest.test.mjs')).outcome);
    assert.equal(report.capture?.kind, 'built');
    assert.deepEqual(report.capture?.site, { file: path.join(FIXTURES, 'builds.vitest.test.mjs'), line: 6 });
    assert.ok(report.runs[0].steps > 0);
    assert.deepEqual(await runnersLeft(), []);
  });

  const idle: { command: string }[] = [{ command: 'npx jest shapes.test.js' }, { command: 'npx vitest run shapes.vitest.test.mjs' }];
  for (const { command } of idle) {
    it(`${command}: a test file that never trains says there was nothing to capture`, async () => {
      const { outcome } = await run(command);
      assert.equal(errorOf(outcome), `\`${command}\` exited without building or training a tfjs model (nothing to capture): run the script or test that trains it`);
    });
  }
});
