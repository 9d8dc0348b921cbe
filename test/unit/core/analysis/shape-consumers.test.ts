import { strict as assert } from 'node:assert';
import { shapeRankFromConsumer } from '../../../../src/core/analysis/arguments/shape-consumers';

const rows: { title: string; name: string; code: string; expected: { rank: number; layer: string } | undefined }[] = [
  { title: 'inputShape of a dense layer', name: 's', code: 'model.add(tf.layers.dense({ units: 8, inputShape: s }));', expected: { rank: 1, layer: 'dense' } },
  { title: 'inputShape of an lstm', name: 'shape', code: 'm.add(tf.layers.lstm({ units: 8, returnSequences: true, inputShape: shape }))', expected: { rank: 2, layer: 'lstm' } },
  { title: 'inputShape of a conv2d written with nested arrays before it', name: 'inShape', code: 'tf.layers.conv2d({ kernelSize: [3, 3], strides: [1, 1], inputShape: inShape })', expected: { rank: 3, layer: 'conv2d' } },
  { title: 'the shorthand { inputShape }', name: 'inputShape', code: 'layers.conv1d({ filters: 4, kernelSize: 2, inputShape })', expected: { rank: 2, layer: 'conv1d' } },
  { title: 'an input tensor applied to dense first', name: 'vecShape', code: 'const v = tf.input({ shape: vecShape });\nconst h = tf.layers.dense({ units: 4, activation: "relu" }).apply(v);', expected: { rank: 1, layer: 'dense' } },
  { title: 'an input tensor through batchNormalization, then conv2d: BN says nothing, conv2d decides', name: 'img', code: 'const x = tf.layers.input({ shape: img });\nlet y = tf.layers.batchNormalization().apply(x);\nconst z = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(x);', expected: { rank: 3, layer: 'conv2d' } },
  { title: 'an input tensor with a second argument to apply', name: 'seq', code: 'const inp = tf.input({ shape: seq });\nconst out = tf.layers.gru({ units: 3 }).apply(inp, { training: true });', expected: { rank: 2, layer: 'gru' } },
  { title: 'an input only concatenated: no layer says', name: 'a', code: 'const i = tf.input({ shape: a });\nconst c = tf.layers.concatenate().apply([i, j]);', expected: undefined },
  { title: 'a member read is not the parameter', name: 's', code: 'tf.layers.dense({ inputShape: s.slice(1) })', expected: undefined },
  { title: 'another name that starts the same is not the parameter', name: 's', code: 'tf.layers.dense({ inputShape: s2 })', expected: undefined },
  { title: 'no code', name: 's', code: '', expected: undefined },
  { title: 'a member path read into the input', name: 'config.inputShape', code: 'const inputs = tf.input({ shape: config.inputShape });\nconst h = tf.layers.lstm({ units: 8 }).apply(inputs);', expected: { rank: 2, layer: 'lstm' } },
  { title: "a member path read through this", name: 'config.inputShape', code: 'const inputs = tf.input({ shape: this.config.inputShape });\nconst h = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(inputs);', expected: { rank: 3, layer: 'conv2d' } },
  { title: 'another member of the same object is not it', name: 'config.inputShape', code: 'const inputs = tf.input({ shape: config.inputShapeB });\nconst h = tf.layers.lstm({ units: 8 }).apply(inputs);', expected: undefined },
  { title: 'through batchNormalization to the conv1d it feeds', name: 'shape', code: 'const inputs = tf.input({ shape });\nconst x0 = tf.input({ shape: shape });\nconst normed = tf.layers.batchNormalization().apply(x0);\nconst c = tf.layers.conv1d({ filters: 4, kernelSize: 3 }).apply(normed);', expected: { rank: 2, layer: 'conv1d' } },
  { title: 'through a reassigned variable over two pass-through layers, the apply chained over lines', name: 's', code: 'let x = tf.input({ shape: s });\nx = tf.layers.dropout({ rate: 0.1 }).apply(x);\nx = tf.layers\n  .batchNormalization()\n  .apply(x);\nx = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(x);', expected: { rank: 3, layer: 'conv2d' } },
  { title: 'through a pass-through layer into nothing informative', name: 's', code: 'const x = tf.input({ shape: s });\nconst y = tf.layers.dropout({ rate: 0.1 }).apply(x);\nconst z = tf.layers.concatenate().apply([y, w]);', expected: undefined },
  { title: "through a helper of the file declared above it, whose first parameter its dense layer applies to", name: 'outputs', code: 'function makeDenseLayer(input, units) {\n  let dense = tf.layers.dense({ units }).apply(input);\n  return tf.layers.batchNormalization().apply(dense);\n}\nclass Critic {\n  build() {\n    const actionInput = tf.input({ shape: this.outputs });\n    let actionOut = makeDenseLayer(actionInput, 64);\n  }\n}', expected: { rank: 1, layer: 'dense' } },
  { title: 'through an arrow helper whose first layer is a conv2d after a batch norm', name: 'obs', code: 'const block = (x, f) => {\n  const n = tf.layers.batchNormalization().apply(x);\n  return tf.layers.conv2d({ filters: f, kernelSize: 3 }).apply(n);\n};\nconst i = tf.input({ shape: obs });\nconst h = block(i, 8);', expected: { rank: 3, layer: 'conv2d' } },
  { title: 'a call of a function the file does not declare says nothing', name: 's', code: 'const i = tf.input({ shape: s });\nconst h = imported(i, 8);', expected: undefined },
];

describe('the rank of a shape from the first layer that consumes it', () => {
  for (const row of rows) {
    it(row.title, () => {
      assert.deepEqual(shapeRankFromConsumer(row.name, row.code), row.expected);
    });
  }
});
