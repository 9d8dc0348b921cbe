/**
 * Stand-ins for live objects (core/analysis/arguments/stand-ins.ts) made real before the call:
 * `{ $returns: v }` becomes a method returning a fresh copy of `v`, `{ $input: shape }` the worker's
 * `tf.input({ shape })`, `{ $layer: 'dense', config }` the worker's `tf.layers.dense(config)`. The objects that hold stand-ins, and the objects the analysis guessed, are
 * watched: a member the builder asks for that the stand-in lacks is recorded, so that when the build
 * then fails its one line names the stand-in and what the analysis did not foresee.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { containsStandIn, isInputStandIn, isLayerStandIn, isMethodStandIn } from '../../../core/analysis/arguments/model-arguments';
import type { BuilderParameter } from '../../../core/analysis/types';

/** Members that runtimes and libraries probe on any object: asking for them is no use of the stand-in. */
/** Reads that are no use of the value: runtimes', test libraries' and the worker's own (the model-argument marker). */
const PROBES = new Set(['then', 'toJSON', 'inspect', 'nodeType', 'asymmetricMatch', '$$typeof', '__esModule', 'prototype', '$model']);

/**
 * The parameters the proposal guessed, from its summary: "guessed from the names and types (game, opts)",
 * also after "given with --args; the rest: …" (the list names only the guessed ones).
 */
export function guessedParameterNames(argsSource: string | undefined): string[] {
  const list = /guessed from the names and types \(([^)]*)\)/.exec(argsSource ?? '')?.[1];
  return list === undefined ? [] : list.split(',').map((s) => s.trim());
}

export class StandIns {
  /** The parameters that received a method or tf.input stand-in, in call order. */
  private readonly used: string[] = [];
  /** The flag that passes each watched parameter's real value (`--args`, `--ctor-args`). */
  private readonly flags = new Map<string, string>();
  /** `game.getValidMoves`: members asked for that no stand-in has. */
  private readonly unforeseen = new Set<string>();

  constructor(
    private readonly tf: typeof tfjs,
    private readonly guessed: readonly string[],
  ) {}

  /** `values` (one per parameter, tfjs included) with their stand-ins made real; `flag` passes them instead. */
  materialize(values: unknown[], parameters: readonly BuilderParameter[], flag: string): unknown[] {
    return values.map((value, i) => {
      if (parameters[i]?.receivesTfjs) {
        return value;
      }
      const name = parameters[i]?.name ?? `argument ${i + 1}`;
      const plainObject = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
      if (!containsStandIn(value) && !(plainObject && this.guessed.includes(name))) {
        return value;
      }
      if (containsStandIn(value)) {
        this.used.push(name);
      }
      this.flags.set(name, flag);
      return this.make(value, name);
    });
  }

  /**
   * For a failure line: which stand-in was involved and how; undefined when none ran. The members the
   * builder asked for that the stand-in lacks are named only where `err` can come from a missing value
   * (a TypeError, a message naming undefined, null or NaN): a member read with a fallback
   * (`layer.activation || 'relu'`) is no cause of "The first layer … must get an inputShape".
   */
  describe(err?: unknown): string | undefined {
    const asked = mayComeFromAMissingValue(err) ? [...this.unforeseen] : [];
    const owners = ownersOf(asked);
    if (asked.length > 0) {
      const flag = this.flags.get(owners[0]) ?? '--args';
      const what = owners.length === 1 ? `${owners[0]} is a stand-in` : `${owners.join(' and ')} are stand-ins`;
      return `${what} guessed from the code, and the builder asked for ${asked.slice(0, 4).join(', ')}, which the analysis did not foresee: pass the real value${owners.length === 1 ? '' : 's'} with ${flag}`;
    }
    const used = this.used.length > 0 ? this.used : ownersOf([...this.unforeseen]);
    if (used.length === 0) {
      return undefined;
    }
    const flag = this.flags.get(used[0]) ?? '--args';
    const what = used.length === 1 ? `${used[0]} was a stand-in` : `${used.join(' and ')} were stand-ins`;
    return `${what} guessed from the code: pass the real value${used.length === 1 ? '' : 's'} with ${flag} if the error comes from ${used.length === 1 ? 'it' : 'them'}`;
  }

  private make(value: unknown, path: string): unknown {
    if (isInputStandIn(value)) {
      return this.tf.input({ shape: value.$input });
    }
    if (isLayerStandIn(value)) {
      return this.layer(value.$layer, value.config, path);
    }
    if (isMethodStandIn(value)) {
      const returned = value.$returns;
      const method = () => this.make(structuredClone(returned), `${path}()`);
      return method;
    }
    if (Array.isArray(value)) {
      return value.map((v, i) => this.make(v, `${path}[${i}]`));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const made: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      made[key] = this.make(v, `${path}.${key}`);
    }
    return this.watched(made, path);
  }

  private layer(name: string, config: Record<string, unknown> | undefined, path: string): unknown {
    const factory = (this.tf.layers as unknown as Record<string, unknown>)[name];
    if (typeof factory !== 'function') {
      throw new Error(`${path} is tf.layers.${name}(…), which tfjs does not have`);
    }
    return (factory as (c?: unknown) => unknown)(config === undefined ? undefined : structuredClone(config));
  }

  private watched(target: Record<string, unknown>, path: string): Record<string, unknown> {
    const unforeseen = this.unforeseen;
    return new Proxy(target, {
      get(object, key, receiver) {
        if (typeof key === 'string' && !PROBES.has(key) && !Reflect.has(object, key)) {
          unforeseen.add(`${path}.${key}`);
        }
        return Reflect.get(object, key, receiver) as unknown;
      },
    });
  }
}

/** The parameters that paths start with (`game.cells`, `layers[0].units` → game, layers), each once. */
function ownersOf(paths: readonly string[]): string[] {
  return [...new Set(paths.map((path) => path.split(/[.([]/)[0]))];
}

/** An error a value the code did not get can cause: a TypeError, or a message that names undefined, null or NaN (none given: any). */
function mayComeFromAMissingValue(err: unknown): boolean {
  if (err === undefined) {
    return true;
  }
  const message = err instanceof Error ? err.message : String(err);
  return err instanceof TypeError || /\b(undefined|null|NaN)\b/.test(message);
}

/** Module variables' (or instance fields') values with their stand-ins (methods, a layer input) made real. */
export function materializedValues(values: Record<string, unknown>, tf: typeof tfjs, flag = '--module-vars'): [string, unknown][] {
  const names = Object.keys(values);
  const parameters = names.map((name) => ({ name, optional: false, receivesTfjs: false }));
  const made = new StandIns(tf, []).materialize(Object.values(values), parameters, flag);
  return names.map((name, i) => [name, made[i]]);
}
