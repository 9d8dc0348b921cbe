/**
 * The sanity-train worker ends with its parent. A parent that dies without a word (SIGKILL from a CI
 * timeout, a crashed extension host, a closed window) would otherwise leave the worker training on,
 * re-parented to init, until its own budget ran out. Three ways to notice, because training runs long
 * synchronous steps that keep the event loop busy:
 * - the IPC channel's `disconnect` event (immediate, when the event loop is free);
 * - `exitIfOrphaned()`, called between training steps (the parent's pid changed);
 * - a watchdog thread polling the parent's pid on its own event loop, which a blocked main thread
 *   does not stop; it kills the process (the worker writes nothing to disk, so nothing is lost).
 */
import { Worker } from 'node:worker_threads';
import { realExit } from './exit-guard';

/** How often the watchdog thread looks at the parent's pid. */
const POLL_MS = 250;

/** Plain JavaScript run by the watchdog thread (no bundling: `eval`). */
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.ppid) {
    process.kill(workerData.pid, 'SIGKILL');
  }
}, workerData.pollMs);
`;

let parentPid: number | undefined;

/** Starts watching the parent; idempotent. Only for a process started with an IPC channel (fork). */
export function watchParent(): void {
  if (parentPid !== undefined || !process.send) {
    return;
  }
  parentPid = process.ppid;
  process.once('disconnect', () => realExit(0));
  // Ctrl-C in a terminal reaches the whole process group: the parent decides (it stops this worker
  // and says so), rather than the worker dying first and the parent reporting a crash.
  process.on('SIGINT', () => undefined);
  try {
    const watchdog = new Worker(WATCHDOG, { eval: true, workerData: { ppid: parentPid, pid: process.pid, pollMs: POLL_MS } });
    watchdog.unref(); // it never keeps a finished worker alive
    watchdog.on('error', () => undefined); // without it the between-steps check and `disconnect` still work
  } catch {
    // Same: a thread that cannot start leaves the other two checks.
  }
}

/** Ends the process when its parent has gone (its pid changed: re-parented); a check between steps. */
export function exitIfOrphaned(): void {
  if (parentPid !== undefined && process.ppid !== parentPid) {
    realExit(0);
  }
}
