import * as assert from 'node:assert/strict';
import { isKnownSource, parsePanelMessage } from '../../../src/vscode/sanity/panel/panel-messages';
import { buildSanityRequest, DEFAULT_SANITY_SETTINGS, SANITY_SEED, sanitizeSettings } from '../../../src/vscode/sanity/sanity-request';

describe('panel messages', () => {
  const table: [unknown, unknown][] = [
    [{ type: 'openSource', file: '/p/a.ts', line: 3 }, { type: 'openSource', file: '/p/a.ts', line: 3 }],
    [{ type: 'openSource', file: '/p/a.ts', line: '17' }, { type: 'openSource', file: '/p/a.ts', line: 17 }],
    [{ type: 'openSource', file: '/p/a.ts', line: 0 }, undefined],
    [{ type: 'openSource', file: '/p/a.ts', line: 1.5 }, undefined],
    [{ type: 'openSource', file: '', line: 1 }, undefined],
    [{ type: 'openSource', line: 1 }, undefined],
    [{ type: 'action', action: 'rerun' }, { type: 'action', action: 'rerun' }],
    [{ type: 'action', action: 'rerunLonger' }, { type: 'action', action: 'rerunLonger' }],
    [{ type: 'action', action: 'rerunMoreSteps' }, { type: 'action', action: 'rerunMoreSteps' }],
    [{ type: 'action', action: 'compare' }, { type: 'action', action: 'compare' }],
    [{ type: 'action', action: 'showLog' }, { type: 'action', action: 'showLog' }],
    [{ type: 'action', action: 'cancel' }, { type: 'action', action: 'cancel' }],
    [{ type: 'action', action: 'recover', index: 1 }, { type: 'action', action: 'recover', index: 1 }],
    [{ type: 'action', action: 'recover', index: -1 }, undefined],
    [{ type: 'action', action: 'recover', index: 0.5 }, undefined],
    [{ type: 'action', action: 'recover', index: '0' }, undefined],
    [{ type: 'action', action: 'recover' }, undefined],
    [{ type: 'ready' }, { type: 'ready' }],
    [{ type: 'action', action: 'rm -rf' }, undefined],
    ['openSource', undefined],
    [null, undefined],
  ];
  for (const [raw, expected] of table) {
    it(`parses ${JSON.stringify(raw)}`, () => assert.deepEqual(parsePanelMessage(raw), expected));
  }

  it('opens only locations the report named', () => {
    const sources = [{ file: '/p/a.ts', line: 3 }];
    assert.equal(isKnownSource({ file: '/p/a.ts', line: 3 }, sources), true);
    assert.equal(isKnownSource({ file: '/p/a.ts', line: 4 }, sources), false);
    assert.equal(isKnownSource({ file: '/etc/passwd', line: 3 }, sources), false);
  });
});

describe('sanity request from settings', () => {
  it('defaults: 300 steps at batch 8, 60 s, auto backend, fixed seed, the model’s own lr and data choice', () => {
    assert.deepEqual(buildSanityRequest('/p/m.ts', 'createModel', false, DEFAULT_SANITY_SETTINGS), {
      file: '/p/m.ts',
      model: 'createModel',
      steps: 300,
      batchSize: 8,
      compare: false,
      backend: 'auto',
      timeoutMs: 60_000,
      seed: SANITY_SEED,
    });
  });

  it('passes explicit choices through', () => {
    const request = buildSanityRequest('/p/m.ts', 'f', true, { ...DEFAULT_SANITY_SETTINGS, learningRate: 0.4, data: 'mnist', backend: 'wasm', timeBudgetSeconds: 12.5, batchSize: 2 });
    assert.equal(request.learningRate, 0.4);
    assert.equal(request.data, 'mnist');
    assert.equal(request.backend, 'wasm');
    assert.equal(request.timeoutMs, 12_500);
    assert.equal(request.batchSize, 2);
    assert.equal(request.compare, true);
  });

  it('carries the builder call: arguments, constructor arguments and their source', () => {
    const request = buildSanityRequest('/p/a.js', 'Agent.build', false, DEFAULT_SANITY_SETTINGS, { args: [9, 9, 4], ctorArgs: [{ n: 2 }], argsSource: 'call in a_test.js:3' });
    assert.deepEqual([request.args, request.ctorArgs, request.argsSource], [[9, 9, 4], [{ n: 2 }], 'call in a_test.js:3']);
    const none = buildSanityRequest('/p/a.js', 'f', false, DEFAULT_SANITY_SETTINGS, { argsSource: 'no parameters' });
    assert.ok(!('args' in none) && !('ctorArgs' in none) && !('argsSource' in none) && !('moduleVars' in none), JSON.stringify(none));
    const vars = buildSanityRequest('/p/core.ts', 'buildJudge', false, DEFAULT_SANITY_SETTINGS, { moduleVars: { side: 8 }, moduleVarsSource: 'side from side: 8 in core.ts:8' });
    assert.deepEqual([vars.args, vars.moduleVars, vars.moduleVarsSource], [undefined, { side: 8 }, 'side from side: 8 in core.ts:8']);
    const fields = buildSanityRequest('/p/c.js', 'Classifier.buildModel', false, DEFAULT_SANITY_SETTINGS, { instanceVars: { numClasses: 4 }, instanceVarsSource: 'entered in the instance-fields box' });
    assert.deepEqual([fields.instanceVars, fields.instanceVarsSource, 'instanceVars' in none], [{ numClasses: 4 }, 'entered in the instance-fields box', false]);
  });

  it('replaces out-of-range settings with defaults instead of failing', () => {
    const bad = { steps: -1, batchSize: 2.5, timeBudgetSeconds: 0, maxMemoryMb: Number.NaN, backend: 'gpu', learningRate: -3, data: 'imagenet' };
    assert.deepEqual(sanitizeSettings(bad as never), DEFAULT_SANITY_SETTINGS);
  });
});
