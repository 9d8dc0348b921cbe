import { strict as assert } from 'node:assert';
import { builderNamed, findModelBuilders, outerVariablesAssignedBy, pickDefaultBuilder } from '../../../../src/core/analysis/builders/model-builders';
import { parseSourceFile } from '../../../../src/core/analysis/builders/tfjs-bindings';
import type { ModelBuilder } from '../../../../src/core/analysis/types';

interface Row {
  title: string;
  code: string;
  fileName?: string;
  /** `id:kind` plus `:exported`, `:async`, `>property` when set, for each builder in source order. */
  expected: string[];
}

const NS = "import * as tf from '@tensorflow/tfjs';\n";
const REQ = "const tf = require('@tensorflow/tfjs');\n";

function summary(b: ModelBuilder): string {
  return `${b.id}:${b.kind}${b.exported ? ':exported' : ''}${b.async ? ':async' : ''}${b.modelProperty ? `>${b.modelProperty}` : ''}${b.modelVariable ? `=>${b.modelVariable}` : ''}`;
}

const rows: Row[] = [
  // Functions in every module style.
  { title: 'exported function returning tf.sequential', code: `${NS}export function build() { return tf.sequential({ layers: [] }); }`, expected: ['build:function:exported'] },
  { title: 'through a local variable filled with add()', code: `${NS}export function build() {\n const m = tf.sequential();\n m.add(tf.layers.dense({ units: 1, inputShape: [2] }));\n return m;\n}`, expected: ['build:function:exported'] },
  { title: 'a let assigned later', code: `${NS}export function build() { let m; m = tf.sequential(); return m; }`, expected: ['build:function:exported'] },
  { title: 'exported arrow function', code: `${NS}export const build = () => tf.sequential();`, expected: ['build:function:exported'] },
  { title: 'async arrow awaiting loadLayersModel', code: `${NS}export const load = async () => await tf.loadLayersModel('file://m/model.json');`, expected: ['load:function:exported:async'] },
  { title: 'tf.model through a variable', code: `${NS}export async function f() {\n const input = tf.input({ shape: [4] });\n const out = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;\n const model = tf.model({ inputs: input, outputs: out });\n return model;\n}`, expected: ['f:function:exported:async'] },
  { title: 'parameters do not exclude a builder', code: `${NS}export function createDeepQNetwork(h: number, w: number, numActions: number) { return tf.sequential(); }`, expected: ['createDeepQNetwork:function:exported'] },
  { title: 'top-level, not exported; function expression in a const', code: `${NS}function local() { return tf.sequential(); }\nconst f = function () { return tf.sequential(); };`, expected: ['local:function', 'f:function'] },
  { title: 'named imports with alias', code: "import { sequential as seq, layers } from '@tensorflow/tfjs';\nexport function build() { const m = seq(); m.add(layers.dense({ units: 1, inputShape: [1] })); return m; }", expected: ['build:function:exported'] },
  { title: 'default import of tfjs-node', code: "import tfn from '@tensorflow/tfjs-node';\nexport const build = () => tfn.sequential();", expected: ['build:function:exported'] },
  { title: 'module.exports = { build } names a top-level function', code: `${REQ}function build() { return tf.sequential(); }\nmodule.exports = { build };`, fileName: 'model.js', expected: ['build:function:exported'] },
  { title: 'module.exports = { key: fn, method() {} } with inline functions', code: `${REQ}module.exports = {\n  createModel: function (units) { return tf.sequential(); },\n  other() { return tf.sequential(); },\n  notAModel: () => 1,\n};`, fileName: 'model.js', expected: ['createModel:function:exported', 'other:function:exported'] },
  { title: 'a top-level object of builders (`const models = { lstm: (shape, n) => … }`): each is Object.key, called on the object', code: `${REQ}const models = {\n  dense: (n) => { const m = tf.sequential(); return m; },\n  cnn(n) { return tf.sequential(); },\n  notAModel: () => 1,\n};\nmodule.exports = models;`, fileName: 'models.js', expected: ['models.dense:method:exported', 'models.cnn:method:exported'] },
  { title: 'a function that fills and returns the file\'s top-level model (`let model = tf.sequential()`)', code: `${REQ}let model = tf.sequential();\nfunction addLayers(n) {\n  model.add(tf.layers.dense({ units: n, inputShape: [4] }));\n  return model;\n}\nlet count = 0;\nfunction notAModel() { return count; }`, fileName: 'm.js', expected: ['addLayers:function'] },
  { title: 'exports.f = function and module.exports.g = arrow', code: `${REQ}exports.createModel = function () { return tf.sequential(); };\nmodule.exports.g = () => tf.model({ inputs: [], outputs: [] });`, fileName: 'model.js', expected: ['createModel:function:exported', 'g:function:exported'] },
  { title: 'module.exports = function', code: `${REQ}module.exports = function (classes) { return tf.sequential(); };`, fileName: 'model.js', expected: ['default:function:exported'] },
  { title: 'destructured require', code: "const { sequential } = require('@tensorflow/tfjs');\nexport const m = () => sequential();", fileName: 'm.js', expected: ['m:function:exported'] },
  { title: 'a builder calling another builder', code: `${NS}function base(units: number) { return tf.sequential(); }\nexport function wrapped() { const m = base(4); return m; }`, expected: ['base:function', 'wrapped:function:exported'] },
  { title: 'export under another name', code: `${NS}function base() { return tf.sequential(); }\nexport { base as createModel };`, expected: ['createModel:function:exported'] },
  { title: 'default export function, named and anonymous', code: `${NS}export default function () { return tf.sequential(); }`, expected: ['default:function:exported'] },
  { title: 'a named default export keeps its name', code: `${NS}export default function createModel() { return tf.sequential(); }`, expected: ['createModel:function:exported'] },
  { title: 'modelFromJSON', code: `${NS}export async function f() { return tf.models.modelFromJSON({} as never); }`, expected: ['f:function:exported:async'] },
  { title: 'a conditional return', code: `${NS}export function f(big: boolean) { return big ? tf.sequential() : tf.sequential(); }`, expected: ['f:function:exported'] },
  // Across files: an imported function whose name says it builds a network.
  { title: "a wrapper around another file's builder", code: "import { createDeepQNetwork } from './dqn';\nexport function sanityModel() { return createDeepQNetwork(9, 9, 4); }", expected: ['sanityModel:function:exported'] },
  { title: 'a wrapper through a namespace require', code: "const models = require('./models');\nexports.g = () => models.createGenerator(28, 28, 1, 100);", fileName: 'x.js', expected: ['g:function:exported'] },
  { title: 'an imported helper with another name is not a builder', code: "import { loadData } from './data';\nexport function f() { return loadData(); }", expected: [] },
  // Builders that return nothing and keep the model in a module variable or a page's global.
  { title: 'a module-level let filled by an exported function', code: `${NS}let model: tf.Sequential;\nexport function initModel() {\n  model = tf.sequential();\n  model.add(tf.layers.dense({ units: 1, inputShape: [2] }));\n}`, expected: ['initModel:function:exported=>model'] },
  { title: 'an implicit global assigned in an async function declaration', code: 'async function defineModel() {\n  model = tf.sequential();\n  await tf.nextFrame();\n}', fileName: 'page.js', expected: ['defineModel:function:async=>model'] },
  { title: 'an implicit global function expression (no declaration)', code: 'myDefineModel = async function () {\n  model = tf.sequential();\n};', fileName: 'page.js', expected: ['myDefineModel:function:async=>model'] },
  { title: 'window.f = function assigning window.model', code: 'window.defineModel = function () {\n  window.model = tf.sequential();\n};', fileName: 'page.js', expected: ['defineModel:function=>model'] },
  { title: 'a let declared without a value, then given the function', code: 'let build;\nbuild = () => { net = tf.sequential(); };', fileName: 'page.js', expected: ['build:function=>net'] },
  { title: 'through a local variable first', code: 'let model;\nfunction defineModel() {\n  const m = tf.sequential();\n  model = m;\n}', fileName: 'page.js', expected: ['defineModel:function=>model'] },
  { title: 'a local or a parameter of the same name is not the module variable', code: 'let model;\nfunction a() { let model; model = tf.sequential(); }\nfunction b(model) { model = tf.sequential(); }', fileName: 'page.js', expected: [] },
  { title: 'assigning something else to a module variable builds nothing', code: 'let model;\nfunction load() { model = fetch("model.json"); }', fileName: 'page.js', expected: [] },
  { title: 'a function that returns its model is not also a variable builder', code: 'let model;\nfunction build() { model = tf.sequential(); return model; }', fileName: 'page.js', expected: ['build:function'] },
  { title: 'this.model in a plain function stays an ES5 constructor', code: 'function Trainer() { this.model = tf.sequential(); }', fileName: 'page.js', expected: ['Trainer:constructor>model'] },
  { title: 'a method keeping its model in a module variable', code: `${NS}let model;\nexport class App {\n  init() { model = tf.sequential(); }\n}`, expected: ['App.init:method:exported=>model'] },
  // Browser scripts and tfjs handed in.
  { title: 'browser script with the global tf', code: 'function build() {\n  const model = tf.sequential();\n  model.add(tf.layers.dense({ units: 1, inputShape: [2] }));\n  return model;\n}', fileName: 'page.js', expected: ['build:function'] },
  { title: 'tf passed as a parameter', code: 'export function buildModel(tf, classes) { return tf.sequential(); }', fileName: 'a.js', expected: ['buildModel:function:exported'] },
  { title: 'tfjs under another name, used as tfjs', code: 'export function createModelM(tfLib, inputShape) { const m = tfLib.sequential(); m.add(tfLib.layers.dense({ units: 2, inputShape })); return m; }', fileName: 'a.js', expected: ['createModelM:function:exported'] },
  { title: 'tfjs typed as typeof import', code: "export function make(lib: typeof import('@tensorflow/tfjs'), n: number) { return lib.model({ inputs: [], outputs: [] }); }", expected: ['make:function:exported'] },
  { title: 'a class keeping an injected tfjs on this.tf', code: 'export class Net {\n  constructor(tf) { this.tf = tf; }\n  build(units) { return this.tf.sequential(); }\n}', fileName: 'a.js', expected: ['Net.build:method:exported'] },
  // Classes.
  { title: 'a class with a build() method', code: `${NS}export class Net {\n  constructor(units) { this.units = units; }\n  build(inputShape) { const m = tf.sequential(); return m; }\n}`, fileName: 'a.js', expected: ['Net.build:method:exported'] },
  { title: 'a constructor assigning this.model', code: `${NS}class Agent {\n  constructor(h: number, w: number) {\n    this.model = tf.model({ inputs: [], outputs: [] });\n  }\n  model: tf.LayersModel;\n}`, expected: ['Agent:constructor>model'] },
  { title: 'a constructor calling a builder method', code: `${NS}export class Agent {\n  model: tf.LayersModel;\n  constructor() { this.model = this.createModel(); }\n  createModel() { return tf.sequential(); }\n}`, expected: ['Agent:constructor:exported>model', 'Agent.createModel:method:exported'] },
  { title: 'a constructor calling a method that stores the model', code: `${NS}export class Agent {\n  constructor() { this.init(); }\n  init() { this.net = tf.sequential(); }\n}`, expected: ['Agent:constructor:exported>net', 'Agent.init:method:exported>net'] },
  { title: 'an arrow-function property assigning this.G', code: `${NS}export class Gan {\n  G: tf.Sequential | undefined;\n  generator = () => {\n    this.G = tf.sequential();\n    this.G.add(tf.layers.dense({ units: 4, inputShape: [2] }));\n  };\n}`, expected: ['Gan.generator:property:exported>G'] },
  { title: 'a default-exported class', code: `${NS}export default class Unet {\n  async build(): Promise<tf.LayersModel> { return tf.sequential(); }\n}`, expected: ['Unet.build:method:exported:async'] },
  { title: 'an anonymous default-exported class', code: `${NS}export default class {\n  make() { return tf.sequential(); }\n}`, expected: ['default.make:method:exported'] },
  { title: 'class expression in a const, static method', code: `${NS}const Models = class {\n  static small() { return tf.sequential(); }\n};`, expected: ['Models.small:method'] },
  { title: 'a class field initialised with a model', code: `${NS}export class Holder { model = tf.sequential(); }`, expected: ['Holder:constructor:exported>model'] },
  { title: 'an ES5 function constructor with a prototype builder', code: `${REQ}function Agent(numActions) {\n  this.numActions = numActions;\n  this.onlineNetwork = tf.sequential();\n}\nAgent.prototype.makeTarget = function () { return tf.sequential(); };\nmodule.exports = { Agent };`, fileName: 'agent.js', expected: ['Agent:constructor:exported>onlineNetwork', 'Agent.makeTarget:method:exported'] },
  { title: 'an ES5 constructor calling a prototype method that stores the model', code: `${REQ}function Agent() { this.build(); }\nAgent.prototype.build = function () { this.model = tf.sequential(); };`, fileName: 'agent.js', expected: ['Agent:constructor>model', 'Agent.build:method>model'] },
  // Holders: arrays of models, fields filled by destructuring, module variables keeping an instance.
  { title: 'a function returning an array of two models', code: `${REQ}function build() {\n  const g = tf.sequential();\n  const d = tf.model({ inputs: [], outputs: [] });\n  return [g, d];\n}`, fileName: 'gan.js', expected: ['build:function'] },
  { title: 'an array holding a model among other things', code: `${REQ}function pair() { return [tf.sequential(), 0.5, (x) => x]; }`, fileName: 'p.js', expected: ['pair:function'] },
  { title: 'a method returning an object that wraps its model (`{ model, optimizer }`)', code: `${REQ}class Dqn {\n  makeModel(inputs, outputs) {\n    const optimizer = tf.train.adam(1e-4);\n    const model = tf.sequential();\n    return { model, optimizer };\n  }\n}`, fileName: 'dqn.js', expected: ['Dqn.makeModel:method'] },
  { title: 'an object with the model under another key', code: `${REQ}function make() { return { ok: true, net: tf.sequential() }; }`, fileName: 'p.js', expected: ['make:function'] },
  { title: 'an object holding no model is no builder', code: `${REQ}function stats(model) { return { count: model.countParams(), name: 'x' }; }`, fileName: 'p.js', expected: [] },
  { title: 'a destructured array of models, one returned', code: `${REQ}function both() { return [tf.sequential(), tf.sequential()]; }\nfunction first() { const [a, b] = both(); return a; }`, fileName: 'p.js', expected: ['both:function', 'first:function'] },
  { title: 'a constructor destructuring a method that returns an array of models', code: `${REQ}class Duo {\n  constructor(cfg) {\n    this.cfg = cfg;\n    [this.enc, this.dec, this.run] = this.make();\n  }\n  make() {\n    const enc = tf.model({ inputs: [], outputs: [] });\n    const dec = tf.model({ inputs: [], outputs: [] });\n    return [enc, dec, (x) => dec.apply(enc.apply(x))];\n  }\n}`, fileName: 'duo.js', expected: ['Duo:constructor>enc', 'Duo.make:method'] },
  { title: 'a module variable given an instance of a model-holding class', code: `${REQ}class Duo {\n  constructor() { [this.enc, this.dec] = this.make(); }\n  make() { return [tf.sequential(), tf.sequential()]; }\n}\nlet net;\nfunction setUp() { net = new Duo({ size: 3 }); }`, fileName: 'duo.js', expected: ['Duo:constructor>enc', 'Duo.make:method', 'setUp:function=>net'] },
  { title: 'a module variable given an instance of an ES5 constructor', code: `${REQ}function Trainer() { this.model = tf.sequential(); }\nlet trainer;\nfunction init() { trainer = new Trainer(); }`, fileName: 't.js', expected: ['Trainer:constructor>model', 'init:function=>trainer'] },
  { title: 'a module variable given an instance of a class that holds no model', code: `${REQ}class Config { constructor() { this.units = 3; } }\nlet cfg;\nfunction setUp() { cfg = new Config(); }`, fileName: 'c.js', expected: [] },
  { title: 'an array without a model', code: `${REQ}function shape() { return [tf.zeros([1]), 3]; }`, fileName: 's.js', expected: [] },
  { title: 'destructuring into locals of the same names is not the module variable', code: `${REQ}let a;\nfunction f() { let a; [a] = [tf.sequential()]; }`, fileName: 'f.js', expected: [] },
  // Negatives: precision.
  { title: 'a function returning a tensor is not a builder', code: `${NS}export function data() { return tf.zeros([2, 2]); }`, expected: [] },
  { title: 'a return inside a nested callback does not count', code: `${NS}export function outer() { [1].map(() => { return tf.sequential(); }); return 1; }`, expected: [] },
  { title: "another library's sequential is not tfjs", code: "import * as other from 'other';\nimport * as tf from '@tensorflow/tfjs';\nexport const f = () => other.sequential();", expected: [] },
  { title: "a local 'sequential' helper in a browser script is not tfjs", code: 'function sequential(xs) { return xs; }\nfunction f() { return sequential([1]); }', fileName: 'page.js', expected: [] },
  { title: 'a local batchNormalization helper returns a layer, not a model', code: `${NS}export function batchNormalization(axis: number) { return tf.layers.batchNormalization({ axis }); }`, expected: [] },
  { title: 'a model parameter used as model.layers is not tfjs', code: 'export function freeze(model) { model.layers.forEach((l) => { l.trainable = false; }); return model; }', fileName: 'a.js', expected: [] },
  { title: 'nested functions are not builders', code: `${NS}function outer() { function inner() { return tf.sequential(); } return 0; }`, expected: [] },
  // The module pattern: a factory returns its builders in an object.
  { title: 'functions a factory returns (shorthand), tfjs handed to the factory', code: 'const model = (tf) => {\n  const actor = () => tf.sequential();\n  const critic = () => { const i = tf.input({ shape: [3] }); return tf.model({ inputs: i, outputs: i }); };\n  const size = 3;\n  return { actor, critic, size };\n};\nmodule.exports = model;', fileName: 'm.js', expected: ['model.actor:method:exported', 'model.critic:method:exported'] },
  { title: 'a factory declaration returning a renamed and an inline function', code: `${REQ}function makeNets(scale) {\n  function buildA() { return tf.sequential(); }\n  return { a: buildA, b: () => tf.sequential(), scale };\n}`, fileName: 'm.js', expected: ['makeNets.a:method', 'makeNets.b:method'] },
  { title: 'a factory whose functions build nothing', code: `${REQ}function helpers() { const f = () => 1; return { f }; }`, fileName: 'm.js', expected: [] },
  { title: 'a constructor that makes an empty tf.sequential() and a method that adds its layers (`this.model.add(…)`): both, the method keeping it there', code: `${REQ}module.exports = class Detector {\n  constructor() { this.model = tf.sequential(); }\n  async compile() {\n    this.model.add(tf.layers.dense({ units: 4, inputShape: [3] }));\n    this.model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });\n  }\n  predict(x) { return this.model.predict(x); }\n};`, fileName: 'd.js', expected: ['Detector:constructor:exported>model', 'Detector.compile:method:exported:async>model'] },
  { title: 'a method that adds to some other holder of the instance is no builder', code: `${REQ}class Queue {\n  constructor() { this.model = tf.sequential(); this.items = []; }\n  push(x) { this.items.add(x); }\n}`, fileName: 'q.js', expected: ['Queue:constructor>model'] },
  { title: 'a class whose members build nothing', code: `${NS}export class Trainer { constructor() { this.steps = 3; } fit(model: tf.LayersModel) { return model.fit; } }`, expected: [] },
];

