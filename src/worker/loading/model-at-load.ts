/**
 * A script with no builder function, whose model is built by code it runs as it loads: a page script
 * that fetches its CSV and then builds, compiles and trains inside `(async () => { … })()`, keeping the
 * model in a top-level `let model`, or a Node script whose `main()` does the same, or one that trains
 * at its top level. Its top-level calls are tracked (load-calls.ts), and the worker waits for them,
 * training calls still stopped, so that the model they build is there to take: the one the named
 * variable holds, else the one the script was training. When their data cannot be had (a URL, a
 * database), the last attempt runs the bodies of those functions statement by statement
 * (guarded-builder-body.ts): what throws is skipped, what builds the model is kept.
 */
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { describeError, SanityFailure } from '../errors';
import { hasModelBuildingLoadCalls, LOAD_TASK_GLOBAL, loadCallBodies } from './load-calls';
import { trackLoadCallsOf } from './module-loader';
import { isLayersModel } from './model-checks';
import { retryWithGuardedBody } from './past-builder-error';
import type { TrainedAtLoad } from './training-at-load';

/** How long the worker waits for the module's own calls to build and train its model. */
const SETTLE_LIMIT_MS = 15_000;

export interface ModelAtLoadWatch {
  /** The variable to read the model from afterwards: the name given, when it can name one. */
  variable: (name: string) => string | undefined;
  /** Waits for the module's top-level calls (see awaitLoadTasks). */
  settle: (done: () => boolean) => Promise<void>;
  stop: () => void;
}

/** Watches the next load of `file` for the model its own code builds (tracking its top-level calls where they build one). */
export function watchModelAtLoad(file: string, code: string): ModelAtLoadWatch {
  const tracked = hasModelBuildingLoadCalls(code, file);
  const untrack = tracked ? trackLoadCallsOf(file) : () => undefined;
  const collected = tracked ? collectLoadTasks() : undefined;
  return {
    variable: (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : undefined),
    settle: (done) => awaitLoadTasks(collected?.tasks ?? [], done, SETTLE_LIMIT_MS),
    stop: () => {
      untrack();
      collected?.stop();
    },
  };
}

/**
 * The model the module made as it loaded: the one `variable` holds, else the one it was training when
 * its training call was stopped; with the note that says which.
 */
export function modelMadeAtLoad(variable: unknown, stops: readonly TrainedAtLoad[], name: string): { model: tfjs.LayersModel; note: string } | undefined {
  const trained = stops.find((s) => s.model !== undefined);
  if (isLayersModel(variable)) {
    const stopped = trained?.model === variable ? `, stopped it at its training call (${trained.method}${trained.where})` : '';
    return { model: variable, note: `${name} is a model the module builds in code it runs when it loads (no builder function): sanity-train waited for that code${stopped} and trains that model` };
  }
  if (trained?.model) {
    return { model: trained.model, note: `the module trains its model when it loads (${trained.method}${trained.where}), with no builder function: sanity-train stopped it at that call and trains that model, compiled as the module compiled it` };
  }
  return undefined;
}

/**
 * The last attempt at a script whose model is built by a function it calls as it loads and which throws
 * first (it fetches its data from a URL): that function's statements run each on its own.
 */
export async function pastALoadCallError<T extends { notes: string[] }>(err: unknown, module: { file: string; code: string }, name: string, tf: typeof tfjs, attempt: () => Promise<T>): Promise<T | undefined> {
  if (!(err instanceof SanityFailure) || err.reason !== 'noFactory') {
    return undefined;
  }
  const [body] = loadCallBodies(module.code, module.file);
  if (!body) {
    return undefined;
  }
  const retried = await retryWithGuardedBody(module.file, body, tf, attempt);
  if (!retried) {
    return undefined;
  }
  const { result, skipped } = retried;
  const line = module.code.slice(0, body.start).split('\n').length;
  const which = skipped.length > 1 ? `the ${skipped.length} statements that threw` : 'the statement that threw';
  const note = `the code ${path.basename(module.file)} runs as it loads (the function at line ${line}) throws before it builds ${name}: ${describeError(skipped[0], module.file)}; sanity-train skipped ${which}, ran the rest and trained the model it built (what the skipped statements set was left undefined)`;
  return { ...result, notes: [note, ...result.notes] };
}

/** The promises the tracked top-level calls returned, gathered until `stop` is called. */
function collectLoadTasks(): { tasks: Promise<unknown>[]; stop: () => void } {
  const tasks: Promise<unknown>[] = [];
  const g = globalThis as Record<string, unknown>;
  g[LOAD_TASK_GLOBAL] = (result: unknown) => {
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      // Settled here too, so a rejection (a fetch that fails offline) is not an unhandled one.
      tasks.push(Promise.resolve(result).catch(() => undefined));
    }
    return result;
  };
  return { tasks, stop: () => void delete g[LOAD_TASK_GLOBAL] };
}

/**
 * Waits until the tasks have settled, `done()` says what was wanted is there (a training call was
 * stopped), or `limitMs` has passed, whichever comes first.
 */
async function awaitLoadTasks(tasks: readonly Promise<unknown>[], done: () => boolean, limitMs: number): Promise<void> {
  if (tasks.length === 0) {
    return;
  }
  let settled = false;
  void Promise.allSettled(tasks).then(() => {
    settled = true;
  });
  const end = Date.now() + limitMs;
  settling = true;
  try {
    while (!settled && !done() && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    settling = false;
  }
}

/** The worker is waiting for the module's top-level calls (awaitLoadTasks). */
let settling = false;

/**
 * Whether an error no code caught (a callback's, a stray promise's) came while the worker waited for
 * the module's top-level calls: as on a page, where one failing callback does not stop the others, the
 * wait goes on and the run is not ended by it.
 */
export function absorbedWhileSettling(): boolean {
  return settling;
}
