/** The one line for a program that ended without a report: it threw, exited, or never built a model. */
import * as path from 'node:path';
import { installAdvice, projectInstall } from '../loading/install-advice';
import { packageOfRequest } from '../loading/failure-hints';

/** A line the hook writes on the program's stderr when it throws (the process dies right after). */
export const THREW_MARKER = 'rbn-capture: the program threw: ';

/** `cwd`: the folder the program ran in, where its project's install is looked up. */
export function programEndMessage(command: string, cwd: string, code: number | null, signal: string | null, tail: string[], captured: boolean): string {
  const threw = [...tail].reverse().find((l) => l.startsWith(THREW_MARKER));
  if (threw) {
    const missing = /Cannot find module '([^'./][^']*)'/.exec(threw)?.[1];
    // The hook names the user's frame: the package.json above it is the one that should list the package.
    const importer = /\(at (\/.+?):\d+\)/.exec(threw)?.[1] ?? path.join(cwd, 'package.json');
    const pkg = missing === undefined ? undefined : packageOfRequest(missing);
    const advice = pkg !== undefined ? ` (${missing} is not installed; ${installAdvice([pkg], importer)})` : '';
    return `\`${command}\` threw before training a model: ${threw.slice(THREW_MARKER.length)}${advice}`;
  }
  const tool = missingTool(command, cwd, tail);
  if (tool && !captured) {
    return `\`${command}\` could not start: ${tool}`;
  }
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  if (captured) {
    return `\`${command}\` ${how} during the sanity-train on its model${lastWords(tail)}`;
  }
  if (code === 0 && !signal) {
    return `\`${command}\` exited without building or training a tfjs model (nothing to capture): run the script or test that trains it`;
  }
  return `\`${command}\` ${how} before training a model${lastWords(tail)}`;
}

/** The session in the program's process closed its connection without a report (the process died during it). */
export function sessionLostMessage(command: string, tail: string[]): string {
  return `\`${command}\` ended during the sanity-train on its model, before its report${lastWords(tail)}`;
}

/** The program's last error-looking line (else its last line), quoted. */
function lastWords(tail: string[]): string {
  // Stack frames and the closing braces of an error's dump say nothing on their own.
  const lines = tail.map((l) => l.trim()).filter((l) => /[A-Za-z]/.test(l) && !/^Node\.js v\d/.test(l) && !/^at /.test(l));
  // npm's first error line says what went wrong; its last only where its log is.
  const error = lines.find((l) => /^npm (error|ERR!) /.test(l)) ?? [...lines].reverse().find((l) => /(^|: )\w*Error\b|\bERR_[A-Z_]+\b/.test(l));
  const pick = error ?? lines[lines.length - 1];
  return pick ? `: ${pick.length > 200 ? `${pick.slice(0, 200)}…` : pick}` : '';
}

/**
 * The program's test runner, build tool or a package it imports is not installed (the project's
 * dependencies were never installed): npx refuses to download it, the shell of an npm script finds
 * no such command, or Node's ES-module loader finds no such package.
 */
function missingTool(command: string, cwd: string, tail: string[]): string | undefined {
  const step = projectInstall(cwd);
  const install = `install the project's dependencies and run again (run \`${step.command}\` in ${step.cwd})`;
  for (const line of tail) {
    const npx = /npx canceled due to missing packages[^[]*\[(.*)\]/.exec(line);
    if (npx) {
      const names = [...npx[1].matchAll(/"(@?[^"@]+)(@[^"]*)?"/g)].map((m) => m[1]);
      const list = names.join(', ');
      return `${list} ${names.length === 1 ? 'is' : 'are'} not installed in this workspace (npx would have to download ${names.length === 1 ? 'it' : 'them'}): ${install}`;
    }
    // Node's ES-module loader reports a missing package in its own words, not as a thrown error.
    const esm = /Cannot find package '([^'./][^']*)' imported from (\S+)/.exec(line);
    if (esm) {
      return `${esm[1]}, which ${esm[2]} imports, is not installed: ${install}`;
    }
    const shell = /^sh: \d+: ([\w.@/-]+): not found$/.exec(line.trim());
    if (shell && /^(npm|yarn|pnpm)\b/.test(command)) {
      return `${shell[1]}, which the package script runs, is not installed: ${install}`;
    }
  }
  return undefined;
}
