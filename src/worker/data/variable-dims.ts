/**
 * Concrete shapes for a model whose inputs have a variable dimension (`inputShape: [null, 229, 1]`,
 * a spectrogram of any length; `[null, null, 3]`, an image of any size): synthetic data needs one
 * length. Each unknown dimension gets the first of a few lengths for which the model runs, and the
 * outputs' shapes are read from that forward pass, since a variable input makes them variable too.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { BadInputError } from '../errors';

/** Tried in order: small enough to stay fast, large enough for a few poolings. */
export const VARIABLE_LENGTHS = [16, 32, 64];

export interface ConcreteShapes {
  /** Per input and output, the shape without the batch axis. */
  inputs: number[][];
  outputs: number[][];
  /** Says which lengths were chosen, when any were. */
  note?: string;
}

type Shape = (number | null)[];

function known(shape: Shape): shape is number[] {
  return shape.every((d) => d !== null);
}

/** The model's shapes with every unknown dimension filled in; throws BadInputError when no length works. */
export function concreteShapes(tf: typeof tfjs, model: tfjs.LayersModel): ConcreteShapes {
  const inputs = model.inputs.map((i) => i.shape.slice(1));
  const outputs = model.outputs.map((o) => o.shape.slice(1));
  if (inputs.every(known) && outputs.every(known)) {
    return { inputs, outputs };
  }
  if (inputs.every(known)) {
    return { inputs, outputs: forwardShapes(tf, model, inputs) };
  }
  let failure = '';
  for (const length of VARIABLE_LENGTHS) {
    const filled = inputs.map((s) => s.map((d) => d ?? length));
    try {
      const shapes = { inputs: filled, outputs: forwardShapes(tf, model, filled) };
      return { ...shapes, note: variableNote(inputs, filled) };
    } catch (err) {
      failure = err instanceof Error ? err.message.split('\n')[0] : String(err);
    }
  }
  const which = inputs.map((s, i) => `[${s.map((d) => d ?? 'null').join(', ')}]${inputs.length > 1 ? ` (input ${i + 1})` : ''}`).join(', ');
  throw new BadInputError(`the model's input shape ${which} has variable dimensions and it runs at none of the lengths ${VARIABLE_LENGTHS.join(', ')} (${failure}); give the first layer a full inputShape or export a sanityData()`);
}

/** The output shapes of one forward pass on zeros of the given input shapes (batch of 1). */
function forwardShapes(tf: typeof tfjs, model: tfjs.LayersModel, inputs: number[][]): number[][] {
  return tf.tidy(() => {
    const xs = inputs.map((s) => tf.zeros([1, ...s]));
    const out = model.predict(xs.length === 1 ? xs[0] : xs);
    const shapes = (Array.isArray(out) ? out : [out]).map((t) => t.shape.slice(1));
    const empty = shapes.find((s) => s.some((d) => d < 1));
    if (empty) {
      // A kernel as long as the input leaves nothing to learn from.
      throw new Error(`an output of shape [${empty.join(', ')}] is empty`);
    }
    return shapes;
  });
}

function variableNote(inputs: Shape[], filled: number[][]): string {
  const show = (s: Shape) => `[${s.map((d) => d ?? 'null').join(', ')}]`;
  const parts = inputs.map((s, i) => (known(s) ? undefined : `${show(s)} as ${show(filled[i])}`)).filter((p) => p !== undefined);
  const what = parts.length === 1 && inputs.length === 1 ? `the model's input ${parts[0]}` : `the model's inputs ${parts.join(', ')}`;
  return `ran ${what}: a variable dimension needs one length for synthetic data (export sanityData() to train on your own lengths)`;
}
