import { strict as assert } from 'node:assert';
import { formatArgumentList, formatArgumentProposal, guessReasons, parameterLabel, proposeArguments } from '../../../../src/core/analysis/arguments/argument-proposals';
import { findCallSites } from '../../../../src/core/analysis/builders/call-sites';
import { parseArgsLiteral } from '../../../../src/core/analysis/arguments/args-literal';
import { guessArgument, readDataHint } from '../../../../src/core/analysis/arguments/argument-guesses';
import { findModelBuilders } from '../../../../src/core/analysis/builders/model-builders';
import type { ArgumentProposal } from '../../../../src/core/analysis/types';

const NS = "import * as tf from '@tensorflow/tfjs';\n";
const REQ = "const tf = require('@tensorflow/tfjs');\n";

interface Row {
  title: string;
  code: string;
  fileName?: string;
  id: string;
  /** Other files of the package. */
  files?: Record<string, string>;
  lastRun?: { args: unknown[]; ctorArgs?: unknown[] };
  args: unknown[];
  ctorArgs?: unknown[];
  /** `parameter=source(detail)` for each source. */
  sources: string[];
  summary: string;
}

function propose(row: Pick<Row, 'code' | 'fileName' | 'id' | 'files' | 'lastRun'>): ArgumentProposal {
  const fileName = row.fileName ?? 'model.ts';
  const builder = findModelBuilders(row.code, fileName).find((b) => b.id === row.id);
  assert.ok(builder, `no builder ${row.id}`);
  const files = Object.entries(row.files ?? {}).map(([file, code]) => ({ file, code }));
  return proposeArguments(builder, { file: fileName, code: row.code }, { files, lastRun: row.lastRun, displayFile: (f) => f });
}

const DQN = `${NS}export function createDeepQNetwork(h: number, w: number, numActions: number) {\n  const m = tf.sequential();\n  m.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, inputShape: [h, w, 2] }));\n  return m;\n}`;

const TRAINER = `${NS}export class Trainer {\n  async trainAll(rows: number[]) {\n    const defs = [{ inputShape: [5], units: 8 }, { inputShape: [7], units: 3 }];\n    for (const def of defs) {\n      await this.build(def, rows);\n    }\n  }\n  build(def: any, rows: number[]) {\n    const m = tf.sequential();\n    m.add(tf.layers.dense({ inputShape: def.inputShape, units: def.units }));\n    return m;\n  }\n}`;

