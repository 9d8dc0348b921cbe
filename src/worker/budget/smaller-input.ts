/**
 * When one training step does not fit the memory or the time budget, the advice "pass a smaller input
 * shape" is only useful if it says where the shape comes from: the value the user's call passed (an
 * argument, a constructor argument, a member of an options object), a field the constructor set
 * (`this.inputShape = [224, 224, 3]`), or a module variable. This finds that value after the build, by
 * what the model's input is, and makes the same run with the input's sides halved: a flag for the CLI
 * and the request change behind the editor's "Run Again with Input …" button. Pure.
 */
import { formatArgumentList, formatLiteralValue } from '../../core/analysis/arguments/argument-proposals';
import type { BuilderCallValues, SmallerInput } from '../../core/training/protocol';
import { SIDE_NAME } from './build-size';
import { isPlainObject } from '../../core/analysis/arguments/model-arguments';

/** Sides below this are left as they are: a stack of poolings needs room, and a small input is rarely what is too large. */
const MIN_SIDE_TO_HALVE = 32;

/** What the build was called with, in the user's terms (JSON values), and the instance the method ran on. */
export interface CallValues {
  args?: unknown[];
  /** Whether `args` are a class's constructor arguments (`--model Class`). */
  argsAreConstructor?: boolean;
  ctorArgs?: unknown[];
  argsSource?: string;
  instance?: Record<string, unknown>;
  instanceVars?: Record<string, unknown>;
  moduleVars?: Record<string, unknown>;
}

