/**
 * SIGINT (Ctrl-C, `kill -INT`) and SIGTERM (`kill`, a CI runner's stop) while the CLI waits on a child
 * process: the child is stopped through the AbortSignal (the launcher kills it) before the CLI exits
 * with the conventional 128 + signal number, so no worker is left training on its own.
 */

/** Exit codes for a run ended by a signal (128 + its number, as shells report it). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export type InterruptSignal = keyof typeof SIGNAL_EXIT_CODES;

/**
 * Runs `task` with a signal that SIGINT or SIGTERM aborts; resolves with its result and the signal that
 * came, if any. A second signal while the task winds down exits at once. The handlers are removed after.
 */
export async function withInterrupts<T>(task: (signal: AbortSignal) => Promise<T>): Promise<{ result: T; interrupted?: InterruptSignal }> {
  const controller = new AbortController();
  let interrupted: InterruptSignal | undefined;
  const handlers = (Object.keys(SIGNAL_EXIT_CODES) as InterruptSignal[]).map((name) => {
    const handler = () => {
      if (interrupted !== undefined) {
        process.exit(SIGNAL_EXIT_CODES[name]);
      }
      interrupted = name;
      controller.abort();
    };
    process.on(name, handler);
    return { name, handler };
  });
  try {
    const result = await task(controller.signal);
    return interrupted === undefined ? { result } : { result, interrupted };
  } finally {
    handlers.forEach(({ name, handler }) => process.removeListener(name, handler));
  }
}
