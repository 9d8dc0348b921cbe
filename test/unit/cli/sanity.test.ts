import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { formatSanity, parseSanityArgs } from '../../../src/cli/commands/sanity';
import type { SanityReport } from '../../../src/core/training/protocol';
import { rbn } from './cli-helpers';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity');

describe('rbn sanity', function () {
  this.timeout(60_000);

  it('prints the issue-6 JSON and exits 0 for a healthy model', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'healthy.ts', '--json', '--steps', '30', '--batch-size', '4', '--backend', 'cpu', '--compare'], FIXTURES);
    assert.equal(code, 0, stderr);
    const json = JSON.parse(stdout) as SanityReport;
    assert.equal(json.backend, 'cpu');
    assert.equal(json.data, 'synthetic');
    assert.equal(json.task, 'classification');
    assert.equal(json.file, 'healthy.ts');
    assert.deepEqual(json.runs.map((r) => [r.norm, r.steps, r.batchSize, r.nan]), [['batchNormalization', 30, 4, null], ['runningBatchNorm', 30, 4, null]]);
    for (const run of json.runs) {
      for (const key of ['finalLoss', 'accuracy', 'stepsPerSecond', 'exploding']) {
        assert.ok(key in run, key);
      }
    }
  });

  it('exits 1 and names layer and line when training goes NaN', async () => {
    const { code, stdout } = await rbn(['sanity', path.join(FIXTURES, 'exploding.ts'), '--model', 'buildModel', '--json', '--steps', '20'], FIXTURES);
    assert.equal(code, 1);
    const json = JSON.parse(stdout) as SanityReport;
    assert.equal(json.runs[0].nan?.source?.file, 'exploding.ts', 'paths are relative to the working folder');
    assert.equal(json.runs[0].nan?.source?.line, 12);
  });

  it('prints a readable summary by default', async () => {
    const { code, stdout } = await rbn(['sanity', 'exploding.ts', '--steps', '20', '--backend', 'cpu'], FIXTURES);
    assert.equal(code, 1);
    assert.match(stdout, /^exploding\.ts › buildModel: synthetic regression data, backend cpu$/m);
    assert.match(stdout, /NaN\/Inf at step \d+: \w+ of layer dense_Dense2 \(Dense\) \(exploding\.ts:12\)/);
    assert.match(stdout, /exploding weights: dense_Dense2\/kernel grew/);
  });

  const cannotRun: { title: string; args: string[]; stderr: RegExp }[] = [
    { title: 'model code that throws', args: ['failing.ts', '--model', 'throws'], stderr: /^rbn sanity: throws\(\) threw: Error: cannot build the model today.*\[backend \w+ on the bundled tfjs [\d.]+; not used: / },
    { title: 'a timeout', args: ['failing.ts', '--model', 'spins', '--timeout', '2'], stderr: /^rbn sanity: sanity-train ran past its 2 s budget/ },
    { title: 'a missing file', args: ['nope.ts'], stderr: /^rbn sanity: cannot read nope\.ts\n$/ },
    { title: 'no file', args: [], stderr: /sanity needs the file that builds the model/ },
    { title: 'a bad step count', args: ['healthy.ts', '--steps', '1.5'], stderr: /--steps must be a positive integer, got '1\.5'/ },
    { title: 'an unknown backend', args: ['healthy.ts', '--backend', 'webgpu'], stderr: /--backend must be one of auto, cpu, wasm, tensorflow/ },
    { title: 'an unknown data source', args: ['healthy.ts', '--data', 'cifar'], stderr: /--data must be one of mnist, synthetic/ },
    { title: '--data mnist on a model that does not fit it', args: ['healthy.ts', '--data', 'mnist'], stderr: /--data mnist needs a model with 28×28×1/ },
  ];
  for (const c of cannotRun) {
    it(`exits 2 with a one-line reason for ${c.title}`, async () => {
      const { code, stdout, stderr } = await rbn(['sanity', ...c.args], FIXTURES);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, c.stderr);
      assert.equal(stderr.trim().split('\n').length, 1);
    });
  }
});

