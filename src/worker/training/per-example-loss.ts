/**
 * tfjs (4.22) adds a multi-output model's per-output losses before it averages them (tfjs-layers'
 * totalLossFunction: `add(totalLoss, loss)`), so a model whose outputs' losses differ in shape (a
 * detector's heads at 40×40 and 20×20) cannot train: "Operands could not be broadcast", in the
 * program's own fit() too. Keras averages each output's loss per example first. Where the shapes
 * differ, each loss function is wrapped to do the same; where they are equal nothing is wrapped (the
 * mean of the sum is then the sum of the means, so training is unchanged).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { replaceLossFunctions, type LossFunction } from './loss-functions';

/** Each output's loss shape without the batch axis: the output's shape without its last axis, which a loss reduces. */
function lossShapes(model: tfjs.LayersModel): string[] {
  return model.outputs.map((o) => o.shape.slice(1, -1).join('×') || 'one value');
}

/** The loss shapes when they differ between outputs ("40×40, 20×20 and 10×10"), else undefined. */
export function differingLossShapes(model: tfjs.LayersModel): string | undefined {
  const shapes = lossShapes(model);
  if (new Set(shapes).size < 2) {
    return undefined;
  }
  return shapes.length === 2 ? shapes.join(' and ') : `${shapes.slice(0, -1).join(', ')} and ${shapes[shapes.length - 1]}`;
}

/** The report's note when the losses are averaged per example first; undefined when nothing changes. */
export function perExampleLossNote(model: tfjs.LayersModel): string | undefined {
  const shapes = differingLossShapes(model);
  return shapes === undefined
    ? undefined
    : `the outputs' losses have different shapes (${shapes}), which tfjs adds together before it averages them, so model.fit() fails for this model in your program too ("Operands could not be broadcast"); sanity-train averages each output's loss per example first, as Keras does`;
}

/** After compile(): wraps each loss function to average over every axis but the batch, where the outputs' loss shapes differ. */
export function averageLossesPerExample(model: tfjs.LayersModel): boolean {
  if (differingLossShapes(model) === undefined) {
    return false;
  }
  const perExample = (fn: LossFunction): LossFunction => (yTrue, yPred) => {
    const loss = fn(yTrue, yPred);
    return loss.rank > 1 ? loss.mean(Array.from({ length: loss.rank - 1 }, (_, axis) => axis + 1)) : loss;
  };
  return replaceLossFunctions(model, perExample) > 0;
}
