/**
 * The user's code runs inside the worker, and scripts end themselves: `process.exit(1)` after a usage
 * line when `process.argv` lacks their arguments, or in `main().catch(…)`. That would end the worker
 * without a report. While the guard is on, `process.exit` from anyone but the worker throws
 * `ExitCalled` instead, which stops the code that called it as an exit would; the worker ends itself
 * through `realExit`.
 */
import * as path from 'node:path';
import { firstUserFrame } from './loading/layer-origins';

/** The process's own exit, taken before the guard replaces it. */
export const realExit: (code?: number) => never = process.exit.bind(process) as (code?: number) => never;

/** What user code's `process.exit(code)` throws while the guard is on. */
export class ExitCalled extends Error {
  constructor(
    readonly code: number,
    readonly site: { file: string; line: number } | undefined,
  ) {
    super(`the user's code called process.exit(${code})`);
    this.name = 'ExitCalled';
  }
}

export function isExitCalled(err: unknown): err is ExitCalled {
  return err instanceof ExitCalled;
}

const calls: ExitCalled[] = [];

/** From now on, user code's `process.exit` throws `ExitCalled` (and is remembered for the report). */
export function guardExit(): void {
  process.exit = ((code?: number | string | null) => {
    const call = new ExitCalled(Number(code ?? process.exitCode ?? 0), firstUserFrame(new Error().stack ?? '', new Set([__filename])));
    calls.push(call);
    throw call;
  }) as typeof process.exit;
}

/** The exits user code asked for so far, emptied. */
export function takeExitCalls(): ExitCalled[] {
  return calls.splice(0);
}

/** "the module called process.exit(1) while it loaded (train.js:92): sanity-train went on". */
export function exitCallNote(call: ExitCalled): string {
  const where = call.site ? ` at ${path.basename(call.site.file)}:${call.site.line}` : '';
  return `the module called process.exit(${call.code}) while it loaded${where} (a script checking its command line, or ending on an error): sanity-train went on without it`;
}

/** The module ended itself while it loaded, before the builder could be read (not a function declaration). */
export function exitedBeforeBuilderMessage(file: string, call: ExitCalled, builderId: string): string {
  const where = call.site ? ` at ${path.basename(call.site.file)}:${call.site.line}` : '';
  return `${file} calls process.exit(${call.code}) when it loads${where}, and ${builderId} is not a function declaration, so it cannot be reached: give the script what it checks for (its command line), or move the exit into a function`;
}
