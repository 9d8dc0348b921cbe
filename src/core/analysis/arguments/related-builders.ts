/**
 * What a builder's proposal learns from the other builders of its file: the guess for a parameter it
 * hands on to one of them, the builder methods of its class (whose models may be its arguments), and
 * the instance fields of several builders of one class as one proposal. Pure.
 */
import { guessArgument, type Guess } from './argument-guesses';
import type { DataHint } from './data-hint';
import { findModelBuilders } from '../builders/model-builders';
import type { PackageFile } from '../builders/call-sites';
import type { ModelBuilder, ModuleVariablesProposal } from '../types';

/**
 * A parameter the builder passes straight on to another builder of its file (`fromZero(x, y, z)` calls
 * `modelGenerator(x, y, z)`): the guess for the parameter it lands on there, read in that builder's body.
 */
export function forwardedGuess(name: string, region: string, file: PackageFile, hint: DataHint, declarations: string): Guess | undefined {
  let builders: ModelBuilder[] | undefined;
  for (const call of region.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(([^()]*)\)/g)) {
    const index = call[2].split(',').map((a) => a.trim()).indexOf(name);
    if (index < 0) {
      continue;
    }
    builders ??= findModelBuilders(file.code, file.file);
    const callee = builders.find((b) => b.kind === 'function' && b.localName === call[1]);
    const target = callee?.parameters.filter((p) => !p.receivesTfjs)[index];
    const guess = callee && target ? guessArgument(target, hint, { uses: file.code.slice(callee.start, callee.end), declarations }) : undefined;
    if (guess) {
      return { value: guess.value, detail: `${guess.detail}, as ${target!.name} of ${callee!.id}` };
    }
  }
  return undefined;
}

/** One proposal of the fields of several builders of one class (each field once, the first source). */
export function mergeFields(proposals: (ModuleVariablesProposal | undefined)[]): ModuleVariablesProposal | undefined {
  const present = proposals.filter((p): p is ModuleVariablesProposal => p !== undefined);
  if (present.length <= 1) {
    return present[0];
  }
  const merged: ModuleVariablesProposal = { values: {}, sources: [], summary: '' };
  const unknown = new Set<string>();
  for (const p of present) {
    for (const source of p.sources.filter((x) => !merged.sources.some((y) => y.name === x.name))) {
      merged.values[source.name] = p.values[source.name];
      merged.sources.push(source);
    }
    (p.unknown ?? []).forEach((n) => unknown.add(n));
  }
  const left = [...unknown].filter((n) => !(n in merged.values));
  if (left.length > 0) {
    merged.unknown = left;
  }
  merged.summary = merged.sources.map((x) => `${x.name} ${x.detail}`).join('; ') || 'no values found';
  return merged;
}

/** The other builder methods of a method builder's class (their models may be its arguments). */
export function modelMembersOf(builder: ModelBuilder, file: PackageFile): Set<string> | undefined {
  if (builder.kind !== 'method' || builder.className === undefined || builder.parameters.length === 0) {
    return undefined;
  }
  const members = findModelBuilders(file.code, file.file).filter((b) => b.className === builder.className && b.kind === 'method' && b.memberName !== builder.memberName);
  return new Set(members.map((b) => b.memberName!));
}
