/**
 * The user's code runs inside the worker, and scripts end themselves: `process.exit(1)` after a usage
 * line when `process.argv` lacks their arguments, or in `main().catch(…)`. That would end the worker
 * without a report. While the guard is on, `process.exit` from anyone but the worker throws
 * `ExitCalled` instead, which stops the code that called it as an exit would; the worker ends itself
 * through `realExit`.
 */
import { firstUserFrame } from './loading/layer-origins';
import { LoadStop } from './loading/load-stop';

/** The process's own exit, taken before the guard replaces it. */
export const realExit: (code?: number) => never = process.exit.bind(process) as (code?: number) => never;

/** What user code's `process.exit(code)` throws while the guard is on. */
export class ExitCalled extends LoadStop {
  constructor(
    readonly code: number,
    site: { file: string; line: number } | undefined,
  ) {
    super(`the user's code called process.exit(${code})`, site);
    this.name = 'ExitCalled';
  }

  /** "the module called process.exit(1) while it loaded at train.js:92 (…): sanity-train went on without it". */
  note(): string {
    return `the module called process.exit(${this.code}) while it loaded${this.where} (a script checking its command line, or ending on an error): sanity-train went on without it`;
  }

  unreachable(file: string, builderId: string): string {
    return `${file} calls process.exit(${this.code}) when it loads${this.where}, and ${builderId} is not defined before that call (only a function declaration is hoisted), so it cannot be reached: give the script what it checks for (its command line), or move the exit into a function`;
  }
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
