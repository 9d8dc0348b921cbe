/**
 * A layer list the user's app assembles (`for (const layer of config.layers) switch (layer.type) { case
 * 'dense': … }`): the cases its code handles say which layers a list may hold, and a stand-in list is a
 * small network of them with the batch norm in it: a dense layer, the batch norm and a dense layer, after
 * an input layer where the code has such a case. Where only its convolution's case gives a layer its
 * input shape, and the code has no input case, the list starts there: a convolution, the batch norm, a
 * flatten and a dense layer. A list handed to `tf.sequential({ layers })` whole is a list of tfjs
 * layers: a dense layer, a batch norm and a softmax. Pure.
 */
import { shapeFor, type DataHint } from './data-hint';
import type { ParameterUse } from '../usages/parameter-uses';

const BATCH_NORM = /batch.?norm/i;
const INPUT = /^input/i;
const CONV_2D = /^conv(olution(al)?)?.?2d/i;
const FLATTEN = /^flatten/i;
const DENSE = /^(dense|linear$|fc$|fully.?connected)/i;

/**
 * The kinds of a stand-in layer list, in order, from the values the code compares a layer's kind with
 * (`inputCases`: those whose code gives a layer its input shape); undefined when they name no batch norm
 * or no dense layer.
 */
export function layerListOf(choices: readonly string[], inputCases: readonly string[] = []): string[] | undefined {
  const pick = (pattern: RegExp) => choices.find((c) => pattern.test(c));
  const norm = pick(BATCH_NORM);
  const dense = pick(DENSE);
  if (norm === undefined || dense === undefined) {
    return undefined;
  }
  const input = pick(INPUT);
  const conv = pick(CONV_2D);
  const flatten = pick(FLATTEN);
  if (input !== undefined) {
    return [input, dense, norm, dense];
  }
  const convStarts = conv !== undefined && flatten !== undefined && inputCases.includes(conv) && !inputCases.includes(dense);
  return convStarts ? [conv, norm, flatten, dense] : [dense, norm, dense];
}

/**
 * Elements told apart by a member the code compares with the names of layers, a batch norm among them
 * (`switch (layer.type) { case 'dense': … case 'batchnorm': … }`): the member, and the kinds of a small
 * network of those layers, one a record.
 */
export function layerKinds(element: ParameterUse): { key: string; kinds: string[]; choices: string } | undefined {
  for (const [key, member] of element.props) {
    const kinds = member.choices.length >= 2 ? layerListOf(member.choices, member.inputCases) : undefined;
    if (kinds !== undefined) {
      const choices = member.choices.slice(0, 8).map((c) => `'${c}'`).join(', ') + (member.choices.length > 8 ? ', …' : '');
      return { key, kinds, choices };
    }
  }
  return undefined;
}

/**
 * Layers for `tf.sequential({ layers })`: a dense layer on the file's kind of input (flattened first
 * where that is an image), a batch norm and a softmax over 10 classes, so a 28×28 or 784 input trains
 * on MNIST digits.
 */
export function layerStandIns(hint: DataHint): unknown[] {
  const shape = shapeFor(hint, undefined);
  const first = shape.length === 1 ? [{ $layer: 'dense', config: { units: 32, activation: 'relu', inputShape: shape } }] : [{ $layer: 'flatten', config: { inputShape: shape } }, { $layer: 'dense', config: { units: 32, activation: 'relu' } }];
  return [...first, { $layer: 'batchNormalization' }, { $layer: 'dense', config: { units: 10, activation: 'softmax' } }];
}
