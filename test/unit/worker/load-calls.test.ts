import { strict as assert } from 'node:assert';
import { hasModelBuildingLoadCalls, LOAD_TASK_GLOBAL, loadCallBodies, modelFunctionCalledAtLoad, modelVariableBuiltAtLoad, withTrackedLoadCalls } from '../../../src/worker/loading/load-calls';

const T = `globalThis.${LOAD_TASK_GLOBAL}`;

describe('top-level calls a script makes as it loads (load-calls.ts)', () => {
  const tracked: [string, string][] = [
    ['main();', `${T}(main());`],
    ['(async () => { await go(); })();', `${T}((async () => { await go(); })());`],
    ['run().catch(console.error);\nconst a = f();', `${T}(run().catch(console.error));\nconst a = f();`],
    ['tf.ready().then(() => build());', `${T}(tf.ready().then(() => build()));`],
    ['x = 1;\nfoo.bar = baz();', 'x = 1;\nfoo.bar = baz();'],
    ['function f() { g(); }', 'function f() { g(); }'],
  ];
  for (const [code, expected] of tracked) {
    it(`tracks ${JSON.stringify(code)}`, () => {
      assert.equal(withTrackedLoadCalls(code, 'a.js'), expected);
    });
  }

  const bodies: { code: string; expected: string[] }[] = [
    { code: '(async () => { const m = tf.sequential(); })();', expected: ['async () => { const m = tf.sequential(); }'] },
    { code: 'async function main() { model = tf.model({ inputs, outputs }); }\nmain().then(() => 0);', expected: ['async function main() { model = tf.model({ inputs, outputs }); }'] },
    { code: "tf.setBackend('cpu').then(async () => { net.add(tf.layers.dense({ units: 1 })); });", expected: ['async () => { net.add(tf.layers.dense({ units: 1 })); }'] },
    { code: '(function () { console.log(1); })();\nmain();', expected: [] },
    { code: 'const main = () => tf.sequential();\nmain();', expected: ['() => tf.sequential()'] },
    { code: 'const main = () => tf.sequential();\nconst m = main();', expected: [] },
  ];
  for (const row of bodies) {
    it(`the functions that build a model in ${JSON.stringify(row.code.split('\n')[0])}`, () => {
      const ranges = loadCallBodies(row.code, 'a.js');
      assert.deepEqual(ranges.map((r) => row.code.slice(r.start, r.end)), row.expected);
      assert.equal(hasModelBuildingLoadCalls(row.code, 'a.js'), row.expected.length > 0);
    });
  }

  it('keeps every line where it was', () => {
    const code = '(async () => {\n  model = tf.sequential();\n})();\nrun();';
    assert.equal(withTrackedLoadCalls(code, 'a.js').split('\n').length, code.split('\n').length);
  });

  const defaults: { code: string; variable?: string; fn?: string }[] = [
    { code: 'var net = tf.sequential();\nnet.add(tf.layers.dense({ units: 1, inputShape: [2] }));', variable: 'net' },
    { code: 'let model;\n(async () => { const rows = await load(); model = tf.sequential(); })();', variable: 'model' },
    { code: 'let model;\nfunction later() { model = tf.sequential(); }', variable: undefined },
    { code: 'async function main() { const model = tf.sequential(); model.add(tf.layers.dense({ units: 1, inputShape: [2] })); }\nmain();', variable: undefined, fn: 'main' },
    { code: 'async function main() { const model = tf.sequential(); }\nexport { main };', variable: undefined, fn: undefined },
  ];
  for (const row of defaults) {
    it(`the model a script with no builder function builds as it loads: ${JSON.stringify(row.code.split('\n')[0])}`, () => {
      assert.equal(modelVariableBuiltAtLoad(row.code, 'a.js'), row.variable);
      assert.equal(modelFunctionCalledAtLoad(row.code, 'a.js'), row.fn);
    });
  }
});
