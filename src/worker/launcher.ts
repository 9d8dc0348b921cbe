/**
 * Starts a sanity-train in a child process and turns whatever happens to it into a SanityOutcome:
 * the caller (the extension host, the CLI) never blocks and never runs user code itself. The child
 * runs with the user's package root as cwd and a V8 heap cap; it is killed on abort and when the
 * request's time budget runs out.
 */
import { findPackageRoot } from './package-root';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SanityOutcome, SanityRequest, SanityRuntime, WorkerMessage } from '../core/training/protocol';
import { formatParams } from './budget/model-size';
import { WAIT_REPORT_MS } from './budget/event-loop-waits';
import { runCapture } from './capture/capture-launcher';
import { resolveThreadCount } from './backends/wasm-threads';
import { runCompare } from './compare/compare-launcher';

export interface SanityLaunchOptions {
  onMessage?: (message: WorkerMessage) => void;
  signal?: AbortSignal;
  /** The worker entry; defaults to dist/worker.js beside the bundle (src/worker/sanity-worker.ts through tsx when run from source). */
  workerScript?: string;
  /** Memory cap of the child in MB (V8 heap and resident set). Defaults to 4096. */
  maxMemoryMb?: number;
  /** When the user asked (Date.now() clock): a Compare's budget counts from there. Defaults to the call. */
  startedAtMs?: number;
  /** Threads each of a Compare's workers gets for its backend; defaults to 1. */
  threadsPerWorker?: number;
  /** With `request.from`: each line the user's program writes, for a log (never onto stdout). */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export { findPackageRoot };

const DEFAULT_MAX_MEMORY_MB = 4096;
const STDERR_TAIL = 4000;

/** dist/worker.js next to the running bundle, else the TypeScript source beside this file. */
export function defaultWorkerScript(): string {
  const bundled = path.join(__dirname, 'worker.js');
  return fs.existsSync(bundled) ? bundled : path.join(__dirname, 'sanity-worker.ts');
}

export function spawnWorker(request: SanityRequest, script: string, maxMemoryMb: number): ChildProcess {
  const execArgv = [`--max-old-space-size=${maxMemoryMb}`];
  if (script.endsWith('.ts')) {
    execArgv.push('--require', require.resolve('tsx/cjs'));
  }
  return fork(script, [], {
    cwd: findPackageRoot(request.file),
    execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, RBN_SANITY_MAX_MEMORY_MB: String(maxMemoryMb), ELECTRON_RUN_AS_NODE: '1' },
  });
}

/** The outcome of a worker that exited without sending a report. */
const NO_STEP_FITS = 'one step does not fit the budget: raise it (--timeout) or pass a smaller input shape with --args';
const WAITING_ADVICE = 'the code fetches or connects to something while it builds: let your program fetch it once on its own, or raise the timeout';

type PhaseMessage = Extract<WorkerMessage, { type: 'phase' }>;

/** Where the worker was before its first training step, from its last `phase` message. */
export function describePhase(phase: PhaseMessage | undefined, silentMs?: number): string {
  if (!phase) {
    return 'loading tfjs';
  }
  const since = `since ${(phase.elapsedMs / 1000).toFixed(1)} s`;
  const model = phase.params !== undefined ? `the model (${formatParams(phase.params)})` : 'the model';
  switch (phase.phase) {
    case 'buildModel':
      return `loading the module and building the model${phase.params !== undefined ? ` (${formatParams(phase.params)} so far)` : ''}, ${since}${buildWaits(phase, silentMs)}`;
    case 'prepareData':
      return `preparing the data for ${model}, ${since}`;
    case 'timeStep':
      return `timing one training step of ${model}, ${since}`;
    case 'firstStep': {
      const expected = phase.stepMs !== undefined ? ` (expected to take about ${(phase.stepMs / 1000).toFixed(1)} s)` : '';
      return `in the first training step of ${model}, started at ${(phase.elapsedMs / 1000).toFixed(1)} s${expected}`;
    }
  }
}

/** The phase as last heard: a wait report keeps what the phase's start said (its weights so far), and the reverse. */
export function nextPhase(previous: PhaseMessage | undefined, message: PhaseMessage): PhaseMessage {
  return previous?.phase === message.phase && previous.elapsedMs === message.elapsedMs ? { ...previous, ...message } : message;
}

