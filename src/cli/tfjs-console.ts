/**
 * tfjs writes to the console on its own: "Orthogonal initializer is being called on a matrix with more
 * than 2000 elements: Slowness may result", the node-backend banner, kernel registration notes. In
 * `rbn` they would break the one-line rule and mix into --json output, so while tfjs runs in the CLI's
 * process its console output is held back, and shown on stderr (prefixed `tfjs:`) only with --verbose.
 */
import { format } from 'node:util';

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';
const METHODS: readonly ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];

/**
 * Runs `task` with console output redirected to `onMessage` (one call per console call, formatted as
 * console would); the console is restored afterwards, also when `task` throws.
 */
export async function withConsoleHeld<T>(task: () => Promise<T>, onMessage: (text: string) => void): Promise<T> {
  const saved = METHODS.map((m) => [m, console[m]] as const);
  for (const m of METHODS) {
    console[m] = (...args: unknown[]) => onMessage(format(...args));
  }
  try {
    return await task();
  } finally {
    for (const [m, original] of saved) {
      console[m] = original;
    }
  }
}

/** The `tfjs: …` lines --verbose prints for one held message (its blank lines and banner rules dropped). */
export function verboseLines(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^=+$/.test(l))
    .map((l) => `tfjs: ${l}\n`)
    .join('');
}
