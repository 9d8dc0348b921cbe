import { strict as assert } from 'node:assert';
import { guessArgument, type DataHint } from '../../../../src/core/analysis/arguments/argument-guesses';
import { membersOfType, usedAsShape } from '../../../../src/core/analysis/arguments/object-types';
import type { BuilderParameter } from '../../../../src/core/analysis/types';

const IMAGE: DataHint = { input: 'image', imageSize: 28, channels: 1 };

interface Row {
  title: string;
  parameter: Pick<BuilderParameter, 'name'> & Partial<BuilderParameter>;
  /** The builder's body (what the code reads and passes on). */
  uses?: string;
  /** The builder's file (its interfaces and type aliases). */
  declarations?: string;
  expected: unknown;
}

const rows: Row[] = [
  {
    title: 'a parameter typed as a 3-tuple is an image shape, not the scalar its name suggests',
    parameter: { name: 'stateSize', typeText: '[number, number, number]' },
    expected: [28, 28, 1],
  },
  {
    title: 'a parameter typed number[] is a shape',
    parameter: { name: 'inputShape', typeText: 'number[]' },
    expected: [28, 28, 1],
  },
  {
    title: 'Array<number | null> is a shape',
    parameter: { name: 'dims', typeText: 'Array<number | null>' },
    expected: [28, 28, 1],
  },
  {
    title: 'a parameter typed number named inputShape is one dimension of the shape it is written into',
    parameter: { name: 'inputShape', typeText: 'number' },
    uses: 'model.add(tf.layers.dense({ units: 128, inputShape: [inputShape] }));',
    expected: 784,
  },
  {
    title: 'a parameter typed number passed as shape stays a number',
    parameter: { name: 'stateSize', typeText: 'number' },
    uses: 'const input = tf.input({ shape: stateSize });',
    expected: 16,
  },
  {
    title: 'an untyped parameter the code passes as shape: is a shape',
    parameter: { name: 'stateSize' },
    uses: 'const input = tf.input({ shape: stateSize });',
    expected: [28, 28, 1],
  },
  {
    title: 'untyped parameters written out as the dimensions of an input shape get those dimensions',
    parameter: { name: 'y' },
    uses: 'model.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, inputShape: [ x, y, depth ] }));',
    expected: 28,
  },
  {
    title: 'a JSDoc type {*} says nothing: the place in the shape decides',
    parameter: { name: 'x', typeText: '*' },
    uses: 'keras.conv2d({ inputShape: [ x, y, z ] })',
    expected: 28,
  },
  {
    title: 'the last dimension of an image shape is its channels',
    parameter: { name: 'd3' },
    uses: 'tf.input({ shape: [d1, d2, d3] })',
    expected: 1,
  },
  {
    title: 'a name rule still wins over the place in a shape (a latent vector is not 784 wide)',
    parameter: { name: 'latentDim' },
    uses: 'tf.input({ shape: [latentDim] })',
    expected: 32,
  },
  {
    title: 'a parameter used inside an element (not as one) is no dimension',
    parameter: { name: 'q' },
    uses: 'tf.input({ shape: [q * 2, 3] })',
    expected: undefined,
  },
  {
    title: 'an untyped parameter spread into a shape is a shape',
    parameter: { name: 'board' },
    uses: 'tf.input({ shape: [...board] })',
    expected: [28, 28, 1],
  },
  {
    title: 'an untyped parameter used with .concat is a shape',
    parameter: { name: 'imgSize' },
    uses: 'tf.layers.conv2d({ inputShape: imgSize.concat([3]) })',
    expected: [28, 28, 1],
  },
  {
    title: 'a destructured options object takes its member types from an interface in a namespace',
    parameter: { name: '{ stateSize, actionSize }', typeText: 'EvaluationModel.Dimension' },
    declarations: 'export namespace EvaluationModel {\n  export interface Dimension {\n    stateSize: [number, number, number]\n    actionSize: number\n  }\n}',
    expected: { stateSize: [28, 28, 1], actionSize: 16 },
  },
  {
    title: 'a destructured options object with an inline type gives the tuple member a shape',
    parameter: { name: '{ inputShape, depth, numClasses = 10 }', typeText: '{inputShape: number[], depth: number, numClasses?: number}' },
    expected: { inputShape: [28, 28, 1], depth: 2 },
  },
  {
    title: 'a destructured object typed as an intersection with a library type uses the part the file declares',
    parameter: { name: '{ filters, depth, units, inputShape = [null, null, 3] }', typeText: "UNetArgs & Omit<tf.SequentialArgs, 'layers'>" },
    declarations: 'export interface UNetArgs {\n  filters: number;\n  units: number;\n  depth: number;\n  inputShape?: [number | null, number | null, number];\n}',
    expected: { filters: 16, depth: 2, units: 32 },
  },
  {
    title: 'a destructured name with no type the code uses as a shape is a shape',
    parameter: { name: '{ stateSize, actionSize }' },
    uses: 'const input = tf.input({ name: "INPUT", shape: stateSize });',
    expected: { stateSize: [28, 28, 1], actionSize: 4 },
  },
  {
    title: 'an options parameter typed with an alias of an intersection resolves both parts',
    parameter: { name: 'args', typeText: 'ModelArgs' },
    declarations: 'interface Sizes { width: number; height: number }\ninterface Heads { classes: number }\ntype ModelArgs = Sizes & Heads;',
    expected: { width: 28, height: 28, classes: 10 },
  },
  {
    title: 'an options parameter typed as an intersection of two interfaces gets both members',
    parameter: { name: 'args', typeText: 'Sizes & Heads' },
    declarations: 'interface Sizes { width: number; height: number }\ninterface Heads { classes: number }',
    expected: { width: 28, height: 28, classes: 10 },
  },
  {
    title: 'a scalar size named so and used as a number stays a number',
    parameter: { name: 'stateSize' },
    uses: 'tf.layers.dense({ units: stateSize })',
    expected: 16,
  },
  {
    title: 'a shape named like an image that feeds a dense layer (the vector branch of a two-input model) is a vector',
    parameter: { name: 'mlpInputShape' },
    uses: 'const mlpIn = tf.input({ shape: mlpInputShape, name: "mlp" });\nlet h = tf.layers.dense({ units: 16 }).apply(mlpIn);\nconst imgIn = tf.input({ shape: imageShape });',
    expected: [784],
  },
  {
    title: 'a shape fed to conv1d through its inputShape has rank 2 (an image file: its rows as steps)',
    parameter: { name: 'inputShape' },
    uses: 'model.add(tf.layers.conv1d({ filters: 8, kernelSize: 3, inputShape }));',
    expected: [28, 28],
  },

  {
    title: "a component's props (React passes an object) is an empty object",
    parameter: { name: 'props' },
    uses: 'super(props); this.state = { size: 8 };',
    expected: {},
  },
  {
    title: 'a list read only by index (`units: outputs[0]`): that many sizes',
    parameter: { name: 'outputs' },
    uses: 'function head(x, outputs) { return tf.layers.dense({ units: outputs[0] }).apply(x); }',
    expected: [8],
  },
  {
    title: 'read by index up to [2], elements named for sizes: three of the size its name gives',
    parameter: { name: 'hiddenUnits' },
    uses: 'const a = hiddenUnits[0]; const b = hiddenUnits[2]; dense({ units: hiddenUnits[1] });',
    expected: [32, 32, 32],
  },
  {
    title: "a list of full shapes, each sliced into an input's shape (a detector's neck): a pyramid with a null batch dimension first",
    parameter: { name: 'inputShapes' },
    uses: 'const a = tf.input({ shape: inputShapes[0].slice(1) });\nconst b = tf.input({ shape: inputShapes[1].slice(1) });\nconst c = tf.input({ shape: inputShapes[2].slice(1) });',
    expected: [[null, 28, 28, 1], [null, 14, 14, 1], [null, 7, 7, 1]],
  },
  {
    title: 'typed as a matrix but each element read into a shape: shapes, not data rows, whatever its name',
    parameter: { name: 'inputShape', typeText: 'Array<Array<number>>' },
    uses: 'const a = tf.layers.input({ shape: inputShape[0].slice(1) }); const b = tf.layers.input({ shape: inputShape[1].slice(1) });',
    expected: [[null, 28, 28, 1], [null, 14, 14, 1]],
  },
  {
    title: 'elements spread into a shape, no batch dimension to slice off',
    parameter: { name: 'sizes' },
    uses: 'tf.input({ shape: [...sizes[0]] }); tf.input({ shape: [...sizes[1]] });',
    expected: [[28, 28, 1], [14, 14, 1]],
  },
  {
    title: 'a list named for shapes whose elements go to a helper after .slice: shapes',
    parameter: { name: 'featureShapes' },
    uses: 'const a = makeInput(featureShapes[0].slice(1)); const b = makeInput(featureShapes[1].slice(1));',
    expected: [[null, 28, 28, 1], [null, 14, 14, 1]],
  },
  {
    title: 'elements read for their length (anchors per stage): lists of small sizes',
    parameter: { name: 'anchors' },
    uses: 'head(x, anchors[0].length); head(y, anchors[1].length); head(z, anchors[2].length);',
    expected: [[8, 8], [8, 8], [8, 8]],
  },
  {
    title: 'elements indexed again: lists as long as the highest inner index',
    parameter: { name: 'pairs' },
    uses: 'dense({ units: pairs[0][2] }); dense({ units: pairs[1][0] });',
    expected: [[8, 8, 8], [8, 8, 8]],
  },
  {
    title: 'a list of shapes also used whole (its length) is not guessed element by element',
    parameter: { name: 'inputShapes' },
    uses: 'for (let i = 0; i < inputShapes.length; i++) {} tf.input({ shape: inputShapes[0].slice(1) });',
    expected: undefined,
  },
  {
    title: 'read by index and for its length: no guess from the indices',
    parameter: { name: 'zq' },
    uses: 'dense({ units: zq[0] }); for (let i = 0; i < zq.length; i++) {}',
    expected: undefined,
  },
  {
    title: 'a name that says nothing, passed as a layer\'s units: a small count',
    parameter: { name: 'outputs' },
    uses: 'model.add(tf.layers.dense({ units: outputs, activation: "linear" }));',
    expected: 8,
  },
  {
    title: 'passed as units only after arithmetic: no guess from it',
    parameter: { name: 'zq' },
    uses: 'model.add(tf.layers.dense({ units: zq.length * 2 }));',
    expected: undefined,
  },
  {
    title: 'a name that only holds the letters of a size word (mobi-len-et) says nothing',
    parameter: { name: 'mobilenet' },
    expected: undefined,
  },
  {
    title: 'a name ending in len, or starting with num, is a size',
    parameter: { name: 'tokenLen' },
    expected: 8,
  },
  {
    title: "an options object's shape member fed to tf.input, then through batchNormalization to a conv1d: a sequence, not the file's image",
    parameter: { name: 'config', typeText: 'CNNConfig' },
    uses: 'const inputs = tf.input({ shape: config.inputShape });\nconst normed = tf.layers.batchNormalization().apply(inputs);\nconst c = tf.layers.conv1d({ filters: config.filters, kernelSize: 3 }).apply(normed);',
    declarations: 'interface CNNConfig { inputShape: number[]; filters: number }',
    expected: { inputShape: [28, 28], filters: 16 },
  },
  {
    title: 'the same member read without a type: from what the code reads, a sequence',
    parameter: { name: 'config' },
    uses: 'const inputs = tf.input({ shape: config.inputShape });\nconst h = tf.layers.lstm({ units: config.units }).apply(inputs);',
    expected: { inputShape: [28, 28], units: 32 },
  },
  {
    title: 'read by a variable index: no guess from the indices',
    parameter: { name: 'zq' },
    uses: 'dense({ units: zq[i] });',
    expected: undefined,
  },
];

