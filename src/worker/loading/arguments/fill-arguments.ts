/**
 * A builder's argument list from what the user gave (or the proposal): the worker's tfjs at the
 * parameters that receive it, fewer values run as JavaScript runs them (with a note), and one line
 * saying what to pass when a required one is missing and nothing was typed.
 */
import { BadInputError } from '../../errors';
import { formatArgumentList, formatLiteralValue, proposeArguments } from '../../../core/analysis/arguments/argument-proposals';
import { isInputStandIn, isMethodStandIn } from '../../../core/analysis/arguments/model-arguments';
import type { BuilderParameter, ModelBuilder } from '../../../core/analysis/types';
import { TFJS_PARAMETER_NAMES } from '../../../core/analysis/builders/builder-parameters';
import { fewerArgumentsNote } from './invocation-notes';
import { declaredParameters } from './missing-arguments';

/** What filling the arguments needs of the call. */
export interface FillContext {
  inv: { tf: unknown; file: string; code: string };
  builder: ModelBuilder;
  /** Notes for the report (arguments that ran as undefined). */
  notes: string[];
  /** A builder the analysis could not read (found only at run time): its parameter count is unknown. */
  unanalysed: boolean;
}

/**
 * The parameters of a function the analysis did not list (one a UMD factory returns), read from the
 * function itself, so that its `tf` parameter gets the tfjs in use; all optional, as JavaScript runs
 * them. Empty (arguments go in as given) when none is named as tfjs.
 */
export function runtimeParameters(fn: unknown): BuilderParameter[] {
  const names = declaredParameters(fn);
  return names.some((n) => TFJS_PARAMETER_NAMES.has(n)) ? names.map((name) => ({ name, optional: true, receivesTfjs: TFJS_PARAMETER_NAMES.has(name) })) : [];
}

export function ctorParameters(builder: ModelBuilder): BuilderParameter[] {
  return builder.kind === 'constructor' ? builder.parameters : (builder.constructorParameters ?? []);
}

/**
 * The call's argument list: the given values in order, with the worker's tfjs at each parameter that
 * receives it. Fewer values than parameters run as JavaScript runs them, the rest undefined, with a
 * note, when the user typed them (`typed`); with nothing typed, the one line says what to pass.
 */
export function fillArguments(parameters: BuilderParameter[], typedValues: unknown[], ctx: FillContext, flag: string, typed: boolean): unknown[] {
  const { builder } = ctx;
  const placed = withoutTfjsPlaceholders(parameters, typedValues, ctx);
  const given = typed ? withProposedStandIns(placed, ctx, flag) : placed;
  const own = parameters.filter((p) => !p.receivesTfjs);
  const required = own.filter((p) => !p.optional).length;
  const label = builder.kind === 'constructor' || flag === '--ctor-args' ? `new ${builder.className}()` : builder.id;
  if (given.length < required && typed) {
    ctx.notes.push(fewerArgumentsNote(label, own, given.length) + proposedRest(ctx, flag, given));
  } else if (given.length < required) {
    throw new BadInputError(`${label} takes ${own.length} argument${own.length === 1 ? '' : 's'} (${own.map(describeParameter).join(', ')}); got ${given.length}: ${hint(ctx, flag, own.filter((p) => !p.optional).slice(given.length))}`);
  }
  if (!ctx.unanalysed && !parameters.some((p) => p.rest) && given.length > own.length) {
    throw new BadInputError(`${label} takes at most ${own.length} argument${own.length === 1 ? '' : 's'}${own.length > 0 ? ` (${own.map(describeParameter).join(', ')})` : ''}; got ${given.length}`);
  }
  const out: unknown[] = [];
  let next = 0;
  for (const p of parameters) {
    if (p.receivesTfjs) {
      out.push(ctx.inv.tf);
    } else if (next < given.length) {
      out.push(given[next++]);
    } else {
      out.push(undefined);
    }
  }
  out.push(...given.slice(next));
  // Trailing undefined would defeat a rest parameter's length and changes nothing else.
  while (out.length > 0 && out[out.length - 1] === undefined) {
    out.pop();
  }
  return out;
}

/** A value that names tfjs (`'@tensorflow/tfjs-node'`, `'tf'`), typed where the signature takes the tfjs module. */
const TFJS_PLACEHOLDER = /^(@tensorflow\/tfjs(-[a-z-]+)?|tfjs|tf)$/i;

/**
 * The values typed for every parameter, the tfjs one included (`createModel(tf, inputShape)` typed as
 * `['@tensorflow/tfjs-node', [64, 1]]`): the placeholders at the tfjs parameters' places are dropped
 * (the tfjs in use goes there), with a note; other lists as they are.
 */
function withoutTfjsPlaceholders(parameters: BuilderParameter[], given: unknown[], ctx: FillContext): unknown[] {
  const places = parameters.flatMap((p, i) => (p.receivesTfjs && i < given.length ? [i] : []));
  if (places.length === 0 || !places.every((i) => typeof given[i] === 'string' && TFJS_PLACEHOLDER.test(given[i] as string))) {
    return given;
  }
  const names = places.map((i) => parameters[i].name).join(', ');
  ctx.notes.push(`${places.map((i) => `'${String(given[i])}'`).join(', ')} stood where ${names} takes the tfjs module: the tfjs in use went there`);
  return given.filter((_, i) => !places.includes(i));
}

