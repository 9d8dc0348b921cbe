/**
 * Every node process of a captured command ends with the process that launched the capture (the CLI,
 * the extension host). The launcher kills the command's process group when it finishes, is cancelled
 * or runs out of time; a launcher that dies without a word (a closed pipe, SIGKILL from a CI timeout,
 * a crashed window) cannot, and a training script would run on, re-parented to init, for as long as
 * it trains. A watchdog thread polls the launcher's pid on its own event loop, which a program's
 * synchronous training loop does not block, and kills this process when the launcher is gone.
 */
import { Worker } from 'node:worker_threads';

/** How often the watchdog thread looks for the launcher. */
const POLL_MS = 500;

/** Plain JavaScript run by the watchdog thread (no bundling: `eval`). */
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  try {
    process.kill(workerData.owner, 0);
  } catch (err) {
    if (err && err.code === 'ESRCH') {
      process.kill(workerData.pid, 'SIGKILL');
    }
  }
}, workerData.pollMs);
`;

/** Starts the watchdog for `owner` (a pid); it never keeps the program alive by itself. */
export function endWithOwner(owner: number | undefined): void {
  if (owner === undefined || !Number.isInteger(owner) || owner <= 0) {
    return;
  }
  try {
    const watchdog = new Worker(WATCHDOG, { eval: true, workerData: { owner, pid: process.pid, pollMs: POLL_MS } });
    watchdog.unref();
  } catch {
    // No threads here: the launcher's own kill of the group still ends the program when it can.
  }
}
