import { strict as assert } from 'node:assert';
import { formatArgumentList, formatArgumentProposal, proposeArguments } from '../../../../src/core/analysis/arguments/argument-proposals';
import { parseArgsLiteral } from '../../../../src/core/analysis/arguments/args-literal';
import { findModelBuilders } from '../../../../src/core/analysis/builders/model-builders';
import type { ArgumentProposal } from '../../../../src/core/analysis/types';

const CJS = "const tf = require('@tensorflow/tfjs');\n";

interface Row {
  title: string;
  code: string;
  id: string;
  /** The proposal as the argument box shows it. */
  text: string;
  /** `parameter=detail` of the guessed parameters. */
  details?: string[];
  unknown?: string[];
}

function propose(code: string, id: string): ArgumentProposal {
  const builder = findModelBuilders(code, 'model.js').find((b) => b.id === id);
  assert.ok(builder, `no builder ${id}`);
  return proposeArguments(builder, { file: 'model.js', code });
}

const rows: Row[] = [
  {
    title: 'a game the constructor asks for its board size (destructured) and action count: methods returning a board and a count',
    code: `${CJS}class PolicyNet {\n  constructor(game, hparams) {\n    const [rows, cols] = game.getBoardSize();\n    this.actionCount = game.getActionSize();\n    const input = tf.input({ shape: [rows, cols] });\n    const flat = tf.layers.flatten().apply(input);\n    const hidden = tf.layers.dense({ units: hparams.num_channels }).apply(flat);\n    const out = tf.layers.dense({ units: this.actionCount }).apply(hidden);\n    this.model = tf.model({ inputs: input, outputs: out });\n  }\n}\nmodule.exports = { PolicyNet };`,
    id: 'PolicyNet',
    text: '[{ getBoardSize: () => [10, 10], getActionSize: () => 4 }, { num_channels: 1 }]',
    details: ['game=a stand-in from what the code does with game (getBoardSize(), getActionSize())', 'hparams=from what the code reads of hparams (num_channels)'],
  },
  {
    title: 'a config whose field is asserted positive, next to a game read for its sides',
    code: `${CJS}class Trainer {\n  constructor(game, config) {\n    if (!(config.explorationFrames > 0)) {\n      throw new Error('explorationFrames must be positive');\n    }\n    this.step = 1 / config.explorationFrames;\n    this.net = build(game.height, game.width, 4);\n  }\n}\nfunction build(h, w, n) {\n  const m = tf.sequential();\n  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [h, w, 2] }));\n  m.add(tf.layers.flatten());\n  m.add(tf.layers.dense({ units: n }));\n  return m;\n}\nmodule.exports = { Trainer };`,
    id: 'Trainer',
    text: '[{ height: 10, width: 10 }, { explorationFrames: 8 }]',
    details: ['game=from what the code reads of game (height, width)', 'config=a stand-in from what the code does with config (explorationFrames)'],
  },
  {
    title: 'an options bag destructured two levels deep and read through a nested path',
    code: `${CJS}function codec(opts) {\n  const { encoder: { units, depth } } = opts;\n  const input = tf.input({ shape: [16] });\n  let x = input;\n  for (let i = 0; i < depth; i++) {\n    x = tf.layers.dense({ units }).apply(x);\n  }\n  x = tf.layers.dense({ units: opts.decoder.units }).apply(x);\n  return tf.model({ inputs: input, outputs: x });\n}\nmodule.exports = { codec };`,
    id: 'codec',
    text: '[{ encoder: { units: 32, depth: 2 }, decoder: { units: 32 } }]',
    details: ['opts=a stand-in from what the code does with opts (encoder.units, encoder.depth, decoder.units)'],
  },
  {
    title: 'a config list aliased, then iterated into dense layers (`hiddenUnits.forEach((units) => …)`): a list of counts, not left out',
    code: `${CJS}function classifier(config) {\n  const input = tf.input({ shape: [config.featureCount] });\n  let x = input;\n  const sizes = config.layerSizes;\n  sizes.forEach((units, i) => {\n    x = tf.layers.dense({ units, activation: 'relu', name: \`hidden_\${i}\` }).apply(x);\n    x = tf.layers.batchNormalization().apply(x);\n  });\n  const out = tf.layers.dense({ units: 3 }).apply(x);\n  return tf.model({ inputs: input, outputs: out });\n}\nmodule.exports = { classifier };`,
    id: 'classifier',
    text: '[{ featureCount: 16, layerSizes: [8, 8] }]',
  },
  {
    title: 'a list whose elements are handed on whole (`specs.map((s) => makeLayer(s))`): nothing is invented for it',
    code: `${CJS}function stack(config) {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: config.width, inputShape: [4] }));\n  config.specs.map((s) => m.add(makeLayer(s)));\n  return m;\n}\nmodule.exports = { stack };`,
    id: 'stack',
    text: '[{ width: 28 }]',
  },
  {
    title: 'config.model.filters: a nested object whose leaf is guessed by its name',
    code: `${CJS}function tower(config) {\n  const m = tf.sequential();\n  m.add(tf.layers.conv2d({ filters: config.model.filters, kernelSize: 3, inputShape: [28, 28, 1] }));\n  return m;\n}\nmodule.exports = { tower };`,
    id: 'tower',
    text: '[{ model: { filters: 16 } }]',
  },
  {
    title: 'a symbolic input fed to a dense layer and closed into a model: a tf.input stand-in',
    code: `${CJS}function head(input) {\n  const x = tf.layers.dense({ units: 10 }).apply(input);\n  return tf.model({ inputs: input, outputs: x });\n}\nmodule.exports = { head };`,
    id: 'head',
    text: '[tf.input({ shape: [16] })]',
    details: ["input=a tf.input stand-in: input is a layer's input in the code"],
  },
  {
    title: 'an input a 2D convolution takes first gets an image shape; one a merge layer joins is a vector',
    code: `${CJS}function merge(image, extra) {\n  const a = tf.layers.flatten().apply(tf.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(image));\n  const b = tf.layers.concatenate().apply([a, extra]);\n  return tf.model({ inputs: [image, extra], outputs: b });\n}\nmodule.exports = { merge };`,
    id: 'merge',
    text: '[tf.input({ shape: [28, 28, 1] }), tf.input({ shape: [16] })]',
  },
  {
    title: 'a method whose result is a layer size, and an array read for its length',
    code: `${CJS}function mlp(env, opts) {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 8, inputShape: [4] }));\n  for (let i = 0; i < opts.hiddenSizes.length; i++) {\n    m.add(tf.layers.dense({ units: opts.hiddenSizes[i] }));\n  }\n  const n = env.outputCount();\n  m.add(tf.layers.dense({ units: n }));\n  return m;\n}\nmodule.exports = { mlp };`,
    id: 'mlp',
    text: '[{ outputCount: () => 8 }, { hiddenSizes: [32, 32] }]',
  },
  {
    title: 'followed into this.<field> read by another method, and into a helper of the same file',
    code: `${CJS}function depthOf(g) {\n  return g.historyLength + 1;\n}\nclass Net {\n  constructor(game) {\n    this.game = game;\n    this.depth = depthOf(game);\n    this.model = this.build();\n  }\n  build() {\n    const [r, c] = this.game.getBoardSize();\n    const m = tf.sequential();\n    m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [r, c, this.depth] }));\n    return m;\n  }\n}\nmodule.exports = { Net };`,
    id: 'Net',
    text: '[{ getBoardSize: () => [10, 10], historyLength: 8 }]',
  },
  {
    title: 'a board size destructured as an object with names that say nothing: its members are board sides',
    code: `${CJS}class NNet {\n  constructor(game) {\n    const { a, b } = game.getBoardSize();\n    this.model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [a * b] })] });\n  }\n}\nmodule.exports = { NNet };`,
    id: 'NNet',
    text: '[{ getBoardSize: () => ({ a: 10, b: 10 }) }]',
  },
  {
    title: 'a chain of calls gives a method returning an object with a method',
    code: `${CJS}function probe(env) {\n  const [h, w] = env.getBoard().getSize();\n  return tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [h * w] })] });\n}\nmodule.exports = { probe };`,
    id: 'probe',
    text: '[{ getBoard: () => ({ getSize: () => [10, 10] }) }]',
  },
  {
    title: 'a destructured options parameter holding a live game: the game gets its stand-in, the rest their names',
    code: `${CJS}function residualNet({ game, hiddenChannels, name: label }) {\n  const rows = game.getRowCount();\n  const cols = game.getColumnCount();\n  const input = tf.input({ shape: [rows, cols, 1] });\n  const x = tf.layers.conv2d({ filters: hiddenChannels, kernelSize: 3, name: label }).apply(input);\n  return tf.model({ inputs: input, outputs: x });\n}\nmodule.exports = { residualNet };`,
    id: 'residualNet',
    text: "[{ game: { getRowCount: () => 8, getColumnCount: () => 8 }, hiddenChannels: 32, name: 'model' }]",
    details: ['{ game, hiddenChannels, name: label }=from the names in { game, hiddenChannels, name: label }, with stand-ins for game from what the code does with them'],
  },
  {
    title: 'an ES5 constructor function reads its game the same way',
    code: `${CJS}function Player(game) {\n  const n = game.numCells();\n  this.model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [n] })] });\n}\nmodule.exports = { Player };`,
    id: 'Player',
    text: '[{ numCells: () => 8 }]',
  },
  {
    title: 'a name only put into text (a path part, a label): a string, whether in a template or joined with +',
    code: `${CJS}const fs = require('fs');
async function forSymbol(symbol, tag) {
  if (fs.existsSync(\`models/\${symbol}/model.json\`)) {
    return tf.loadLayersModel(\`file://models/\${symbol}/model.json\`);
  }
  console.log('building ' + tag);
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 4, inputShape: [5] }));
  return m;
}
module.exports = { forSymbol };`,
    id: 'forSymbol',
    text: "['symbol', 'tag']",
    details: ['symbol=a string: symbol is only put into text (a name or a path part)', 'tag=a string: tag is only put into text (a name or a path part)'],
  },
  {
    title: 'text the code splits into a list (symbols written "a, b"): two items, which a split on a comma or a space, or both in turn, cuts in two',
    code: `${CJS}function forSymbols(symbols, fields) {
  const count = symbols.split(' ').join('').split(',').length;
  const columns = fields.split(';').length;
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 8, inputShape: [30, columns] }));
  m.add(tf.layers.dense({ units: count, activation: 'softmax' }));
  return m;
}
module.exports = { forSymbols };`,
    id: 'forSymbols',
    text: "['symbols0, symbols1', 'fields0;fields1']",
    details: ["symbols=a string of two items: symbols is split into a list (split(' '))", "fields=a string of two items: fields is split into a list (split(';'))"],
  },
  {
    title: 'a name the code switches over with string cases (model kinds): the first of them, not its own name though it is put into text too',
    code: `${CJS}function byKind(kind) {
  switch (kind) {
    case 'small': return tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [5] })] });
    case 'large': return tf.sequential({ layers: [tf.layers.dense({ units: 64, inputShape: [5] })] });
    default: throw new Error(\`unknown kind \${kind}\`);
  }
}
module.exports = { byKind };`,
    id: 'byKind',
    text: "['small']",
    details: ["kind=the first of the values the code compares kind with ('small', 'large')"],
  },
  {
    title: 'the same with ===, in the order the code compares',
    code: `${CJS}function withHead(head) {
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [5] })] });
  if (head === 'softmax' || head === 'sigmoid') m.add(tf.layers.activation({ activation: head }));
  return m;
}
module.exports = { withHead };`,
    id: 'withHead',
    text: "['softmax']",
    details: ["head=the first of the values the code compares head with ('softmax', 'sigmoid')"],
  },
  {
    title: 'negative: a value put into text and also counted with is no string',
    code: `${CJS}function sized(n) {
  console.log(\`units \${n}\`);
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: n * 2, inputShape: [5] }));
  return m;
}
module.exports = { sized };`,
    id: 'sized',
    text: '[null]',
    unknown: ['n'],
  },
  {
    title: 'negative: a parameter only handed to a function outside the file gets nothing invented',
    code: `${CJS}const { attach } = require('./env');\nfunction f(env) {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 2, inputShape: [3] }));\n  attach(env, m);\n  return m;\n}\nmodule.exports = { f };`,
    id: 'f',
    text: '[null]',
    unknown: ['env'],
  },
  {
    title: 'a list the code maps over gets records of what the callback reads; a member handed on to outside code gets nothing invented',
    code: `${CJS}const { assemble } = require('./assemble');
function fromSpec(spec) {\n  const layers = spec.nodes.map((n) => n.units);\n  const net = assemble(tf, layers, spec.edges);\n  return tf.model({ inputs: net.inputs, outputs: net.outputs });\n}
module.exports = { fromSpec };`,
    id: 'fromSpec',
    text: '[{ nodes: [{ units: 32 }, { units: 32 }] }]',
    details: ['spec=a stand-in from what the code does with spec (nodes[i].units); no guess for edges'],
  },
  {
    title: 'negative: members read only with a fallback are left out (the code copes without them)',
    code: `${CJS}function g(opts) {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: opts.units || 8, inputShape: [3] }));\n  return m;\n}\nmodule.exports = { g };`,
    id: 'g',
    text: '[{}]',
  },
  {
    title: 'negative: a declared type decides, not the uses',
    code: `import * as tf from '@tensorflow/tfjs';\ninterface Board { rows: number; cols: number }\nexport function net(board: Board) {\n  const n = board.rows * board.cols;\n  return tf.sequential({ layers: [tf.layers.dense({ units: n, inputShape: [n] })] });\n}`,
    id: 'net',
    text: '[{ rows: 28, cols: 28 }]',
  },
  {
    title: 'a list of samples read for its first element and mapped: records with those members, a member of unknown kind numbered by record',
    code: `${CJS}class Trainer {
  async fitOn(samples) {
    const tags = Array.from(new Set(samples.map((s) => s.tag)));
    const xs = tf.tensor2d(samples.map((s) => s.values));
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 8, inputShape: [samples[0].values.length] }));
    m.add(tf.layers.dense({ units: tags.length, activation: 'softmax' }));
    this.model = m;
  }
}
module.exports = { Trainer };`,
    id: 'Trainer.fitOn',
    text: '[[{ values: [8, 8], tag: 0 }, { values: [8, 8], tag: 1 }]]',
    details: ['samples=a stand-in list of 2 records from what the code reads of its elements ([i].values, [i].tag)'],
  },
  {
    title: 'records iterated with for…of and a destructured callback parameter',
    code: `${CJS}function fromRows(rows) {
  let width = 0;
  for (const row of rows) {
    width = Math.max(width, row.width);
  }
  const kinds = rows.filter(({ kind }) => kind !== undefined).length;
  return tf.sequential({ layers: [tf.layers.dense({ units: kinds, inputShape: [width] })] });
}
module.exports = { fromRows };`,
    id: 'fromRows',
    text: '[[{ width: 28, kind: 0 }, { width: 28, kind: 1 }]]',
  },
  {
    title: 'members of records compared with strings get the first value, members a string method is called on get text',
    code: `${CJS}function fromLayers(specs) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 4, inputShape: [6] }));
  specs.forEach((spec) => {
    if (spec.kind === 'dense' && !spec.label.startsWith('skip')) m.add(tf.layers.dense({ units: spec.units }));
  });
  return m;
}
module.exports = { fromLayers };`,
    id: 'fromLayers',
    text: "[[{ kind: 'dense', label: 'label', units: 32 }, { kind: 'dense', label: 'label', units: 32 }]]",
  },
  {
    title: 'a list read only for its length (label names that size the output): a list, when its name says nothing',
    code: `${CJS}class KeywordModel {
  constructor(kind, words) {
    this.words = words;
    this.model = tf.sequential({ layers: [tf.layers.dense({ units: this.words.length, inputShape: [kind === 'narrow' ? 8 : 16] })] });
  }
}
module.exports = { KeywordModel };`,
    id: 'KeywordModel',
    text: "['narrow', [8, 8]]",
    details: ["kind=the first of the values the code compares kind with ('narrow')", 'words=a list: words is read only as a list (its length, its elements)'],
  },
  {
    title: 'a parameter whose name suggests one size (`hiddenLayers`) but which the code indexes and loops over by length: a list of sizes',
    code: `${CJS}class Builder {
  feedforward(inputDim, hiddenLayers) {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [inputDim], units: hiddenLayers[0] }));
    for (let i = 1; i < hiddenLayers.length; i++) {
      m.add(tf.layers.dense({ units: hiddenLayers[i] }));
      m.add(tf.layers.batchNormalization());
    }
    return m;
  }
}
module.exports = { Builder };`,
    id: 'Builder.feedforward',
    text: '[16, [32, 32]]',
    details: ['inputDim=from the name inputDim', 'hiddenLayers=a list: hiddenLayers is read only as a list (its length, its elements)'],
  },
  {
    title: 'a list of column names iterated into inputs, and a map looked up by those names: names, and a map keyed by them',
    code: `${CJS}function tabular(schema) {
  const inputs = [tf.input({ shape: [schema.numCols.length] })];
  const parts = [tf.layers.dense({ units: 8 }).apply(inputs[0])];
  for (const col of schema.catCols) {
    const size = schema.catMaps[col].size;
    const inp = tf.input({ shape: [1], name: \`cat_\${col}\` });
    inputs.push(inp);
    parts.push(tf.layers.flatten().apply(tf.layers.embedding({ inputDim: size, outputDim: 2 }).apply(inp)));
  }
  const x = tf.layers.batchNormalization().apply(tf.layers.concatenate().apply(parts));
  return tf.model({ inputs, outputs: tf.layers.dense({ units: 1 }).apply(x) });
}
module.exports = { tabular };`,
    id: 'tabular',
    text: "[{ numCols: [28, 28], catCols: ['catCol0', 'catCol1'], catMaps: { catCol0: { size: 28 }, catCol1: { size: 28 } } }]",
  },
  {
    title: 'negative: a list iterated whose elements are counted with is no list of names',
    code: `${CJS}function widths(config) {
  const m = tf.sequential();
  for (const w of config.widths) {
    m.add(tf.layers.dense({ units: w * 2, inputShape: [4], name: \`d\${w}\` }));
  }
  return m;
}
module.exports = { widths };`,
    id: 'widths',
    text: '[{ widths: [8, 8] }]',
  },
  {
    title: "a method's result mapped over: a list of records returned by the stand-in's method",
    code: `${CJS}class Recommender {
  constructor(catalog) {
    this.catalog = catalog;
    this.model = this.build();
  }
  build() {
    this.ids = this.catalog.getAll().map((item) => item.id);
    return tf.sequential({ layers: [tf.layers.dense({ units: this.ids.length, inputShape: [4] })] });
  }
}
module.exports = { Recommender };`,
    id: 'Recommender',
    text: '[{ getAll: () => [{ id: 0 }, { id: 1 }] }]',
  },
  {
    title: "data tensors read for their widths (`xs.shape[1]`, `ys.shape[1]`): shapes that lead with the examples, labels with 10 classes",
    code: `${CJS}function build(xs, ys) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [xs.shape[1]] }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dense({ units: ys.shape[1], activation: 'softmax' }));
  return model;
}
module.exports = { build };`,
    id: 'build',
    text: '[{ shape: [32, 784] }, { shape: [32, 10] }]',
  },
  {
    title: 'a data tensor sliced for its example shape (`trainXs.shape.slice(1)`): examples first, then the example',
    code: `${CJS}function build(trainXs) {
  return tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: trainXs.shape.slice(1) }), tf.layers.batchNormalization()] });
}
module.exports = { build };`,
    id: 'build',
    text: '[{ shape: [32, 784] }]',
  },
  {
    title: 'a training tensor named by its start (`x_train`, `yTrain`): examples first, an image for a convolution, labels with 10 classes',
    code: `${CJS}function build(x_train, yTrain) {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, inputShape: Array.from(x_train.shape.slice(1, 4)) }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: yTrain.shape[1] }));
  return m;
}
module.exports = { build };`,
    id: 'build',
    text: '[{ shape: [32, 28, 28, 1] }, { shape: [32, 10] }]',
  },
  {
    title: "a list of a settings object read at a fixed position past its guess: filled up with counts, not led by examples",
    code: `${CJS}function build(config) {
  return tf.sequential({ layers: [tf.layers.dense({ units: config.sizes[2], inputShape: [4] })] });
}
module.exports = { build };`,
    id: 'build',
    text: '[{ sizes: [8, 8, 8] }]',
  },
];

