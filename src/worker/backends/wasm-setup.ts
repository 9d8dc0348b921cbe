import type * as tfjs from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

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

/**
 * Loads tfjs-backend-wasm, points it at its binaries, registers the training kernels and makes it the
 * active backend. Throws with the reason when it cannot start.
 */
export async function activateWasmBackend(tf: typeof tfjs): Promise<void> {
  const directory = getWasmBinaryDirectoryOrThrow();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only training runs load tfjs
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  // Only the first initialisation reads the paths; a later call (a second run in one process) is harmless.
  wasm.setWasmPaths(`${directory}${path.sep}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  (require('./wasm-kernels/register') as typeof import('./wasm-kernels/register')).registerWasmTrainingKernels();
  const warnings = await captureWarnings(() => tf.setBackend('wasm'));
  if (!warnings.result) {
    const detail = warnings.messages.find((m) => m.trim() !== '' && !m.startsWith('Initialization of backend')) ?? 'no detail';
    throw new Error(`the wasm backend failed to initialise: ${firstLine(detail)}`);
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
