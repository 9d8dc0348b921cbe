import { strict as assert } from 'node:assert';
import { formatModuleVariables, proposeArguments } from '../../../../src/core/analysis/arguments/argument-proposals';
import { findModelBuilders } from '../../../../src/core/analysis/builders/model-builders';
import { declaredModuleVariables, findModuleVariables } from '../../../../src/core/analysis/arguments/module-variables';
import { parseSourceFile } from '../../../../src/core/analysis/builders/tfjs-bindings';
import type { ModuleVariablesProposal } from '../../../../src/core/analysis/types';

const CJS = "const tf = require('@tensorflow/tfjs');\n";

interface Row {
  title: string;
  code: string;
  id: string;
  lastRun?: Record<string, unknown>;
  /** The module variables found, in order; [] means none. */
  names: string[];
  values?: Record<string, unknown>;
  /** `name=source(detail)` for each source. */
  sources?: string[];
  unknown?: string[];
}

function propose(code: string, id: string, lastRun?: Record<string, unknown>): ModuleVariablesProposal | undefined {
  const builder = findModelBuilders(code, 'train.js').find((b) => b.id === id);
  assert.ok(builder, `no builder ${id}`);
  return proposeArguments(builder, { file: 'train.js', code }, lastRun ? { lastRun: { args: [], moduleVars: lastRun } } : {}).moduleVars;
}

/** A GAN script in the shape of real ones: argparse defaults in an object, the variables set by run(). */
const GAN = `let tf;
const settings = { defaults: { classes: 10, side: 28, epochs: 5 } };
let numClasses, side;

function makeGenerator(latent) {
  const z = tf.input({ shape: [latent] });
  const label = tf.input({ shape: [1] });
  const e = tf.layers.embedding({ inputDim: numClasses, outputDim: latent }).apply(label);
  return tf.model({ inputs: [z, label], outputs: tf.layers.dense({ units: 4 }).apply(tf.layers.multiply().apply([z, tf.layers.flatten().apply(e)])) });
}

function makeCritic() {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [side, side, 1] }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 1 }));
  return m;
}

function run() {
  tf = require('@tensorflow/tfjs-node');
  const args = parse(settings.defaults);
  numClasses = args.classes;
  side = args.side;
}
module.exports = { makeGenerator, makeCritic, run };
`;

