import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { formatSanity, parseSanityArgs } from '../../../src/cli/commands/sanity';
import type { RunReport, SanityReport } from '../../../src/core/training/protocol';
import { MAX_WASM_THREADS, resolveThreadCount, threadSupportProblem } from '../../../src/worker/backends/wasm-threads';
import { buildSanityRequest, DEFAULT_SANITY_SETTINGS, sanitizeSettings } from '../../../src/vscode/sanity/sanity-request';
import { SIMD_SWITCH_VARIABLE } from '../../../src/worker/backends/wasm-kernels/simd/simd-module';
import { relativeError } from './kernel-harness';
import { MODEL_TS, rbn, tempProject } from '../cli/cli-helpers';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');

interface ChildResult {
  threads: { count: number; note?: string };
  /** The heap the SIMD kernels (wasm-kernels/simd/) run on: the threaded build's memory is shared. */
  simdMemory: 'plain' | 'shared' | 'none';
  losses: number[];
  weights: number[][];
}

/** One training run in its own process (wasm's thread count is fixed per process). */
async function trainInChild(threads: number, env: Record<string, string> = {}): Promise<ChildResult> {
  const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
  const { stdout } = await run(tsx, [path.join(__dirname, 'threaded-step-child.ts')], { cwd: ROOT, env: { ...process.env, ...env, THREADS: String(threads) }, timeout: 120_000 });
  return JSON.parse(stdout) as ChildResult;
}