/** `[224, 224, 3]` → `[112, 112, 3]`: every side but the last (the channels or features) halved; undefined when none is large enough. */
export function halvedShape(shape: readonly (number | null)[]): number[] | undefined {
  if (shape.length < 2 || !shape.every((d): d is number => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
    return undefined;
  }
  const sides = shape.slice(0, -1);
  if (!sides.some((d) => d >= MIN_SIDE_TO_HALVE)) {
    return undefined;
  }
  return [...sides.map((d) => (d >= MIN_SIDE_TO_HALVE ? Math.floor(d / 2) : d)), shape[shape.length - 1]];
}

/**
 * The value the input shape (one example's, the batch axis left out) comes from, with the change
 * that halves it; undefined when the model has several inputs or the shape is in none of the values.
 */
export function findSmallerInput(inputShapes: readonly (readonly (number | null)[])[], call: CallValues): SmallerInput | undefined {
  try {
    return search(inputShapes, call);
  } catch {
    // Advice only: an instance whose own getter throws leaves the failure's message as it was.
    return undefined;
  }
}

function search(inputShapes: readonly (readonly (number | null)[])[], call: CallValues): SmallerInput | undefined {
  if (inputShapes.length !== 1) {
    return undefined;
  }
  const was = inputShapes[0] as number[];
  const now = halvedShape(was);
  if (!now) {
    return undefined;
  }
  const halve = replacer(was, now);
  const halved = `input halved to ${now.join('×')} to fit`;
  const withSource = (source: string | undefined) => (source ? `${source}; ${halved}` : halved);
  if (call.args) {
    const found = inList(call.args, halve);
    if (found) {
      const flag = call.argsAreConstructor ? 'the constructor' : 'the builder';
      return { from: `${flag}'s argument ${found.at}`, was, now, change: { args: found.values, argsSource: withSource(call.argsSource) }, flag: `--args '${formatArgumentList(found.values)}'` };
    }
  }
  if (call.ctorArgs) {
    const found = inList(call.ctorArgs, halve);
    if (found) {
      return { from: `the constructor's argument ${found.at}`, was, now, change: { ctorArgs: found.values, argsSource: withSource(call.argsSource) }, flag: `--ctor-args '${formatArgumentList(found.values)}'` };
    }
  }
  // A field's own value only: one inside an options object the constructor kept is the user's, and is not written over.
  const fields = call.instance && inObject(call.instance, halve, 'this.', false);
  if (fields) {
    const values = mergedOver(call.instanceVars ?? {}, fields.change);
    // The run keeps the other fields it had (proposals fill empty ones); only the halved one is the user's choice.
    const typed = Object.keys(fields.change);
    return { from: fields.at, was, now, change: { instanceVars: values, instanceVarsSource: halved, instanceVarsTyped: typed } satisfies BuilderCallValues, flag: `--instance-vars '${formatLiteralValue(fields.change)}'` };
  }
  const vars = call.moduleVars && inObject(call.moduleVars, halve, 'module variable ', true);
  if (vars) {
    const values = mergedOver(call.moduleVars ?? {}, vars.change);
    return { from: vars.at, was, now, change: { moduleVars: values, moduleVarsSource: halved }, flag: `--module-vars '${formatLiteralValue(values)}'` };
  }
  return undefined;
}

/** The advice of a memory or time failure with the halved input named, when the message gives the generic advice. */
export function withSmallerInputAdvice(message: string, smaller: SmallerInput | undefined): { message: string; smallerInput?: SmallerInput } {
  const generic = /pass a smaller input shape with --args/;
  if (!smaller || !generic.test(message)) {
    return { message };
  }
  const advice = `the input ${formatArgumentList(smaller.was)} comes from ${smaller.from}: halve it with ${smaller.flag}`;
  return { message: message.replace(generic, advice), smallerInput: smaller };
}

/** Replaces a value that is the input shape, or a number that is both sides of a square image, by its halved form. */
type Halve = (value: unknown) => unknown;

function replacer(was: number[], now: number[]): Halve {
  const squareSide = was.length === 3 && was[0] === was[1] ? was[0] : undefined;
  return (value) => {
    if (Array.isArray(value) && value.length === was.length && value.every((d, i) => d === was[i])) {
      return now;
    }
    return squareSide !== undefined && value === squareSide ? now[0] : undefined;
  };
}

/** The first argument (or a member of an options object among them) that halves; arrays before sides. */
function inList(values: unknown[], halve: Halve): { at: string; values: unknown[] } | undefined {
  for (const pass of [isArray, isNumber]) {
    for (const [i, value] of values.entries()) {
      const direct = pass(value) ? halve(value) : undefined;
      if (direct !== undefined) {
        return { at: `${i + 1}`, values: values.map((v, j) => (j === i ? direct : v)) };
      }
      if (isPlainObject(value)) {
        const member = memberThatHalves(value, halve, pass);
        const options = member && { ...value, [member.key]: member.value };
        if (member) {
          return { at: `${i + 1} (its ${member.key})`, values: values.map((v, j) => (j === i ? options : v)) };
        }
      }
    }
  }
  return undefined;
}

/** The first field (or, with `members`, a member of a plain-object field) that halves, as the change to set; arrays before sides. */
function inObject(fields: Record<string, unknown>, halve: Halve, prefix: string, members: boolean): { at: string; change: Record<string, unknown> } | undefined {
  for (const pass of [isArray, isNumber]) {
    for (const [name, value] of Object.entries(fields)) {
      const direct = pass(value, name) ? halve(value) : undefined;
      if (direct !== undefined) {
        return { at: `${prefix}${name}`, change: { [name]: direct } };
      }
      const member = members && isPlainObject(value) ? memberThatHalves(value, halve, pass) : undefined;
      if (member) {
        return { at: `${prefix}${name}.${member.key}`, change: { [name]: { [member.key]: member.value } } };
      }
    }
  }
  return undefined;
}

function memberThatHalves(object: Record<string, unknown>, halve: Halve, pass: (value: unknown, key?: string) => boolean): { key: string; value: unknown } | undefined {
  for (const [key, value] of Object.entries(object)) {
    const halved = pass(value, key) ? halve(value) : undefined;
    if (halved !== undefined) {
      return { key, value: halved };
    }
  }
  return undefined;
}

/** `base` with `change` written over it, plain objects member by member. */
function mergedOver(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(change)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergedOver(current, value) : value;
  }
  return out;
}

function isArray(value: unknown): boolean {
  return Array.isArray(value);
}

/** A number, by position (an argument) or under a name for a side (`imageSize`, `IMG_ROWS`): a field that happens to equal the side is not one. */
function isNumber(value: unknown, key?: string): boolean {
  return typeof value === 'number' && (key === undefined || SIDE_NAME.test(key));
}