const rows: Row[] = [
  {
    title: "another class's this-call of a method of the same name, in the builder's file or another, is not a call of the builder",
    code: `${NS}export class Net {\n  build(units: number) {\n    const m = tf.sequential();\n    m.add(tf.layers.dense({ inputShape: [4], units }));\n    return m;\n  }\n}\nclass Other {\n  go() { return this.build(7); }\n  build(n: number) { return n; }\n}`,
    fileName: 'net.ts',
    id: 'Net.build',
    files: { 'other.ts': 'class Another { run() { for (const n of [5]) this.build(n); } }' },
    args: [32],
    ctorArgs: [],
    sources: ['units=guess(from the name units)'],
    summary: 'guessed from the names and types (units)',
  },
  {
    title: "the loop variable of a for…of over a local array of literals (a script that builds each model of a list): the first element; its own class's this-call outranks an all-literal call elsewhere",
    code: TRAINER,
    fileName: 'trainer.ts',
    id: 'Trainer.build',
    files: { 'other.ts': 'other.build({ inputShape: [2], units: 1 }, [1]);' },
    args: [{ inputShape: [5], units: 8 }, [784]],
    ctorArgs: [],
    sources: ['def=callSite(trainer.ts:6 (picked of 2 calls: its own class calls it, outside tests, positive sizes))', 'rows=guess(from the type number[])'],
    summary: 'call in trainer.ts:6 (picked of 2 calls: its own class calls it, outside tests, positive sizes); guessed from the names and types (rows)',
  },
  {
    title: 'a call with literal arguments in another file of the package',
    code: DQN,
    id: 'createDeepQNetwork',
    files: { 'dqn_test.js': "import { createDeepQNetwork } from './dqn';\n\ndescribe('dqn', () => {\n  it('builds', () => {\n    const net = createDeepQNetwork(9, 9, 4);\n  });\n});" },
    args: [9, 9, 4],
    sources: ['h=callSite(dqn_test.js:5)', 'w=callSite(dqn_test.js:5)', 'numActions=callSite(dqn_test.js:5)'],
    summary: 'call in dqn_test.js:5',
  },
  {
    title: 'a call through a namespace, with top-level consts of that file',
    code: DQN,
    id: 'createDeepQNetwork',
    files: { 'agent.js': "const dqn = require('./dqn');\nconst BOARD = 7;\nconst ACTIONS = 2 * 2;\nconst online = dqn.createDeepQNetwork(BOARD, BOARD + 1, ACTIONS);" },
    args: [7, 8, 4],
    sources: ['h=callSite(agent.js:4)', 'w=callSite(agent.js:4)', 'numActions=callSite(agent.js:4)'],
    summary: 'call in agent.js:4',
  },
  {
    title: 'a call with a non-literal argument ranks below one whose every argument is a literal',
    code: DQN,
    id: 'createDeepQNetwork',
    files: { 'a.js': 'createDeepQNetwork(game.height, 9, 4);', 'b.js': 'createDeepQNetwork(6, 6, 3);' },
    args: [6, 6, 3],
    sources: ['h=callSite(b.js:1 (picked of 2 calls: every argument a literal, outside tests, positive sizes))', 'w=callSite(b.js:1 (picked of 2 calls: every argument a literal, outside tests, positive sizes))', 'numActions=callSite(b.js:1 (picked of 2 calls: every argument a literal, outside tests, positive sizes))'],
    summary: 'call in b.js:1 (picked of 2 calls: every argument a literal, outside tests, positive sizes)',
  },
  {
    title: 'the only call passes a live object beside literal sizes: the sizes come from it, the object is guessed as a missing one',
    code: DQN,
    id: 'createDeepQNetwork',
    files: { 'app.js': 'const net = createDeepQNetwork(game.height, 7 * 2, 3);\nconst other = createDeepQNetwork(game.height, game.width, game.actions);' },
    args: [10, 14, 3],
    sources: ['h=guess(from the name h)', 'w=callSite(app.js:1)', 'numActions=callSite(app.js:1)'],
    summary: 'call in app.js:1; guessed from the names and types (h)',
  },
  {
    title: 'calls a test expects to throw are skipped (expect(() => …).toThrow, assert.throws, it("throws…"))',
    code: DQN,
    id: 'createDeepQNetwork',
    files: {
      'net.test.js': [
        "it('rejects a zero height', () => {\n  expect(() => createDeepQNetwork(0, 5, 4)).toThrowError(/height/);\n});",
        "it('checks', () => { assert.throws(() => createDeepQNetwork(-1, 5, 4)); });",
        "it('throws on a bad width', () => { createDeepQNetwork(5, 0, 4); });",
        "it('checks the width', () => { expect(() => createDeepQNetwork(5, 2, 4)).to.throw(/width/); });",
        "describe('invalid sizes', () => { it('h', () => { createDeepQNetwork(2, 5, 4); }); });",
        "it('checks the count', async () => { await assert.rejects(async () => createDeepQNetwork(5, 5, 1)); });",
        "it('builds', () => { expect(() => createDeepQNetwork(5, 6, 4)).not.toThrow(); });",
      ].join('\n'),
    },
    args: [5, 6, 4],
    sources: ['h=callSite(net.test.js:9)', 'w=callSite(net.test.js:9)', 'numActions=callSite(net.test.js:9)'],
    summary: 'call in net.test.js:9',
  },
  {
    title: 'calls are ranked: outside tests, then positive sizes, then the most frequent list',
    code: DQN,
    id: 'createDeepQNetwork',
    files: {
      'spec/net.js': 'createDeepQNetwork(3, 3, 2);',
      'demo.js': 'createDeepQNetwork(0, 4, 2);\ncreateDeepQNetwork(6, 6, 4);\ncreateDeepQNetwork(8, 8, 4);\ncreateDeepQNetwork(8, 8, 4);',
    },
    args: [8, 8, 4],
    sources: ['h=callSite(demo.js:3 (picked of 5 calls: outside tests, positive sizes, used 2 times))', 'w=callSite(demo.js:3 (picked of 5 calls: outside tests, positive sizes, used 2 times))', 'numActions=callSite(demo.js:3 (picked of 5 calls: outside tests, positive sizes, used 2 times))'],
    summary: 'call in demo.js:3 (picked of 5 calls: outside tests, positive sizes, used 2 times)',
  },
  {
    title: 'a size a call passes as 0 (a model made only to load saved weights into) is a placeholder: the name guesses it, the rest of the call stands',
    code: `${NS}export class TabularNet {\n  constructor(inputDim, classes) { this.inputDim = inputDim; this.classes = classes; }\n  build() {\n    const m = tf.sequential();\n    m.add(tf.layers.dense({ inputShape: [this.inputDim], units: 8 }));\n    m.add(tf.layers.batchNormalization());\n    m.add(tf.layers.dense({ units: this.classes, activation: 'softmax' }));\n    return m;\n  }\n}`,
    fileName: 'net.js',
    id: 'TabularNet.build',
    files: { 'app.js': 'const net = new TabularNet(rows[0].length, labels.size);\nconst restored = new TabularNet(0, 3);\nawait restored.load();' },
    args: [],
    ctorArgs: [16, 3],
    sources: ['inputDim=guess(from the name inputDim: the call in app.js:2 passes 0, a placeholder (a size of 0 builds no layer))', 'classes=callSite(app.js:2)'],
    summary: 'call in app.js:2; guessed from the names and types (inputDim)',
  },
  {
    title: 'a field still 0 when the call reads it (set from the data later): a placeholder, guessed from its place in the shape the builder writes out',
    code: `${NS}const STEPS = 7;\nexport class Forecaster {\n  constructor() { this.inputNodes = 0; }\n  async train(rows) {\n    this.inputNodes = rows[0].length;\n    await this.buildModel(this.inputNodes);\n  }\n  async buildModel(inputNodes) {\n    const m = tf.sequential();\n    m.add(tf.layers.lstm({ units: 16, inputShape: [STEPS, inputNodes] }));\n    m.add(tf.layers.batchNormalization());\n    m.add(tf.layers.dense({ units: 1 }));\n    this.model = m;\n  }\n}`,
    fileName: 'forecaster.js',
    id: 'Forecaster.buildModel',
    args: [8],
    ctorArgs: [],
    sources: ['inputNodes=guess(from its place in inputShape: [STEPS, inputNodes]: the call in forecaster.js:7 passes 0, a placeholder (a size of 0 builds no layer))'],
    summary: 'guessed from the names and types (inputNodes)',
  },
  {
    title: 'a flag whose true branch builds the layers (`if (override) { … tf.sequential() … } else loadLayersModel`): true, so the model is built',
    code: `${NS}export async function trainModel(x, override) {\n  let model;\n  if (override) {\n    model = tf.sequential();\n    model.add(tf.layers.dense({ inputShape: [x.shape[1]], units: 8 }));\n    model.add(tf.layers.batchNormalization());\n  } else model = await tf.loadLayersModel('file://model/model.json');\n  return model;\n}`,
    fileName: 'train.js',
    id: 'trainModel',
    args: [{ shape: [32, 784] }, true],
    sources: ['x=guess(a stand-in from what the code does with x (shape))', 'override=guess(override picks building the model (`if (override)` builds its layers))'],
    summary: 'guessed from the names and types (x, override)',
  },
  {
    title: "a null a call passes beside a value it makes as it runs (densenet(null, inputs): built from the inputs instead) is a placeholder: the parameter is guessed",
    code: `${NS}export function backbone(shape, inputs = null) {\n  if (inputs === null) inputs = tf.input({ shape });\n  const x = tf.layers.batchNormalization().apply(tf.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(inputs));\n  return tf.model({ inputs, outputs: x });\n}`,
    fileName: 'backbone.js',
    id: 'backbone',
    files: { 'head.js': 'const net = backbone(null, features);' },
    args: [[28, 28, 1], null],
    ctorArgs: undefined,
    sources: ['shape=guess(from the name shape: the call in head.js:1 passes null beside a value it makes as it runs, which it builds from instead)', 'inputs=default(default in the signature)'],
    summary: 'defaults in the signature; guessed from the names and types (shape)',
  },
  {
    title: 'a 0 for a parameter the builder compares with numbers (a variant: net_size === 0) stays as the call passes it',
    code: `${NS}export class App {\n  defineNet(net_size, classes) {\n    const m = tf.sequential();\n    if (net_size === 0) { m.add(tf.layers.dense({ inputShape: [4], units: 8 })); m.add(tf.layers.batchNormalization()); }\n    if (net_size === 2) { m.add(tf.layers.dense({ inputShape: [1024], units: classes })); }\n    return m;\n  }\n}`,
    fileName: 'app.js',
    id: 'App.defineNet',
    files: { 'main.js': 'const net = app.defineNet(0, 2);' },
    args: [0, 2],
    ctorArgs: [],
    sources: ['net_size=callSite(main.js:1)', 'classes=callSite(main.js:1)'],
    summary: 'call in main.js:1',
  },
  {
    title: 'a 0 that is no size (a seed, an index) stays as the call passes it',
    code: `${NS}export function seededNet(seed, units) {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ inputShape: [4], units, kernelInitializer: tf.initializers.glorotNormal({ seed }) }));\n  m.add(tf.layers.batchNormalization());\n  return m;\n}`,
    fileName: 'net.js',
    id: 'seededNet',
    files: { 'app.js': 'seededNet(0, 12);' },
    args: [0, 12],
    sources: ['seed=callSite(app.js:1)', 'units=callSite(app.js:1)'],
    summary: 'call in app.js:1',
  },
  {
    title: "a call passing the program's symbolic input (a const bound to tf.input) gets that input's shape",
    code: `${NS}export function headNet(inputs, classes) {\n  const x = tf.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(inputs);\n  return tf.model({ inputs, outputs: tf.layers.dense({ units: classes }).apply(tf.layers.flatten().apply(x)) });\n}`,
    id: 'headNet',
    files: { 'app.js': "const tf = require('@tensorflow/tfjs');\nconst inputs = tf.input({ shape: [124, 13, 1] });\nconst model = headNet(inputs, 8);\nconst other = headNet(tf.input({ shape: [20, 20, 3] }), 2);" },
    args: [{ $input: [124, 13, 1] }, 8],
    sources: ['inputs=callSite(app.js:3 (picked of 2 calls: outside tests, positive sizes))', 'classes=callSite(app.js:3 (picked of 2 calls: outside tests, positive sizes))'],
    summary: 'call in app.js:3 (picked of 2 calls: outside tests, positive sizes)',
  },
  {
    title: 'the last run beats a call site',
    code: DQN,
    id: 'createDeepQNetwork',
    files: { 'b.js': 'createDeepQNetwork(6, 6, 3);' },
    lastRun: { args: [5, 5, 2] },
    args: [5, 5, 2],
    sources: ['h=lastRun(the last run)', 'w=lastRun(the last run)', 'numActions=lastRun(the last run)'],
    summary: 'last run',
  },
  {
    title: "guesses from the names when nothing calls it (a DQN's h and w are a small board)",
    code: DQN,
    id: 'createDeepQNetwork',
    args: [10, 10, 4],
    sources: ['h=guess(from the name h)', 'w=guess(from the name w)', 'numActions=guess(from the name numActions)'],
    summary: 'guessed from the names and types (h, w, numActions)',
  },
  {
    title: 'a tuple-typed shape and a default (code that upsamples gets the smallest deep side, 32)',
    code: `${NS}export function unetModel(inputShape: [number, number, number], numberOfClasses = 1) {\n  const x = tf.layers.maxPooling2d({ poolSize: 2 });\n  const u = tf.layers.upSampling2d({ size: [2, 2] });\n  return tf.model({ inputs: [], outputs: [] });\n}`,
    id: 'unetModel',
    args: [[32, 32, 3], 1],
    sources: ['inputShape=guess(from the type [number, number, number])', 'numberOfClasses=default(default in the signature)'],
    summary: 'defaults in the signature; guessed from the names and types (inputShape)',
  },
  {
    title: 'six stride-2 convolutions need 2^6: 64 (a strided transposed convolution does not count)',
    code: `${NS}export function encoder(inputShape: [number, number, number]) {\n${'  tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2 });\n'.repeat(6)}  tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: [2, 2] });\n  return tf.sequential();\n}`,
    id: 'encoder',
    args: [[64, 64, 3]],
    sources: ['inputShape=guess(from the type [number, number, number])'],
    summary: 'guessed from the names and types (inputShape)',
  },
  {
    title: 'poolings in an imported helper count once per call of it (four encoder blocks: 2^4, at least 32)',
    code: `import { layers, model } from '@tensorflow/tfjs-node';\nimport { down } from './blocks.js';\nexport function unet(inputShape: [number, number, number]) {\n  let x = layers.input({ shape: inputShape });\n  x = down(x, 8); x = down(x, 16); x = down(x, 32); x = down(x, 64);\n  return model({ inputs: x, outputs: layers.conv2d({ filters: 1, kernelSize: 1 }).apply(x) });\n}`,
    id: 'unet',
    files: { 'blocks.ts': "import { layers } from '@tensorflow/tfjs-node';\nexport function down(x, filters) { return layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(layers.conv2d({ filters, kernelSize: 3 }).apply(x)); }" },
    args: [[32, 32, 3]],
    sources: ['inputShape=guess(from the type [number, number, number])'],
    summary: 'guessed from the names and types (inputShape)',
  },
  {
    title: "a big image shape from the user's call is made small for a quick run, keeping its divisibility",
    code: `${NS}export function unet(inputShape, classes = 1) {\n${'  tf.layers.maxPooling2d({ poolSize: 2 });\n'.repeat(4)}${'  tf.layers.upSampling2d({ size: 2 });\n'.repeat(4)}  return tf.sequential();\n}`,
    fileName: 'unet.js',
    id: 'unet',
    files: { 'train.js': "const size = 256;\nconst m = unet([size, size * 2, 3], 1);" },
    args: [[32, 64, 3], 1],
    sources: ['inputShape=callSite(train.js:2, image [256, 512, 3] made [32, 64, 3] for a quick run)', 'classes=callSite(train.js:2)'],
    summary: 'call in train.js:2, image [256, 512, 3] made [32, 64, 3] for a quick run',
  },
  {
    title: 'sizes and counts by any part of the name',
    code: `${NS}export function q(latentSpaceSize, numA1, otherStateLength, gameHeight, hiddenUnitsCount) { return tf.sequential(); }`,
    fileName: 'q.js',
    id: 'q',
    args: [32, 8, 8, 10, 32],
    sources: ['latentSpaceSize=guess(from the name latentSpaceSize)', 'numA1=guess(from the name numA1)', 'otherStateLength=guess(from the name otherStateLength)', 'gameHeight=guess(from the name gameHeight)', 'hiddenUnitsCount=guess(from the name hiddenUnitsCount)'],
    summary: 'guessed from the names and types (latentSpaceSize, numA1, otherStateLength, gameHeight, hiddenUnitsCount)',
  },
  {
    title: 'an options bag: the properties the constructor reads without a fallback',
    code: `${NS}export default class Gan {\n  constructor(opts) {\n    opts = opts || {};\n    this.side = opts.imgSize;\n    this.ch = opts.imgC;\n    this.batch = opts.batchSize || 64;\n  }\n  generator = () => { this.G = tf.sequential(); return this.G; };\n}`,
    fileName: 'gan.js',
    id: 'Gan.generator',
    args: [],
    ctorArgs: [{ imgSize: 28, imgC: 1 }],
    sources: ['opts=guess(from what the code reads of opts (imgSize, imgC); its fallbacks for batchSize)'],
    summary: 'guessed from the names and types (opts)',
  },
  {
    title: 'an object the class stores and reads later (this.game = game; this.game.boardHeight)',
    code: `export class Dqn {\n  constructor(game) {\n    this.game = game;\n    this.model = this.build();\n  }\n  build() {\n    const m = tf.sequential();\n    m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [this.game.boardHeight, this.game.boardWidth, 2] }));\n    return m;\n  }\n}`,
    fileName: 'dqn.js',
    id: 'Dqn',
    args: [{ boardHeight: 10, boardWidth: 10 }],
    sources: ['game=guess(from what the code reads of game (boardHeight, boardWidth))'],
    summary: 'guessed from the names and types (game)',
  },
  {
    title: "a board's rows and cols are a small grid, an image config's are an image",
    code: `${NS}export function net(board, image) {\n  tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [board.rows, board.cols, image.channels] });\n  tf.layers.dense({ units: image.rows * image.cols });\n  return tf.sequential();\n}`,
    fileName: 'net.js',
    id: 'net',
    args: [{ rows: 10, cols: 10 }, { channels: 1, rows: 28, cols: 28 }],
    sources: ['board=guess(from what the code reads of board (rows, cols))', 'image=guess(from what the code reads of image (channels, rows, cols))'],
    summary: 'guessed from the names and types (board, image)',
  },
  {
    title: 'object types: an inline type and an interface of the same file (optional members left out)',
    code: `${NS}interface BoardConfig {\n  rows: number;\n  cols: number;\n  label?: string;\n}\nexport function net(board: BoardConfig, size: { depth: number; units: number }) { return tf.sequential(); }`,
    id: 'net',
    args: [{ rows: 28, cols: 28 }, { depth: 2, units: 32 }],
    sources: ['board=guess(from the type BoardConfig)', 'size=guess(from the type { depth: number; units: number })'],
    summary: 'guessed from the names and types (board, size)',
  },
  {
    title: 'object types: optional members the builder reads with no fallback are filled; one read with a fallback stays out',
    code: `${NS}export interface NetConfig {\n  inputDimensions?: number;\n  hiddenLayers?: number[];\n  dropout?: number;\n  label?: string;\n}\nexport function net(config: NetConfig) {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ inputShape: [config.inputDimensions!], units: config.hiddenLayers![0] }));\n  m.add(tf.layers.dropout({ rate: config.dropout ?? 0.1 }));\n  return m;\n}`,
    fileName: 'net.ts',
    id: 'net',
    args: [{ inputDimensions: 16, hiddenLayers: [32, 32] }],
    sources: ['config=guess(from the type NetConfig, with the optional inputDimensions, hiddenLayers the code reads without a fallback)'],
    summary: 'guessed from the names and types (config)',
  },
  {
    title: 'number[] named for layer sizes is a size per layer; named for a shape, a shape',
    code: `${NS}export function mlp(inputShape: number[], hiddenUnits: number[], layers: number[], filters: number[]) { return tf.sequential(); }`,
    fileName: 'mlp.ts',
    id: 'mlp',
    args: [[784], [32, 32], [8, 8], [16, 16]],
    sources: ['inputShape=guess(from the type number[])', 'hiddenUnits=guess(from the type number[] and the name hiddenUnits: a size for each layer)', 'layers=guess(from the type number[] and the name layers: a size for each layer)', 'filters=guess(from the type number[] and the name filters: a size for each layer)'],
    summary: 'guessed from the names and types (inputShape, hiddenUnits, layers, filters)',
  },
  {
    title: 'an image classifier gets the MNIST shape and 10 classes',
    code: `${NS}export function cnn(inputShape, numClasses) { const c = tf.layers.conv2d({ filters: 4, kernelSize: 3 }); return tf.sequential(); }`,
    fileName: 'cnn.js',
    id: 'cnn',
    args: [[28, 28, 1], 10],
    sources: ['inputShape=guess(from the name inputShape)', 'numClasses=guess(from the name numClasses)'],
    summary: 'guessed from the names and types (inputShape, numClasses)',
  },
  {
    title: "a classifier's h and w are an MNIST image",
    code: `${NS}export function cnn(h, w, numClasses) { tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [h, w, 1] }); return tf.sequential(); }`,
    fileName: 'cnn.js',
    id: 'cnn',
    args: [28, 28, 10],
    sources: ['h=guess(from the name h)', 'w=guess(from the name w)', 'numClasses=guess(from the name numClasses)'],
    summary: 'guessed from the names and types (h, w, numClasses)',
  },
  {
    title: 'a dense model gets a flat shape',
    code: `${NS}export function mlp(inputShape: number[], units: number, useBias: boolean) { return tf.sequential(); }`,
    id: 'mlp',
    args: [[784], 32, false],
    sources: ['inputShape=guess(from the type number[])', 'units=guess(from the name units)', 'useBias=guess(from the name useBias)'],
    summary: 'guessed from the names and types (inputShape, units, useBias)',
  },
  {
    title: 'a generator: rows, cols, channels and the latent size',
    code: `${NS}export function createGenerator(rows, cols, channels, inputDim) { tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3 }); return tf.sequential(); }`,
    fileName: 'gan.js',
    id: 'createGenerator',
    args: [32, 32, 3, 16],
    sources: ['rows=guess(from the name rows)', 'cols=guess(from the name cols)', 'channels=guess(from the name channels)', 'inputDim=guess(from the name inputDim)'],
    summary: 'guessed from the names and types (rows, cols, channels, inputDim)',
  },
  {
    title: 'a nested array typed number[][][] (one example of the data, whose lengths the builder reads): zeros of the data shape',
    code: `${NS}export function policyNet(planes: number[][][], numActions: number) {\n  const input = tf.input({ shape: [planes.length, planes[0].length, planes[0][0].length] });\n  const x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }).apply(input);\n  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: numActions }).apply(tf.layers.flatten().apply(x)) });\n}`,
    id: 'policyNet',
    args: [Array.from({ length: 10 }, () => Array.from({ length: 10 }, () => [0])), 4],
    sources: ['planes=guess(from the type number[][][]: zeros of shape [10, 10, 1])', 'numActions=guess(from the name numActions)'],
    summary: 'guessed from the names and types (planes, numActions)',
  },
  {
    title: 'JSDoc types and a literal union',
    code: `${NS}/**\n * @param {number} latentSize\n * @param {'relu' | 'elu'} act\n * @param {boolean} flag\n */\nexport function g(latentSize, act, flag) { return tf.sequential(); }`,
    fileName: 'g.js',
    id: 'g',
    args: [32, 'relu', false],
    sources: ['latentSize=guess(from the name latentSize)', "act=guess(from the type 'relu' | 'elu')", 'flag=guess(from the type boolean)'],
    summary: 'guessed from the names and types (latentSize, act, flag)',
  },
  {
    title: 'tfjs parameters are left out; a call passing fewer arguments gets the rest from the fallbacks',
    code: 'export function buildModel(tf, classes, opts, units) { return tf.sequential(); }\nexport const x = buildModel(tf, 5);',
    fileName: 'm.js',
    id: 'buildModel',
    args: [5, {}, 32],
    sources: ['classes=callSite(m.js:2)', 'opts=guess(from the name opts)', 'units=guess(from the name units)'],
    summary: 'call in m.js:2; guessed from the names and types (opts, units)',
  },
  {
    title: 'a name and type that say nothing: null, marked unknown',
    code: `${NS}export function f(game) { return tf.sequential(); }`,
    fileName: 'f.js',
    id: 'f',
    args: [null],
    sources: ['game=guess(no guess: replace null)'],
    summary: 'guessed from the names and types (game)',
  },
  {
    title: 'a method: args from a call of the method, ctorArgs from new Class(…)',
    code: `${NS}export class Net {\n  constructor(units: number, tfLib: typeof tf) {}\n  build(inputShape: number[]) { return tf.sequential(); }\n}`,
    id: 'Net.build',
    files: { 'demo.ts': "import { Net } from './model';\nconst net = new Net(16, tf);\nconst model = net.build([8]);" },
    args: [[8]],
    ctorArgs: [16],
    sources: ['inputShape=callSite(demo.ts:3)', 'units=callSite(demo.ts:2)'],
    summary: 'call in demo.ts:3; call in demo.ts:2',
  },
  {
    title: 'a constructor builder: args from new Class(…)',
    code: `${NS}export class Agent {\n  constructor(numActions: number) { this.model = tf.sequential(); }\n}`,
    id: 'Agent',
    files: { 'play.ts': 'const a = new Agent(3);' },
    args: [3],
    sources: ['numActions=callSite(play.ts:1)'],
    summary: 'call in play.ts:1',
  },
  {
    title: 'no parameters',
    code: `${NS}export const build = () => tf.sequential();`,
    id: 'build',
    args: [],
    sources: [],
    summary: 'no parameters',
  },
  {
    title: 'a destructured options object',
    code: `${NS}export function make({ units = 8, numClasses }) { return tf.sequential(); }`,
    id: 'make',
    args: [{ numClasses: 10 }],
    sources: ['{ units = 8, numClasses }=guess(from the names in { units = 8, numClasses })'],
    summary: 'guessed from the names and types ({ units = 8, numClasses })',
  },
  {
    title: 'a destructured options object with a member nothing guesses (the training data): left out, said so',
    code: `${NS}export function make({ trainingData, numClasses, rate = 0.5 }) { return tf.sequential(); }`,
    id: 'make',
    args: [{ numClasses: 10 }],
    sources: ['{ trainingData, numClasses, rate = 0.5 }=guess(from the names in { trainingData, numClasses, rate = 0.5 }; no guess for trainingData: left out (undefined, as a caller that omits it passes))'],
    summary: 'guessed from the names and types ({ trainingData, numClasses, rate = 0.5 })',
  },
  {
    title: 'a destructured live object gets its stand-in while a member nothing guesses is left out',
    code: `${NS}import { hashSeed } from './seeds';\nexport function buildNet({ game, seed }) {\n  const [rows, cols] = game.getBoardSize();\n  const init = tf.initializers.heNormal({ seed: hashSeed(seed) });\n  const m = tf.sequential();\n  m.add(tf.layers.conv2d({ inputShape: [rows, cols, 1], filters: 4, kernelSize: 3, kernelInitializer: init }));\n  return m;\n}`,
    id: 'buildNet',
    args: [{ game: { getBoardSize: { $returns: [10, 10] } } }],
    sources: ['{ game, seed }=guess(from the names in { game, seed }, with stand-ins for game from what the code does with them; no guess for seed: left out (undefined, as a caller that omits it passes))'],
    summary: 'guessed from the names and types ({ game, seed })',
  },
  {
    title: 'a name that says shape, used as one number (`units: output_shape`): a number, from its use',
    code: `${REQ}const models = {\n  lstm: (input_shape, output_shape) => {\n    const m = tf.sequential();\n    m.add(tf.layers.lstm({ units: 8, inputShape: input_shape }));\n    m.add(tf.layers.dense({ units: output_shape }));\n    return m;\n  },\n};`,
    fileName: 'models.js',
    id: 'models.lstm',
    args: [[10, 8], 8],
    sources: ['input_shape=guess(from its use as a shape (rank 2: it feeds a lstm layer))', 'output_shape=guess(from its use as units: output_shape)'],
    summary: 'guessed from the names and types (input_shape, output_shape)',
  },
];

