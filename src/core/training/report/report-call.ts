/**
 * The report's "Call" row: which builder ran, with which arguments, and where they came from (pure,
 * shared by the panel and any text summary).
 */
import type { SanityCall } from '../protocol';
import { containsStandIn, isInputStandIn, isMethodStandIn } from '../../analysis/arguments/model-arguments';

/** Longer argument lists are shortened on the page (the JSON report keeps them whole). */
const MAX_ARGS_CHARS = 200;

function argumentList(values: readonly unknown[]): string {
  return shortenedArguments(values.map((v) => (containsStandIn(v) ? standInText(v) : (JSON.stringify(v) ?? 'undefined'))).join(', '));
}

/** An argument list as shown to a reader: at most MAX_ARGS_CHARS (an example's nested zeros run to thousands). */
export function shortenedArguments(text: string): string {
  return text.length > MAX_ARGS_CHARS ? `${text.slice(0, MAX_ARGS_CHARS - 1)}…` : text;
}

/** The call as code: `createDeepQNetwork(9, 9, 4)`; for a class, the constructor's arguments come apart. */
export function describeCallCode(call: SanityCall): { call: string; constructorArgs?: string } {
  return {
    call: `${call.model}(${argumentList(call.args)})`,
    ...(call.ctorArgs ? { constructorArgs: `(${argumentList(call.ctorArgs)})` } : {}),
  };
}

/** A value holding stand-ins for live objects, as the JS they stand for: `{ getBoardSize: () => [8, 8] }`. */
function standInText(value: unknown): string {
  if (isMethodStandIn(value)) {
    return `() => ${standInText(value.$returns)}`;
  }
  if (isInputStandIn(value)) {
    return `tf.input({ shape: ${JSON.stringify(value.$input)} })`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(standInText).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${standInText(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
