import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { hasTopLevelAwait, settleTopLevelAwait, wrapTopLevelAwait } from '../../../src/worker/loading/top-level-await';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const BUILDERS = path.resolve(__dirname, '../../fixtures/sanity/builders');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

describe('top-level await in a module loaded as CommonJS', () => {
  const rows: [string, string, boolean][] = [
    ['await of a call at the top', "import { ready } from '@tensorflow/tfjs';\nawait ready();", true],
    ['await in a top-level const', 'const s = await Promise.resolve(1);', true],
    ['for await at the top', 'for await (const x of xs) { use(x); }', true],
    ['await inside a block at the top (if, try)', 'if (a) { try { await go(); } catch {} }', true],
    ['await inside an async function only', 'async function f() { await go(); }\nconst g = async () => { await go(); };', false],
    ['await inside a class method or a static block', 'class A { async m() { await go(); } static { } }', false],
    ['the word in a string or comment only', "// await later\nconst s = 'await';", false],
  ];
  for (const [title, code, expected] of rows) {
    it(`${title}: ${expected}`, () => {
      assert.equal(hasTopLevelAwait(code, 'm.ts'), expected);
    });
  }

  it('the wrapped body runs in an async function, keeps its first line and its source map last, and settles', async () => {
    const output = '"use strict";\nexports.value = 0;\nexports.value = await Promise.resolve(7);\n//# sourceMappingURL=data:application/json;base64,e30=';
    const wrapped = wrapTopLevelAwait(output, '/p/m.ts');
    assert.equal(wrapped.split('\n').length, output.split('\n').length + 1);
    assert.match(wrapped, /^\(globalThis\.__rbnSanityTopLevelAwait__ \?\?= \{\}\)\["\/p\/m\.ts"\] = \(async \(\) => \{"use strict";\n/);
    assert.match(wrapped, /\n\}\)\(\);\n\/\/# sourceMappingURL=data:application\/json;base64,e30=$/);
    const exports: { value?: number } = {};
    vm.runInThisContext(`(function (exports) {${wrapped}\n})`)(exports);
    assert.equal(exports.value, 0);
    await settleTopLevelAwait();
    assert.equal(exports.value, 7);
  });
});

describe('top-level await in a script with a shebang line', () => {
  it('the shebang becomes a comment inside the wrapper, on its own line, and the body runs', async () => {
    const output = '#!/usr/bin/env tsx\nexports.value = await Promise.resolve(3);';
    const wrapped = wrapTopLevelAwait(output, '/p/train.ts');
    assert.match(wrapped, /= \(async \(\) => \{\/\/\/usr\/bin\/env tsx\nexports\.value = await/);
    const exports: { value?: number } = {};
    vm.runInThisContext(`(function (exports) {${wrapped}\n})`)(exports);
    await settleTopLevelAwait();
    assert.equal(exports.value, 3);
  });
});

describe('top-level await (through the worker)', function () {
  this.timeout(60_000);

  function request(file: string, model: string): SanityRequest {
    return { file: path.join(BUILDERS, file), model, steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
  }
  const run = (req: SanityRequest): Promise<SanityOutcome> => runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });

  it('a TypeScript module that awaits tfjs and its settings at the top level runs, with what it awaited', async () => {
    const outcome = await run(request('awaits-backend.ts', 'buildAwaitedNet'));
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.equal(report.runs[0].graph?.nodes.find((n) => n.className === 'Dense')?.outputShape?.at(-1), 12);
    assert.equal(report.runs[0].norm, 'batchNormalization');
    assert.equal(report.runs[0].steps, 2);
  });

  it('a top-level await that rejects: skipped on the last attempt, and the builder that needs its value fails in one line with both reasons', async () => {
    const outcome = await run(request('awaits-failing.js', 'buildFromSettings'));
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /^buildFromSettings\(\) threw: TypeError: .*\(awaits-failing\.js throws when it loads: Error: the settings file is missing \(at .*awaits-failing\.js:4\); sanity-train skipped the statements that threw, ran the rest of the file\)$/);
  });
});