const rows: Row[] = [
  {
    title: 'read by the builder, set in run() from argparse: the defaults object says the value',
    code: GAN,
    id: 'makeGenerator',
    names: ['numClasses'],
    values: { numClasses: 10 },
    sources: ['numClasses=property(from classes: 10 in train.js:2 (numClasses = args.classes in train.js:23))'],
  },
  {
    title: 'the other builder reads the other variable; the tfjs binding `let tf;` is not one',
    code: GAN,
    id: 'makeCritic',
    names: ['side'],
    values: { side: 28 },
    sources: ['side=property(from side: 28 in train.js:2 (side = args.side in train.js:24))'],
  },
  {
    title: 'a literal assignment inside a function comes first',
    code: `${CJS}let classes;\nfunction build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: classes, inputShape: [4] })); return m; }\nfunction setup(opts) { classes = opts.classes; }\nfunction quick() { classes = 3; }\nmodule.exports = { build };`,
    id: 'build',
    names: ['classes'],
    values: { classes: 3 },
    sources: ['classes=assignment(from classes = 3 in train.js:5)'],
  },
  {
    title: 'the fallback of `opts.units || 12` is a literal',
    code: `${CJS}var units;\nfunction build() { const m = tf.sequential(); m.add(tf.layers.dense({ units, inputShape: [4] })); return m; }\nfunction main(opts) { units = opts.units || 12; }\nmodule.exports = { build };`,
    id: 'build',
    names: ['units'],
    values: { units: 12 },
    sources: ['units=assignment(from units = opts.units || 12 in train.js:4)'],
  },
  {
    title: 'nothing literal: the guess from the name (and the TypeScript type)',
    code: `${CJS}let numberOfClasses: number;\nlet imageSize: number;\nfunction build() { const m = tf.sequential(); m.add(tf.layers.flatten({ inputShape: [imageSize, imageSize, 1] })); m.add(tf.layers.dense({ units: numberOfClasses })); return m; }\nasync function main() { const cfg = await load(); numberOfClasses = cfg.n; imageSize = cfg.size; }\nmodule.exports = { build };`,
    id: 'build',
    names: ['numberOfClasses', 'imageSize'],
    values: { numberOfClasses: 10, imageSize: 28 },
    sources: ['numberOfClasses=guess(from the name numberOfClasses)', 'imageSize=guess(from the name imageSize)'],
  },
  {
    title: 'read through a same-file helper the builder calls',
    code: `${CJS}let width;\nfunction block(m) { m.add(tf.layers.dense({ units: width })); }\nconst build = () => { const m = tf.sequential(); m.add(tf.layers.dense({ units: 4, inputShape: [4] })); block(m); return m; };\nfunction main() { width = 16; }\nmodule.exports = { build };`,
    id: 'build',
    names: ['width'],
    values: { width: 16 },
    sources: ['width=assignment(from width = 16 in train.js:5)'],
  },
  {
    title: 'the last run comes first',
    code: GAN,
    id: 'makeGenerator',
    lastRun: { numClasses: 7 },
    names: ['numClasses'],
    values: { numClasses: 7 },
    sources: ['numClasses=lastRun(from the last run)'],
  },
  {
    title: 'no value anywhere: left out, and said',
    code: `${CJS}let zq;\nfunction build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: zq, inputShape: [4] })); return m; }\nfunction main(o) { zq = o.q; }\nmodule.exports = { build };`,
    id: 'build',
    names: ['zq'],
    values: {},
    sources: [],
    unknown: ['zq'],
  },
  // Negative cases: none of these is a module variable of the builder.
  {
    title: 'an initialised let',
    code: `${CJS}let classes = 10;\nfunction build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: classes, inputShape: [4] })); return m; }\nfunction main() { classes = 3; }\nmodule.exports = { build };`,
    id: 'build',
    names: [],
  },
  {
    title: 'a const',
    code: `${CJS}const classes = 10;\nfunction build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: classes, inputShape: [4] })); return m; }\nmodule.exports = { build };`,
    id: 'build',
    names: [],
  },
  {
    title: 'assigned at the top level (loading the module sets it)',
    code: `${CJS}let classes;\nclasses = 10;\nfunction build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: classes, inputShape: [4] })); return m; }\nfunction main() { classes = 3; }\nmodule.exports = { build };`,
    id: 'build',
    names: [],
  },
  {
    title: 'never assigned at all',
    code: `${CJS}let classes;\nfunction build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: classes, inputShape: [4] })); return m; }\nmodule.exports = { build };`,
    id: 'build',
    names: [],
  },
  {
    title: 'a variable the builder does not read (only writes, or only names a property after it)',
    code: `${CJS}let classes, epochs;\nfunction build() { const m = tf.sequential(); epochs = 2; m.add(tf.layers.dense({ units: 4, inputShape: [4] })); m.classes = 3; return m; }\nfunction main(a) { classes = a.classes; epochs = a.epochs; }\nmodule.exports = { build };`,
    id: 'build',
    names: [],
  },
  {
    title: 'a builder that fills them itself before it builds (a run() that returns the model)',
    code: `${CJS}let classes;\nfunction block() { const m = tf.sequential(); m.add(tf.layers.dense({ units: classes, inputShape: [4] })); return m; }\nfunction run(a) { classes = a.classes; return block(); }\nmodule.exports = { block, run };`,
    id: 'run',
    names: [],
  },
  {
    title: 'a parameter of the builder with the same name shadows it',
    code: `${CJS}let classes;\nfunction build(classes) { const m = tf.sequential(); m.add(tf.layers.dense({ units: classes, inputShape: [4] })); return m; }\nfunction main(a) { classes = a.classes; }\nmodule.exports = { build };`,
    id: 'build',
    names: [],
  },
  {
    title: "a settings object a socket's message fills, read for its members: a stand-in from what the builder reads",
    code: `let settings;\nclass Agent {\n  build() {\n    const input = tf.input({ shape: [settings.frame.rows, settings.frame.cols, 3] });\n    const x = tf.layers.flatten().apply(tf.layers.batchNormalization().apply(input));\n    return tf.model({ inputs: input, outputs: tf.layers.dense({ units: settings.actions }).apply(x) });\n  }\n}\nsocket.onmessage = (e) => { settings = JSON.parse(e.data); };`,
    id: 'Agent.build',
    names: ['settings'],
    values: { settings: { frame: { rows: 28, cols: 28 }, actions: 4 } },
    sources: ['settings=guess(a stand-in from what the code does with settings (frame.rows, frame.cols, actions))'],
  },
  {
    title: 'declared null and only checked for being set before the build (`if (!parsed) return;`): an empty list gets past the check',
    code: `let parsed = null;\nfunction build() {\n  if (!parsed) { return; }\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 2, inputShape: [3] }));\n  m.add(tf.layers.batchNormalization());\n  return m;\n}\nfunction load(text) { parsed = text.split('\\n'); }`,
    id: 'build',
    names: ['parsed'],
    values: { parsed: [] },
    sources: ['parsed=guess(an empty list: the builder checks only that it is set before it builds)'],
  },
  {
    title: "preprocessed data a page button fills, its features tensor read for the input width (`data.features.shape[1]`): a shape that leads with the examples",
    code: `let preprocessed = null;\nfunction createModel() {\n  if (!preprocessed) { alert('Preprocess first.'); return; }\n  const inputDim = preprocessed.features.shape[1];\n  model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [inputDim], units: 8 }), tf.layers.batchNormalization(), tf.layers.dense({ units: 2, activation: 'softmax' })] });\n}\nfunction preprocess(rows) { preprocessed = { features: tf.tensor2d(rows) }; }`,
    id: 'createModel',
    names: ['preprocessed'],
    values: { preprocessed: { features: { shape: [32, 784] } } },
    sources: ['preprocessed=guess(a stand-in from what the code does with preprocessed (features.shape))'],
  },
  {
    title: "a literal start the preprocessing fills later (`data = { features: [], labels: [] }`, then `data.features = tf.tensor2d(…)`), read as `data.features.shape[1]`: the member read comes from the stand-in, the rest from the literal",
    code: `let data = null;\nfunction createModel() {\n  if (!data) { return; }\n  const width = data.features.shape[1];\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 8, inputShape: [width] }));\n  m.add(tf.layers.batchNormalization());\n  return m;\n}\nfunction preprocess(rows) {\n  data = { features: [], labels: [] };\n  rows.forEach((r) => data.features.push(r.x));\n  data.features = tf.tensor2d(data.features);\n}`,
    id: 'createModel',
    names: ['data'],
    values: { data: { features: { shape: [32, 784] }, labels: [] } },
    sources: ['data=assignment(from data = { features: [], labels: [] } in train.js:11, and features a stand-in from what the builder reads of it)'],
  },
  {
    title: 'nested: `state = { train: { xs: null } }`, read as `state.train.xs.shape[1]`: only the nested member comes from the stand-in',
    code: `let state;\nfunction build() {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: state.units, inputShape: [state.train.xs.shape[1]] }));\n  m.add(tf.layers.batchNormalization());\n  return m;\n}\nfunction load(t) {\n  state = { units: 12, train: { xs: null } };\n  state.train.xs = tf.tensor2d(t);\n}`,
    id: 'build',
    names: ['state'],
    values: { state: { units: 12, train: { xs: { shape: [32, 784] } } } },
    sources: ['state=assignment(from state = { units: 12, train: { xs: null } } in train.js:9, and train.xs a stand-in from what the builder reads of it)'],
  },
  {
    title: 'a literal that gives everything the builder reads is taken as it is',
    code: `let options;\nfunction build() {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: options.units, inputShape: [options.inputs] }));\n  m.add(tf.layers.batchNormalization());\n  return m;\n}\nfunction configure() { options = { units: 6, inputs: 3 }; }`,
    id: 'build',
    names: ['options'],
    values: { options: { units: 6, inputs: 3 } },
    sources: ['options=assignment(from options = { units: 6, inputs: 3 } in train.js:8)'],
  },
  {
    title: 'the deferred tfjs binding (`let tf;` filled in run()) is the tfjs mechanism, not a module variable',
    code: `let tf;\nfunction build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: 4, inputShape: [4] })); return m; }\nfunction run() { tf = require('@tensorflow/tfjs-node'); }\nmodule.exports = { build };`,
    id: 'build',
    names: [],
  },
];

