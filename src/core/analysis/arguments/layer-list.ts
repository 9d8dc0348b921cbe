/**
 * A layer list the user's app assembles (`for (const layer of config.layers) switch (layer.type) { case
 * 'dense': … }`): the cases its code handles say which layers a list may hold, and a stand-in list is a
 * small network of them with the batch norm in it: a dense layer, the batch norm and a dense layer, after
 * an input layer where the code has such a case. Where only its convolution's case gives a layer its
 * input shape, and the code has no input case, the list starts there: a convolution, the batch norm, a
 * flatten and a dense layer. Pure.
 */
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
