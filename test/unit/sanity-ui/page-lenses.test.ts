/**
 * Sanity-train lenses on an HTML page: the analysis reads the page's inline scripts (the text the CLI and
 * the worker read), so lenses sit on the builder's own line of the page, and nothing outside the
 * scripts (event attributes, markup text, scripts of other types) gets one. The guess made before the
 * analysis answers reads only the script bodies and puts no lens where the analysis puts none.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analysisThreadMethods } from '../../../src/analysis-thread/methods';
import { findModelBuilders } from '../../../src/core/analysis/builders/model-builders';
import { findModelBuildersInFile, proposeArgumentsInFile } from '../../../src/core/analysis/page/file-texts';
import { pageScriptBodies } from '../../../src/core/analysis/page/page-scripts';
import { guessedLensSpecs, sanityLensSpecs, SANITY_COMPARE_COMMAND, SANITY_TRAIN_COMMAND, type BuilderFinder } from '../../../src/vscode/sanity/lenses/lens-specs';

const PAGES = path.resolve(__dirname, '../../fixtures/sanity/pages');
/** What the analysis thread runs for the editor: the file's text as written. */
const inFile: BuilderFinder = async (code, fileName) => findModelBuildersInFile(code, fileName);

/** A page with builders in two scripts, and builder-like code where nothing runs it as a script. */
const PAGE = [
  '<!DOCTYPE html>', //                                                                 1
  '<html><head><script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs"></script></head>', // 2
  '<body>',
  '<button onclick="const m = tf.sequential(); m.add(tf.layers.dense({units: 1, inputShape: [2]})); window.m = m">Make</button>',
  '<pre>function fromTheDocs() { return tf.sequential(); }</pre>', //                   5
  '<script>',
  'function makeNet(units) {', //                                                        7
  '  const net = tf.sequential();',
  '  net.add(tf.layers.dense({ units, inputShape: [4] }));',
  '  return net;',
  '}',
  '</script>',
  '<script type="text/babel">',
  'function Babel() { return tf.sequential(); }', //                                     14
  '</script>',
  '<p>tf.sequential() is how the notes begin.</p>',
  '<script>',
  'defineGlobal = async function () {', //                                                18
  '  model = tf.sequential();',
  '  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));',
  '};',
  '</script>',
  '<button onclick="makeNet(8)">Eight</button>',
  '</body></html>',
].join('\n');

