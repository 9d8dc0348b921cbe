import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { transpile } from '../../../src/worker/loading/module-loader';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const PACKAGE = path.resolve(__dirname, '../../fixtures/sanity/esm-package');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

describe('import.meta in an ES module transpiled to CommonJS', () => {
  const rows: [string, string, (here: { url: string; filename: string; dirname: string }) => unknown][] = [
    ['import.meta.url is the file URL', 'export const v = import.meta.url;', (h) => h.url],
    ['import.meta.filename and .dirname', 'export const v = [import.meta.filename, import.meta.dirname];', (h) => [h.filename, h.dirname]],
    ['the folder from the URL, as modules find it', "import url from 'url';\nimport path from 'path';\nexport const v = path.dirname(url.fileURLToPath(import.meta.url));", (h) => h.dirname],
  ];
  for (const [title, code, expected] of rows) {
    it(title, () => {
      const file = path.join(PACKAGE, 'probe.js');
      const out = transpile(code, file);
      assert.doesNotMatch(out.replace(/\/\/# sourceMappingURL=.*$/m, ''), /import\.meta/);
      const exports: { v?: unknown } = {};
      vm.runInThisContext(`(function (exports, require, __filename, __dirname) {${out}\n})`)(exports, require, file, PACKAGE);
      assert.deepEqual(exports.v, expected({ url: `file://${file}`, filename: file, dirname: PACKAGE }));
    });
  }
});

describe('a package of ES modules ("type": "module") whose helper reads import.meta (through the worker)', function () {
  this.timeout(60_000);

  it('loads and trains', async () => {
    const req: SanityRequest = { file: path.join(PACKAGE, 'grid-net.js'), model: 'gridNet', args: [5, 5], steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
    const outcome: SanityOutcome = await runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.equal(report.runs[0].norm, 'batchNormalization');
    assert.equal(report.runs[0].steps, 2);
  });
});

describe('a namespace import of a package that is not installed (through the worker)', function () {
  this.timeout(60_000);

  it('`import * as codec` of the stand-in constructs at load, and the note names the package', async () => {
    const req: SanityRequest = { file: path.resolve(__dirname, '../../fixtures/sanity/builders/missing-namespace-package.js'), model: 'createReplayNet', steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
    const outcome: SanityOutcome = await runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.ok(report.notes?.some((n) => n.startsWith('rbn-fixture-binary-codec-that-is-not-installed is not installed: the module loaded with an inert stand-in')), JSON.stringify(report.notes));
    assert.equal(report.runs[0].steps, 2);
  });
});
