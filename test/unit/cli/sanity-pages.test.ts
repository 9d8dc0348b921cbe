import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { SanityReport } from '../../../src/core/training/protocol';
import { rbn } from './cli-helpers';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity/pages');
const FAST = ['--steps', '3', '--batch-size', '4', '--backend', 'cpu', '--data', 'synthetic'];

describe('rbn sanity on HTML pages and on builders that keep the model in a variable', function () {
  this.timeout(120_000);

  const rows: { file: string; model?: string; builder: string; variable: string }[] = [
    // Markup with `**` and `<b>` between scripts, a commented-out script, `<!--` inside one, text/babel and shader
    // scripts, CDN src scripts; the builder writes to the page's elements before and after building.
    { file: 'cifar-page.html', builder: 'myDefineModel', variable: 'model' },
    { file: 'module-variable.mjs', model: 'initModel', builder: 'initModel', variable: 'model' },
    { file: 'implicit-global.js', builder: 'defineModel', variable: 'network' },
    { file: 'window-globals.js', builder: 'defineModel', variable: 'classifier' },
  ];
  for (const row of rows) {
    it(`${row.file}: ${row.builder}() returns nothing; the model it assigned to \`${row.variable}\` trains`, async () => {
      const { code, stdout, stderr } = await rbn(['sanity', row.file, ...(row.model ? ['--model', row.model] : []), ...FAST, '--json'], FIXTURES);
      assert.equal(code, 0, stderr);
      const report = JSON.parse(stdout) as SanityReport;
      assert.equal(report.call?.model, row.builder);
      assert.ok(report.notes?.includes(`${row.builder}() returned nothing; trained the model it assigned to \`${row.variable}\``), JSON.stringify(report.notes));
      assert.equal(report.runs[0]?.steps, 3);
    });
  }

  it('the text report says so too', async () => {
    const { code, stdout } = await rbn(['sanity', 'cifar-page.html', ...FAST], FIXTURES);
    assert.equal(code, 0);
    assert.match(stdout, /note: myDefineModel\(\) returned nothing; trained the model it assigned to `model`/);
  });

  it('a call in an onclick attribute gives the arguments; event attributes never run at load', async () => {
    // The page's onload calls a function the page does not define: run at load, it would throw.
    const { code, stdout, stderr } = await rbn(['sanity', 'sized-page.html', ...FAST, '--json'], FIXTURES);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(report.call?.args, [12, 3]);
    assert.match(report.call?.argsSource ?? '', /sized-page\.html:3/);
    assert.match(stderr, /defineModel\(12, 3\): from the call in .*sized-page\.html:3/);
  });

  it("a builder that reads a form field's value gets what the page's HTML gives it", async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'reads-the-page.html', '--model', 'defineModel', ...FAST, '--json'], FIXTURES);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(report.runs[0].graph?.nodes.find((n) => n.className === 'Dense')?.outputShape, [null, 16]);
  });

  it('a builder that reads what an element shows gets what the page shows as it opens', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'reads-the-page.html', '--model', 'defineFromStatus', ...FAST, '--json'], FIXTURES);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(report.runs[0].graph?.nodes.find((n) => n.className === 'Dense')?.outputShape, [null, 4]);
  });

  it('a builder that reads what only a browser lays out fails naming what it read', async () => {
    const { code, stderr } = await rbn(['sanity', 'reads-the-page.html', '--model', 'defineFromCanvas', ...FAST], FIXTURES);
    assert.equal(code, 2);
    assert.match(stderr, /defineFromCanvas\(\) threw: BrowserOnlyError: document\.getElementById\('chart'\)\.width is browser-only/);
  });

  it("a page script that throws as it loads stops only itself: the later script's class builds and trains, with a note", async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'throws-at-load.html', '--model', 'PolicyNet.makeModel', ...FAST, '--json'], FIXTURES);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.equal(report.runs[0]?.steps, 3);
    assert.ok(report.notes?.some((n) => /^throws-at-load\.html throws when it loads: BrowserOnlyError: localStorage\.getItem is browser-only.*skipped the statements that threw/.test(n)), JSON.stringify(report.notes));
  });

  it('a module script importing tfjs from a CDN gets the page\'s tfjs', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'module-page.html', ...FAST, '--json'], FIXTURES);
    assert.equal(code, 0, stderr);
    assert.equal((JSON.parse(stdout) as SanityReport).call?.model, 'build');
  });

  it('a page whose inline scripts build nothing names the script files it loads', async () => {
    const { code, stderr } = await rbn(['sanity', 'scripts-from-files.html', ...FAST], FIXTURES);
    assert.equal(code, 2);
    assert.match(stderr, /no model builder in .*scripts-from-files\.html: .*; the page's inline scripts have none, and it loads digits-model\.js: run sanity on that file/);
  });

  it('a script file a page loads gets its arguments from the page\'s onclick', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', path.join('site', 'digits-net.js'), ...FAST, '--json'], FIXTURES);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(report.call?.args, [20, 5]);
    assert.match(report.call?.argsSource ?? '', /site\/index\.html:6/);
    assert.ok(report.notes?.includes('createDigitsNet() returned nothing; trained the model it assigned to `digitsNet`'), JSON.stringify(report.notes));
  });

  it('a page whose script does not parse: the page, the script\'s line and the parser\'s complaint', async () => {
    const { code, stderr } = await rbn(['sanity', 'broken-page.html', '--model', 'defineModel', ...FAST], FIXTURES);
    assert.equal(code, 2);
    assert.match(stderr, /broken-page\.html: the <script> at line 13 does not parse, line 15: Unexpected token '\)'/);
  });
});
