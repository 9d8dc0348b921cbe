import { strict as assert } from 'node:assert';
import { withGuardedStatements } from '../../../src/worker/loading/guarded-statements';
import { withGuardedConstructors } from '../../../src/worker/loading/guarded-constructors';
import { functionRangeByName, withGuardedBuilderBody } from '../../../src/worker/loading/guarded-builder-body';

const CATCH = 'catch (e) { globalThis.__rbnStatementError__(e); }';

describe('guarded top-level statements (the last attempt at a module that throws as it loads)', () => {
  const rows: { title: string; code: string; expected: string; file?: string }[] = [
    { title: 'a call', code: 'run();', expected: `try { run(); } ${CATCH}` },
    { title: 'a const becomes a var assigned in its own guard', code: 'const RANK = 5;', expected: `var RANK; try { RANK = 5; } ${CATCH}` },
    { title: 'several declarations, one without a value', code: 'let a = f(), b, c = 2;', expected: `var a, b, c; try { a = f(); } ${CATCH} try { c = 2; } ${CATCH}` },
    { title: 'destructuring', code: 'const { x, y: [z, , ...w] } = load();', expected: `var x, z, w; try { ({ x, y: [z, , ...w] } = load()); } ${CATCH}` },
    { title: 'an exported const keeps its export', code: 'export const size = read();', expected: `export var size; try { size = read(); } ${CATCH}` },
    { title: 'a typed const (TypeScript)', code: 'const shape: [number, number] = [2, 3];', expected: `var shape; try { shape = [2, 3]; } ${CATCH}`, file: 'a.ts' },
    { title: 'a loop, on its own lines', code: 'for (const p of pairs) {\n  use(p);\n}', expected: `try { for (const p of pairs) {\n  use(p);\n} } ${CATCH}` },
    { title: 'declarations and imports stay as they are', code: "import * as tf from '@tensorflow/tfjs';\nfunction build() { return tf.sequential(); }\nclass Net {}\nexport { build };", expected: "import * as tf from '@tensorflow/tfjs';\nfunction build() { return tf.sequential(); }\nclass Net {}\nexport { build };" },
    { title: 'TypeScript types and declare stay as they are', code: 'interface P { a: number }\ntype Q = P;\ndeclare const DEBUG: boolean;', expected: 'interface P { a: number }\ntype Q = P;\ndeclare const DEBUG: boolean;', file: 'a.ts' },
    { title: 'top-level await inside a guard', code: 'const data = await fetchRows();', expected: `var data; try { data = await fetchRows(); } ${CATCH}`, file: 'a.mjs' },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const out = withGuardedStatements(row.code, row.file ?? 'a.js');
      assert.equal(out, row.expected);
      assert.equal(out.split('\n').length, row.code.split('\n').length, 'lines stay where they were');
    });
  }
});

describe('guarded constructors (a method builder whose class’s constructor throws)', () => {
  const CTOR = 'catch (e) { globalThis.__rbnConstructorError__(e); }';
  const rows: { title: string; code: string; expected: string; file?: string }[] = [
    {
      title: 'each statement of the body on its own, super() left as it is',
      code: 'class A extends B {\n  constructor(n) {\n    super(n);\n    this.memory = new Memory(n);\n    const size = n * 2;\n    this.size = size;\n  }\n}',
      expected: `class A extends B {\n  constructor(n) {\n    super(n);\n    try { this.memory = new Memory(n); } ${CTOR}\n    var size; try { size = n * 2; } ${CTOR}\n    try { this.size = size; } ${CTOR}\n  }\n}`,
    },
    {
      title: 'a field initialiser keeps the instance as this; methods and arrow fields stay as they are',
      code: 'class A {\n  memory = new Memory(this.size);\n  act = () => 1;\n  static count = 0;\n  build() { return 1; }\n}',
      expected: `class A {\n  memory = (() => { try { return (new Memory(this.size)); } ${CTOR} return undefined; })();\n  act = () => 1;\n  static count = 0;\n  build() { return 1; }\n}`,
    },
    {
      title: 'an ES5 constructor function with prototype methods; other functions stay as they are',
      code: 'function Agent(n) {\n  this.env = makeEnv();\n}\nAgent.prototype.build = function () { return 1; };\nfunction helper() {\n  run();\n}',
      expected: `function Agent(n) {\n  try { this.env = makeEnv(); } ${CTOR}\n}\nAgent.prototype.build = function () { return 1; };\nfunction helper() {\n  run();\n}`,
    },
    {
      title: 'TypeScript parameter properties and typed locals',
      code: 'class A {\n  constructor(private n: number) {\n    const cfg: Config = load();\n  }\n}',
      expected: `class A {\n  constructor(private n: number) {\n    var cfg; try { cfg = load(); } ${CTOR}\n  }\n}`,
      file: 'a.ts',
    },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const out = withGuardedConstructors(row.code, row.file ?? 'a.js');
      assert.equal(out, row.expected);
      assert.equal(out.split('\n').length, row.code.split('\n').length, 'lines stay where they were');
    });
  }
});