describe('stand-ins for live objects', () => {
  for (const row of rows) {
    it(row.title, () => {
      const p = propose(row.code, row.id);
      assert.equal(formatArgumentList(p.args), row.text);
      assert.deepEqual(p.unknown, row.unknown);
      if (row.details) {
        assert.deepEqual(p.sources.map((s) => `${s.parameter}=${s.detail}`), row.details);
      }
    });
  }

  it('the proposal says which values are stand-ins, and its summary still says they were guessed', () => {
    const p = propose(rows[0].code, rows[0].id);
    assert.equal(p.summary, 'guessed from the names and types (game, hparams)');
    assert.equal(formatArgumentProposal(p).detail, 'from guesses for game (a stand-in), hparams');
  });
});

describe('stand-ins in the argument box and --args', () => {
  const table: [string, unknown[]][] = [
    ['[{ getBoardSize: () => [8, 8], getActionSize: () => 16 }]', [{ getBoardSize: { $returns: [8, 8] }, getActionSize: { $returns: 16 } }]],
    ['[tf.input({ shape: [16] })]', [{ $input: [16] }]],
    ['[tf.input({ shape: [null, 8] })]', [{ $input: [null, 8] }]],
    ['[{ reset: () => null }]', [{ reset: { $returns: null } }]],
    ['[{ spec: () => ({ units: 4 }) }]', [{ spec: { $returns: { units: 4 } } }]],
  ];
  for (const [text, values] of table) {
    it(`${text} reads back as the markers the worker makes real, and prints the same`, () => {
      const parsed = parseArgsLiteral(text);
      assert.deepEqual(parsed, { ok: true, values });
      assert.equal(formatArgumentList(values), text);
    });
  }

  const refused: [string, RegExp][] = [
    ['[(x) => x]', /only a function without parameters that returns a literal/],
    ['[() => { return 1; }]', /write \(\) => \(\{ … \}\) to return an object/],
    ['[tf.input({ shape: [0] })]', /tf\.input takes only \{ shape: \[sizes\] \}/],
    ['[tf.input({ shape: [4], dtype: "int32" })]', /tf\.input takes only/],
    ['[tf.zeros([2])]', /tf is not a literal value/],
  ];
  for (const [text, message] of refused) {
    it(`${text} is refused with a message`, () => {
      const parsed = parseArgsLiteral(text);
      assert.equal(parsed.ok, false);
      assert.match((parsed as { message: string }).message, message);
    });
  }
});
