/**
 * Entry of the sanity-train child process (bundled to dist/worker.js). The parent sends one
 * `{ type: 'start', request }` over IPC; the worker answers with typed messages (`progress`,
 * `layerNaN`, then `done` or `error`) and exits. It writes nothing to disk.
 */
import type { SanityRequest, WorkerMessage } from '../core/training/protocol';
import type { ArmCommand } from '../core/training/compare-protocol';
import { startArm } from './compare/arm-entry';
import type { SessionLimits } from './sanity-session';
import { formatParams } from './budget/model-size';
import { describeError, isWasmAbort, SanityFailure } from './errors';
import { exitIfOrphaned, watchParent } from './parent-watch';
import { runSanitySession, type SessionContext } from './sanity-session';
import { absorbedWhileSettling } from './loading/model-at-load';
import { isLoadStop } from './loading/load-stop';
import { withLoadingNotes } from './loading/arguments/invocation-notes';
import { guardExit, realExit } from './exit-guard';
import { withSmallerInputAdvice } from './budget/smaller-input';

const MEMORY_ENV = 'RBN_SANITY_MAX_MEMORY_MB';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

const context: SessionContext = {};

/** The child's resident memory against its cap (tfjs tensors live outside V8's heap limit). */
function checkMemory(): void {
  // Between steps: a parent that died during a long synchronous step is noticed here at the latest.
  exitIfOrphaned();
  const capMb = Number(process.env[MEMORY_ENV]);
  if (capMb > 0 && process.memoryUsage.rss() > capMb * 1024 * 1024) {
    const size = context.params !== undefined ? `the model has ${formatParams(context.params)}, and ` : '';
    throw new SanityFailure('memory', `${size}the worker used more than its ${capMb} MB memory cap; lower --batch-size or use a smaller model`);
  }
}

/** A run that sends its own results (a Compare's arm) instead of one report. */
type SessionRunner = (checkLimits: () => void, context: SessionContext, limits: SessionLimits) => Promise<void>;

async function start(request: SanityRequest, runner?: SessionRunner): Promise<void> {
  let finished = false;
  const fail = (err: unknown) => {
    // A script's own training stopped while it loaded, or its process.exit() turned into a throw, rejects
    // a promise nobody awaits (training-at-load.ts, exit-guard.ts): the session goes on.
    // So does a callback's error while the worker waits for the code a page script runs as it loads (model-at-load.ts).
    if (finished || isLoadStop(err) || absorbedWhileSettling()) {
      return;
    }
    finished = true;
    const failure = err instanceof SanityFailure ? err : new SanityFailure('threw', withLoadingNotes(`user code threw: ${describeError(err, request.file)}`));
    const batch = failure.reason === 'memory' && context.batchSize !== undefined ? { batchSize: context.batchSize } : {};
    const { message, smallerInput } = failure.reason === 'memory' || failure.reason === 'timeout' ? withSmallerInputAdvice(failure.message, context.smallerInput) : { message: failure.message };
    void send({ type: 'error', reason: failure.reason, message, ...(context.runtime ? { runtime: context.runtime } : {}), ...batch, ...(smallerInput ? { smallerInput } : {}) }).then(() => realExit(0));
  };
  // User code that throws from a timer or a stray promise still ends the run with a message.
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  guardExit();
  // A factory awaiting a promise that never settles would otherwise let the process drain and exit;
  // kept alive, it runs into the launcher's time budget and gets a clear message.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    const capMb = Number(process.env[MEMORY_ENV]);
    const limits = { memoryCapMb: capMb > 0 ? capMb : undefined };
    if (runner) {
      await runner(checkMemory, context, limits);
      finished = true;
      realExit(0);
    }
    const report = await runSanitySession(request, (m) => void send(m), checkMemory, context, limits);
    finished = true;
    // A report that cannot be sent (a value the user's code put in it that is no JSON) still ends the run with a message.
    await send({ type: 'done', report }).catch((err: unknown) => send({ type: 'error', reason: 'internal', message: `sanity-train finished but could not send its report: ${describeError(err, request.file)}` }));
    realExit(0);
  } catch (err) {
    if (err instanceof SanityFailure) {
      fail(err);
    } else if (isWasmAbort(err)) {
      const size = context.params !== undefined ? ` for this model (${formatParams(context.params)})` : '';
      const what = (err as Error).message.split('\n')[0].replace(/\. Build with.*$/, '');
      // The estimate chose this batch (it may be below --batch-size) and was wrong: say which batch failed.
      const batch = context.batchSize ?? request.batchSize;
      fail(new SanityFailure('memory', `the wasm backend ran out of memory (its heap holds at most 4 GB; it failed with "${what}")${size} at batch size ${batch}; lower --batch-size or pass a smaller input shape with --args`));
    } else {
      fail(new SanityFailure('internal', `sanity-train failed: ${describeError(err, request.file)}`));
    }
  } finally {
    clearInterval(keepAlive);
  }
}

watchParent();
process.once('message', (message: { type?: string; request?: SanityRequest }) => {
  if (message?.type === 'start' && message.request) {
    void start(message.request);
  } else if (message?.type === 'startArm' && message.request) {
    const run = startArm(message as Extract<ArmCommand, { type: 'startArm' }>, (m) => void send(m as WorkerMessage));
    void start(message.request, run);
  }
});

