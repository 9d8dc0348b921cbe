import type * as tfjs from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { prepareThreadedWasm, resolveThreadCount, threadSupportProblem, unrefPthreadWorkers, type WasmThreads } from './wasm-threads';

/** The binaries tfjs-backend-wasm may load (plain, SIMD, threaded SIMD); Node picks SIMD. */
const wasmBinaryNames = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/**
 * The folder holding tfjs-backend-wasm's .wasm binaries, found through Node's module resolution so it
 * works from source (tsx) and from the esbuild bundle in dist/ (packages stay external there).
 */
export function getWasmBinaryDirectoryOrThrow(): string {
  let entry: string;
  try {
    entry = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  } catch {
    throw new Error('@tensorflow/tfjs-backend-wasm is not installed (it is a dependency of this extension; reinstall it).');
  }
  const directory = path.dirname(entry);
  const missing = wasmBinaryNames.filter((name) => !existsSync(path.join(directory, name)));
  if (missing.length > 0) {
    throw new Error(`tfjs-backend-wasm is incomplete: ${missing.join(', ')} missing in ${directory}.`);
  }
  return directory;
}

/** How the wasm backend starts. */
export interface WasmStartOptions {
  /** XNNPACK threads: a positive number, or 0/undefined for auto (half the logical cores available, 1 to 8). */
  threads?: number;
}

/** How long the threaded backend may take to start its workers before the start counts as failed. */
const THREADED_START_TIMEOUT_MS = 60_000;

/**
 * Loads tfjs-backend-wasm, points it at its binaries, registers the training kernels and makes it the
 * active backend, with `options.threads` XNNPACK threads where this Node can run them and the threaded
 * build starts (one otherwise, with a note saying why). Returns the threads it runs with. Throws with
 * the reason when it cannot start at all. The thread count is fixed when the backend first starts in a
 * process: later calls report it.
 */
export async function activateWasmBackend(tf: typeof tfjs, options: WasmStartOptions = {}): Promise<WasmThreads> {
  const directory = getWasmBinaryDirectoryOrThrow();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only training runs load tfjs
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  // Only the first initialisation reads the paths; a later call (a second run in one process) is harmless.
  wasm.setWasmPaths(`${directory}${path.sep}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  (require('./wasm-kernels/register') as typeof import('./wasm-kernels/register')).registerWasmTrainingKernels();
  const wanted = resolveThreadCount(options.threads);
  if (hasStartedBackend(tf, 'wasm')) {
    await startOrThrow(tf, 1);
    return describeThreads(wasm.getThreadsCount(), wanted, 'the wasm backend had already started in this process with fewer');
  }
  let problem = wanted > 1 ? threadSupportProblem() : undefined;
  if (wanted > 1 && problem === undefined) {
    const failure = await tryThreadedStart(tf, wasm, wanted);
    if (failure === undefined) {
      unrefPthreadWorkers(tf.backend());
      return describeThreads(wasm.getThreadsCount(), wanted, 'the wasm backend started fewer');
    }
    // One thread rather than no wasm: the plain SIMD build, as tfjs picks it in Node.
    problem = `the threaded build did not start (${failure})`;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
  }
  await startOrThrow(tf, 1);
  return describeThreads(wasm.getThreadsCount(), wanted, problem ?? 'the wasm backend started fewer');
}

/** Starts wasm with `threads` threads prepared; undefined when it started, else why not. */
async function tryThreadedStart(tf: typeof tfjs, wasm: typeof import('@tensorflow/tfjs-backend-wasm'), threads: number): Promise<string | undefined> {
  let restore: () => void;
  try {
    restore = prepareThreadedWasm(tf.env(), wasm, threads);
  } catch (err) {
    return firstLine(err instanceof Error ? err.message : String(err));
  }
  try {
    await startOrThrow(tf, threads);
    return undefined;
  } catch (err) {
    return firstLine(err instanceof Error ? err.message : String(err));
  } finally {
    restore();
  }
}

/** tf.setBackend('wasm'), with a time limit when pthread workers must start; throws with the reason it failed. */
async function startOrThrow(tf: typeof tfjs, threads: number): Promise<void> {
  const before = new Set([...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')]);
  const warnings = await captureWarnings(() => withTimeout(tf.setBackend('wasm'), threads > 1 ? THREADED_START_TIMEOUT_MS : undefined));
  dropRethrowingListeners(before);
  if (!warnings.result) {
    const detail = warnings.messages.find((m) => m.trim() !== '' && !m.startsWith('Initialization of backend')) ?? 'no detail';
    throw new Error(`the wasm backend failed to initialise${threads > 1 ? ` with ${threads} threads` : ''}: ${firstLine(detail)}`);
  }
}

/**
 * The wasm module's emscripten glue adds process handlers that rethrow any uncaught error, which ends
 * the process with code 7 before the worker's own handler can report the user's error in one line.
 */
function dropRethrowingListeners(before: ReadonlySet<unknown>): void {
  for (const listener of process.listeners('uncaughtException')) {
    if (!before.has(listener)) {
      process.removeListener('uncaughtException', listener);
    }
  }
  for (const listener of process.listeners('unhandledRejection')) {
    if (!before.has(listener)) {
      process.removeListener('unhandledRejection', listener);
    }
  }
}

function describeThreads(count: number, wanted: number, why: string): WasmThreads {
  return count >= wanted ? { count } : { count, note: `${count} of ${wanted} wasm threads: ${why}` };
}

/**
 * Whether `name` has already started in this tfjs engine. Not tf.findBackend: for a registered backend
 * that has not started, it starts it, which here would start wasm before the thread setup is in place.
 */
function hasStartedBackend(tf: typeof tfjs, name: string): boolean {
  const registry = (tf.engine() as unknown as { registry?: Record<string, unknown> }).registry;
  return registry !== undefined && registry[name] !== undefined;
}

async function withTimeout<T>(promise: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) {
    return promise;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`its pthread workers did not start within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** tf.setBackend reports an initialisation failure only through console.warn; keep it for the report. */
async function captureWarnings<T>(body: () => Promise<T>): Promise<{ result: T; messages: string[] }> {
  const messages: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    messages.push(args.map(String).join(' '));
  };
  try {
    return { result: await body(), messages };
  } finally {
    console.warn = original;
  }
}

export function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
