/**
 * tfjs trains BatchNormalization only over the last axis: over any other axis of an input of rank 3
 * or more (channels-first code, often ported from PyTorch: `batchNormalization({ axis: 1 })`) the
 * forward pass works and the gradient fails ("Size(300) must match the product of shape 1,3,1,1"),
 * so the model cannot train in the user's program either. RunningBatchNorm normalises any axis: the
 * sanity-train runs the model with it in those layers' place, which is the conversion this extension
 * offers, and the report says the model as written cannot train. Only when one gradient through the
 * model as written really fails: a tfjs that fixes its gradient trains the model as written.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { NormSwapped } from '../../core/training/protocol';
import { sliceRows, type Tensors } from '../data/training-data';
import { swapNorms } from './norm-swap';
import { failureAdvice } from './step-error';

/** The BatchNormalization layers over an axis other than their input's last, nested models' included. */
export function channelsFirstNorms(model: tfjs.LayersModel): tfjs.layers.Layer[] {
  return model.layers.flatMap((layer) => {
    const nested = layer as Partial<tfjs.LayersModel>;
    if (Array.isArray(nested.layers)) {
      return channelsFirstNorms(layer as tfjs.LayersModel);
    }
    return failureAdvice(layer) !== undefined ? [layer] : [];
  });
}

/**
 * The error of one gradient through the model in training mode, on the first two examples; undefined
 * when it computes. The model's moving statistics, which a training-mode pass updates, are put back.
 */
export function gradientError(tf: typeof tfjs, model: tfjs.LayersModel, xs: Tensors): Error | undefined {
  const saved = model.nonTrainableWeights.map((w) => w.read().clone());
  try {
    tf.tidy(() => {
      const x = sliceRows(xs, 0, 2);
      const { value, grads } = tf.variableGrads(() => {
        const out = model.apply(x, { training: true }) as tfjs.Tensor | tfjs.Tensor[];
        return (Array.isArray(out) ? out : [out]).map((o) => tf.mean(tf.square(o))).reduce((a, b) => tf.add(a, b)) as tfjs.Scalar;
      }, model.trainableWeights.map((w) => (w as unknown as { val: tfjs.Variable }).val));
      tf.dispose([value, ...Object.values(grads)]);
    });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  } finally {
    model.nonTrainableWeights.forEach((w, i) => w.write(saved[i]));
    tf.dispose(saved);
  }
}

/**
 * The model to run in place of one whose channels-first BatchNormalization cannot train in this tfjs:
 * its RunningBatchNorm copy and what to tell the user; undefined when the model trains as written.
 */
export async function trainableInPlaceOf(tf: typeof tfjs, model: tfjs.LayersModel, xs: Tensors): Promise<{ model: tfjs.LayersModel; swapped: NormSwapped } | undefined> {
  const layers = channelsFirstNorms(model);
  if (layers.length === 0) {
    return undefined;
  }
  const error = gradientError(tf, model, xs);
  if (error === undefined) {
    return undefined;
  }
  const copy = await swapNorms(tf, model).catch(() => undefined);
  if (!copy) {
    return undefined;
  }
  const axes = [...new Set(layers.map((l) => (l.getConfig() as { axis?: number }).axis))].join(', ');
  const names = layers.map((l) => l.name);
  const listed = names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
  const reason = `tfjs trains BatchNormalization only over the last axis, and ${names.length === 1 ? `${names[0]} normalises` : `${names.length} layers (${listed}) normalise`} axis ${axes} (channels-first): its gradient fails (tfjs said "${error.message.split('\n')[0]}"), in your program too`;
  return { model: copy.model, swapped: { reason, layers: names } };
}