describe('sanity lenses on an HTML page', () => {
  const table: { name: string; fileName: string; code: string; expected: [number, string][] }[] = [
    { name: 'builders of two inline scripts, none in handlers, markup text or text/babel', fileName: 'demo.html', code: PAGE, expected: [[7, 'makeNet'], [18, 'defineGlobal']] },
    { name: 'an .htm page', fileName: 'DEMO.HTM', code: PAGE, expected: [[7, 'makeNet'], [18, 'defineGlobal']] },
    { name: 'builder-like text outside any script only', fileName: 'notes.html', code: '<script src="tf.min.js"></script>\n<pre>\nfunction notes() {\n  return tf.sequential();\n}\n</pre>', expected: [] },
    { name: 'a module script', fileName: 'mod.html', code: "<script type=\"module\">\nimport * as tf from 'https://esm.run/@tensorflow/tfjs';\nexport function build() {\n  return tf.sequential();\n}\n</script>", expected: [[3, 'build']] },
  ];
  for (const { name, fileName, code, expected } of table) {
    it(`${name}: a train and a compare lens on the page's line (1-based here)`, async () => {
      const specs = await sanityLensSpecs(code, fileName, inFile);
      const want = expected.flatMap(([line, builder]) => [
        { line: line - 1, builder, command: SANITY_TRAIN_COMMAND },
        { line: line - 1, builder, command: SANITY_COMPARE_COMMAND },
      ]);
      assert.deepEqual(
        specs.map((s) => ({ line: s.line, builder: s.builder, command: s.command })),
        want,
      );
    });

    it(`${name}: the guess made before the analysis answers puts lenses on the same lines only`, () => {
      const guessed = guessedLensSpecs(code, true, fileName);
      assert.deepEqual([...new Set(guessed.map((s) => [s.line + 1, s.builder].join(' ')))], expected.map(([line, id]) => `${line} ${id}`));
    });
  }

  it('Restricted Mode on a page: one trust lens per builder, on its line', async () => {
    const specs = await sanityLensSpecs(PAGE, 'demo.html', inFile, false);
    assert.deepEqual(specs.map((s) => [s.line + 1, s.builder, s.command]), [[7, 'makeNet', 'workbench.trust.manage'], [18, 'defineGlobal', 'workbench.trust.manage']]);
  });

  it('a script file is read as it is (pages only are turned into their scripts)', () => {
    const code = "import * as tf from '@tensorflow/tfjs';\nexport function createModel() {\n  return tf.sequential();\n}\n";
    assert.deepEqual(findModelBuildersInFile(code, 'model.ts'), findModelBuilders(code, 'model.ts'));
    assert.deepEqual(analysisThreadMethods.findModelBuilders(PAGE, 'demo.html').map((b) => [b.id, b.line]), [['makeNet', 7], ['defineGlobal', 18]], 'the analysis thread reads pages');
  });

  it("the argument box's proposal for a page's builder comes from the page's own handler call", () => {
    const [makeNet] = findModelBuildersInFile(PAGE, 'demo.html');
    assert.equal(makeNet?.id, 'makeNet');
    const proposal = proposeArgumentsInFile(makeNet!, { file: '/ws/demo.html', code: PAGE });
    assert.deepEqual(proposal.args, [8], JSON.stringify(proposal));
  });

  it("a page among the package's files is read as its scripts for the call search", () => {
    const builderFile = "export function makeNet(units) {\n  return tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [4] })] });\n}\n";
    const [makeNet] = findModelBuildersInFile(builderFile, '/ws/net.js');
    const page = '<p>makeNet(99) in the notes</p>\n<script src="net.js"></script>\n<script>\nconst net = makeNet(16);\n</script>';
    const proposal = proposeArgumentsInFile(makeNet!, { file: '/ws/net.js', code: builderFile }, { files: [{ file: '/ws/index.html', code: page }] });
    assert.deepEqual(proposal.args, [16], JSON.stringify(proposal));
  });

  it('pageScriptBodies keeps script bodies in place and blanks handlers, markup and other script types', () => {
    const bodies = pageScriptBodies(PAGE);
    assert.equal(bodies.length, PAGE.length);
    const lines = bodies.split('\n');
    assert.equal(lines.length, PAGE.split('\n').length);
    assert.equal(lines[6], 'function makeNet(units) {');
    for (const blankLine of [4, 5, 14, 16, 23]) {
      assert.equal(lines[blankLine - 1]!.trim(), '', `line ${blankLine}`);
    }
  });
});

describe('sanity lenses on the fixture pages', () => {
  const pages = fs.readdirSync(PAGES).filter((f) => /\.html?$/.test(f));
  for (const name of pages) {
    it(`${name}: every guessed lens line is one the analysis puts lenses on`, async () => {
      const code = fs.readFileSync(path.join(PAGES, name), 'utf8');
      const realLines = new Set((await sanityLensSpecs(code, name, inFile)).map((s) => s.line));
      const wrong = guessedLensSpecs(code, true, name).filter((s) => !realLines.has(s.line));
      assert.deepEqual(wrong.map((s) => `${s.line + 1}: ${s.builder}`), []);
    });
  }

  it("cifar-page.html: myDefineModel's lenses on its line 20, none on the onclick that calls it", async () => {
    const code = fs.readFileSync(path.join(PAGES, 'cifar-page.html'), 'utf8');
    const specs = await sanityLensSpecs(code, 'cifar-page.html', inFile);
    assert.deepEqual(specs.map((s) => [s.line + 1, s.builder]), [[20, 'myDefineModel'], [20, 'myDefineModel']]);
    assert.deepEqual([...new Set(guessedLensSpecs(code, true, 'cifar-page.html').map((s) => s.line + 1))], [20]);
  });
});
