import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { pageContextNote, pageContextOf, pageSearchRoot, runPageScripts } from '../../../src/worker/loading/page/page-context';

const FIXTURE = path.resolve(__dirname, '../../fixtures/sanity/page-context');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

describe('a classic script a page loads runs after the page’s earlier scripts', function () {
  this.timeout(60_000);

  it('the page that loads it and the local scripts before it, in order (tfjs and later scripts left out)', () => {
    assert.deepEqual(pageContextOf(FIXTURE, path.join(FIXTURE, 'js/net.js')), {
      page: path.join(FIXTURE, 'view/index.html'),
      scripts: [path.join(FIXTURE, 'js/config.js'), path.join(FIXTURE, 'js/widgets.js')],
    });
    assert.equal(pageContextOf(FIXTURE, path.join(FIXTURE, 'js/other.js')), undefined);
  });

  it('pages are looked for in the project folder, else one folder above the script’s', () => {
    assert.equal(pageSearchRoot(path.join(FIXTURE, 'js/net.js')), FIXTURE);
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-page-root-'));
    fs.mkdirSync(path.join(bare, 'common'));
    assert.equal(pageSearchRoot(path.join(bare, 'common', 'model.js')), bare);
    fs.rmSync(bare, { recursive: true, force: true });
  });

  it('runs scripts in one global scope and goes on past one that throws, as a browser does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-page-scripts-'));
    const [a, b, c] = ['a.js', 'b.js', 'c.js'].map((n) => path.join(dir, n));
    fs.writeFileSync(a, 'const rbnPageContextA = 2;\n');
    fs.writeFileSync(b, 'missingHelper();\n');
    fs.writeFileSync(c, 'globalThis.rbnPageContextC = rbnPageContextA * 3;\n');
    try {
      const failed = runPageScripts([a, b, c]);
      assert.deepEqual(failed, [{ file: b, error: 'ReferenceError: missingHelper is not defined' }]);
      assert.equal((globalThis as Record<string, unknown>).rbnPageContextC, 6);
      assert.equal(
        pageContextNote({ page: path.join(dir, 'index.html'), scripts: [a, b, c] }, failed, dir),
        'ran the 3 scripts that index.html loads before it (a.js, b.js, c.js) first, in one global scope as the page does; 1 of them threw and was skipped, as a browser goes on: b.js (ReferenceError: missingHelper is not defined)',
      );
    } finally {
      delete (globalThis as Record<string, unknown>).rbnPageContextC;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a builder that reads a const and a function of an earlier script trains, and the report says which page ran', async () => {
    const request: SanityRequest = { file: path.join(FIXTURE, 'js/net.js'), model: 'Net', args: ['small'], steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
    const outcome: SanityOutcome = await runSanityTrain(request, { workerScript: WORKER, maxMemoryMb: 2048 });
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('ran the 2 scripts that view/index.html loads before it (js/config.js, js/widgets.js) first') && n.includes('js/widgets.js (ReferenceError: $ is not defined)')), JSON.stringify(report.notes));
  });
});
