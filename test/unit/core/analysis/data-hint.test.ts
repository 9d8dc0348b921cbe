import { strict as assert } from 'node:assert';
import { findHelperFiles, quickImageShape, readDataHint, type DataHint } from '../../../../src/core/analysis/arguments/data-hint';
import { readPropertiesOf } from '../../../../src/core/analysis/arguments/property-reads';

const pool = 'tf.layers.maxPooling2d({ poolSize: 2 });\n';
const conv = 'tf.layers.conv2d({ filters: 4, kernelSize: 3 });\n';

describe('readDataHint', () => {
  const rows: [string, string, DataHint][] = [
    ['a dense model', 'tf.layers.dense({ units: 4 });', { input: 'flat', imageSize: 28, channels: 1 }],
    ['an LSTM', 'tf.layers.lstm({ units: 4 });', { input: 'sequence', imageSize: 28, channels: 1 }],
    ['a CNN with two poolings: MNIST', conv + pool + pool, { input: 'image', imageSize: 28, channels: 1 }],
    ['three poolings: 2^3 is below the floor of 32', conv + pool.repeat(3), { input: 'image', imageSize: 32, channels: 3 }],
    ['six poolings: 2^6', conv + pool.repeat(6), { input: 'image', imageSize: 64, channels: 3 }],
    ['a pooling given strides counts once', conv + 'tf.layers.maxPooling2d({ poolSize: 2, strides: 2 });\n'.repeat(6), { input: 'image', imageSize: 64, channels: 3 }],
    ['a DQN gets a 10x10 board', `export function createDeepQNetwork(h, w, numActions) { ${conv} }`, { input: 'image', imageSize: 10, channels: 1 }],
  ];
  for (const [title, code, expected] of rows) {
    it(title, () => assert.deepEqual(readDataHint(code), expected));
  }

  it('counts the poolings of an imported helper once per call of it', () => {
    const builder = { file: '/p/src/unet.ts', code: "import { down } from './blocks/down.js';\nimport * as ups from '../up';\nconst { other } = require('./other');\ndown(x); down(x); down(x); down(x); down(x); ups.up(x);" };
    const files = [builder, { file: '/p/src/blocks/down.ts', code: conv + pool }, { file: '/p/up/index.js', code: 'tf.layers.upSampling2d({ size: 2 });' }, { file: '/p/src/other.js', code: pool }];
    const helpers = findHelperFiles(builder, files);
    assert.deepEqual(helpers.map((h) => h.calls), [5, 1, 0]);
    assert.deepEqual(readDataHint(builder.code, helpers), { input: 'image', imageSize: 32, channels: 3 });
  });
});

describe('quickImageShape', () => {
  const hint: DataHint = { input: 'image', imageSize: 32, channels: 3 };
  const rows: [unknown, number[] | undefined][] = [
    [[256, 256, 3], [32, 32, 3]],
    [[224, 224, 3], [56, 56, 3]],
    [[null, 128, 256, 1], [null, 32, 64, 1] as number[]],
    [[64, 64, 3], undefined],
    [[300, 300, 16], undefined],
    [[784], undefined],
    [[100, 8], undefined],
    [[99, 99, 3], undefined],
    ['[256, 256, 3]', undefined],
  ];
  for (const [value, expected] of rows) {
    it(`${JSON.stringify(value)} → ${JSON.stringify(expected)}`, () => assert.deepEqual(quickImageShape(value, hint), expected));
  }
});

describe('readPropertiesOf', () => {
  const rows: [string, string, string, ReturnType<typeof readPropertiesOf>][] = [
    ['reads with and without fallbacks', 'opts = opts || {}; this.a = opts.imgSize; this.b = opts.batch || 64; this.c = opts.lr ?? 0.1;', 'opts', { needed: ['imgSize'], withFallback: ['batch', 'lr'], shapes: [] }],
    ['through the property it is stored in', 'this.game = game;\nconst s = [this.game.rows, this.game.cols];', 'game', { needed: ['rows', 'cols'], withFallback: [], shapes: [] }],
    ['destructuring', 'const { width, depth = 2, ...rest } = config;', 'config', { needed: ['width'], withFallback: ['depth'], shapes: [] }],
    ['a property read once without and once with a fallback is needed', 'f(o.units); g(o.units || 3);', 'o', { needed: ['units'], withFallback: [], shapes: [] }],
    ['writes are not reads', 'cfg.units = 3;', 'cfg', undefined],
    ['a method call: not an object of settings', 'env.reset(); env.width;', 'env', undefined],
    ['an array', 'const n = shape.length;', 'shape', undefined],
    ['another name with the same ending', 'myopts.units;', 'opts', undefined],
    ['a TypeScript parameter property read through this', 'constructor(private readonly config: Config) { this.hx = this.config.observationSize; f(this.config.actionSpace); }', 'config', { needed: ['observationSize', 'actionSpace'], withFallback: [], shapes: [] }],
    ['a read into a shape is a shape', 'constructor(protected cfg: Cfg) { this.inputShape = this.cfg.observationSize; tf.input({ shape: cfg.frame }); }', 'cfg', { needed: ['frame', 'observationSize'], withFallback: [], shapes: ['frame', 'observationSize'] }],
    ['a field of the same name is not a parameter property', 'constructor(config) { this.config.units; }', 'config', undefined],
  ];
  for (const [title, code, name, expected] of rows) {
    it(title, () => assert.deepEqual(readPropertiesOf(code, name), expected));
  }
});