describe('wasm threads in Node', function () {
  this.timeout(240_000);

  const counts: [number | undefined, number, number][] = [
    [undefined, 2, 1], [undefined, 1, 1], [0, 6, 3], [0, 16, 8], [3, 2, 3], [1, 16, 1], [12, 2, MAX_WASM_THREADS], [0, 32, MAX_WASM_THREADS], [-4, 4, 2], [2.7, 4, 2], [Number.NaN, 7, 3],
  ];
  counts.forEach(([requested, available, expected]) => {
    it(`resolves ${String(requested)} with ${available} cores available to ${expected} thread(s)`, () => {
      assert.equal(resolveThreadCount(requested, available), expected);
    });
  });

  it('starts the threaded build with 2 threads and trains a conv net step as the single-threaded build does', async function () {
    const problem = threadSupportProblem();
    if (problem) {
      this.skip();
    }
    // One thread runs the SIMD convolutions, the threaded build XNNPACK's (its own sums' order): the
    // threaded run is compared with one thread without the SIMD module, the SIMD run with both.
    const [single, threaded, singleXnnpack] = [await trainInChild(1), await trainInChild(2), await trainInChild(1, { [SIMD_SWITCH_VARIABLE]: 'off' })];
    assert.deepEqual(single.threads, { count: 1 });
    assert.deepEqual(threaded.threads, { count: 2 }, 'the report would say 2 threads');
    assert.deepEqual([single.simdMemory, threaded.simdMemory, singleXnnpack.simdMemory], ['plain', 'shared', 'none']);
    assert.ok(relativeError(threaded.losses, singleXnnpack.losses) < 1e-4, `losses ${JSON.stringify([singleXnnpack.losses, threaded.losses])}`);
    threaded.weights.forEach((w, i) => assert.ok(relativeError(w, singleXnnpack.weights[i]) < 1e-3, `weight ${i}: ${relativeError(w, singleXnnpack.weights[i])}`));
    assert.ok(relativeError(single.losses, singleXnnpack.losses) < 1e-5, `losses ${JSON.stringify([single.losses, singleXnnpack.losses])}`);
    // Float32 sums in another order flip ReLUs at values near 0, and Adam's first steps move a weight
    // by about lr·sign(g) whatever g's size: up to 2e-3 of the dense kernel measured after 2 steps.
    single.weights.forEach((w, i) => assert.ok(relativeError(w, singleXnnpack.weights[i]) < 1e-2, `weight ${i}: ${relativeError(w, singleXnnpack.weights[i])}`));
  });

  it('falls back to one thread, with a note saying why, when the threaded build cannot start', async function () {
    if (threadSupportProblem()) {
      this.skip();
    }
    // The child bundled and run by node itself (tsx needs the temp folder this test takes away).
    const esbuild = await import('esbuild');
    const bundled = path.join(ROOT, 'node_modules', '.cache', 'rbn-wasm-threads-test', 'child.cjs');
    await esbuild.build({ entryPoints: [path.join(__dirname, 'threaded-step-child.ts')], bundle: true, platform: 'node', external: ['@tensorflow/*'], outfile: bundled, logLevel: 'error' });
    // A temp folder that is a file: the pthread worker's script cannot be written.
    const { stdout } = await run(process.execPath, [bundled], { cwd: ROOT, env: { ...process.env, THREADS: '2', TMPDIR: bundled }, timeout: 120_000 });
    const result = JSON.parse(stdout) as ChildResult;
    assert.equal(result.threads.count, 1);
    assert.match(result.threads.note ?? '', /^1 of 2 wasm threads: the threaded build did not start \(.*rbn-wasm-pthread-/);
    assert.ok(result.losses.every(Number.isFinite), 'it trained');
  });

  it('rbn sanity --threads 2 trains on 2 wasm threads and its JSON report says so', async function () {
    if (threadSupportProblem()) {
      this.skip();
    }
    const root = tempProject({ 'model.ts': MODEL_TS });
    const { code, stdout, stderr } = await rbn(['sanity', 'model.ts', '--steps', '2', '--backend', 'wasm', '--threads', '2', '--data', 'synthetic', '--json'], root);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.equal(report.backend, 'wasm');
    assert.equal(report.threads, 2);
    assert.equal(report.threadsNote, undefined);
  });

  it('--threads: 0 is auto, a positive integer is taken, anything else is a usage error', () => {
    assert.equal(parseSanityArgs(['m.js'], '/p').request.threads, undefined);
    assert.equal(parseSanityArgs(['m.js', '--threads', '0'], '/p').request.threads, 0);
    assert.equal(parseSanityArgs(['m.js', '--threads', '4'], '/p').request.threads, 4);
    for (const bad of ['1.5', 'many', '']) {
      assert.throws(() => parseSanityArgs(['m.js', '--threads', bad], '/p'), /--threads must be 0 \(auto\) or a positive integer/);
    }
  });

  it('runningBatchNorm.sanity.threads: 0 leaves the request on auto, a count goes through, a bad value falls back to 0', () => {
    assert.ok(!('threads' in buildSanityRequest('/p/m.js', 'f', false, DEFAULT_SANITY_SETTINGS)));
    assert.equal(buildSanityRequest('/p/m.js', 'f', false, { ...DEFAULT_SANITY_SETTINGS, threads: 2 }).threads, 2);
    assert.equal(sanitizeSettings({ ...DEFAULT_SANITY_SETTINGS, threads: -3 }).threads, 0);
  });

  it('the CLI summary says how many threads ran, and why fewer when it was fewer', () => {
    const runReport = { norm: 'batchNormalization', steps: 1, batchSize: 8, finalLoss: 1, accuracy: null, error: null, stepsPerSecond: 1, nan: null, exploding: [] } as unknown as RunReport;
    const base: SanityReport = { backend: 'wasm', data: 'synthetic', task: 'regression', model: 'f', file: 'm.js', runs: [runReport] };
    assert.match(formatSanity({ ...base, threads: 4 }).split('\n')[0], /backend wasm \(4 threads\)$/);
    assert.match(formatSanity({ ...base, threads: 1, threadsNote: '1 of 4 wasm threads: this Node has no SharedArrayBuffer/Atomics' }).split('\n')[0], /\(1 thread: 1 of 4 wasm threads: this Node has no SharedArrayBuffer\/Atomics\)$/);
    assert.doesNotMatch(formatSanity(base).split('\n')[0], /thread/);
  });
});
