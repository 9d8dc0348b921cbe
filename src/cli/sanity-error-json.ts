/**
 * `rbn sanity --json` when no report came (exit 2): the error object with what the CLI knew by then,
 * the file, the builder and its arguments, and once the worker had said so the backend, tfjs and phase.
 */
import type { SanityOutcome, SanityRequest } from '../core/training/protocol';
import { errorJsonLine } from './json-error';
import { displayPath } from './paths';

type Failure = Extract<SanityOutcome, { kind: 'error' }>;

/** One line of JSON for a failed run; `request` is what was (or would have been) sent to the worker. */
export function sanityErrorJson(kind: string, message: string, request: SanityRequest, cwd: string, failure?: Failure): string {
  const call = request.model !== undefined ? { model: request.model, args: request.args ?? [], ...(request.ctorArgs ? { ctorArgs: request.ctorArgs } : {}), ...(request.argsSource ? { argsSource: request.argsSource } : {}) } : undefined;
  const runtime = failure?.runtime;
  return errorJsonLine('sanity', kind, message, {
    file: displayPath(request.file, cwd),
    ...(call ? { call } : {}),
    ...(runtime ? { backend: runtime.backend, tfjs: runtime.tfjs, backendSkipped: runtime.backendSkipped } : {}),
    ...(failure?.phase ? { phase: failure.phase } : {}),
    ...(failure?.batchSize !== undefined ? { batchSize: failure.batchSize } : {}),
  });
}
