import type { WorkerErrorReason } from '../core/training/protocol';
import { hintFor } from './loading/failure-hints';

/** A failure the worker reports as a typed `error` message with a one-line reason for the user. */
export class SanityFailure extends Error {
  constructor(
    readonly reason: WorkerErrorReason,
    message: string,
    /** The user code's own error, when it threw one (browser-stand-ins.ts reads it). */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** The model or its data cannot be trained as given (shapes, missing inputShape, bad sanityData). */
export class BadInputError extends SanityFailure {
  constructor(message: string) {
    super('badInput', message);
  }
}

/**
 * First line of an error's message plus the first stack frame in user code, for one-line reports,
 * and what to do when it is a known case (a package to install, a browser-only API).
 */
export function describeError(err: unknown, userFile?: string): string {
  if (!(err instanceof Error)) {
    return String(err);
  }
  const first = err.message.split('\n')[0];
  const frame = userFile ? err.stack?.split('\n').find((l) => l.includes(userFile)) : undefined;
  const at = frame ? /\(?([^()\s]+:\d+):\d+\)?\s*$/.exec(frame.trim())?.[1] : undefined;
  const hint = hintFor(err);
  return `${err.name}: ${first}${at ? ` (at ${at})` : ''}${hint ? ` — ${hint.text}` : ''}`;
}

/**
 * The wasm backend's heap ran out: emscripten aborts with a WebAssembly RuntimeError "Aborted(…)",
 * or a failed allocation is written through ("memory access out of bounds").
 */
export function isWasmAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'RuntimeError' && /^(Aborted\(|memory access out of bounds)/.test(err.message);
}
