/**
 * BatchNormalization that tfjs cannot train, in the user's program either:
 * - over any axis but the last of an input of rank 3 or more (channels-first code, often ported from
 *   PyTorch: `batchNormalization({ axis: 1 })`) the forward pass works and the gradient fails
 *   ("Size(300) must match the product of shape 1,3,1,1");
 * - on an input of rank 5 or more (after a conv3d) both fail ("batchNormalization is not implemented
 *   for array of rank 5 yet").
 * RunningBatchNorm normalises any axis of any rank: the sanity-train runs the model with it in those
 * layers' place, which is the conversion this extension offers, and the report says the model as
 * written cannot train. Only when one gradient through the model as written really fails: a tfjs that
 * lifts the limit trains the model as written.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { NormSwapped } from '../../core/training/protocol';
import { sliceRows, type Tensors } from '../data/training-data';
import { swapNorms } from './norm-swap';
import { normLimitOf, type NormLimit } from './step-error';

/** The BatchNormalization layers tfjs cannot train (an axis other than their input's last, a rank over 4), nested models' included. */
export function untrainableNorms(model: tfjs.LayersModel): UntrainableNorm[] {
  return model.layers.flatMap((layer) => {
    const nested = layer as Partial<tfjs.LayersModel>;
    if (Array.isArray(nested.layers)) {
      return untrainableNorms(layer as tfjs.LayersModel);
    }
    const limit = normLimitOf(layer);
    return limit ? [{ layer, limit }] : [];
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
 * The model to run in place of one whose BatchNormalization cannot train in this tfjs: its
 * RunningBatchNorm copy and what to tell the user; undefined when the model trains as written.
 */
export async function trainableInPlaceOf(tf: typeof tfjs, model: tfjs.LayersModel, xs: Tensors): Promise<{ model: tfjs.LayersModel; swapped: NormSwapped } | undefined> {
  const norms = untrainableNorms(model);
  if (norms.length === 0) {
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
  const said = `tfjs said "${error.message.split('\n')[0]}"`;
  const reasons = [axisReason(norms), rankReason(norms)].filter((r) => r !== undefined);
  return { model: copy.model, swapped: { reason: `${reasons.join('; ')}: ${norms.some((n) => n.limit.kind === 'rank') ? 'it fails' : 'its gradient fails'} (${said}), in your program too`, layers: norms.map((n) => n.layer.name) } };
}

export type UntrainableNorm = { layer: tfjs.layers.Layer; limit: NormLimit };

/** The layers with one kind of limit, and their distinct axes or ranks ("1, 2"). */
function ofKind(norms: UntrainableNorm[], kind: NormLimit['kind']): { over: UntrainableNorm[]; values: string } {
  const over = norms.filter((n) => n.limit.kind === kind);
  return { over, values: [...new Set(over.map(({ limit }) => (limit.kind === 'axis' ? limit.axis : limit.rank)))].join(', ') };
}

function axisReason(norms: UntrainableNorm[]): string | undefined {
  const { over, values } = ofKind(norms, 'axis');
  return over.length === 0 ? undefined : `tfjs trains BatchNormalization only over the last axis, and ${namesOf(over, 'normalises', 'normalise')} axis ${values} (channels-first)`;
}

function rankReason(norms: UntrainableNorm[]): string | undefined {
  const { over, values } = ofKind(norms, 'rank');
  return over.length === 0 ? undefined : `tfjs implements BatchNormalization for inputs of rank 2 to 4 only, and ${over.length === 1 ? `the input of ${over[0].layer.name} has` : `the inputs of ${namesOf(over)} have`} rank ${values}`;
}

/** "name normalises" or "3 layers (a, b and 1 more) normalise"; with no verbs, the names alone. */
function namesOf(norms: UntrainableNorm[], one = '', many = ''): string {
  const names = norms.map((n) => n.layer.name);
  const listed = names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
  const phrase = names.length === 1 ? `${names[0]} ${one}` : `${names.length} layers (${listed}) ${many}`;
  return phrase.trim();
}