function rowTitled(start: string): Row {
  const row = rows.find((r) => r.title.startsWith(start));
  assert.ok(row, `no row ${start}`);
  return row;
}

describe('proposeArguments', () => {
  for (const row of rows) {
    it(row.title, () => {
      const p = propose(row);
      assert.deepEqual(p.args, row.args);
      assert.deepEqual(p.ctorArgs, row.ctorArgs);
      assert.deepEqual(p.sources.map((s) => `${s.parameter}=${s.source}(${s.detail})`), row.sources);
      assert.equal(p.summary, row.summary);
    });
  }

  it('lists parameters nothing could fill', () => {
    const p = propose({ code: `${NS}export function f(game, units, options, learningRate, outputSize) { return tf.sequential(); }`, fileName: 'f.js', id: 'f' });
    assert.deepEqual(p.unknown, ['game']);
    assert.deepEqual(p.args, [null, 32, {}, 0.001, 10]);
  });

  it('an object the code calls methods on gets a stand-in with those methods; one used as an array is not guessed from its properties', () => {
    const env = propose({ code: `${NS}export function f(env, shape) { env.reset(); const n = shape.length; return tf.sequential(); }`, fileName: 'f.js', id: 'f' });
    assert.equal(env.unknown, undefined);
    assert.deepEqual(env.args, [{ reset: { $returns: null } }, [784]]);
    assert.equal(formatArgumentList(env.args), '[{ reset: () => null }, [784]]');
  });
});