/** What the build was doing when time ran out: waiting on something outside (a download, a database), or computing. */
function buildWaits(phase: PhaseMessage, silentMs: number | undefined): string {
  if (silentMs !== undefined && silentMs > BUSY_AFTER_MS) {
    return `; its code was computing: the event loop gave no answer for the last ${(silentMs / 1000).toFixed(0)} s`;
  }
  if (phase.waitingOn === undefined) {
    return '';
  }
  if (phase.waitingOn.length > 0) {
    return `; its code was waiting on ${phase.waitingOn.join(', ')}`;
  }
  // Idle with nothing open: a promise nothing will settle, often one a stand-in for a missing package left hanging.
  const standIns = phase.standIns ?? [];
  const why = standIns.length === 0 ? '' : `; it imports ${standIns.join(', ')}, not installed here, which got ${standIns.length === 1 ? 'an inert stand-in' : 'inert stand-ins'}: install the project's packages (npm install) and run it again`;
  return `; its code was waiting on something that never came (no download, file or child process was open)${why}`;
}

/** Silence from a building worker this long (three of its wait reports missed) means its code holds the event loop. */
const BUSY_AFTER_MS = 3 * WAIT_REPORT_MS;

export function describeExit(code: number | null, signal: string | null, stderr: string, maxMemoryMb: number, where: string, params?: number): SanityOutcome {
  if (/heap out of memory|Allocation failed/i.test(stderr)) {
    const size = params !== undefined ? ` with a model of ${params.toLocaleString('en-US')} parameters` : '';
    return { kind: 'error', reason: 'memory', message: `the worker ran out of its ${maxMemoryMb} MB memory cap${size}${where}; lower the batch size or use a smaller model` };
  }
  const lastLine = stderr.trim().split('\n').pop() ?? '';
  return { kind: 'error', reason: 'crashed', message: `the sanity-train worker exited (${signal ?? `code ${code}`})${where} without a report${lastLine ? `: ${lastLine}` : ''}` };
}

/**
 * Runs one sanity-train. Resolves (never rejects) with the report or a failure and its one-line reason.
 * A worker that ran out of memory in training (the batch estimate was wrong) is retried once, in a
 * fresh process at half the batch, within what is left of the budget.
 */
export async function runSanityTrain(request: SanityRequest, options: SanityLaunchOptions = {}): Promise<SanityOutcome> {
  if (request.from) {
    return runCapture(request, options);
  }
  if (request.compare) {
    // One budget for the whole Compare: its own scheduler, one worker per run (compare/compare-launcher.ts),
    // the wasm threads the request allows shared out between the two.
    return runCompare(request, { ...options, threadsPerWorker: options.threadsPerWorker ?? Math.max(1, Math.floor(resolveThreadCount(request.threads) / 2)) });
  }
  const started = Date.now();
  const first = await runWorkerOnce(request, options);
  const retry = retryAfterOverflow(first, request, Date.now() - started);
  if (!retry || options.signal?.aborted) {
    return first;
  }
  return withRetryNote(await runWorkerOnce(retry, options), first as Extract<SanityOutcome, { kind: 'error' }>, request);
}

/** The least a retry must have left of the budget: loading and one step of a model that overflowed. */
const RETRY_MIN_MS = 15_000;

/** The request to retry with after a memory failure at a batch above 1, when enough of the budget is left; else undefined. */
export function retryAfterOverflow(outcome: SanityOutcome, request: SanityRequest, elapsedMs: number): SanityRequest | undefined {
  if (outcome.kind !== 'error' || outcome.reason !== 'memory' || outcome.batchSize === undefined || outcome.batchSize < 2) {
    return undefined;
  }
  const timeoutMs = request.timeoutMs - elapsedMs;
  return timeoutMs >= Math.max(RETRY_MIN_MS, request.timeoutMs / 4) ? { ...request, batchSize: Math.floor(outcome.batchSize / 2), timeoutMs } : undefined;
}

/**
 * The retry's outcome, saying that the first try failed and at which batch; its report keeps the batch
 * asked for as `requested`. `scope` says what ran again: one run, or a whole Compare (both its runs).
 */
