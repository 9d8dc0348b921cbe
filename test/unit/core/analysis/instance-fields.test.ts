import { strict as assert } from 'node:assert';
import { formatModuleVariables, proposeArguments } from '../../../../src/core/analysis/arguments/argument-proposals';
import { findModelBuilders } from '../../../../src/core/analysis/builders/model-builders';
import { findInstanceFields, instanceFieldNames, methodRange } from '../../../../src/core/analysis/arguments/instance-fields';
import { parseSourceFile } from '../../../../src/core/analysis/builders/tfjs-bindings';
import type { ModuleVariablesProposal } from '../../../../src/core/analysis/types';

const CJS = "const tf = require('@tensorflow/tfjs');\n";

interface Row {
  title: string;
  code: string;
  id: string;
  file?: string;
  lastRun?: Record<string, unknown>;
  /** The instance fields found, in order; [] means none. */
  names: string[];
  values?: Record<string, unknown>;
  /** `name=source(detail)` for each source. */
  sources?: string[];
  unknown?: string[];
  /** Found, yet nothing to propose: fields the caller sets that no use gives a guess for. */
  noProposal?: true;
}

function propose(code: string, id: string, file: string, lastRun?: Record<string, unknown>): ModuleVariablesProposal | undefined {
  const builder = findModelBuilders(code, file).find((b) => b.id === id);
  assert.ok(builder, `no builder ${id}`);
  return proposeArguments(builder, { file, code }, lastRun ? { lastRun: { args: [], instanceVars: lastRun } } : {}).instanceVars;
}

/** A classifier in the shape of real ones: the constructor leaves the class count empty, train() fills it from the labels. */
const CLASSIFIER = `${CJS}class Classifier {
  constructor() {
    this.numClasses = null;
    this.model = null;
  }
  buildModel() {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 16, inputShape: [784] }));
    m.add(tf.layers.batchNormalization());
    m.add(tf.layers.dense({ units: this.numClasses, activation: 'softmax' }));
    this.model = m;
    return m;
  }
  async train(images, labels) {
    this.numClasses = labels.shape[1];
    this.buildModel();
    await this.model.fit(images, labels);
  }
}
module.exports = { Classifier };
`;