describe('formatArgumentProposal', () => {
  it('renders the editable JS array literal and where it came from', () => {
    const p = propose(rowTitled('a call with literal arguments in another file'));
    assert.deepEqual(formatArgumentProposal(p), { text: '[9, 9, 4]', detail: 'from the call in dqn_test.js:5' });
  });

  it('mixes sources and renders nested values, strings and objects', () => {
    const p = propose(rowTitled('a tuple-typed shape'));
    assert.deepEqual(formatArgumentProposal(p), { text: '[[32, 32, 3], 1]', detail: 'from the defaults in the signature and guesses for inputShape' });
    assert.deepEqual(guessReasons(p.sources), ['inputShape: from the type [number, number, number]']);
    assert.equal(formatArgumentList(["it's", { units: 8, 'a-b': null }, true]), "['it\\'s', { units: 8, \"a-b\": null }, true]");
  });

  it('gives the constructor text for methods and says what needs editing', () => {
    const method = formatArgumentProposal(propose(rowTitled('a method: args')));
    assert.equal(method.ctorText, '[16]');
    const unknown = formatArgumentProposal(propose({ code: `${NS}export function f(game) { return tf.sequential(); }`, fileName: 'f.js', id: 'f' }));
    assert.equal(unknown.text, '[null]');
    assert.match(unknown.detail, /no guess for game \(replace null\)$/);
  });

  it('what it renders parses back to the same values', () => {
    for (const row of rows) {
      const p = propose(row);
      assert.deepEqual(parseArgsLiteral(formatArgumentProposal(p).text), { ok: true, values: p.args });
    }
  });
});

