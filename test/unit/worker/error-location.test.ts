import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity/module-kinds');
// The bundled worker, in plain Node: under tsx (the test process's loader) .mjs and .cjs files would load through
// tsx's own hooks, not the worker's, and hide what this checks.
const WORKER = path.resolve(__dirname, '../../../dist/worker.js');

// .mjs/.mts/.cjs/.cts files are transpiled under another extension's name; the failure must still name the file as written.
describe('a builder failure names its line in every kind of module (bundled worker)', function () {
  this.timeout(60_000);
  before(() => assert.ok(fs.existsSync(WORKER), 'dist/worker.js is missing: run `npm run build` first'));
  for (const file of ['missing-layer.mjs', 'missing-layer.mts', 'missing-layer.cjs', 'missing-layer.cts']) {
    it(file, async () => {
      const request: SanityRequest = { file: path.join(FIXTURES, file), model: 'buildClassifier', steps: 5, batchSize: 8, compare: false, backend: 'cpu', timeoutMs: 40_000, seed: 1 };
      const outcome = await runSanityTrain(request, { workerScript: WORKER, maxMemoryMb: 2048 });
      assert.equal(outcome.kind, 'error');
      const message = (outcome as { message: string }).message;
      assert.ok(message.startsWith(`buildClassifier() threw: TypeError: tf.layers.sigmoid is not a function (at ${path.join(FIXTURES, file)}:8) — tfjs has no tf.layers.sigmoid`), message);
    });
  }
});

// tsc drops an import of types only; transpiled file by file, a re-exported one stays (a sibling module that re-exports
// tfjs), and a path inside a tfjs
// package's build (its ES modules) cannot be loaded by Node as it is written.
describe("a TypeScript module re-exporting types from inside tfjs packages' builds (bundled worker)", function () {
  this.timeout(60_000);
  it('loads, and its builder trains', async () => {
    const request: SanityRequest = { file: path.join(FIXTURES, 'deep-types', 'dense-model.ts'), model: 'buildDense', args: [8], steps: 3, batchSize: 8, compare: false, backend: 'cpu', timeoutMs: 40_000, seed: 1, data: 'synthetic' };
    const outcome = await runSanityTrain(request, { workerScript: WORKER, maxMemoryMb: 2048 });
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
  });
});
