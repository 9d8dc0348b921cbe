/** Messages between the extension host and the analysis thread (one request, one reply, by id). */
import type { AnalysisMethodName } from './methods';

/** What the thread is started with (its workerData). */
export interface ThreadOptions {
  compileCacheDir?: string;
}

export interface ThreadRequest {
  id: number;
  method: AnalysisMethodName;
  args: unknown[];
}

/** The method's result, or what it threw (an Error does not survive structured clone with its class). */
export type ThreadReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ThreadError };

export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
}

export function toThreadError(error: unknown): ThreadError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: 'Error', message: String(error) };
}

/** Rebuilds the thread's error on the calling side, keeping its message and the thread's stack. */
export function fromThreadError(error: ThreadError, method: string): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  rebuilt.stack = `${error.name}: ${error.message}\n    (in the analysis thread, ${method})${error.stack ? `\n${error.stack.split('\n').slice(1).join('\n')}` : ''}`;
  return rebuilt;
}