describe('findCallSites', () => {
  it('finds calls and new-expressions with literal arguments, skipping tfjs positions', () => {
    const files = [{ file: 'a.js', code: 'build(tf, 3);\nnew Agent(2);\nother(4);\nx.build(tf, [1, 2]);\nbuild(tf, n);' }];
    assert.deepEqual(findCallSites(files, { names: ['build'], kind: 'call', tfjsPositions: [0] }), [
      { file: 'a.js', line: 1, args: [3], inTest: false },
      { file: 'a.js', line: 4, args: [[1, 2]], inTest: false },
    ]);
    assert.deepEqual(findCallSites(files, { names: ['Agent'], kind: 'new' }), [{ file: 'a.js', line: 2, args: [2], inTest: false }]);
  });

  describe('a same-named callee from another module is not the builder', () => {
    const builderFile = '/p/src/games/xos/network.ts';
    // Other modules of the package: one defines its own Network, one only passes the builder's on.
    const others = [
      { file: '/p/src/games/four-row/general.ts', code: 'export default class Network {}' },
      { file: '/p/src/nets.ts', code: 'export function Network() {}' },
      { file: '/p/src/games/index.ts', code: "export { default as Network } from './xos/network';" },
    ];
    const rows: { title: string; file: string; code: string; lines: number[] }[] = [
      { title: 'imported from the builder’s file (with or without extension)', file: '/p/src/games/xos/model.ts', code: "import Network from './network';\nnew Network({ height: 3 });", lines: [2] },
      { title: 'imported from the builder’s file as .js (TypeScript ESM)', file: '/p/src/games/xos/model.ts', code: "import Network from './network.js';\nnew Network({ height: 3 });", lines: [2] },
      { title: 'imported from another game’s network, which defines its own', file: '/p/src/games/four-row/model.ts', code: "import Network from './general';\nnew Network({ historyDepth: 1 });", lines: [] },
      { title: 'required from that module', file: '/p/src/train.js', code: "const Network = require('./games/four-row/general');\nnew Network({ historyDepth: 1 });", lines: [] },
      { title: 'imported through an index that re-exports the builder’s', file: '/p/src/app.ts', code: "import { Network } from './games';\nnew Network({ height: 3 });", lines: [2] },
      { title: 'imported from a module the package does not hold', file: '/p/src/app.ts', code: "import { Network } from './generated/net';\nnew Network({ height: 3 });", lines: [2] },
      { title: 'a class the other file declares itself', file: '/p/src/other.ts', code: 'class Network {}\nnew Network({ x: 1 });', lines: [] },
      { title: 'a package’s or a global name may be it', file: '/p/src/page.js', code: "import { Network } from 'games';\nnew Network({ a: 1 });\nnew Network({ b: 2 });", lines: [2, 3] },
      { title: 'a namespace import of a module that defines its own, member call', file: '/p/src/run.ts', code: "import * as nets from './nets';\nnets.Network({ a: 1 });", lines: [] },
      { title: 'a method call on an object the file makes', file: '/p/src/run.ts', code: 'class Holder {}\nconst Network = makeIt();\nconst holder = new Holder();\nholder.Network({ a: 1 });', lines: [4] },
    ];
    for (const row of rows) {
      it(row.title, () => {
        const kind = /new Network/.test(row.code) ? 'new' : 'call';
        const sites = findCallSites([{ file: row.file, code: row.code }, ...others], { names: ['Network'], kind, builderFile });
        assert.deepEqual(sites.filter((s) => s.file === row.file).map((s) => s.line), row.lines);
      });
    }
    it('in the builder’s own file every call counts', () => {
      assert.deepEqual(findCallSites([{ file: builderFile, code: 'class Network {}\nnew Network({ height: 3 });' }], { names: ['Network'], kind: 'new', builderFile }).map((s) => s.line), [2]);
    });
  });

  it('a tfjs call of the same name (`tf.layers.lstm({ … })`) is not a call of a builder named lstm; one on the builders\' object is', () => {
    const code = "const tf = require('@tensorflow/tfjs');\nconst models = { lstm: (shape, n) => tf.sequential() };\ntf.layers.lstm({ units: 64 });\nmodels.lstm([6, 3], 2);";
    assert.deepEqual(findCallSites([{ file: 'models.js', code }], { names: ['lstm'], kind: 'call' }).map((s) => [s.line, s.args]), [[4, [[6, 3], 2]]]);
    const page = 'tf.layers.lstm({ units: 8 });\nlstm([6, 3], 2);';
    assert.deepEqual(findCallSites([{ file: 'page.js', code: page }], { names: ['lstm'], kind: 'call' }).map((s) => s.line), [2], "a page's global tf too");
  });

  it('never parses a file that does not mention the name', () => {
    assert.deepEqual(findCallSites([{ file: 'a.js', code: 'this is not ( code' }], { names: ['build'], kind: 'call' }), []);
  });
});

