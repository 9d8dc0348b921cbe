/**
 * Entry point of the analysis thread (built to dist/analysis-thread.js): runs core functions on
 * request so that parsing never blocks the extension host's event loop.
 */
import { parentPort } from 'node:worker_threads';
import { analysisThreadMethods } from './methods';
import { toThreadError, type ThreadReply, type ThreadRequest } from './protocol';

const methods = analysisThreadMethods as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>;

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

parentPort?.on('message', (request: ThreadRequest) => {
  const reply = handle(request);
  try {
    parentPort!.postMessage(reply);
  } catch (error) {
    // A result that cannot be cloned (a function, a class instance with a handle) is a bug in the method.
    parentPort!.postMessage({ id: request.id, ok: false, error: toThreadError(error) } satisfies ThreadReply);
  }
});
