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
