/**
 * An argument that is a model another builder of the same class builds: `buildCombinedModel(latentSize,
 * generator, discriminator)` is called with `this.generator`, which `this.generator =
 * this.buildGenerator(this.latentSize)` fills. JSON cannot hold a model, so the argument is written
 * `{ $model: 'buildGenerator', args: [100] }` and the worker builds it on the same instance before the
 * call (worker/loading/arguments/model-arguments.ts). Typed in `--args` or the argument box the same way.
 */

export const MODEL_ARGUMENT_KEY = '$model';

export interface ModelArgument {
  /** The builder method (on the same instance or class) or function (of the same file) that builds it. */
  $model: string;
  args?: unknown[];
}

export function isModelArgument(value: unknown): value is ModelArgument {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  return typeof v[MODEL_ARGUMENT_KEY] === 'string' && keys.every((k) => k === MODEL_ARGUMENT_KEY || k === 'args') && (v.args === undefined || Array.isArray(v.args));
}

/**
 * Stand-ins for live objects a builder receives (core/analysis/arguments/stand-ins.ts): a method is
 * `{ $returns: [8, 8] }` (shown and typed as `() => [8, 8]`), a symbolic tensor `{ $input: [16] }`
 * (shown and typed as `tf.input({ shape: [16] })`), a layer `{ $layer: 'dense', config: { units: 8 } }`
 * (shown and typed as `tf.layers.dense({ units: 8 })`). The worker makes the function, the tf.input
 * or the layer.
 */
export const RETURNS_KEY = '$returns';
export const INPUT_KEY = '$input';
export const LAYER_KEY = '$layer';

export interface LayerStandIn {
  /** The tf.layers factory: `dense`, `batchNormalization`. */
  $layer: string;
  config?: Record<string, unknown>;
}

export function isLayerStandIn(value: unknown): value is LayerStandIn {
  if (!isPlainObject(value) || typeof value[LAYER_KEY] !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(value[LAYER_KEY])) {
    return false;
  }
  return Object.keys(value).every((k) => k === LAYER_KEY || (k === 'config' && isPlainObject(value.config)));
}

export interface MethodStandIn {
  $returns: unknown;
}

export interface InputStandIn {
  $input: (number | null)[];
}

export function isMethodStandIn(value: unknown): value is MethodStandIn {
  return isPlainObject(value) && Object.keys(value).length === 1 && RETURNS_KEY in value;
}

export function isInputStandIn(value: unknown): value is InputStandIn {
  if (!isPlainObject(value) || Object.keys(value).length !== 1) {
    return false;
  }
  const shape = value[INPUT_KEY];
  return Array.isArray(shape) && shape.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0));
}

/** A value holding a method, tf.input or layer stand-in at any depth (JSON data only: live objects are not searched). */
export function containsStandIn(value: unknown, depth = 0): boolean {
  if (isMethodStandIn(value) || isInputStandIn(value) || isLayerStandIn(value)) {
    return true;
  }
  if (depth > MAX_STAND_IN_DEPTH) {
    return false;
  }
  const inner = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
  return inner.some((v) => containsStandIn(v, depth + 1));
}

const MAX_STAND_IN_DEPTH = 16;

/** A JSON object: `{}`-made, not a class instance, a module namespace or an array. */
/** An object literal's value (not an array, a tensor or another class's instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
