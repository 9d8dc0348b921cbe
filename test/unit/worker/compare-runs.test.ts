import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest, WorkerMessage } from '../../../src/core/training/protocol';
import { runCompare, type CompareLaunchOptions } from '../../../src/worker/compare/compare-launcher';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/sanity');
const WORKER = path.join(ROOT, 'src/worker/sanity-worker.ts');

function request(overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: path.join(FIXTURES, 'healthy.ts'), steps: 40, batchSize: 8, compare: true, backend: 'cpu', timeoutMs: 40_000, seed: 1, telemetry: false, ...overrides };
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

/** Live sanity-train workers started by `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) {
      return [];
    }
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const worker = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('sanity-worker');
      return Number(fields[1]) === pid && fields[0] !== 'Z' && worker ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (condition()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

function compare(req: SanityRequest, options: CompareLaunchOptions = {}): Promise<SanityOutcome> {
  return runCompare(req, { workerScript: WORKER, maxMemoryMb: 2048, ...options });
}

describe('Compare: one budget, one worker per run, paired seeds', function () {
  this.timeout(120_000);

  it('side by side (2 cores): both runs of every seed train the same steps, and the report has the interval over the seeds', async () => {
    const report = reportOf(await compare(request({ steps: 30 }), { cores: 2, maxSeeds: 3 }));
    assert.deepEqual(report.runs.map((r) => r.norm), ['batchNormalization', 'runningBatchNorm']);
    assert.deepEqual(report.runs.map((r) => r.steps), [30, 30]);
    const c = report.comparison!;
    assert.equal(c.metric, 'accuracy');
    assert.equal(c.seeds, 3);
    assert.equal(c.method, 'paired-t');
    assert.deepEqual(c.perSeed.map((s) => [s.seed, s.steps]), [[1, 30], [2, 30], [3, 30]]);
    assert.ok(c.interval[0] <= c.difference && c.difference <= c.interval[1]);
    assert.equal(c.perSeed[0].baseline, report.runs[0].accuracy);
    assert.equal(c.schedule?.concurrent, true);
    assert.equal(c.schedule?.workers, 2);
    // Different seeds start from different weights and batches: their runs differ.
    assert.notEqual(new Set(c.perSeed.map((s) => s.baseline)).size, 1);
  });

  it('taking turns (1 core): the same steps for both runs, and the same results as side by side', async () => {
    const turns = reportOf(await compare(request({ steps: 20 }), { cores: 1, maxSeeds: 2 }));
    const side = reportOf(await compare(request({ steps: 20 }), { cores: 2, maxSeeds: 2 }));
    assert.equal(turns.comparison?.schedule?.concurrent, false);
    assert.deepEqual(turns.runs.map((r) => r.steps), [20, 20]);
    // A run depends on its seed alone, not on how the scheduler interleaved it.
    assert.deepEqual(turns.comparison?.perSeed, side.comparison?.perSeed);
    assert.deepEqual(turns.runs[1].losses, side.runs[1].losses);
  });

  it('a small budget on a tiny model: the whole Compare ends within it, both runs at the same step', async () => {
    // Long enough for two workers to load tfjs from source on a busy machine; the steps asked for never fit.
    const timeoutMs = 25_000;
    const started = Date.now();
    const report = reportOf(await compare(request({ steps: 100_000, timeoutMs }), { cores: 2, startedAtMs: started }));
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds <= timeoutMs / 1000, `the Compare took ${seconds} s of its ${timeoutMs / 1000} s budget`);
    assert.equal(report.runs[0].steps, report.runs[1].steps);
    assert.ok(report.runs[0].steps < 100_000);
    assert.ok(report.comparison!.perSeed.every((s) => s.steps === report.runs[0].steps));
    assert.ok(report.notes?.some((n) => /ran \d+ of 100000 steps per run in the 25 s budget/.test(n)), report.notes?.join('\n'));
  });

  it('one seed: the interval is the paired bootstrap over the held-out examples', async () => {
    const report = reportOf(await compare(request({ steps: 20 }), { cores: 2, maxSeeds: 1 }));
    const c = report.comparison!;
    assert.equal(c.seeds, 1);
    assert.equal(c.method, 'paired-bootstrap');
    assert.ok(c.examples > 0);
  });

  it('a model without batch norm trains once and says why, without a comparison', async () => {
    const report = reportOf(await compare(request({ file: path.join(FIXTURES, 'custom-data.ts'), model: 'notExported', steps: 5 }), { cores: 2 }));
    assert.equal(report.runs.length, 1);
    assert.equal(report.comparison, undefined);
    assert.ok(report.notes?.some((n) => /no BatchNormalization or RunningBatchNorm layer to swap/.test(n)));
  });

  it('a model tfjs cannot train as written (channels-first BatchNormalization) trains its RunningBatchNorm copy alone and says why, without a comparison', async () => {
    const report = reportOf(await compare(request({ file: path.join(FIXTURES, 'builders/channels-first.js'), model: 'boardNet', steps: 5 }), { cores: 2 }));
    assert.equal(report.runs.length, 1);
    assert.equal(report.runs[0].norm, 'runningBatchNorm');
    assert.equal(report.runs[0].swapped, true);
    assert.equal(report.runs[0].steps, 5);
    assert.match(report.normSwapped?.reason ?? '', /channels-first/);
    assert.equal(report.comparison, undefined);
    assert.ok(report.notes?.includes('--compare: the model as written cannot train in tfjs, so only its RunningBatchNorm copy ran'), JSON.stringify(report.notes));
  });

  it('cancel ends every worker', async () => {
    const controller = new AbortController();
    let workers: number[] = [];
    const onMessage = (m: WorkerMessage) => {
      if (m.type === 'progress' && !controller.signal.aborted) {
        workers = childrenOf(process.pid);
        controller.abort();
      }
    };
    const outcome = await compare(request({ steps: 100_000, timeoutMs: 60_000 }), { cores: 2, signal: controller.signal, onMessage });
    assert.equal(outcome.kind === 'error' && outcome.reason, 'cancelled');
    assert.ok(workers.length >= 2, `expected both workers running, saw ${workers.length}`);
    assert.ok(await waitFor(() => workers.every((pid) => !alive(pid)), 3000), 'every worker has exited');
  });

  it("the CLI's Ctrl+C (SIGINT) ends every worker", async () => {
    const cli = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src/cli/main.ts'), 'sanity', path.join(FIXTURES, 'healthy.ts'), '--compare', '--backend', 'cpu', '--steps', '100000', '--no-telemetry', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<string>((resolve) => cli.on('exit', (code, signal) => resolve(signal ?? String(code))));
    assert.ok(await waitFor(() => childrenOf(cli.pid!).length >= 2, 60_000), 'the CLI started its two workers');
    // Once the workers train (their IPC is up), interrupt the CLI alone, as a terminal's Ctrl+C reaches it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const workers = childrenOf(cli.pid!);
    cli.kill('SIGINT');
    // Killed by the signal, or (with the CLI's own handler) exit 130 once it has stopped the workers.
    assert.ok(['SIGINT', '130'].includes(await exited), stderr);
    // A worker busy in a long synchronous step (loading wasm on a loaded machine) notices at its end.
    assert.ok(await waitFor(() => workers.every((pid) => !alive(pid)), 20_000), 'every worker has exited');
  });
});
