/**
 * In the process of a Jest or Vitest command-line (found by its main script, however npm, npx, yarn
 * or a package script started it), the options capture needs, added to its arguments before the runner
 * reads them:
 * - Jest `--runInBand`: the tests run in this process, where the hook enters Jest's module registry
 *   (jest-runtime.ts), and one test file at a time, so "the first model trained" is well defined.
 * - Vitest `--pool=forks --no-file-parallelism`: the tests run in one child process at a time, which
 *   loads tfjs through Node's own loader (the `forks` pool imports packages natively), where the hook
 *   watches it; the `vmThreads`/`vmForks` pools and worker threads would escape it.
 * - Both: a test timeout as long as the capture's budget: the taken training call never settles while
 *   the session runs, and a runner that timed the test out would move on and tear its module
 *   registry down under the session.
 */
import * as fs from 'node:fs';
import type { TestRunner } from '../test-runner';

/** Which runner's command-line `mainScript` (process.argv[1]) is, after links are followed. */
export function runnerOfMainScript(mainScript: string | undefined): TestRunner | undefined {
  if (!mainScript) {
    return undefined;
  }
  let file = mainScript;
  try {
    file = fs.realpathSync(mainScript);
  } catch {
    // not a file: match its name as given
  }
  const normalized = file.split('\\').join('/');
  if (/\/node_modules\/(jest|jest-cli)\/bin\/jest(\.js)?$/.test(normalized) || /\/node_modules\/\.bin\/jest$/.test(normalized)) {
    return 'jest';
  }
  if (/\/node_modules\/vitest\/vitest\.mjs$/.test(normalized) || /\/node_modules\/\.bin\/vitest$/.test(normalized)) {
    return 'vitest';
  }
  return undefined;
}

/** A Vitest `forks` pool worker (the child process that runs a test file), which Vitest ends with SIGTERM once its files are done. */
export function isVitestForkWorker(mainScript: string | undefined): boolean {
  return mainScript !== undefined && /[\\/]node_modules[\\/]vitest[\\/]dist[\\/]workers[\\/]forks\.js$/.test(mainScript);
}

/** The arguments to add for `runner` to those it was given (`args`, after the main script); none it already has. */
export function runnerArgs(runner: TestRunner, args: readonly string[], timeoutMs: number): string[] {
  const has = (option: string) => args.some((a) => a === option || a.startsWith(`${option}=`));
  const timeout = String(Math.max(1000, Math.ceil(timeoutMs)));
  const wanted: [string, string[]][] =
    runner === 'jest'
      ? [
          ['--runInBand', ['--runInBand']],
          ['--testTimeout', [`--testTimeout=${timeout}`]],
        ]
      : [
          ['--pool', ['--pool=forks']],
          ['--fileParallelism', ['--no-file-parallelism']],
          ['--testTimeout', [`--testTimeout=${timeout}`]],
          ['--hookTimeout', [`--hookTimeout=${timeout}`]],
        ];
  const present = (option: string) => has(option) || (option === '--runInBand' && has('-i')) || (option === '--fileParallelism' && has('--no-file-parallelism'));
  return wanted.filter(([option]) => !present(option)).flatMap(([, added]) => added);
}
