/**
 * Ends the program's own code where the session takes its model over: a loop that never yields to
 * the event loop (gradient steps, self-play moves) can only be left by an exception thrown into it.
 */

/** Thrown into the program where the session takes its model over. */
export class ProgramStopped extends Error {
  constructor() {
    super('rbn-capture: sanity-train took this model over; the program stops here');
    this.name = 'ProgramStopped';
  }
}

let stopsSwallowed = false;

/** Throws ProgramStopped into the program, which then ends without a word while the session goes on. */
export function stopProgram(): never {
  swallowProgramStops();
  throw new ProgramStopped();
}

/**
 * From the first stop on, the exception that ends the program's loop (uncaught, or a rejection that Node
 * raises as one) is dropped so that the session goes on; any other still ends the program with code 1,
 * as Node would, through process.exit (which waits for a running session).
 */
function swallowProgramStops(): void {
  if (stopsSwallowed) {
    return;
  }
  stopsSwallowed = true;
  process.on('uncaughtException', (err) => {
    if (err instanceof ProgramStopped) {
      return;
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
