import * as assert from 'node:assert/strict';
import type { BuilderParameter, ModelBuilder } from '../../../src/core/analysis/types';
import { formatArgumentList } from '../../../src/core/analysis/arguments/argument-proposals';
import { argumentNeeds, argumentPrompt, checkArguments, checkModuleVariables, instanceFieldsPrompt, moduleVariablesPrompt, sameValues } from '../../../src/vscode/sanity/arguments/argument-specs';
import { LAST_RUN_LIMIT, LAST_RUN_STATE_KEY, LastRunMemory, lastRunKey, type StateStore } from '../../../src/vscode/sanity/arguments/last-run-memory';

/** workspaceState's shape over a Map, with values copied through JSON as VS Code stores them. */
class MapStore implements StateStore {
  readonly data = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  update(key: string, value: unknown): Thenable<void> {
    this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

function param(name: string, extra: Partial<BuilderParameter> = {}): BuilderParameter {
  return { name, optional: false, receivesTfjs: false, ...extra };
}

function builder(id: string, extra: Partial<ModelBuilder> = {}): ModelBuilder {
  return { id, kind: 'function', exported: true, async: false, start: 0, end: 1, line: 1, column: 1, parameters: [], ...extra };
}

describe('last-run memory', () => {
  const keys: [string, string, string][] = [
    ['src/dqn.js', 'createDeepQNetwork', 'src/dqn.js#createDeepQNetwork'],
    ['src\\win\\model.ts', 'Net.build', 'src/win/model.ts#Net.build'],
    ['app/gan.js', 'Gan', 'app/gan.js#Gan'],
  ];
  for (const [file, id, key] of keys) {
    it(`keys ${file} + ${id} as ${key}`, () => assert.equal(lastRunKey(file, id), key));
  }

  it('remembers per file and builder: another builder or another file does not see it', async () => {
    const memory = new LastRunMemory(new MapStore());
    await memory.remember('a/dqn.js', 'createDeepQNetwork', { args: [9, 9, 4] });
    await memory.remember('a/agent.js', 'Agent.build', { args: [], ctorArgs: [{ units: 8 }] });
    assert.deepEqual(memory.get('a/dqn.js', 'createDeepQNetwork'), { args: [9, 9, 4] });
    assert.deepEqual(memory.get('a\\dqn.js', 'createDeepQNetwork'), { args: [9, 9, 4] }, 'same file, Windows separators');
    assert.deepEqual(memory.get('a/agent.js', 'Agent.build'), { args: [], ctorArgs: [{ units: 8 }] });
    assert.equal(memory.get('a/dqn.js', 'Agent.build'), undefined);
    assert.equal(memory.get('b/dqn.js', 'createDeepQNetwork'), undefined);
  });

  it('the newest run wins, and survives a new memory over the same state (a reload)', async () => {
    const store = new MapStore();
    await new LastRunMemory(store).remember('m.ts', 'f', { args: [1] });
    await new LastRunMemory(store).remember('m.ts', 'f', { args: [2, 'x'] });
    assert.deepEqual(new LastRunMemory(store).get('m.ts', 'f'), { args: [2, 'x'] });
    assert.equal(store.data.size, 1, 'one state key');
    assert.ok(store.data.has(LAST_RUN_STATE_KEY));
  });

  it(`keeps the ${LAST_RUN_LIMIT} most recently run, dropping the oldest`, async () => {
    const memory = new LastRunMemory(new MapStore());
    for (let i = 0; i <= LAST_RUN_LIMIT; i++) {
      await memory.remember(`f${i}.js`, 'build', { args: [i] });
    }
    assert.equal(memory.get('f0.js', 'build'), undefined, 'the oldest went');
    await memory.remember('f1.js', 'build', { args: ['again'] }); // f1 becomes the newest, f2 the oldest
    await memory.remember('g.js', 'build', { args: [] });
    assert.deepEqual(memory.get('f1.js', 'build'), { args: ['again'] });
    assert.equal(memory.get('f2.js', 'build'), undefined);
    assert.deepEqual(memory.get('f3.js', 'build'), { args: [3] });
    assert.deepEqual(memory.get(`f${LAST_RUN_LIMIT}.js`, 'build'), { args: [LAST_RUN_LIMIT] });
  });

  it('ignores state it did not write (hand-edited or from another version)', async () => {
    const store = new MapStore();
    await store.update(LAST_RUN_STATE_KEY, { 'm.ts#f': { args: 'nope' }, 'm.ts#g': null, 'm.ts#h': { args: [1], ctorArgs: 3 } });
    const memory = new LastRunMemory(store);
    assert.equal(memory.get('m.ts', 'f'), undefined);
    assert.equal(memory.get('m.ts', 'g'), undefined);
    assert.equal(memory.get('m.ts', 'h'), undefined);
    await store.update(LAST_RUN_STATE_KEY, ['not', 'a', 'record']);
    assert.equal(memory.get('m.ts', 'f'), undefined);
    await memory.remember('m.ts', 'f', { args: [1] });
    assert.deepEqual(memory.get('m.ts', 'f'), { args: [1] });
    await store.update(LAST_RUN_STATE_KEY, { 'm.ts#f': { args: [], moduleVars: [10] } });
    assert.equal(memory.get('m.ts', 'f'), undefined);
  });

  it('remembers the module variables with the arguments, also for a builder without parameters', async () => {
    const memory = new LastRunMemory(new MapStore());
    await memory.remember('core.ts', 'buildJudge', { args: [], moduleVars: { labelCount: 3, side: 8 } });
    await memory.remember('core.ts', 'buildMaker', { args: [6] });
    assert.deepEqual(memory.get('core.ts', 'buildJudge'), { args: [], moduleVars: { labelCount: 3, side: 8 } });
    assert.deepEqual(memory.get('core.ts', 'buildMaker'), { args: [6] });
  });

  it('remembers the instance fields with the arguments; a stored value that is not an object is ignored', async () => {
    const store = new MapStore();
    const memory = new LastRunMemory(store);
    await memory.remember('c.js', 'Classifier.buildModel', { args: [], ctorArgs: [6], instanceVars: { numClasses: 4 } });
    assert.deepEqual(memory.get('c.js', 'Classifier.buildModel'), { args: [], ctorArgs: [6], instanceVars: { numClasses: 4 } });
    await store.update(LAST_RUN_STATE_KEY, { 'c.js#Classifier.buildModel': { args: [], instanceVars: [4] } });
    assert.equal(memory.get('c.js', 'Classifier.buildModel'), undefined);
  });

  it('remembers which instance fields the user typed, so a rerun replaces the same sizes; a list that is not names is ignored', async () => {
    const store = new MapStore();
    const memory = new LastRunMemory(store);
    const call = { args: [], instanceVars: { inputShape: [112, 112, 3], numClasses: 4 }, instanceVarsTyped: ['inputShape'] };
    await memory.remember('c.js', 'Classifier.buildModel', call);
    assert.deepEqual(memory.get('c.js', 'Classifier.buildModel'), call);
    await store.update(LAST_RUN_STATE_KEY, { 'c.js#Classifier.buildModel': { args: [], instanceVars: { numClasses: 4 }, instanceVarsTyped: [1] } });
    assert.equal(memory.get('c.js', 'Classifier.buildModel'), undefined);
  });
});

describe('argument boxes', () => {
  const tf = param('tf', { receivesTfjs: true });
  const needs: [string, ModelBuilder, [string[] | undefined, string[] | undefined]][] = [
    ['no parameters', builder('createModel'), [undefined, undefined]],
    ['only tfjs injected', builder('buildModel', { parameters: [tf] }), [undefined, undefined]],
    ['tf plus classes', builder('buildModel', { parameters: [tf, param('classes')] }), [['classes'], undefined]],
    ['defaults only still ask', builder('unet', { parameters: [param('inputShape', { optional: true, defaultText: '[64, 64, 3]' })] }), [['inputShape'], undefined]],
    ['a constructor', builder('Agent', { kind: 'constructor', className: 'Agent', parameters: [param('numActions')] }), [['numActions'], undefined]],
    ['a method of a class whose constructor takes units', builder('Net.build', { kind: 'method', className: 'Net', constructorParameters: [param('units')] }), [undefined, ['units']]],
    ['a static method: no constructor box', builder('Net.create', { kind: 'method', className: 'Net', static: true, constructorParameters: [param('units')] }), [undefined, undefined]],
    ['a property of a class whose constructor takes tf only', builder('Gan.generator', { kind: 'property', className: 'Gan', constructorParameters: [tf] }), [undefined, undefined]],
    ['a method of a class whose constructor is inherited from another module: no constructor box', builder('App.build', { kind: 'method', className: 'App', constructorParameters: [param('args', { optional: true, rest: true })] }), [undefined, undefined]],
  ];
  for (const [name, b, [args, ctorArgs]] of needs) {
    it(`${name}: boxes for ${JSON.stringify([args, ctorArgs])}`, () => {
      const n = argumentNeeds(b);
      assert.deepEqual([n.args?.map((p) => p.name), n.ctorArgs?.map((p) => p.name)], [args, ctorArgs]);
    });
  }

  it('the prompt names the call and the proposal source', () => {
    const dqn = builder('createDeepQNetwork', { parameters: [param('h'), param('w'), param('numActions')] });
    assert.match(argumentPrompt(dqn, 'from the call in dqn_test.js:25', 'args'), /^Arguments for createDeepQNetwork\(h, w, numActions\) — from the call in dqn_test\.js:25 \(a JS array\)$/);
    const net = builder('Net.build', { kind: 'method', className: 'Net', constructorParameters: [tf, param('units')] });
    assert.match(argumentPrompt(net, 'from the default in the signature', 'ctorArgs'), /^Arguments for the constructor: new Net\(units\) — from the default in the signature \(a JS array\)$/);
  });

  it('the prompt says why each guessed value is what it is', () => {
    const f = builder('buildModel', { parameters: [param('inputShape'), param('units')] });
    const prompt = argumentPrompt(f, 'from guesses for inputShape, units', 'args', ['inputShape: from its use as a shape', 'units: from the type number']);
    assert.equal(prompt, 'Arguments for buildModel(inputShape, units) — from guesses for inputShape, units (a JS array). Guessed inputShape: from its use as a shape; units: from the type number');
  });

  it('the instance-fields box names the class and the method', () => {
    const m = builder('Classifier.buildModel', { kind: 'method', className: 'Classifier', memberName: 'buildModel' });
    assert.equal(instanceFieldsPrompt(m, 'numClasses from the name numClasses'), 'Fields of the Classifier instance buildModel reads, set after construction (another method fills them) — numClasses from the name numClasses (a JS object, names without this.)');
  });

  const three = [param('h'), param('w'), param('numActions')];
  const checks: [string, BuilderParameter[], string, { ok: boolean; values?: unknown[]; message?: RegExp; warning?: RegExp }][] = [
    ['exact', three, '[9, 9, 4]', { ok: true, values: [9, 9, 4] }],
    ['too many', three, '[9, 9, 4, 1]', { ok: false, message: /4 values for 3 parameters \(h, w, numActions\)/ }],
    ['a required one missing: a warning, still runs', three, '[9, 9]', { ok: true, values: [9, 9], warning: /No value for numActions/ }],
    ['optional ones may be left out', [param('inputShape'), param('classes', { optional: true })], "[[64, 64, 3]]", { ok: true, values: [[64, 64, 3]] }],
    ['a rest parameter takes any number', [param('first'), param('sizes', { optional: true, rest: true })], '[1, 2, 3, 4]', { ok: true, values: [1, 2, 3, 4] }],
    ['not a literal', three, '[h, 9, 4]', { ok: false, message: /h is not a literal value/ }],
    ['stand-ins for live objects, as the proposal shows them', [param('game'), param('input')], '[{ getBoardSize: () => [8, 8] }, tf.input({ shape: [16] })]', { ok: true, values: [{ getBoardSize: { $returns: [8, 8] } }, { $input: [16] }] }],
    ['a stand-in edited in the box', [param('game')], '[{ getBoardSize: () => [6, 7], getActionSize: () => 5 }]', { ok: true, values: [{ getBoardSize: { $returns: [6, 7] }, getActionSize: { $returns: 5 } }] }],
  ];
  for (const [name, params, text, want] of checks) {
    it(`checks ${text}: ${name}`, () => {
      const check = checkArguments(text, params);
      assert.equal(check.ok, want.ok);
      if (check.ok) {
        assert.deepEqual(check.values, want.values);
        assert.equal(check.warning === undefined, want.warning === undefined);
        if (want.warning) {
          assert.match(check.warning ?? '', want.warning);
        }
      } else {
        assert.match(check.message, want.message ?? /./);
      }
    });
  }

  it('a proposal with stand-ins, accepted unchanged, is the proposal (its source is credited)', () => {
    const proposed = [{ getBoardSize: { $returns: [10, 10] }, getActionSize: { $returns: 4 } }, { $input: [16] }];
    const check = checkArguments(formatArgumentList(proposed), [param('game'), param('input')]);
    assert.ok(check.ok);
    assert.ok(sameValues(check.values, proposed));
  });

  it('sameValues compares by value', () => {
    assert.ok(sameValues([9, [1, 2], { a: 'x' }], [9, [1, 2], { a: 'x' }]));
    assert.ok(sameValues(undefined, []));
    assert.ok(!sameValues([9, 9, 4], [9, 9, 5]));
  });

  it('the module-variables box names the builder and where the values came from', () => {
    assert.equal(
      moduleVariablesPrompt(builder('buildJudge'), 'side from side: 8 in core.ts:8'),
      'Module variables buildJudge reads, set before the call (only another function of the file fills them) — side from side: 8 in core.ts:8 (a JS object)',
    );
  });

  const varChecks: [string, string, { ok: boolean; values?: unknown; text?: RegExp }][] = [
    ['the proposal as it was', '{ labelCount: 3, side: 8 }', { ok: true, values: { labelCount: 3, side: 8 } }],
    ['a variable left out: a warning', '{ side: 8 }', { ok: true, values: { side: 8 }, text: /^No value for labelCount: the builder finds undefined\.$/ }],
    ['a name the builder does not read: a warning', '{ labelCount: 3, side: 8, epochs: 2 }', { ok: true, values: { labelCount: 3, side: 8, epochs: 2 }, text: /^epochs: not read by the builder \(it reads labelCount, side\)\.$/ }],
    ['an array is not the object', '[3, 8]', { ok: false, text: /Expected a JS object/ }],
    ['a name as a value', '{ side: size }', { ok: false, text: /size is not a literal value/ }],
  ];
  for (const [name, text, expected] of varChecks) {
    it(`checks the module variables ${text}: ${name}`, () => {
      const check = checkModuleVariables(text, ['labelCount', 'side']);
      assert.equal(check.ok, expected.ok);
      if (check.ok) {
        assert.deepEqual(check.values, expected.values);
        assert.equal(check.warning === undefined, expected.text === undefined);
        if (expected.text) {
          assert.match(check.warning ?? '', expected.text);
        }
      } else {
        assert.match(check.message, expected.text ?? /./);
      }
    });
  }
});