/**
 * Objects typed for live objects (`{ "w": 8, "h": 8 }` for a game) lack the methods the builder calls,
 * which JSON cannot hold: the stand-in methods of the file's proposal (`getBoardSize: () => [10, 10]`)
 * are added to the typed object where it has no member of that name, with a note naming them. A
 * `{ "shape": [...] }` or `{ "batchShape": [null, ...] }` typed where the proposal has a symbolic input
 * is that input's config.
 */
function withProposedStandIns(given: unknown[], ctx: FillContext, flag: string): unknown[] {
  if (!given.some(isPlainObject)) {
    return given;
  }
  const proposed = fileProposal(ctx, flag);
  const added: string[] = [];
  const inputs: number[] = [];
  const out = given.map((value, i) => {
    const standIn = proposed?.[i];
    const shape = isInputStandIn(standIn) ? inputConfigShape(value) : undefined;
    if (shape !== undefined) {
      // `{ "shape": [124, 13, 1] }` or `{ "batchShape": [null, 28] }` where the builder takes a symbolic input: tf.input's config.
      inputs.push(i + 1);
      return { $input: shape };
    }
    if (!isPlainObject(value) || !isPlainObject(standIn)) {
      return value;
    }
    const methods = Object.entries(standIn).filter(([key, v]) => isMethodStandIn(v) && !(key in value));
    added.push(...methods.map(([key, v]) => `${key}: ${formatLiteralValue(v)}`));
    return methods.length === 0 ? value : { ...Object.fromEntries(methods), ...value };
  });
  if (inputs.length > 0) {
    ctx.notes.push(`the tf.input config typed with ${flag} for argument ${inputs.join(' and ')}, which the builder uses as a layer's input, ran as tf.input({ shape }) (any batch size)`);
  }
  if (added.length > 0) {
    ctx.notes.push(`the object typed with ${flag} has no ${added.length === 1 ? 'method' : 'methods'} the builder calls (JSON holds none): sanity-train added ${added.join(', ')} from the file's stand-in; type them as \`name: () => value\` to choose the values`);
  }
  return out;
}

/**
 * The example shape of an object typed as tf.input's config (`{ shape }`, or `{ batchShape }` whose
 * first axis is the batch, with `name` or `dtype` beside it); undefined for any other value. Training
 * picks its own batch size, so a fixed batch in `batchShape` is not kept.
 */
function inputConfigShape(value: unknown): number[] | undefined {
  if (!isPlainObject(value) || !Object.keys(value).every((k) => ['shape', 'batchShape', 'name', 'dtype'].includes(k))) {
    return undefined;
  }
  const { shape, batchShape } = value;
  const candidate = shape !== undefined ? (batchShape === undefined ? shape : undefined) : Array.isArray(batchShape) ? batchShape.slice(1) : undefined;
  return isInputStandIn({ $input: candidate }) ? (candidate as number[]) : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * "; to fill them as proposed, pass --args '[9, 6, 3]'": what was typed, with the file's own proposal
 * for the rest (defaults and guesses, as without --args), when it has a value for every one of them.
 */
function proposedRest(ctx: FillContext, flag: string, given: unknown[]): string {
  const proposed = fileProposal(ctx, flag);
  const rest = proposed?.slice(given.length) ?? [];
  if (rest.length === 0 || rest.some((v) => v === null || v === undefined)) {
    return '';
  }
  return `; to fill them as proposed, pass ${flag} '${shellSafeList([...given, ...rest])}'`;
}

/** The list as a JS literal for a single-quoted shell argument: JSON when a string would close the quotes. */
function shellSafeList(values: unknown[]): string {
  const text = formatArgumentList(values);
  return text.includes("'") ? JSON.stringify(values) : text;
}

/** The file's own proposal (call sites, defaults, guesses) for the list `flag` passes; undefined when the analysis fails. */
function fileProposal(ctx: FillContext, flag: string): unknown[] | undefined {
  try {
    const proposal = proposeArguments(ctx.builder, { file: ctx.inv.file, code: ctx.inv.code });
    return flag === '--ctor-args' ? proposal.ctorArgs : proposal.args;
  } catch {
    return undefined;
  }
}

function describeParameter(p: BuilderParameter): string {
  return p.optional ? `${p.name}?` : p.name;
}

/**
 * What to pass: the proposal from the file itself (defaults and guesses) when it fills every
 * parameter; never a list with null holes, which the builder would not accept either.
 */
function hint(ctx: FillContext, flag: string, missing: BuilderParameter[]): string {
  const values = fileProposal(ctx, flag);
  if (values && !values.some((v) => v === null)) {
    return `pass ${flag} '${shellSafeList(values)}'`;
  }
  const names = missing.map((p) => p.name).join(', ');
  return `pass them as a JSON array with ${flag} (nothing in the file suggests a value for ${names})`;
}
