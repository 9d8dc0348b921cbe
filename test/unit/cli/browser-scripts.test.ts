import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { refactorPaths } from '../../../src/cli/refactor-files';

const CDN = 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4.22.0/dist/tf.min.js';
const APP = 'const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 4, inputShape: [3] }));\nmodel.add(tf.layers.batchNormalization());\n';
const PAGE = `<!doctype html>\n<html>\n  <body>\n    <script src="${CDN}"></script>\n    <script src="js/app.js"></script>\n  </body>\n</html>\n`;

describe('rbn convert/revert: browser scripts and their HTML pages', () => {
  let dir = '';
  const read = (rel: string): string => fs.readFileSync(path.join(dir, rel), 'utf8');
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-browser-'));
    write('site/js/app.js', APP);
    write('site/index.html', PAGE);
    write('site/about/index.html', `<script src="${CDN}"></script>\n<script src="../js/app.js"></script>\n`);
    write('site/other.html', `<script src="${CDN}"></script>\n`);
    write('lonely/solo.js', APP);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('converts the calls, adds the layer script and its tag to every page that loads the file, and reverts both', () => {
    const { json } = refactorPaths(['site', 'lonely'], dir, 'convert', { dryRun: false });
    assert.match(read('site/js/app.js'), /model\.add\(tf\.runningBatchNorm\(\)\);/);
    assert.match(read('site/js/running-batch-norm.browser.js'), /Object\.assign\(tf, \{ RunningBatchNorm, runningBatchNorm/);
    assert.equal(read('site/index.html'), PAGE.replace('    <script src="js/app.js">', '    <script src="js/running-batch-norm.browser.js"></script>\n    <script src="js/app.js">'));
    assert.match(read('site/about/index.html'), /tf\.min\.js"><\/script>\n<script src="\.\.\/js\/running-batch-norm\.browser\.js"><\/script>\n<script src="\.\.\/js\/app\.js">/);
    assert.equal(read('site/other.html'), `<script src="${CDN}"></script>\n`);
    assert.deepEqual(json.htmlPages.sort(), ['site/about/index.html', 'site/index.html']);
    const lonely = json.files.find((f) => f.file === 'lonely/solo.js');
    assert.match(lonely?.note ?? '', /No HTML page in the workspace loads solo\.js: add <script src="running-batch-norm\.browser\.js"><\/script> right after the tfjs <script> tag/);

    refactorPaths(['site'], dir, 'revert', { dryRun: false });
    assert.equal(read('site/js/app.js'), APP);
    assert.equal(read('site/index.html'), PAGE);
    assert.equal(read('site/about/index.html'), `<script src="${CDN}"></script>\n<script src="../js/app.js"></script>\n`);
  });

  it('skipped layers are reported at their line in the file as written (after the added import)', () => {
    write('pkg/m.ts', "import * as tf from '@tensorflow/tfjs';\nexport const make = (f: typeof tf.layers.batchNormalization) => f({});\ntf.layers.batchNormalization();\n");
    const { json } = refactorPaths(['pkg'], dir, 'convert', { dryRun: false });
    const entry = json.files.find((f) => f.file === 'pkg/m.ts');
    assert.equal(entry?.converted, 1);
    assert.deepEqual(entry?.skipped.map((s) => s.line), [3]);
    assert.match(read('pkg/m.ts').split('\n')[2] ?? '', /f\(\{\}\)/);
  });

  it('--dry-run writes nothing and shows the page diff', () => {
    const { json, diff } = refactorPaths(['site'], dir, 'convert', { dryRun: true });
    assert.deepEqual(json.htmlPages.sort(), ['site/about/index.html', 'site/index.html']);
    assert.match(diff, /\+ {4}<script src="js\/running-batch-norm\.browser\.js"><\/script>/);
    assert.equal(read('site/index.html'), PAGE);
    assert.equal(read('site/js/app.js'), APP);
  });
});
