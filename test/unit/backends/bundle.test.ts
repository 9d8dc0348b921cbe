import * as esbuild from 'esbuild';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const outDir = path.join(root, 'dist', 'test-bundles');

describe('training backends from an esbuild bundle in dist/ (as the worker ships)', function () {
  this.timeout(60000);
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('finds the wasm binaries, registers the kernels and trains a conv net', async () => {
    const outfile = path.join(outDir, 'backends-smoke.js');
    // The same options as scripts/build.mjs: packages stay external and resolve from node_modules.
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'bundle-entry.ts')], outfile,
      bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error',
    });
    const run = spawnSync(process.execPath, [outfile], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { name: string; backend: string; filterGradient: number[] };
    assert.equal(result.backend, result.name.startsWith('tensorflow') ? 'tensorflow' : result.name);
    assert.ok(['tensorflow-gpu', 'tensorflow', 'wasm'].includes(result.name), `auto chose ${result.name}`);
    // Input all ones, 5×5, stride 2, 'same' (one row of padding each side): filter row i meets the
    // input at [2, 3, 2][i] of the 3 output rows; likewise columns; two batch items, two output channels.
    const reach = [2, 3, 2];
    const expected = reach.flatMap((r) => reach.flatMap((c) => [2 * r * c, 2 * r * c]));
    assert.deepEqual(result.filterGradient, expected);
  });
});
