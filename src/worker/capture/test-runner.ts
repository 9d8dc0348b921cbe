/**
 * Which test runner a `--from` command starts, when it is Jest or Vitest: they load the test's modules
 * through their own module system, so the hook enters them their own way (hook/runner-entry.ts). Here,
 * before the command runs: the runner a command line names (`jest`, `npx vitest run`, `yarn jest`) or
 * the package script it runs names (`npm test`, `npm run unit`), and whether the installed runner is
 * recent enough for what the hook asks of it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type TestRunner = 'jest' | 'vitest';

/** The oldest versions with every command-line option the hook adds (hook/runner-entry.ts). */
export const MIN_RUNNER_VERSION: Record<TestRunner, { version: [number, number]; needs: string }> = {
  jest: { version: [24, 9], needs: '--testTimeout' },
  vitest: { version: [1, 3], needs: '--hookTimeout' },
};

const PACKAGE_MANAGER = /^(npm|yarn|pnpm|bun)$/;
/** Commands that run the next word as the program (`cross-env A=1 jest`, `npx --yes vitest`). */
const LAUNCHERS = new Set(['npx', 'exec', 'dlx', 'x', 'cross-env', 'dotenv', 'env', 'node', 'time', 'nice']);
/** How deep package scripts that run other package scripts (`"ci": "npm run test:unit"`) are followed. */
const NESTING = 3;

/**
 * The runner `command` starts: the runner named on the command line, else the one the package script
 * it runs names (`scripts` from the package.json of the command's folder), else undefined.
 */
export function testRunnerOf(command: string, scripts: Record<string, string> = {}, depth = 0): TestRunner | undefined {
  for (const words of segments(command)) {
    const direct = runnerIn(words);
    if (direct) {
      return direct;
    }
    const script = scriptName(words);
    if (script !== undefined && depth < NESTING && typeof scripts[script] === 'string') {
      const nested = testRunnerOf(scripts[script], scripts, depth + 1);
      if (nested) {
        return nested;
      }
    }
  }
  return undefined;
}

/** The scripts of the package.json in `cwd` ({} where there is none). */
export function packageScripts(cwd: string): Record<string, string> {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    return json.scripts ?? {};
  } catch {
    return {};
  }
}

/** Why the runner installed for `cwd` cannot be captured from (too old), or undefined when it can (or is not found). */
export function unsupportedRunner(runner: TestRunner, cwd: string): string | undefined {
  const version = installedVersion(runner, cwd);
  return version === undefined ? undefined : runnerVersionProblem(runner, version);
}

/** Why `version` of the runner is too old for capture, or undefined. */
export function runnerVersionProblem(runner: TestRunner, version: string): string | undefined {
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10));
  const min = MIN_RUNNER_VERSION[runner];
  if (!Number.isFinite(major) || major > min.version[0] || (major === min.version[0] && (minor ?? 0) >= min.version[1])) {
    return undefined;
  }
  return `${runner} ${version}, too old to capture from: capture needs its ${min.needs} option (${runner} ${min.version.join('.')} or later); update ${runner}, or run a script that trains the model (node train.js)`;
}

function installedVersion(runner: TestRunner, cwd: string): string | undefined {
  try {
    const file = require.resolve(`${runner}/package.json`, { paths: [cwd] });
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The simple commands of a command line, as words (`a && b; c | d` → a, b, c, d), environment assignments dropped. */
function segments(command: string): string[][] {
  return command
    .split(/&&|\|\||[;|&\n]/)
    .map((part) => part.trim().split(/\s+/).filter((word) => word !== '' && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)).map(unquote))
    .filter((words) => words.length > 0);
}

function unquote(word: string): string {
  return word.replace(/^(['"])(.*)\1$/, '$2');
}

/** The runner a simple command starts directly (`jest`, `npx jest`, `node_modules/.bin/vitest`, `yarn vitest`). */
function runnerIn(words: string[]): TestRunner | undefined {
  for (const word of words) {
    const name = path.basename(word).replace(/\.(c|m)?js$/, '');
    if (name === 'jest' || name === 'vitest') {
      return name;
    }
    // Options and the launchers before the program (`npx --yes jest`, `pnpm exec vitest`) are skipped.
    if (!word.startsWith('-') && !LAUNCHERS.has(word) && !PACKAGE_MANAGER.test(word)) {
      return undefined;
    }
  }
  return undefined;
}

/** The package script a simple command runs: `npm test`, `npm run x`, `yarn x`, `pnpm run x`. */
function scriptName(words: string[]): string | undefined {
  if (!PACKAGE_MANAGER.test(words[0] ?? '')) {
    return undefined;
  }
  const rest = words.slice(1).filter((w) => !w.startsWith('-'));
  const [verb, name] = rest;
  if (verb === 'test' || verb === 't' || verb === 'tst') {
    return 'test';
  }
  if (verb === 'run' || verb === 'run-script' || verb === 'rum' || verb === 'urn') {
    return name;
  }
  // yarn, pnpm and bun run a script named as their first word.
  return words[0] !== 'npm' ? verb : undefined;
}