describe('parameter labels in messages', () => {
  const rows: [string, string][] = [
    ['units', 'units'],
    ['{ a, b }', '{ a, b }'],
    ['{\n    sequenceLen = 60,\n    stateVectorLen = 10,\n    embInner = [32, 32, 32],\n    layerNum = 8\n}', '{ sequenceLen, stateVectorLen, … }'],
    ['[first, second, third, fourth, fifth, sixth, seventh]', '[ first, second, … ]'],
  ];
  for (const [name, label] of rows) {
    it(`${JSON.stringify(name).slice(0, 30)} → ${label}`, () => {
      assert.equal(parameterLabel(name), label);
    });
  }
});

describe('parameters handed on to another builder of the file', () => {
  const code = `${NS}function grid(x, y, z) {\n  const m = tf.sequential();\n  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [x, y, z] }));\n  return m;\n}\nexport function fresh(x, y, z, rate = 0.01) {\n  const m = grid(x, y, z);\n  m.compile({ optimizer: tf.train.adam(rate), loss: 'meanSquaredError' });\n  return m;\n}\nexport function unrelated(q) {\n  const m = grid(1, 2, 3);\n  m.compile({ optimizer: q, loss: 'meanSquaredError' });\n  return m;\n}\n`;
  const propose = (id: string) => proposeArguments(findModelBuilders(code, 'net.ts').find((b) => b.id === id)!, { file: 'net.ts', code });

  it('take the guess of the parameter they land on there', () => {
    const p = propose('fresh');
    // z is named like a latent vector: its own name decides first.
    assert.deepEqual(p.args, [28, 28, 32, 0.01]);
    assert.deepEqual(p.sources.map((s) => s.detail), ['from its place in inputShape: [x, y, z], as x of grid', 'from its place in inputShape: [x, y, z], as y of grid', 'from the name z', 'default in the signature']);
  });

  it('a parameter that is not handed on gets no such guess', () => {
    assert.deepEqual(propose('unrelated').unknown, ['q']);
  });
});

