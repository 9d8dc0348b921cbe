/**
 * Programs that train in their own loop (`optimizer.applyGradients(tf.variableGrads(…).grads)`, or
 * `optimizer.minimize(…)`, which ends in applyGradients) never call fit: their first gradient step on a
 * built model's weights is where they train it. Every optimizer class defines its own applyGradients,
 * so the hook wraps the classes of the optimizers the program gets: from `tf.train.*` (which
 * tfjs-layers also uses for `compile({ optimizer: 'adam' })`) and from a compiled model.
 */
import { stopProgram } from './program-stop';

const PATCHED = Symbol.for('rbn.capture.patched.applyGradients');

/**
 * 'pass' lets the update run; 'stop' throws ProgramStopped instead: the session takes the model over,
 * and the program's loop (a synchronous one as well) must not step it or run tfjs beside it.
 */
export type GradientListener = (variableNames: string[], optimizer: object) => 'pass' | 'stop';

type ApplyGradients = (this: object, gradients: unknown) => unknown;
type Prototype = Record<string | symbol, unknown>;

/** Wraps applyGradients of the optimizer's class and every class above it, each once. */
export function patchOptimizerClasses(optimizer: unknown, listener: GradientListener): void {
  if (!optimizer || typeof optimizer !== 'object') {
    return;
  }
  for (let proto = Object.getPrototypeOf(optimizer) as Prototype | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as Prototype | null) {
    if (!Object.prototype.hasOwnProperty.call(proto, 'applyGradients') || Object.prototype.hasOwnProperty.call(proto, PATCHED)) {
      continue;
    }
    proto[PATCHED] = true;
    const original = proto.applyGradients as ApplyGradients;
    // A subclass's applyGradients that calls super's is seen twice for one update: the listener is idempotent.
    proto.applyGradients = function (this: object, gradients: unknown) {
      if (listener(gradientNames(gradients), this) === 'stop') {
        stopProgram();
      }
      return original.call(this, gradients);
    };
  }
}

/** Wraps the `tf.train` factories so that every optimizer they make gets its class wrapped. */
export function patchOptimizerFactories(train: unknown, listener: GradientListener): void {
  const factories = train as Prototype | undefined;
  // tfjs's `train` is a class (its factories are static methods), so a function.
  if (!factories || !['object', 'function'].includes(typeof factories) || Object.prototype.hasOwnProperty.call(factories, PATCHED)) {
    return;
  }
  factories[PATCHED] = true;
  for (const name of Object.getOwnPropertyNames(factories)) {
    const make = factories[name];
    if (typeof make !== 'function' || name === 'prototype') {
      continue;
    }
    try {
      factories[name] = function (this: unknown, ...args: unknown[]) {
        const optimizer = (make as (...a: unknown[]) => unknown).apply(this, args);
        patchOptimizerClasses(optimizer, listener);
        return optimizer;
      };
    } catch {
      // a read-only export: optimizers from it are wrapped when a model compiles with them
    }
  }
}

/** The variable names of a NamedTensorMap or a NamedTensor[]. */
export function gradientNames(gradients: unknown): string[] {
  if (Array.isArray(gradients)) {
    return gradients.map((g) => String((g as { name?: unknown }).name));
  }
  return gradients && typeof gradients === 'object' ? Object.keys(gradients) : [];
}