describe('guarded builder body (a builder that throws before it builds its model)', () => {
  const BODY = 'catch (e) { globalThis.__rbnBuilderError__(e); }';
  const START = 'globalThis.__rbnBuilderStatement__();';
  const guard = (code: string, id: string, file = 'a.js') => withGuardedBuilderBody(code, file, functionRangeByName(code, file, id)!);
  const rows: { title: string; code: string; id: string; expected: string; file?: string }[] = [
    {
      title: 'an arrow function held by a const: each statement of its body on its own, those that build the model and the rest of the file as they are',
      code: 'const objective = async (p) => {\n  const { data, n } = await load(p.batch);\n  const model = tf.sequential();\n  model.add(tf.layers.dense({ units: p.units }));\n  const out = tf.layers.dense({ units: 2 }).apply(x);\n  const m2 = tf.model({ inputs, outputs: out });\n  return model;\n};\nfunction other() {\n  run();\n}',
      id: 'objective',
      expected: `const objective = async (p) => {\n  ${START} var data, n; try { ({ data, n } = await load(p.batch)); } ${BODY}\n  const model = tf.sequential();\n  model.add(tf.layers.dense({ units: p.units }));\n  const out = tf.layers.dense({ units: 2 }).apply(x);\n  const m2 = tf.model({ inputs, outputs: out });\n  ${START} try { return model; } ${BODY}\n};\nfunction other() {\n  run();\n}`,
    },
    {
      title: 'a function declaration; a function declared inside it and its own check that throws stay as they are',
      code: 'async function train(rows) {\n  const xs = toTensor(rows);\n  function helper() { return 1; }\n  if (!rows.length) throw new Error("no rows");\n  await model.fit(xs);\n}',
      id: 'train',
      expected: `async function train(rows) {\n  ${START} var xs; try { xs = toTensor(rows); } ${BODY}\n  function helper() { return 1; }\n  if (!rows.length) throw new Error("no rows");\n  ${START} try { await model.fit(xs); } ${BODY}\n}`,
    },
    {
      title: "tensor arithmetic on a call's result (`tf.sqrt(v).add(eps)`) is guarded; `model.add(…)` stays",
      code: 'async function fit(x, model) {\n  const spread = tf.sqrt(tf.moments(x, 0).variance).add(1e-6);\n  model.add(extraLayer);\n  await model.fit(x.div(spread));\n}',
      id: 'fit',
      expected: `async function fit(x, model) {\n  ${START} var spread; try { spread = tf.sqrt(tf.moments(x, 0).variance).add(1e-6); } ${BODY}\n  model.add(extraLayer);\n  ${START} try { await model.fit(x.div(spread)); } ${BODY}\n}`,
    },
    {
      title: "a try block's statements each on their own (its catch would swallow what stopped the build), its checks too; the body's own check stays",
      code: 'async function load(url) {\n  if (!url) throw new Error("no url");\n  try {\n    const res = await fetch(url);\n    if (!res.ok) { log(res); throw new Error("missing"); }\n    const model = tf.sequential();\n  } catch (e) {\n    console.error(e);\n  }\n}',
      id: 'load',
      expected: `async function load(url) {\n  if (!url) throw new Error("no url");\n  try {\n    ${START} var res; try { res = await fetch(url); } ${BODY}\n    ${START} try { if (!res.ok) { log(res); throw new Error("missing"); } } ${BODY}\n    const model = tf.sequential();\n  } catch (e) {\n    console.error(e);\n  }\n}`,
    },
    {
      title: 'a throw deep inside a statement (a download\'s error branch) is no check of the builder\'s own: guarded',
      code: 'async function load(url) {\n  if (cached) { use(cached); } else { const r = await fetch(url); if (!r.ok) throw new Error("deep"); }\n  return tf.sequential();\n}',
      id: 'load',
      expected: `async function load(url) {\n  ${START} try { if (cached) { use(cached); } else { const r = await fetch(url); if (!r.ok) throw new Error("deep"); } } ${BODY}\n  return tf.sequential();\n}`,
    },
    {
      title: 'a class method by Class.method; the constructor and the other methods stay as they are',
      code: 'class Trainer {\n  constructor() { this.db = open(); }\n  async trainModel(): Promise<number> {\n    const rows: Row[] = await this.db.all();\n    return rows.length;\n  }\n}',
      id: 'Trainer.trainModel',
      file: 'a.ts',
      expected: `class Trainer {\n  constructor() { this.db = open(); }\n  async trainModel(): Promise<number> {\n    ${START} var rows; try { rows = await this.db.all(); } ${BODY}\n    ${START} try { return rows.length; } ${BODY}\n  }\n}`,
    },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const out = guard(row.code, row.id, row.file);
      assert.equal(out, row.expected);
      assert.equal(out.split('\n').length, row.code.split('\n').length, 'lines stay where they were');
    });
  }

  it('a name that is no function of the file: no range, so nothing to guard', () => {
    assert.equal(functionRangeByName('const objective = 3;\nclass A { m() {} }', 'a.js', 'objective'), undefined);
    assert.equal(functionRangeByName('class A { m() {} }', 'a.js', 'A.other'), undefined);
  });

  it('the range of an analysed builder picks the outermost function inside it (a nested arrow stays whole)', () => {
    const code = 'export const build = (n) => {\n  const f = () => load();\n  return f();\n};';
    const out = withGuardedBuilderBody(code, 'a.js', { start: 0, end: code.length });
    assert.equal(out, `export const build = (n) => {\n  ${START} var f; try { f = () => load(); } ${BODY}\n  ${START} try { return f(); } ${BODY}\n};`);
  });
});
