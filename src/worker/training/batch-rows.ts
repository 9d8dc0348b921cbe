/**
 * A model whose output does not keep one row per example: a custom layer that reduces over the batch
 * (`matMul(transpose(branch), gate)`, then `reshape([1, numClasses])`) returns one row whatever the
 * batch. tfjs's fit() broadcasts that row against every label, so the program trains it, but it cannot
 * be scored per example: the report names the first layer whose output loses the batch.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { SanityFailure } from '../errors';
import { rowCount, sliceRows, type Tensors } from '../data/training-data';

/** Rows fed to each layer's sub-model when looking for the one that loses the batch. */
const PROBE_ROWS = 3;

/** Throws when `predicted` (the model's output for `xs`) has another number of rows than `xs`. */
export function checkRowsKept(tf: typeof tfjs, model: tfjs.LayersModel, xs: Tensors, predicted: tfjs.Tensor): void {
  const examples = rowCount(xs);
  if (predicted.shape[0] === examples) {
    return;
  }
  const layer = examples >= PROBE_ROWS ? firstLayerLosingRows(tf, model, sliceRows(xs, 0, PROBE_ROWS)) : undefined;
  const where = layer ? `its layer "${layer.name}" (${layer.className}) returns ${layer.rows} ${layer.rows === 1 ? 'row' : 'rows'} for ${PROBE_ROWS} examples, so ` : '';
  throw new SanityFailure(
    'threw',
    `the model returned ${predicted.shape[0]} rows for ${examples} held-out examples: ${where}its output does not keep one row per example and cannot be scored per example (fit() in your program broadcasts it against the labels, so it may still train there)`,
  );
}

/** The first layer whose output has another number of rows than the probe, by running the model up to each layer. */
function firstLayerLosingRows(tf: typeof tfjs, model: tfjs.LayersModel, probe: Tensors): { name: string; className: string; rows: number } | undefined {
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') {
      continue;
    }
    let rows: number | undefined;
    try {
      rows = tf.tidy(() => {
        const upTo = tf.model({ inputs: model.inputs, outputs: layer.output as tfjs.SymbolicTensor | tfjs.SymbolicTensor[] });
        const out = upTo.predict(probe as tfjs.Tensor | tfjs.Tensor[]);
        return (Array.isArray(out) ? out[0] : out).shape[0];
      });
    } catch {
      // A layer used more than once has no single output; a sub-model may not build: look further.
      continue;
    }
    if (rows !== PROBE_ROWS) {
      return { name: layer.name, className: layer.getClassName(), rows };
    }
  }
  return undefined;
}