describe('a call site that passes a field the constructor sets', () => {
  const cls = (ctor: string) => `${NS}export class Gan {\n  ${ctor}\n  build(latentSize) {\n    const m = tf.sequential();\n    m.add(tf.layers.dense({ units: latentSize, inputShape: [4] }));\n    return m;\n  }\n  run() { this.g = this.build(this.latentSize); }\n}\n`;
  const rows: [string, string, unknown[]][] = [
    ['the fallback of `opts.latentSize ?? 100`', 'constructor(opts = {}) { this.latentSize = opts.latentSize ?? 100; }', [100]],
    ['the fallback of `|| 64`', 'constructor(opts) { this.latentSize = opts.size || 64; }', [64]],
    ['a literal', 'constructor() { this.latentSize = 12; }', [12]],
    ['a field declaration', 'latentSize = 20;', [20]],
    ['set twice: not a call site (the guess instead)', 'constructor(o) { this.latentSize = 8; if (o) { this.latentSize = 16; } }', [32]],
  ];
  for (const [title, ctor, args] of rows) {
    it(title, () => {
      const code = cls(ctor);
      const p = proposeArguments(findModelBuilders(code, 'gan.ts').find((b) => b.id === 'Gan.build')!, { file: 'gan.ts', code });
      assert.deepEqual(p.args, args);
    });
  }
});