describe('findModelBuilders', () => {
  for (const row of rows) {
    it(row.title, () => {
      const found = findModelBuilders(row.code, row.fileName ?? 'model.ts');
      assert.deepEqual(found.map(summary), row.expected);
    });
  }

  it('describes parameters: optional, defaults, types, JSDoc, receivesTfjs', () => {
    const code = `/**\n * @param {typeof tf} lib\n * @param {number} rows\n * @param {number} [channels]\n */\nfunction gen(lib, rows, channels, inputShape: [number, number, number], numberOfClasses = 1, ...rest) { return lib.sequential(); }`;
    const [b] = findModelBuilders(code, 'a.ts');
    assert.deepEqual(b.parameters, [
      { name: 'lib', optional: false, receivesTfjs: true, typeText: 'typeof tf' },
      { name: 'rows', optional: false, receivesTfjs: false, typeText: 'number' },
      { name: 'channels', optional: true, receivesTfjs: false, typeText: 'number' },
      { name: 'inputShape', optional: false, receivesTfjs: false, typeText: '[number, number, number]' },
      { name: 'numberOfClasses', optional: true, receivesTfjs: false, defaultText: '1' },
      { name: 'rest', optional: true, receivesTfjs: false, rest: true },
    ]);
  });

  const inherited: { title: string; code: string; expected: string[] }[] = [
    // No constructor of its own: the base class's of the same file, however far up.
    { title: 'the base class constructor, one level up', code: `${NS}class Base {\n  constructor(config, seed = 1) { this.config = config; }\n}\nclass Cnn extends Base {\n  build() { return tf.sequential(); }\n}`, expected: ['config', 'seed'] },
    { title: 'the base class constructor, two levels up', code: `${NS}class Base {\n  constructor(config) {}\n}\nclass Mid extends Base {}\nclass Cnn extends Mid {\n  build() { return tf.sequential(); }\n}`, expected: ['config'] },
    // A base class from another module: any arguments, as it may take.
    { title: 'a base class imported from another module', code: `${NS}import { Base } from './base';\nclass Cnn extends Base {\n  build() { return tf.sequential(); }\n}`, expected: ['...args'] },
    { title: 'a base class that is a member of a namespace (React.Component)', code: `${NS}class Cnn extends React.Component {\n  build() { return tf.sequential(); }\n}`, expected: ['...args'] },
    // tfjs's own classes and no base: nothing.
    { title: 'a tfjs class (tf.Sequential)', code: `${NS}class Cnn extends tf.Sequential {\n  build() { return tf.sequential(); }\n}`, expected: [] },
    { title: 'no base class and no constructor', code: `${NS}class Cnn {\n  build() { return tf.sequential(); }\n}`, expected: [] },
  ];
  for (const row of inherited) {
    it(`a method's constructor parameters: ${row.title}`, () => {
      const b = findModelBuilders(row.code, 'nets.ts').find((x) => x.id === 'Cnn.build');
      assert.deepEqual(b?.constructorParameters?.map((p) => `${p.rest ? '...' : ''}${p.name}`), row.expected);
    });
  }

  it('gives methods the constructor parameters, and names for the worker', () => {
    const code = `${NS}export default class Gan {\n  constructor(latentSize: number, tfLib: typeof tf) {}\n  discriminator = (classes: number) => { this.D = tf.sequential(); };\n}`;
    const [b] = findModelBuilders(code, 'gan.ts');
    assert.equal(b.id, 'Gan.discriminator');
    assert.equal(b.memberName, 'discriminator');
    assert.equal(b.className, 'Gan');
    assert.equal(b.localName, 'Gan');
    assert.equal(b.exportName, 'default');
    assert.deepEqual(b.parameters.map((p) => p.name), ['classes']);
    assert.deepEqual(b.constructorParameters?.map((p) => `${p.name}:${p.receivesTfjs}`), ['latentSize:false', 'tfLib:true']);
  });

  it("a factory's functions: called on what the factory returns, its parameters theirs to fill, found by their own names", () => {
    const code = 'const model = (tf, stateSize) => {\n  const actor = () => tf.sequential();\n  const critic = () => tf.sequential();\n  return { actor, critic };\n};\nmodule.exports = model;';
    const builders = findModelBuilders(code, 'm.js');
    const actor = builders[0];
    assert.equal(actor.factory, true);
    assert.equal(actor.className, 'model');
    assert.equal(actor.memberName, 'actor');
    assert.equal(actor.localName, 'model');
    assert.deepEqual(actor.constructorParameters?.map((p) => `${p.name}:${p.receivesTfjs}`), ['tf:true', 'stateSize:false']);
    assert.equal(code.slice(actor.start, actor.end), 'const actor = () => tf.sequential();');
    assert.equal(builderNamed(builders, 'critic')?.id, 'model.critic');
    assert.equal(builderNamed(builders, 'model.actor')?.id, 'model.actor');
    // A class method's own name is not enough: only a factory's functions go by it.
    const classes = findModelBuilders(`${NS}class A { build() { return tf.sequential(); } }`, 'a.ts');
    assert.equal(builderNamed(classes, 'build'), undefined);
    // Two factories returning the same name: ambiguous, so neither.
    const two = findModelBuilders('const f = (tf) => { const net = () => tf.sequential(); return { net }; };\nconst g = (tf) => { const net = () => tf.sequential(); return { net }; };', 'm.js');
    assert.equal(builderNamed(two, 'net'), undefined);
  });

  it('the default builder: a method that fills the model its constructor made empty, before that constructor', () => {
    const code = `${REQ}class Net {\n  constructor() { this.model = tf.sequential(); }\n  init() { this.model.add(tf.layers.dense({ units: 2, inputShape: [2] })); }\n}\nfunction other() { return tf.sequential(); }`;
    assert.equal(pickDefaultBuilder(findModelBuilders(code, 'n.js'))?.id, 'Net.init');
    const plain = `${REQ}class Net {\n  constructor() { this.model = tf.sequential(); this.model.add(tf.layers.dense({ units: 2, inputShape: [2] })); }\n}\nfunction other() { return tf.sequential(); }`;
    assert.equal(pickDefaultBuilder(findModelBuilders(plain, 'n.js'))?.id, 'Net');
  });

  it('reports 1-based lines and offsets of the lens anchor', () => {
    const code = `${NS}\n/** Doc. */\nexport const build = () => tf.sequential();\nclass A {\n  make() { return tf.sequential(); }\n}\n`;
    const [f, m] = findModelBuilders(code, 'a.ts');
    assert.deepEqual([f.line, f.column, m.line, m.column], [4, 1, 6, 3]);
    assert.equal(code.slice(f.start, f.end), 'export const build = () => tf.sequential();');
    assert.equal(code.slice(m.start, m.end), 'make() { return tf.sequential(); }');
  });

  it('survives syntax errors without throwing', () => {
    const found = findModelBuilders(`${NS}export function build() { return tf.sequential(; }\nexport const x = (`, 'broken.ts');
    assert.ok(Array.isArray(found));
  });
});

describe('outerVariablesAssignedBy (where a function the analysis did not list may keep its model)', () => {
  const rows: { code: string; name: string; expected: string[] }[] = [
    { code: 'let pair, spare;\nfunction prepare() { const m = make(); pair = { m }; spare = 1; pair = null; }', name: 'prepare', expected: ['pair', 'spare'] },
    { code: 'let net;\nconst setUp = () => { [net] = makeAll(); };', name: 'setUp', expected: ['net'] },
    { code: 'let net;\nfunction f(net) { let other; net = 1; other = 2; }', name: 'f', expected: [] },
    { code: 'function f() { window.model = load(); }', name: 'f', expected: ['model'] },
    { code: 'function f() { x = 1; }', name: 'missing', expected: [] },
  ];
  for (const row of rows) {
    it(`${row.name} in ${row.code.replace(/\n/g, ' ')}`, () => {
      assert.deepEqual(outerVariablesAssignedBy(parseSourceFile(row.code, 'page.js'), row.name), row.expected);
    });
  }
});
