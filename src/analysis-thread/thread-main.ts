/**
 * Entry point of the analysis thread (built to dist/analysis-thread.js): runs core functions on
 * request so that parsing never blocks the extension host's event loop. Requests that arrive while one
 * runs wait in a queue and are taken most urgent first (request-queue.ts).
 */
import { parentPort } from 'node:worker_threads';
import { loadTsMorph } from '../core/analysis/tfjs-bindings';
import { analysisThreadMethods } from './methods';
import { toThreadError, type ThreadReply, type ThreadRequest } from './protocol';
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
    }
  });
}

parentPort?.on('message', (request: ThreadRequest) => {
  queue.push(request);
  drainSoon();
});

// The compiler loads now, while the host is still activating the extension, not on the first request.
loadTsMorph();
