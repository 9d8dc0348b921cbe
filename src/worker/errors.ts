import * as fs from 'node:fs';
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
  const at = (frame ? /\(?([^()\s]+:\d+):\d+\)?\s*$/.exec(frame.trim())?.[1] : undefined) ?? syntaxErrorLine(err);
  const hint = hintFor(err);
  return `${err.name}: ${first}${at ? ` (at ${at})` : ''}${hint ? ` — ${hint.text}` : ''}`;
}

/**
 * Where a file that did not parse fails, in the file as written: V8 names the line of the code it
 * compiled (`file:12`, then that line's text), which the transpiler may have moved (its helpers come
 * first), so the line is looked up by its text in the file; undefined when that is not one line.
 */
function syntaxErrorLine(err: Error): string | undefined {
  const [place, text] = err.name === 'SyntaxError' ? (err.stack ?? '').split('\n') : [];
  const file = /^(\/.+|[A-Za-z]:\\.+):\d+$/.exec(place ?? '')?.[1];
  if (file === undefined || text === undefined || text.trim() === '') {
    return undefined;
  }
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    return undefined;
  }
  const matches = lines.flatMap((line, i) => (line.trim() === text.trim() ? [i + 1] : []));
  return matches.length === 1 ? `${file}:${matches[0]}` : undefined;
}

/**
 * The wasm backend's heap ran out: emscripten aborts with a WebAssembly RuntimeError "Aborted(…)",
 * or a failed allocation is written through ("memory access out of bounds").
 */
export function isWasmAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'RuntimeError' && /^(Aborted\(|memory access out of bounds)/.test(err.message);
}
