/**
 * Multi-threaded wasm in Node. tfjs-backend-wasm ships a threaded SIMD build (XNNPACK's thread pool
 * over Emscripten pthreads, 8 workers pre-created) but switches it off in Node, because it starts each
 * pthread worker from a `blob:` URL, which worker_threads refuses. Here the worker script goes to a
 * file instead (the route of tfjs PR #8059, done from outside the package): while the backend starts,
 * `URL.createObjectURL` hands out that file, the worker loads the threaded module's own script file
 * in place of the blob it is sent, and `os.cpus()` reports enough cores for the thread count asked
 * for (the wasm side caps the pool at half the logical cores it sees, and at 8).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';

/** The pthread workers tfjs-backend-wasm 4.x pre-creates: XNNPACK never gets more threads than this. */
export const MAX_WASM_THREADS = 8;

/** What the wasm backend will run with, and why not more when it runs with fewer than asked for. */
export interface WasmThreads {
  count: number;
  note?: string;
}

/**
 * The thread count for a request: a positive number is taken as asked (at most 8); 0, undefined or
 * anything else means auto: half the logical cores this process may use (os.availableParallelism),
 * at least 1 and at most 8 — tfjs-backend-wasm's own rule in browsers (two logical cores per physical
 * one on most x86 machines). XNNPACK's threads spin while they wait for work, so threads beyond the
 * idle cores cost time: on a 2-core machine busy with other jobs, 2 threads measured 2–2.6× slower
 * than 1, and 1.48× faster on a U-Net only when load allowed (bench/results/wasm-threads-*.json);
 * auto gives 1 there.
 */
export function resolveThreadCount(requested: number | undefined, available = availableCores()): number {
  const wanted = requested !== undefined && Number.isFinite(requested) && requested >= 1 ? Math.floor(requested) : Math.floor(available / 2);
  return Math.max(1, Math.min(MAX_WASM_THREADS, wanted));
}

function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Why threads cannot run in this process, or undefined when they can. */
export function threadSupportProblem(): string | undefined {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'this Node has no SharedArrayBuffer/Atomics';
  }
  const sharedMemory = tryOrUndefined(() => new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
  if (!sharedMemory || !(sharedMemory.buffer instanceof SharedArrayBuffer)) {
    return 'this Node cannot create shared WebAssembly memory';
  }
  return undefined;
}

function tryOrUndefined<T>(body: () => T): T | undefined {
  try {
    return body();
  } catch {
    return undefined;
  }
}

interface WasmModuleApi {
  setThreadsCount(count: number): void;
}

/**
 * Prepares tfjs-backend-wasm to start with `threads` threads (call before its first setBackend) and
 * returns the function that undoes the temporary hooks once the backend has started. With 1 thread
 * nothing changes: the plain SIMD build runs, as tfjs picks it in Node.
 */
export function prepareThreadedWasm(tfEnv: { set(flag: string, value: boolean): void }, wasm: WasmModuleApi, threads: number): () => void {
  if (threads <= 1) {
    return () => undefined;
  }
  const workerFile = writePthreadWorkerFile();
  tfEnv.set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const createObjectURL = URL.createObjectURL.bind(URL);
  const cpus = os.cpus.bind(os);
  // Only the pthread worker's script is ever turned into an object URL while the backend starts.
  URL.createObjectURL = ((object: Blob) => (object instanceof Blob ? workerFile : createObjectURL(object))) as typeof URL.createObjectURL;
  (os as { cpus: () => os.CpuInfo[] }).cpus = () => {
    const real = cpus();
    return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]);
  };
  return () => {
    URL.createObjectURL = createObjectURL;
    (os as { cpus: () => os.CpuInfo[] }).cpus = cpus;
  };
}

/**
 * Writes tfjs-backend-wasm's pthread worker script to a file in the temp folder (once per version and
 * content) and returns its path. The worker is told to load the threaded module's script file, which
 * ships beside it, wherever it would have turned a blob into a URL.
 */
export function writePthreadWorkerFile(): string {
  const mainScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the worker's source ships as a string export
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string };
  // tfjs escapes the source's newlines the same way before it makes its blob: they sit inside string literals.
  const source = `URL.createObjectURL = () => ${JSON.stringify(mainScript)};\nURL.revokeObjectURL = () => undefined;\n${wasmWorkerContents.replace(/\n/g, '\\n')}`;
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `rbn-wasm-pthread-${digest}.cjs`);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== source) {
    // Written beside, then renamed: another worker starting at the same time never reads half a file.
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, source);
    fs.renameSync(partial, file);
  }
  return file;
}

interface PthreadWorker {
  unref?: () => void;
}

/**
 * Lets the process exit while XNNPACK's pool threads wait for work: Emscripten refs each running
 * pthread's worker in Node, and those threads never end, so a finished run would otherwise hang.
 * Work is never lost by this: the main thread blocks on the pool while a kernel runs.
 */
export function unrefPthreadWorkers(backend: unknown): void {
  const pthread = (backend as { wasm?: { PThread?: { unusedWorkers?: PthreadWorker[]; runningWorkers?: PthreadWorker[] } } }).wasm?.PThread;
  for (const worker of [...(pthread?.unusedWorkers ?? []), ...(pthread?.runningWorkers ?? [])]) {
    worker.unref?.();
  }
}