const rows: Row[] = [
  {
    title: 'read by the builder, null after the constructor, set by train(): a guess from the name',
    code: CLASSIFIER,
    id: 'Classifier.buildModel',
    names: ['numClasses'],
    values: { numClasses: 10 },
    sources: ['numClasses=guess(from the name numClasses)'],
  },
  {
    title: 'a literal assignment in another method comes first',
    code: `${CJS}class Net {\n  constructor() { this.width = undefined; }\n  setup() { this.width = 24; }\n  build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: this.width, inputShape: [4] })); return m; }\n}\nmodule.exports = { Net };`,
    id: 'Net.build',
    names: ['width'],
    values: { width: 24 },
    sources: ['width=assignment(from this.width = 24 in model.js:4)'],
  },
  {
    title: 'a TypeScript field declared `number[] | null = null` and filled in fit(): a shape from its type without null',
    code: `import * as tf from '@tensorflow/tfjs';\nexport class Regressor {\n  inputShape: number[] | null = null;\n  fit(xs: tf.Tensor) { this.inputShape = xs.shape.slice(1); }\n  build(): tf.Sequential { const m = tf.sequential(); m.add(tf.layers.dense({ units: 1, inputShape: this.inputShape! })); return m; }\n}`,
    file: 'model.ts',
    id: 'Regressor.build',
    names: ['inputShape'],
    values: { inputShape: [784] },
    sources: ['inputShape=guess(from the type number[] (rank 1: it feeds a dense layer))'],
  },
  {
    title: 'read through a helper method the builder calls, and through `const { … } = this`',
    code: `${CJS}class Net {\n  constructor() { this.classes = null; this.hidden = null; }\n  head(m) { m.add(tf.layers.dense({ units: this.classes })); }\n  build() { const { hidden } = this; const m = tf.sequential(); m.add(tf.layers.dense({ units: hidden, inputShape: [4] })); this.head(m); return m; }\n  load(cfg) { this.classes = cfg.classes; this.hidden = cfg.hidden || 12; }\n}\nmodule.exports = { Net };`,
    id: 'Net.build',
    names: ['hidden', 'classes'],
    values: { hidden: 12, classes: 10 },
    sources: ['hidden=assignment(from this.hidden = cfg.hidden || 12 in model.js:6)', 'classes=guess(from the name classes)'],
  },
  {
    title: 'an ES5 class: `function Agent` and its prototype methods',
    code: `${CJS}function Agent() { this.numActions = null; }\nAgent.prototype.observe = function (env) { this.numActions = env.actions.length; };\nAgent.prototype.build = function () { const m = tf.sequential(); m.add(tf.layers.dense({ units: this.numActions, inputShape: [4] })); return m; };\nmodule.exports = { Agent };`,
    id: 'Agent.build',
    names: ['numActions'],
    values: { numActions: 4 },
    sources: ['numActions=guess(from the name numActions)'],
  },
  {
    title: 'the last run comes first',
    code: CLASSIFIER,
    id: 'Classifier.buildModel',
    lastRun: { numClasses: 3 },
    names: ['numClasses'],
    values: { numClasses: 3 },
    sources: ['numClasses=lastRun(from the last run)'],
  },
  {
    title: 'an observation read only for its length (through a helper method): that many zeros',
    code: `${CJS}class Agent {\n  constructor() { this.lastObs = null; }\n  observe(env) { this.lastObs = env.read(); }\n  stateSize() { return this.lastObs.length; }\n  build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: 8, inputShape: [this.stateSize()] })); return m; }\n}\nmodule.exports = { Agent };`,
    id: 'Agent.build',
    names: ['lastObs'],
    values: { lastObs: [0, 0, 0, 0, 0, 0, 0, 0] },
    sources: ['lastObs=guess(8 zeros: the code reads only its length (a size))'],
  },
  {
    title: 'an observation whose elements are read too: no guess from its length alone, a list stand-in from its reads',
    code: `${CJS}class Agent {\n  constructor() { this.lastObs = null; }\n  observe(env) { this.lastObs = env.read(); }\n  build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: this.lastObs[0], inputShape: [this.lastObs.length] })); return m; }\n}\nmodule.exports = { Agent };`,
    id: 'Agent.build',
    names: ['lastObs'],
    values: { lastObs: [8, 8] },
    sources: ['lastObs=guess(a list: lastObs is read only as a list (its length, its elements))'],
  },
  {
    title: 'no value anywhere: left out, and said',
    code: `${CJS}class Net {\n  constructor() { this.zq = null; }\n  set(o) { this.zq = o.q; }\n  build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: 4, inputShape: [4] })); m.add(tf.layers.dropout({ rate: this.zq })); return m; }\n}\nmodule.exports = { Net };`,
    id: 'Net.build',
    names: ['zq'],
    values: {},
    sources: [],
    unknown: ['zq'],
  },
  {
    title: 'fields the code that makes the instance sets (`agent.inputs = hyper.inputs; agent.init()`): guesses from their uses',
    code: `${CJS}class Agent {\n  init() { this.actor = this.createActor(); }\n  createActor() {\n    const input = tf.input({ shape: [this.stateSize] });\n    const x = tf.layers.batchNormalization().apply(tf.layers.dense({ units: 32 }).apply(input));\n    const out = tf.layers.dense({ units: this.outputs[1] }).apply(x);\n    return tf.model({ inputs: input, outputs: out });\n  }\n}\nmodule.exports = { Agent };`,
    id: 'Agent.createActor',
    names: ['stateSize', 'outputs'],
    values: { stateSize: 16, outputs: [8, 8] },
    sources: ['stateSize=guess(from the name stateSize)', 'outputs=guess(from its reads outputs[0…1])'],
  },
  {
    title: 'a field the caller sets that the builder only checks (`if (this.model)`): found, not proposed',
    code: `${CJS}class Agent {\n  build() {\n    if (this.model) { this.model.dispose(); }\n    const m = tf.sequential();\n    m.add(tf.layers.dense({ units: 4, inputShape: [4] }));\n    return m;\n  }\n}\nmodule.exports = { Agent };`,
    id: 'Agent.build',
    names: ['model'],
    noProposal: true,
  },
  {
    title: 'a field a base class fills from its options and the builder reads through members and methods (`this.set.source.width()`): a stand-in with methods',
    code: `import * as tf from '@tensorflow/tfjs';\nabstract class Trainer {\n  protected readonly set: any;\n  protected constructor(options: { set: any; epochs?: number }) { this.set = options.set; }\n}\nexport class Dense extends Trainer {\n  build(): tf.Sequential {\n    const m = tf.sequential();\n    m.add(tf.layers.flatten({ inputShape: [this.set.source.width(), this.set.source.height()] }));\n    m.add(tf.layers.batchNormalization());\n    m.add(tf.layers.dense({ units: this.set.source.classes, activation: 'softmax' }));\n    return m;\n  }\n}`,
    file: 'trainer.ts',
    id: 'Dense.build',
    names: ['set'],
    values: { set: { source: { width: { $returns: 28 }, height: { $returns: 28 }, classes: 10 } } },
    sources: ['set=guess(a stand-in from what the code does with set (source.width(), source.height(), source.classes))'],
  },
  {
    title: 'a field the constructor sets from a parameter that defaults to null, and initialize() fills: the builder reads its size(), a stand-in with that method',
    code: `${CJS}class TabModel {\n  constructor(vocabulary = null) {\n    this.vocabulary = vocabulary;\n  }\n  async initialize() {\n    if (!this.vocabulary) {\n      this.vocabulary = await loadVocabulary();\n    }\n    this.build();\n  }\n  build() {\n    const m = tf.sequential();\n    m.add(tf.layers.embedding({ inputDim: this.vocabulary.size(), outputDim: 8, inputLength: 6 }));\n    m.add(tf.layers.flatten());\n    m.add(tf.layers.batchNormalization());\n    m.add(tf.layers.dense({ units: 4 }));\n    return m;\n  }\n}\nmodule.exports = { TabModel };`,
    id: 'TabModel.build',
    names: ['vocabulary'],
    values: { vocabulary: { size: { $returns: 28 } } },
    sources: ['vocabulary=guess(a stand-in from what the code does with vocabulary (size()))'],
  },
  // Negative cases: none of these needs a value.
  {
    title: 'the constructor fills it from a parameter (the constructor arguments cover it)',
    code: `${CJS}class Net {\n  constructor(units) { this.units = units; }\n  resize(u) { this.units = u; }\n  build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: this.units, inputShape: [4] })); return m; }\n}\nmodule.exports = { Net };`,
    id: 'Net.build',
    names: [],
  },
  {
    title: 'the constructor fills it from a parameter that defaults to a value (`units = 8`)',
    code: `${CJS}class Net {\n  constructor(units = 8) { this.units = units; }\n  resize(u) { this.units = u; }\n  build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: this.units, inputShape: [4] })); return m; }\n}\nmodule.exports = { Net };`,
    id: 'Net.build',
    names: [],
  },
  {
    title: 'a TypeScript parameter property (`constructor(private readonly units: number)`)',
    code: `import * as tf from '@tensorflow/tfjs';\nexport class Net {\n  constructor(private readonly units: number) {}\n  build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: this.units, inputShape: [4] })); return m; }\n}`,
    file: 'model.ts',
    id: 'Net.build',
    names: [],
  },
  {
    title: 'a field initialised in its declaration',
    code: `import * as tf from '@tensorflow/tfjs';\nexport class Net {\n  units = 8;\n  resize(u: number) { this.units = u; }\n  build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: this.units, inputShape: [4] })); return m; }\n}`,
    file: 'model.ts',
    id: 'Net.build',
    names: [],
  },
  {
    title: 'the builder fills it itself before reading it',
    code: `${CJS}class Net {\n  constructor() { this.units = null; }\n  resize(u) { this.units = u; }\n  build() { this.units = 8; const m = tf.sequential(); m.add(tf.layers.dense({ units: this.units, inputShape: [4] })); return m; }\n}\nmodule.exports = { Net };`,
    id: 'Net.build',
    names: [],
  },
  {
    title: 'a method read as a value, and a field only its caller could set, which nothing guesses: found, not proposed, not asked for',
    code: `${CJS}class Net {\n  constructor() { this.extra = null; }\n  act(x) { return x; }\n  build() { const f = this.act; const m = tf.sequential(); m.add(tf.layers.dense({ units: 4, inputShape: [4], name: this.extra })); return m; }\n}\nmodule.exports = { Net };`,
    id: 'Net.build',
    names: ['extra'],
    noProposal: true,
  },
  {
    title: 'a plain function builder has no instance',
    code: `${CJS}function build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: 4, inputShape: [4] })); return m; }\nmodule.exports = { build };`,
    id: 'build',
    names: [],
  },
];

