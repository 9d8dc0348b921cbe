/**
 * Taps into the training step without changing it: each layer's `apply` is wrapped (on this instance
 * only) so that, on a sampled step, the layer's output is reduced to a few statistics right where the
 * forward pass makes it, and the optimizer's `applyGradients` so that the step's own gradients (from the
 * same tape trainOnBatch records) are reduced before they are applied. Nothing is recomputed and no
 * value the training uses is touched; between sampled steps the wrappers only check a flag.
 */
import type * as tfjs from '@tensorflow/tfjs';

type ApplyFn = tfjs.layers.Layer['apply'];
type ApplyGradientsFn = tfjs.Optimizer['applyGradients'];
type Gradients = Parameters<ApplyGradientsFn>[0];

/** Undoes one wrapper: deletes the own property, or restores the one that was there. */
type Restore = () => void;

function isTensor(value: unknown): value is tfjs.Tensor {
  return typeof value === 'object' && value !== null && typeof (value as tfjs.Tensor).dataSync === 'function' && typeof (value as tfjs.Tensor).dtype === 'string';
}

/** The first tensor a layer produced (multi-output layers report their first output). */
export function firstTensor(output: unknown): tfjs.Tensor | null {
  const first = Array.isArray(output) ? (output as unknown[])[0] : output;
  return isTensor(first) ? first : null;
}

function wrapMethod<T extends object, K extends keyof T>(target: T, key: K, wrapper: (original: T[K]) => T[K]): Restore {
  const hadOwn = Object.prototype.hasOwnProperty.call(target, key);
  const previous = target[key];
  target[key] = wrapper(previous);
  return () => {
    if (hadOwn) {
      target[key] = previous;
    } else {
      delete target[key];
    }
  };
}

/** Calls `onOutput` with every concrete tensor `layer` outputs while `armed()` holds. */
export function tapLayerOutput(layer: tfjs.layers.Layer, armed: () => boolean, onOutput: (output: tfjs.Tensor) => void): Restore {
  return wrapMethod(layer, 'apply', (original: ApplyFn): ApplyFn =>
    function (this: tfjs.layers.Layer, ...args: Parameters<ApplyFn>) {
      const output = original.apply(this, args);
      if (armed()) {
        const tensor = firstTensor(output);
        if (tensor) {
          onOutput(tensor);
        }
      }
      return output;
    },
  );
}

/** Calls `onGradients` with the step's gradients by variable name before the optimizer applies them. */
export function tapGradients(optimizer: tfjs.Optimizer, armed: () => boolean, onGradients: (byName: Map<string, tfjs.Tensor>) => void): Restore {
  return wrapMethod(optimizer, 'applyGradients', (original: ApplyGradientsFn): ApplyGradientsFn =>
    function (this: tfjs.Optimizer, gradients: Gradients) {
      if (armed()) {
        const byName = new Map<string, tfjs.Tensor>();
        if (Array.isArray(gradients)) {
          for (const g of gradients) {
            byName.set(g.name, g.tensor);
          }
        } else {
          for (const [name, tensor] of Object.entries(gradients)) {
            byName.set(name, tensor);
          }
        }
        onGradients(byName);
      }
      return original.call(this, gradients);
    },
  );
}
