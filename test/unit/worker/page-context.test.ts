import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { literalGlobalsOf } from '../../../src/worker/loading/page/literal-globals';
import { defineLaterGlobals, laterGlobalsNote, pageContextNote, pageContextOf, runPageScripts } from '../../../src/worker/loading/page/page-context';
import { projectRoot } from '../../../src/worker/package-root';

const FIXTURE = path.resolve(__dirname, '../../fixtures/sanity/page-context');
const LATER = path.resolve(__dirname, '../../fixtures/sanity/page-later-globals');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

describe('a classic script a page loads runs after the page’s earlier scripts', function () {
  this.timeout(60_000);

  it('the page that loads it, the local scripts before it and those after it, in order (tfjs left out)', () => {
    assert.deepEqual(pageContextOf(FIXTURE, path.join(FIXTURE, 'js/net.js')), {
      page: path.join(FIXTURE, 'view/index.html'),
      scripts: [path.join(FIXTURE, 'js/config.js'), path.join(FIXTURE, 'js/widgets.js')],
      later: [path.join(FIXTURE, 'js/app.js')],
    });
    assert.equal(pageContextOf(FIXTURE, path.join(FIXTURE, 'js/other.js')), undefined);
  });

  it('pages are looked for in the project folder, else one folder above the script’s', () => {
    assert.equal(projectRoot(path.join(FIXTURE, 'js/net.js')), FIXTURE);
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-page-root-'));
    fs.mkdirSync(path.join(bare, 'common'));
    assert.equal(projectRoot(path.join(bare, 'common', 'model.js')), bare);
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
        pageContextNote({ page: path.join(dir, 'index.html'), scripts: [a, b, c], later: [] }, failed, dir),
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

describe('globals a later script of the page declares with literal values', function () {
  this.timeout(60_000);

  const rows: { title: string; script: string; reader: string; expected: [string, unknown][] }[] = [
    { title: 'var, let and const of literals the reader uses', script: 'var w = 12;\nlet h = 8;\nconst labels = ["x", "y"];', reader: 'shape: [h, w, 1]; units: labels.length', expected: [['w', 12], ['h', 8], ['labels', ['x', 'y']]] },
    { title: 'not a value computed at run time, nor one inside a function', script: 'var w = window.innerWidth;\nfunction f() { var h = 8; }\nvar n = 2 * 3;', reader: 'f(w, h, n)', expected: [['n', 6]] },
    { title: 'not a name the reader declares itself, or only uses as a member or a key', script: 'var w = 12; var h = 8; var k = 1;', reader: 'var w = 3; const s = x.h; const o = { k: 2 };', expected: [] },
    { title: 'a literal may use an earlier top-level const', script: 'const SIDE = 16;\nvar inputShape = [SIDE, SIDE, 3];', reader: 'tf.input({ shape: inputShape })', expected: [['inputShape', [16, 16, 3]]] },
  ];
  for (const row of rows) {
    it(row.title, () => {
      assert.deepEqual([...literalGlobalsOf(row.script, row.reader)], row.expected);
    });
  }

  it('sets those nothing defines yet, and the note says where they came from and that the script did not run', () => {
    const context = pageContextOf(LATER, path.join(LATER, 'static/model.js'));
    assert.deepEqual(context?.later, [path.join(LATER, 'static/camera.js')]);
    const global = globalThis as Record<string, unknown>;
    global.cropHeight = 4;
    try {
      const set = defineLaterGlobals(context!.later, fs.readFileSync(path.join(LATER, 'static/model.js'), 'utf8'));
      assert.deepEqual(set.map((g) => [g.name, g.value]), [['cropWidth', 12], ['outputs', ['x', 'y']]]);
      assert.equal(global.cropHeight, 4);
      assert.equal(
        laterGlobalsNote(context!, set, path.join(LATER, 'static/model.js'), LATER),
        'took cropWidth = 12, outputs = ["x","y"] from static/camera.js, which index.html loads after static/model.js: the page has run those declarations by the time its code calls the builder (the script was not run)',
      );
    } finally {
      for (const name of ['cropWidth', 'cropHeight', 'outputs']) {
        delete global[name];
      }
    }
  });

  it('a later script that cannot be read is passed over, as a browser goes on past it', () => {
    assert.deepEqual(defineLaterGlobals([path.join(LATER, 'static/missing.js')], 'tf.input({ shape: [cropHeight] })'), []);
  });

  it('a builder whose input size a later script of its page declares trains, and the report says so', async () => {
    const request: SanityRequest = { file: path.join(LATER, 'static/model.js'), model: 'makeModel', args: [], steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
    const outcome: SanityOutcome = await runSanityTrain(request, { workerScript: WORKER, maxMemoryMb: 2048 });
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('took cropWidth = 12, cropHeight = 8, outputs = ["x","y"] from static/camera.js')), JSON.stringify(report.notes));
  });

});