describe("a constant of the parameter's type that the package declares", () => {
  const TYPES = 'export interface LayerSpec { filters: number; batchNorm: boolean }\nexport interface NetConfig { conv: LayerSpec[]; dense: { width: number } }\n';
  const BUILDER = `${NS}import type { NetConfig } from './config';\nexport function buildNet(config: NetConfig, classes: number) {\n  const m = tf.sequential();\n  for (const c of config.conv) {\n    m.add(tf.layers.conv2d({ filters: c.filters, kernelSize: 3, inputShape: [28, 28, 1] }));\n    if (c.batchNorm) m.add(tf.layers.batchNormalization());\n  }\n  m.add(tf.layers.flatten());\n  m.add(tf.layers.dense({ units: config.dense.width }));\n  m.add(tf.layers.dense({ units: classes }));\n  return m;\n}\n`;
  const PRESET = { conv: [{ filters: 8, batchNorm: true }], dense: { width: 32 } };
  const rows: { title: string; files: Record<string, string>; builder?: string; args: unknown[]; source: string }[] = [
    {
      title: 'an annotated export in the file that declares the type',
      files: { 'config.ts': `${TYPES}export const DEFAULT_CONFIG: NetConfig = { conv: [{ filters: 8, batchNorm: true }], dense: { width: 32 } };\n` },
      args: [PRESET, 10],
      source: 'config=constant(DEFAULT_CONFIG in config.ts, of its type NetConfig)',
    },
    {
      title: '`satisfies`, with a constant it names, in another file',
      files: { 'config.ts': TYPES, 'presets.ts': "import type { NetConfig } from './config';\nconst WIDTH = 32;\nexport const small = { conv: [{ filters: 8, batchNorm: true }], dense: { width: WIDTH } } satisfies NetConfig;\n" },
      args: [PRESET, 10],
      source: 'config=constant(small in presets.ts, of its type NetConfig)',
    },
    {
      title: 'a JSDoc @type in JavaScript',
      files: { 'config.ts': TYPES, 'presets.js': "/** @type {NetConfig} */\nconst preset = { conv: [{ filters: 8, batchNorm: true }], dense: { width: 32 } };\nmodule.exports = { preset };\n" },
      args: [PRESET, 10],
      source: 'config=constant(preset in presets.js, of its type NetConfig)',
    },
    {
      title: 'the default one of several',
      files: { 'config.ts': `${TYPES}export const TINY: NetConfig = { conv: [], dense: { width: 4 } };\nexport const defaultConfig: NetConfig = { conv: [{ filters: 8, batchNorm: true }], dense: { width: 32 } };\n` },
      args: [PRESET, 10],
      source: 'config=constant(defaultConfig in config.ts, of its type NetConfig)',
    },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const p = propose({ code: BUILDER, fileName: 'build.ts', id: 'buildNet', files: row.files });
      assert.deepEqual(p.args[0], row.args[0]);
      assert.equal(`${p.sources[0].parameter}=${p.sources[0].source}(${p.sources[0].detail})`, row.source);
      assert.match(formatArgumentProposal(p).detail, /^from the constant /);
    });
  }

  const notTaken: [string, string][] = [
    ['a constant of another type', `${TYPES}export const OTHER: LayerSpec = { filters: 8, batchNorm: true };\n`],
    ['an empty starting point the app fills', `${TYPES}export const EMPTY: NetConfig = {} as NetConfig;\n`],
    ['a value built at run time', `${TYPES}export const BUILT: NetConfig = makeConfig();\n`],
    ['a let the app reassigns', `${TYPES}export let current: NetConfig = { conv: [], dense: { width: 4 } };\n`],
  ];
  for (const [title, config] of notTaken) {
    it(`not ${title}`, () => {
      const p = propose({ code: BUILDER, fileName: 'build.ts', id: 'buildNet', files: { 'config.ts': config } });
      assert.notEqual(p.sources[0].source, 'constant');
    });
  }

  it('a call site still comes first', () => {
    const files = { 'config.ts': `${TYPES}export const DEFAULT_CONFIG: NetConfig = { conv: [{ filters: 8, batchNorm: true }], dense: { width: 32 } };\n`, 'app.ts': "buildNet({ conv: [{ filters: 4, batchNorm: true }], dense: { width: 8 } }, 3);\n" };
    const p = propose({ code: BUILDER, fileName: 'build.ts', id: 'buildNet', files });
    assert.deepEqual(p.args, [{ conv: [{ filters: 4, batchNorm: true }], dense: { width: 8 } }, 3]);
  });
});

describe("an object type's members, with no constant of it", () => {
  const TYPES = "export interface LayerSpec { filters: number; kernelSize: 3 | 5; activation: 'relu' | 'tanh'; batchNorm: boolean }\nexport interface DenseSpec { width: number; dropout: number }\nexport interface NetConfig { conv: LayerSpec[]; dense: DenseSpec }\n";
  const BUILDER = `${NS}import type { NetConfig } from './config';\nexport function buildNet(config: NetConfig) {\n  const m = tf.sequential();\n  for (const c of config.conv) {\n    m.add(tf.layers.conv2d({ filters: c.filters, kernelSize: c.kernelSize, inputShape: [28, 28, 1] }));\n    if (c.batchNorm) m.add(tf.layers.batchNormalization());\n  }\n  m.add(tf.layers.flatten());\n  m.add(tf.layers.dense({ units: config.dense.width }));\n  return m;\n}\n`;

  it('a list of a named type gets one element, a nested type its members, a batch-norm switch is on', () => {
    const p = propose({ code: BUILDER, fileName: 'build.ts', id: 'buildNet', files: { 'config.ts': TYPES } });
    assert.deepEqual(p.args, [{ conv: [{ filters: 16, kernelSize: 3, activation: 'relu', batchNorm: true }], dense: { width: 28, dropout: 0.1 } }]);
  });

  it('a type that contains itself stops', () => {
    const code = `${NS}interface Node { units: number; children: Node[] }\nexport function buildTree(root: Node) {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: root.units, inputShape: [4] }));\n  m.add(tf.layers.batchNormalization());\n  return m;\n}\n`;
    const p = propose({ code, fileName: 'tree.ts', id: 'buildTree' });
    assert.equal((p.args[0] as { units: number }).units, 32);
    assert.ok(JSON.stringify(p.args[0]).length < 400);
  });
});

describe('a switch for batch norm', () => {
  const rows: [string, string | undefined, boolean][] = [
    ['useBatchNorm', undefined, true], ['batchNorm', 'boolean', true], ['withBN', 'boolean', true], ['useBatchNormalization', undefined, true],
    ['useDropout', 'boolean', false], ['training', undefined, false],
  ];
  for (const [name, typeText, value] of rows) {
    it(`${name}${typeText ? `: ${typeText}` : ''} → ${String(value)}`, () => {
      const code = `${NS}export function build(${name}${typeText ? `: ${typeText}` : ''}) {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 4, inputShape: [4] }));\n  if (${name}) m.add(tf.layers.batchNormalization());\n  return m;\n}\n`;
      assert.equal(propose({ code, fileName: 'b.ts', id: 'build' }).args[0], value);
    });
  }
});

describe("a name's guess fits the type written", () => {
  const rows: [string, string, unknown][] = [
    ['inputs', 'string[]', undefined],
    ['inputs', 'number', 16],
    ['name', 'string', 'model'],
    ['hiddenUnits', 'number[]', [32, 32]],
    ['kernelSize', 'string', undefined],
    ['dropoutRate', 'boolean', false],
  ];
  for (const [name, typeText, value] of rows) {
    it(`${name}: ${typeText} → ${JSON.stringify(value) ?? 'no guess'}`, () => {
      assert.deepEqual(guessArgument({ name, typeText, optional: false, receivesTfjs: false }, readDataHint(''))?.value, value);
    });
  }
});