describe('module variables', () => {
  for (const row of rows) {
    it(row.title, () => {
      const builder = findModelBuilders(row.code, 'train.js').find((b) => b.id === row.id);
      assert.ok(builder, `no builder ${row.id}`);
      assert.deepEqual(findModuleVariables(parseSourceFile(row.code, 'train.js'), builder).map((v) => v.name), row.names);
      const proposal = propose(row.code, row.id, row.lastRun);
      if (row.names.length === 0) {
        assert.equal(proposal, undefined);
        return;
      }
      assert.ok(proposal);
      assert.deepEqual(proposal.values, row.values);
      assert.deepEqual(proposal.sources.map((s) => `${s.name}=${s.source}(${s.detail})`), row.sources);
      assert.deepEqual(proposal.unknown, row.unknown);
    });
  }

  it('the box text is a JS object literal; the detail names each source and the holes', () => {
    const shown = formatModuleVariables(propose(GAN, 'makeCritic')!);
    assert.deepEqual(shown, { text: '{ side: 28 }', detail: 'side from side: 28 in train.js:2 (side = args.side in train.js:24)' });
    const holes = formatModuleVariables({ values: {}, sources: [], summary: 'no values found', unknown: ['zq'] });
    assert.equal(holes.detail, 'no values found; no value found for zq (add it, or it stays undefined)');
  });

  it('declaredModuleVariables lists every top-level let/var without a value, tfjs ones too, and which are exported', () => {
    assert.deepEqual(declaredModuleVariables(parseSourceFile(GAN, 'train.js')).map((d) => d.name), ['tf', 'numClasses', 'side']);
    assert.deepEqual(declaredModuleVariables(parseSourceFile('let a = 1, b;\nexport var c;\nconst d = 2;\nfunction f() { let e; }', 'x.ts')), [
      { name: 'b', exported: false },
      { name: 'c', exported: true },
    ]);
  });
});
