/**
 * The loss functions of a compiled tfjs-layers model, replaced in place: training calls them from
 * `lossFunctions`, evaluate() from `feedLossFns`, and a Sequential holds both in its inner LayersModel.
 */
import type * as tfjs from '@tensorflow/tfjs';

export type LossFunction = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor;

interface LossHolder {
  lossFunctions?: LossFunction[];
  feedLossFns?: LossFunction[];
}

/** Replaces each output's loss function by what `replace` returns for it (undefined: kept); returns how many it replaced. */
export function replaceLossFunctions(model: tfjs.LayersModel, replace: (fn: LossFunction, output: number) => LossFunction | undefined): number {
  const holder = model as unknown as LossHolder & { model?: LossHolder };
  const compiled = Array.isArray(holder.lossFunctions) ? holder : holder.model;
  const fns = compiled?.lossFunctions;
  if (compiled === undefined || !Array.isArray(fns)) {
    return 0;
  }
  let replaced = 0;
  fns.forEach((fn, i) => {
    const next = replace(fn, i);
    if (next === undefined) {
      return;
    }
    fns[i] = next;
    if (compiled.feedLossFns?.[i] === fn) {
      compiled.feedLossFns[i] = next;
    }
    replaced++;
  });
  return replaced;
}
