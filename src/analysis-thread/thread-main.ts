/**
 * Entry point of the analysis thread (built to dist/analysis-thread.js): runs core functions on
 * request so that parsing never blocks the extension host's event loop. Requests that arrive while one
 * runs wait in a queue and are taken most urgent first (request-queue.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadTsMorph } from '../core/analysis/builders/tfjs-bindings';
import { analysisThreadMethods } from './methods';
import { installCompileCache, persistCompileCache } from './compile-cache';
import { toThreadError, type ThreadOptions, type ThreadReply, type ThreadRequest } from './protocol';
import { RequestQueue } from './request-queue';

const methods = analysisThreadMethods as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>;
const queue = new RequestQueue<ThreadRequest>();
let draining = false;

function handle(request: ThreadRequest): ThreadReply {
  const method = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
  if (!method) {
    return { id: request.id, ok: false, error: { name: 'Error', message: `unknown analysis method '${String(request.method)}'` } };
  }
  try {
    return { id: request.id, ok: true, value: method(...request.args) };
  } catch (error) {
    return { id: request.id, ok: false, error: toThreadError(error) };
  }
}

function answer(request: ThreadRequest): void {
  const reply = handle(request);
  try {
    parentPort!.postMessage(reply);
  } catch (error) {
    // A result that cannot be cloned (a function, a class instance with a handle) is a bug in the method.
    parentPort!.postMessage({ id: request.id, ok: false, error: toThreadError(error) } satisfies ThreadReply);
  }
}

/**
 * Answers one request per turn of the event loop: the messages that arrived meanwhile are delivered
 * (into the queue) before setImmediate runs, so each pick sees everything that is waiting.
 */
function drainSoon(): void {
  if (draining) {
    return;
  }
  draining = true;
  setImmediate(() => {
    draining = false;
    const next = queue.take();
    if (next) {
      answer(next);
    }
    if (queue.size > 0) {
      drainSoon();
    } else {
      persistWhenIdle();
    }
  });
}

const options = (workerData ?? {}) as ThreadOptions;
const PERSIST_IDLE_MS = 1000;
let persistTimer: NodeJS.Timeout | undefined;

/** Once the thread has been idle a moment after its first work, keeps V8's code for the next start. */
function persistWhenIdle(): void {
  if (!options.compileCacheDir || persistTimer) {
    return;
  }
  persistTimer = setTimeout(() => {
    if (queue.size > 0 || draining) {
      persistTimer = undefined;
      return; // busy again: the next idle moment persists
    }
    persistCompileCache();
  }, PERSIST_IDLE_MS);
  persistTimer.unref();
}

/** The compiler's files: ts-morph and its TypeScript (dev: node_modules; the .vsix: dist/node_modules). */
function isCompilerFile(filename: string): boolean {
  return /[\\/]node_modules[\\/](ts-morph|@ts-morph[\\/]common)[\\/]/.test(filename);
}

parentPort?.on('message', (request: ThreadRequest) => {
  queue.push(request);
  drainSoon();
});

// The compiler loads now, while the host is still activating the extension, not on the first request.
if (options.compileCacheDir) {
  installCompileCache(options.compileCacheDir, isCompilerFile);
}
loadTsMorph();
