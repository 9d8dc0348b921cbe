/**
 * What the argument boxes say and accept (pure, unit-tested without VS Code): which builders need a
 * box, the prompt with the proposal's source, and the check of what the user typed.
 */
import type { BuilderParameter, ModelBuilder } from '../../../core/analysis/types';
import { parseArgsLiteral, parseObjectLiteral, type LiteralValue } from '../../../core/analysis/arguments/args-literal';
import { builderSignature, userParameters } from '../lenses/lens-specs';

/** The boxes a builder needs: its own arguments, and the constructor's for a method or property. */
export interface ArgumentNeeds {
  args: BuilderParameter[] | undefined;
  ctorArgs: BuilderParameter[] | undefined;
}

/** undefined where no box is needed: no parameters besides those that receive tfjs. */
export function argumentNeeds(builder: ModelBuilder): ArgumentNeeds {
  const own = userParameters(builder.parameters);
  // A static member is called on the class: no instance, so no constructor arguments.
  const ctor = (builder.kind === 'method' || builder.kind === 'property') && !builder.static ? userParameters(builder.constructorParameters) : [];
  // A constructor inherited from a class of another module (`extends Component`) takes what it takes: no box unless asked.
  const ctorNeedsBox = ctor.length > 0 && !(ctor.length === 1 && isRest(ctor[0]));
  return { args: own.length > 0 ? own : undefined, ctorArgs: ctorNeedsBox ? ctor : undefined };
}

/**
 * "Arguments for createNet(h, w, numActions) — from the call in dqn_test.js:25 (a JS array)", then why
 * each guessed value is what it is: ". Guessed units: from the type number; shape: from its use as a shape"
 * @param source where the proposal came from, as the analysis words it.
 * @param guesses the analysis's reasons for its guesses, a line a parameter.
 */
export function argumentPrompt(builder: ModelBuilder, source: string, which: 'args' | 'ctorArgs', guesses: readonly string[] = []): string {
  const target =
    which === 'ctorArgs'
      ? `the constructor: new ${builder.className ?? builder.id.split('.')[0]}(${userParameters(builder.constructorParameters).map((p) => p.name).join(', ')})`
      : builderSignature(builder);
  // VS Code adds "Press Enter to confirm or Escape to cancel" itself.
  const why = guesses.length > 0 ? `. Guessed ${guesses.join('; ')}` : '';
  return `Arguments for ${target} — ${source} (a JS array)${why}`;
}

export type ArgumentCheck =
  | { ok: true; values: LiteralValue[]; warning?: string }
  | { ok: false; message: string };

/** A rest parameter takes any number of values. */
function isRest(p: BuilderParameter): boolean {
  return p.rest === true || p.name.startsWith('...');
}

/**
 * Parses the box's text and compares it with the parameters: more values than parameters is an
 * error; a required parameter left without a value only a warning (the builder may cope with undefined).
 */
export function checkArguments(text: string, parameters: readonly BuilderParameter[]): ArgumentCheck {
  const parsed = parseArgsLiteral(text);
  if (!parsed.ok) {
    return parsed;
  }
  const values = parsed.values;
  if (!parameters.some(isRest) && values.length > parameters.length) {
    const names = parameters.map((p) => p.name).join(', ');
    return { ok: false, message: `${values.length} values for ${parameters.length} parameter${parameters.length === 1 ? '' : 's'} (${names}).` };
  }
  const missing = parameters.slice(values.length).filter((p) => !p.optional && !isRest(p));
  if (missing.length > 0) {
    return { ok: true, values, warning: `No value for ${missing.map((p) => p.name).join(', ')}: the builder gets undefined.` };
  }
  return { ok: true, values };
}

/**
 * "Module variables buildGenerator reads, set before the call (only another function of the file
 * fills them) — numberOfClasses from classes: 10 in core.ts:21 (a JS object)".
 */
export function moduleVariablesPrompt(builder: ModelBuilder, source: string): string {
  return `Module variables ${builder.id} reads, set before the call (only another function of the file fills them) — ${source} (a JS object)`;
}

/** "Fields of the Classifier instance buildModel reads, set after construction (another method fills them) — …". */
export function instanceFieldsPrompt(builder: ModelBuilder, source: string): string {
  return `Fields of the ${builder.className ?? builder.id} instance ${builder.memberName ?? builder.id} reads, set after construction (another method fills them) — ${source} (a JS object, names without this.)`;
}

export type ModuleVariablesCheck = { ok: true; values: { [name: string]: LiteralValue }; warning?: string } | { ok: false; message: string };

/**
 * Parses the module-variables box: a JS object literal. A name the builder does not read is only a
 * warning (the worker still sets it when the file declares it); a variable left out stays undefined.
 */
export function checkModuleVariables(text: string, names: readonly string[]): ModuleVariablesCheck {
  const parsed = parseObjectLiteral(text);
  if (!parsed.ok) {
    return parsed;
  }
  const values = parsed.value;
  const stray = Object.keys(values).filter((n) => !names.includes(n));
  const missing = names.filter((n) => !(n in values));
  const warnings = [
    stray.length > 0 ? `${stray.join(', ')}: not read by the builder (it reads ${names.join(', ')}).` : '',
    missing.length > 0 ? `No value for ${missing.join(', ')}: the builder finds undefined.` : '',
  ].filter((w) => w.length > 0);
  return warnings.length > 0 ? { ok: true, values, warning: warnings.join(' ') } : { ok: true, values };
}

/** Whether the user ran with the proposal as it was (then the report credits its source). */
export function sameValues(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}
