/**
 * Outputs that are random: a VAE encoder's sampled `z` (mean + exp(logVar / 2) · noise) differs between
 * two calls on the same input even in inference mode, where dropout is off and batch norm uses its
 * moving statistics. A synthetic target for such an output is noise fitted to noise: its squared error
 * grows with exp(logVar), and on the bench it drove one encoder's loss from 8 to 2.4e7 within 20 steps,
 * which the run then reported as an explosion of a healthy model. The built-in task puts no loss on
 * them (training/compile.ts) and leaves them out of the scores.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { listOf } from '../loading/page/browser-stand-ins';
import { sliceRows, rowCount, type OutputSpec, type Tensors, type TrainingData } from './training-data';

/** Rows compared: enough to see noise, few enough to cost nothing. */
const ROWS = 4;

/** Indices of the outputs whose values differ between two inference calls on the same rows of `xs`. */
export function randomOutputs(tf: typeof tfjs, model: tfjs.LayersModel, xs: Tensors): number[] {
  if (model.outputs.length < 2 || rowCount(xs) === 0) {
    return [];
  }
  return tf.tidy(() => {
    const rows = sliceRows(xs, 0, Math.min(ROWS, rowCount(xs)));
    const list = (t: tfjs.Tensor | tfjs.Tensor[]) => (Array.isArray(t) ? t : [t]);
    const first = list(model.predict(rows) as tfjs.Tensor | tfjs.Tensor[]);
    const second = list(model.predict(rows) as tfjs.Tensor | tfjs.Tensor[]);
    // A NaN compares as no difference: a broken output is not a random one.
    return first.flatMap((t, i) => (tf.any(tf.greater(tf.abs(tf.sub(t, second[i])), 0)).dataSync()[0] ? [i] : []));
  });
}

/**
 * Marks the outputs that are random when the built-in task trains the model (a
 * compile() of the program's own stands as it is); the note names them. Only beside an output that is not.
 */
export function markRandomOutputs(tf: typeof tfjs, model: tfjs.LayersModel, data: TrainingData, outputs: OutputSpec[]): string[] {
  if (model.loss !== undefined || data.outputs === undefined) {
    return [];
  }
  const random = randomOutputs(tf, model, data.xs);
  if (random.length === 0 || random.length === outputs.length) {
    return [];
  }
  random.forEach((i) => (outputs[i].random = true));
  const names = listOf(random.map((i) => outputs[i].name));
  return [`${names} ${random.length === 1 ? 'is' : 'are'} random (different on each call with the same input, as a VAE's sampled latent is): the built-in task puts no loss on ${random.length === 1 ? 'it' : 'them'} and does not score ${random.length === 1 ? 'it' : 'them'}`];
}
