/**
 * One training step on a batch: `trainOnBatch`, or, for a model with nothing to train (every layer
 * `trainable: false`, as for a network that only ever loads a checkpoint), the loss of a forward pass
 * in inference mode. Nothing is updated then, and the report says so (`trainableParams: 0`, the verdict).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { rowCount, type Tensors } from '../data/training-data';
import { explainStepFailure } from './step-error';

/** Trainable weights in the model (the optimizer has nothing to update when 0). */
export function trainableParamsOf(model: tfjs.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

/** The step's loss (per output after the total for several outputs, as trainOnBatch gives it). */
export async function stepOnBatch(model: tfjs.LayersModel, x: Tensors, y: Tensors): Promise<number | number[]> {
  if (model.trainableWeights.length > 0) {
    try {
      return await model.trainOnBatch(x, y);
    } catch (err) {
      // A tfjs error inside the user's model: name the layer and its line (step-error.ts).
      throw explainStepFailure(model, x, err) ?? err;
    }
  }
  const result = model.evaluate(x, y, { batchSize: rowCount(x) });
  const scalars = Array.isArray(result) ? result : [result];
  const values = scalars.map((s) => s.dataSync()[0]);
  scalars.forEach((s) => s.dispose());
  return values.length === 1 ? values[0] : values;
}