describe('parseSanityArgs', () => {
  it("--model Class --args: the constructor's arguments reach the worker", async () => {
    const builders = path.join(FIXTURES, 'builders');
    const { code, stdout, stderr } = await rbn(['sanity', 'arena-agent.js', '--model', 'ArenaAgent', '--args', '[{"rows": 5, "cols": 4}]', '--steps', '2', '--backend', 'cpu', '--json'], builders);
    assert.equal(code, 0, stderr);
    const json = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(json.call?.args, [{ rows: 5, cols: 4 }]);
    assert.equal(json.call?.argsSource, 'given with --args');
  });

  it('fills the documented defaults', () => {
    const { request, json } = parseSanityArgs(['m.ts'], '/w');
    assert.deepEqual(request, { file: path.resolve('/w', 'm.ts'), model: undefined, steps: 300, batchSize: 8, compare: false, data: undefined, backend: 'auto', timeoutMs: 60_000, seed: 1 });
    assert.equal(json, false);
  });

  it('reads every option', () => {
    const { request, json } = parseSanityArgs(['m.ts', '--model', 'f', '--steps', '5', '--batch-size', '2', '--lr', '0.4', '--compare', '--data', 'mnist', '--backend', 'wasm', '--timeout', '1.5', '--seed', '3', '--json'], '/w');
    assert.deepEqual(request, { file: path.resolve('/w', 'm.ts'), model: 'f', steps: 5, batchSize: 2, learningRate: 0.4, compare: true, data: 'mnist', backend: 'wasm', timeoutMs: 1500, seed: 3 });
    assert.equal(json, true);
  });

  it('--no-telemetry switches the per-layer telemetry off (on by default)', () => {
    assert.equal(parseSanityArgs(['m.ts'], '/w').request.telemetry, undefined);
    assert.equal(parseSanityArgs(['m.ts', '--no-telemetry'], '/w').request.telemetry, false);
  });
});

describe('formatSanity', () => {
  it('shows regression error and notes', () => {
    const text = formatSanity({ backend: 'cpu', data: 'custom', task: 'regression', model: 'f', file: 'm.ts', notes: ['hello'], runs: [{ norm: 'none', steps: 3, batchSize: 2, finalLoss: 0.5, accuracy: null, error: 0.25, stepsPerSecond: 10, nan: null, exploding: [] }] });
    assert.match(text, /error 0\.2500/);
    assert.match(text, /note: hello/);
    assert.match(text, /No NaN\/Inf or explosion in 3 steps\.\n$/);
  });

  it('a model that cannot train as written: its run is the swapped copy, the reason, and exit code 1', () => {
    const text = formatSanity({ backend: 'cpu', data: 'synthetic', task: 'regression', normSwapped: { reason: 'tfjs trains BatchNormalization only over the last axis', layers: ['bn1'] }, runs: [{ norm: 'runningBatchNorm', swapped: true, steps: 3, batchSize: 2, finalLoss: 0.5, accuracy: null, error: 0.25, stepsPerSecond: 10, nan: null, exploding: [] }] });
    assert.match(text, /\n {2}RunningBatchNorm \(swapped in memory\) +3 steps/);
    assert.match(text, /The model as written cannot train: tfjs trains BatchNormalization only over the last axis\. The runs used RunningBatchNorm in place of that layer/);
    assert.match(text, /No NaN\/Inf or explosion in 3 steps of the RunningBatchNorm copy\. Found problems \(exit code 1\)\.\n$/);
  });

  it('names a gradient explosion by its layer', () => {
    const exploding = [{ step: 40, layer: 'conv_1', className: 'Conv2D', weight: 'conv_1/kernel, conv_1/bias', growth: 1234, source: null, measure: 'gradient' as const }];
    const text = formatSanity({ backend: 'cpu', data: 'synthetic', task: 'classification', runs: [{ norm: 'none', steps: 50, batchSize: 2, finalLoss: 0.5, accuracy: 0.5, stepsPerSecond: 10, nan: null, exploding }] });
    assert.match(text, /exploding gradient: the gradient norm of conv_1 \(Conv2D\) grew 1234× within 50 steps, by step 40\n/);
  });
});