describe('instance fields a method builder reads and another method fills', () => {
  for (const row of rows) {
    it(row.title, () => {
      const file = row.file ?? 'model.js';
      const builder = findModelBuilders(row.code, file).find((b) => b.id === row.id);
      assert.ok(builder, `no builder ${row.id}`);
      assert.deepEqual(findInstanceFields(parseSourceFile(row.code, file), builder).map((v) => v.name), row.names);
      const proposal = propose(row.code, row.id, file, row.lastRun);
      if (row.names.length === 0 || row.noProposal) {
        assert.equal(proposal, undefined);
        return;
      }
      assert.ok(proposal);
      assert.deepEqual(proposal.values, row.values);
      assert.deepEqual(proposal.sources.map((s) => `${s.name}=${s.source}(${s.detail})`), row.sources);
      assert.deepEqual(proposal.unknown, row.unknown);
    });
  }

  it('the box shows the fields as an object literal', () => {
    assert.deepEqual(formatModuleVariables(propose(CLASSIFIER, 'Classifier.buildModel', 'model.js')!), { text: '{ numClasses: 10 }', detail: 'numClasses from the name numClasses' });
  });

  it('the fields a user may set are every this.<name> of the class, methods left out', () => {
    const builder = findModelBuilders(CLASSIFIER, 'model.js').find((b) => b.id === 'Classifier.buildModel')!;
    assert.deepEqual(instanceFieldNames(parseSourceFile(CLASSIFIER, 'model.js'), builder).sort(), ['model', 'numClasses']);
  });

  it('the range of a method by class and name (a class, a class expression, an ES5 prototype method)', () => {
    const code = `class A { build() { return 1; } }\nconst B = class { make() {} };\nfunction C() {}\nC.prototype.run = function () { return 2; };\n`;
    const sf = parseSourceFile(code, 'm.js');
    const text = (r: { start: number; end: number } | undefined) => (r ? code.slice(r.start, r.end) : undefined);
    assert.equal(text(methodRange(sf, 'A', 'build')), 'build() { return 1; }');
    assert.equal(text(methodRange(sf, 'B', 'make')), 'make() {}');
    assert.equal(text(methodRange(sf, 'C', 'run')), 'function () { return 2; }');
    assert.equal(methodRange(sf, 'A', 'missing'), undefined);
  });
});
