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
 * active backend, with `options.threads` XNNPACK threads where this Node can run them (one otherwise,
 * with a note saying why). Returns the threads it runs with. Throws with the reason when it cannot
 * start. The thread count is fixed when the backend first starts in a process: later calls report it.
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
  const alreadyStarted = hasStartedBackend(tf, 'wasm');
  const problem = wanted > 1 && !alreadyStarted ? threadSupportProblem() : undefined;
  const restore = alreadyStarted || problem ? () => undefined : prepareThreadedWasm(tf.env(), wasm, wanted);
  let warnings: { result: boolean; messages: string[] };
  try {
    warnings = await captureWarnings(() => withTimeout(tf.setBackend('wasm'), wanted > 1 ? THREADED_START_TIMEOUT_MS : undefined));
  } finally {
    restore();
  }
  if (!warnings.result) {
    const detail = warnings.messages.find((m) => m.trim() !== '' && !m.startsWith('Initialization of backend')) ?? 'no detail';
    throw new Error(`the wasm backend failed to initialise${wanted > 1 ? ` with ${wanted} threads` : ''}: ${firstLine(detail)}`);
  }
  unrefPthreadWorkers(tf.backend());
  return describeThreads(wasm.getThreadsCount(), wanted, problem, alreadyStarted);
}

/**
 * Whether `name` has already started in this tfjs engine. Not tf.findBackend: for a registered backend
 * that has not started, it starts it, which here would start wasm before the thread setup is in place.
 */
function hasStartedBackend(tf: typeof tfjs, name: string): boolean {
  const registry = (tf.engine() as unknown as { registry?: Record<string, unknown> }).registry;
  return registry !== undefined && registry[name] !== undefined;
}

function describeThreads(count: number, wanted: number, problem: string | undefined, alreadyStarted: boolean): WasmThreads {
  if (count >= wanted) {
    return { count };
  }
  const why = problem ?? (alreadyStarted ? 'the wasm backend had already started in this process with fewer' : 'the wasm backend started fewer');
  return { count, note: `${count} of ${wanted} wasm threads: ${why}` };
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