describe('shape-typed parameters and options objects get shapes', () => {
  for (const row of rows) {
    it(row.title, () => {
      const p: BuilderParameter = { optional: false, receivesTfjs: false, ...row.parameter };
      const guess = guessArgument(p, IMAGE, { uses: row.uses ?? '', declarations: row.declarations ?? '' });
      assert.deepEqual(guess?.value, row.expected);
    });
  }
});

describe('a list of lists read element by element', () => {
  it('keeps a data matrix typed number[][] and read for its row length a matrix', () => {
    const p: BuilderParameter = { name: 'xs', typeText: 'number[][]', optional: false, receivesTfjs: false };
    const guess = guessArgument(p, IMAGE, { uses: 'model.add(tf.layers.dense({ units: 8, inputShape: [xs[0].length] }));' });
    assert.match(guess?.detail ?? '', /rows of \d+ features/);
  });

  it('says a pyramid of shapes is one, with the batch dimension it leaves for the code to slice off', () => {
    const p: BuilderParameter = { name: 'inputShapes', optional: false, receivesTfjs: false };
    const guess = guessArgument(p, IMAGE, { uses: 'tf.input({ shape: inputShapes[0].slice(1) }); tf.input({ shape: inputShapes[1].slice(1) });' });
    assert.equal(guess?.detail, "from its reads inputShapes[0…1] as shapes: 2 shapes, each half the size of the one before, as a backbone's feature maps are, with a null batch dimension first (the code slices it off)");
  });
});

describe('membersOfType and usedAsShape', () => {
  it('reads optional members and ignores comments', () => {
    assert.deepEqual(membersOfType('{ a: number; /* the b */ b?: [number, number] }', ''), [
      { name: 'a', typeText: 'number', optional: false },
      { name: 'b', typeText: '[number, number]', optional: true },
    ]);
  });
  it('is undefined when no part resolves', () => {
    assert.equal(membersOfType("Omit<tf.SequentialArgs, 'layers'>", ''), undefined);
  });
  it('does not take a property read or an index for a shape use', () => {
    assert.equal(usedAsShape('size', 'tf.input({ shape: size.value })'), false);
    assert.equal(usedAsShape('size', 'tf.input({ shape: [size[0], 3] })'), false);
    assert.equal(usedAsShape('size', 'tf.input({ shape: [size, size, 3] })'), false);
  });
});