export function withRetryNote(outcome: SanityOutcome, first: Extract<SanityOutcome, { kind: 'error' }>, request: SanityRequest, scope: 'run' | 'compare' = 'run'): SanityOutcome {
  const half = Math.floor((first.batchSize ?? 2) / 2);
  const again = scope === 'compare' ? `the Compare ran again with both runs at ${half} in fresh workers` : `it ran again at ${half} in a fresh worker`;
  const what = `batch size ${first.batchSize} ran out of memory in a first try (more than its estimate), so ${again}`;
  if (outcome.kind === 'error') {
    return { ...outcome, message: `${outcome.message} (${what})` };
  }
  const report = outcome.report;
  const fit = report.batchFit ? { batchFit: { ...report.batchFit, requested: request.batchSize, reason: report.batchFit.reason ?? ('memory' as const), note: report.batchFit.note ? `${what}; ${report.batchFit.note}` : what } } : {};
  return { kind: 'report', report: { ...report, ...fit, notes: [what, ...(report.notes ?? [])] } };
}

function runWorkerOnce(request: SanityRequest, options: SanityLaunchOptions): Promise<SanityOutcome> {
  const maxMemoryMb = options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
  return new Promise<SanityOutcome>((resolve) => {
    if (options.signal?.aborted) {
      resolve({ kind: 'error', reason: 'cancelled', message: 'sanity-train was cancelled' });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawnWorker(request, options.workerScript ?? defaultWorkerScript(), maxMemoryMb);
    } catch (err) {
      resolve({ kind: 'error', reason: 'crashed', message: `could not start the sanity-train worker: ${(err as Error).message}` });
      return;
    }
    let settled = false;
    let stderr = '';
    let last: Extract<WorkerMessage, { type: 'progress' }> | undefined;
    let runtime: SanityRuntime | undefined;
    let params: number | undefined;
    const finish = (found: SanityOutcome) => {
      if (settled) {
        return;
      }
      settled = true;
      // A failure says which tfjs and backend were in use whenever the worker had told us.
      const withRuntime = found.kind === 'error' && !found.runtime && runtime ? { ...found, runtime } : found;
      const outcome = withRuntime.kind === 'error' ? { ...withRuntime, phase: last ? ('training' as const) : (phase?.phase ?? ('loading' as const)) } : withRuntime;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
      resolve(outcome);
    };
    let phase: PhaseMessage | undefined;
    let phaseHeardAt = Date.now();
    const where = () => (last ? ` (run ${last.run + 1}, step ${last.step} of ${last.totalSteps})` : ` (before the first training step: ${describePhase(phase, phase?.phase === 'buildModel' ? Date.now() - phaseHeardAt : undefined)})`);
    const timer = setTimeout(() => {
      const stuckInAStep = !last && (phase?.phase === 'timeStep' || phase?.phase === 'firstStep');
      const waits = !last && phase?.phase === 'buildModel' ? phase.waitingOn : undefined;
      // Idle with nothing open, more time would not help: what the phase says is the advice.
      const advice = stuckInAStep ? NO_STEP_FITS : waits === undefined ? 'raise the timeout or lower the steps' : waits.length > 0 ? WAITING_ADVICE : undefined;
      finish({ kind: 'error', reason: 'timeout', message: `sanity-train ran past its ${Math.round(request.timeoutMs / 1000)} s budget${where()}${advice ? `; ${advice}` : ''}` });
    }, request.timeoutMs);
    const onAbort = () => finish({ kind: 'error', reason: 'cancelled', message: `sanity-train was cancelled${where()}` });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    // The user's console output must not fill the pipe and stall the child.
    child.stdout?.resume();
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'phase') {
        phase = nextPhase(phase, message);
        phaseHeardAt = Date.now();
        params = message.params ?? params;
      } else if (message.type === 'progress') {
        last = message;
        runtime = message.runtime ?? runtime;
        params = message.params ?? params;
      }
      options.onMessage?.(message);
      if (message.type === 'done') {
        finish({ kind: 'report', report: message.report });
      } else if (message.type === 'error') {
        finish({ kind: 'error', reason: message.reason, message: message.message, ...(message.runtime ? { runtime: message.runtime } : {}), ...(message.batchSize !== undefined ? { batchSize: message.batchSize } : {}), ...(message.smallerInput ? { smallerInput: message.smallerInput } : {}) });
      }
    });
    child.on('error', (err) => finish({ kind: 'error', reason: 'crashed', message: `sanity-train worker failed: ${err.message}` }));
    child.on('exit', (code, signal) => finish(describeExit(code, signal, stderr, maxMemoryMb, where(), params)));
    child.send({ type: 'start', request });
  });
}
