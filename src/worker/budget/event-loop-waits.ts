/**
 * While the user's code loads and builds its model, what Node's event loop is waiting on: a build that
 * downloads embeddings or a dataset, opens a database or spawns a program waits on a connection, a
 * lookup, a file or a child process; one that computes never lets the loop turn. A timeout before the
 * first step then says which it was (launcher.ts), instead of only "raise the timeout".
 */

/** Node's resource names (process.getActiveResourcesInfo()) by what they mean to a user; the rest (timers, the worker's own channel, stdio) say nothing. */
const KINDS: readonly [RegExp, string][] = [
  [/^(TCP|TLS|UDP|HTTP|JSStreamSocket|Socket)/i, 'a network socket'],
  [/^(GetAddrInfo|GetNameInfo|QueryReqWrap)/i, 'a DNS lookup'],
  [/^(FSReq|FileHandle|StatWatcher|FSEvent)/i, 'a file'],
  [/^ProcessWrap/i, 'a child process'],
];

/** `['TCPSocketWrap', 'TCPSocketWrap', 'Timeout', 'PipeWrap']` → `['a network socket (2)']`, in the order of KINDS. */
export function describeWaits(resources: readonly string[]): string[] {
  return KINDS.flatMap(([pattern, words]) => {
    const count = resources.filter((r) => pattern.test(r)).length;
    return count === 0 ? [] : [count === 1 ? words : `${words} (${count})`];
  });
}

/** How often the waits are reported: a loop silent for several periods is busy computing. */
export const WAIT_REPORT_MS = 2000;

/** Runs `work`, reporting the waits every WAIT_REPORT_MS until it settles; the timer never keeps the process alive. */
export async function whileWatchingWaits<T>(work: () => Promise<T>, report: (waitingOn: string[]) => void): Promise<T> {
  const timer = setInterval(() => report(describeWaits(process.getActiveResourcesInfo())), WAIT_REPORT_MS);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
