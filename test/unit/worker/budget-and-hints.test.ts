import { strict as assert } from 'node:assert';
import { checkWasmHost } from '../../../src/worker/backends/wasm-compat';
import { planSteps, safetyMarginMs, type PlanInput } from '../../../src/worker/budget';
import { hintFor, packageOfRequest } from '../../../src/worker/failure-hints';

describe('planSteps (the budget rule)', () => {
  const base: PlanInput = { requested: 300, remainingMs: 60_000, run: 0, done: 0, stepMs: [100, 100], evalMs: [1000, 1000] };
  const rows: { title: string; input: Partial<PlanInput>; expected: number }[] = [
    { title: 'everything fits: the steps asked for', input: { remainingMs: 100_000 }, expected: 300 },
    { title: 'two runs of 100 ms and two 1 s evaluations in 60 s', input: {}, expected: 290 },
    { title: 'a slower swapped copy takes its share', input: { stepMs: [100, 200] }, expected: 193 },
    { title: 'mid-run: steps done count at the measured rate', input: { done: 100, remainingMs: 40_000 }, expected: 240 },
    { title: 'the last run can only end in time, never below what it did', input: { run: 1, done: 50, remainingMs: 1000 }, expected: 50 },
    { title: 'no room at all: zero (the caller says why)', input: { remainingMs: 1500 }, expected: 0 },
  ];
  for (const row of rows) {
    it(row.title, () => assert.equal(planSteps({ ...base, ...row.input }), row.expected));
  }

  it('keeps 5% of the budget, at least 1.5 s, for the report', () => {
    assert.deepEqual([safetyMarginMs(10_000), safetyMarginMs(60_000), safetyMarginMs(600_000)], [1500, 3000, 30_000]);
  });
});

describe('checkWasmHost (bundled wasm inside the workspace tfjs-core)', () => {
  const rows: [string | undefined, boolean][] = [
    ['4.22.0', true],
    ['4.17.0', true],
    ['4.23.1', true],
    ['4.16.9', false],
    ['4.2.0', false],
    ['3.21.0', false],
    ['5.0.0', false],
    [undefined, false],
  ];
  for (const [core, compatible] of rows) {
    it(`${core ?? 'unknown'} → ${compatible ? 'register wasm' : 'bundled tfjs'}`, () => {
      const check = checkWasmHost(core, '4.22.0');
      assert.equal(check.compatible, compatible);
      assert.equal(check.reason === '', compatible);
    });
  }
});

describe('failure hints', () => {
  it('names the package of a bare module request', () => {
    const rows: [string, string | undefined][] = [
      ['jimp', 'jimp'],
      ['jimp/fonts', 'jimp'],
      ['@tensorflow-models/coco-ssd', '@tensorflow-models/coco-ssd'],
      ['@scope/pkg/deep/file.js', '@scope/pkg'],
      ['./utils', undefined],
      ['/abs/file', undefined],
      ['node:fs', undefined],
    ];
    for (const [request, expected] of rows) {
      assert.equal(packageOfRequest(request), expected, request);
    }
  });

  const notFound = Object.assign(new Error("Cannot find module 'canvas'\nRequire stack:\n- /w/model.ts"), { code: 'MODULE_NOT_FOUND' });
  const rows: { error: Error; kind?: string; text?: RegExp }[] = [
    { error: notFound, kind: 'missingPackage', text: /^the package 'canvas' is not installed; install it: npm install canvas$/ },
    { error: Object.assign(new Error("Cannot find module './sibling'"), { code: 'MODULE_NOT_FOUND' }) },
    { error: new ReferenceError('document is not defined'), kind: 'browserApi', text: /^document is browser-only/ },
    { error: new ReferenceError('localStorage is not defined'), kind: 'browserApi', text: /^localStorage is browser-only/ },
    { error: new ReferenceError('myHelper is not defined') },
    { error: new TypeError('globalObject.OfflineAudioContext is not a constructor'), kind: 'browserApi', text: /^OfflineAudioContext is browser-only/ },
    { error: new TypeError('window.requestAnimationFrame is not a function'), kind: 'browserApi', text: /^requestAnimationFrame is browser-only/ },
    { error: new ReferenceError('AudioContext is not defined'), kind: 'browserApi', text: /^AudioContext is browser-only/ },
    { error: new TypeError('WebGL2RenderingContext is not a constructor'), kind: 'browserApi', text: /^WebGL2RenderingContext is browser-only/ },
    { error: new TypeError('helpers.makeThing is not a function') },
    { error: new ReferenceError('Worker is not a constructor') },
    { error: new Error('pixels passed to tf.browser.fromPixels() must be either an HTMLVideoElement'), kind: 'browserApi', text: /^tf\.browser\.fromPixels is browser-only/ },
    { error: new TypeError('Failed to parse URL from model/model.json'), kind: 'browserApi', text: /relative URL 'model\/model\.json'.*absolute http\(s\) URL/ },
    { error: new Error('something else') },
  ];
  for (const row of rows) {
    it(`${row.error.name}: ${row.error.message.split('\n')[0]} → ${row.kind ?? 'no hint'}`, () => {
      const hint = hintFor(row.error);
      assert.equal(hint?.kind, row.kind);
      if (row.text) {
        assert.match(hint?.text ?? '', row.text);
      }
    });
  }
});
