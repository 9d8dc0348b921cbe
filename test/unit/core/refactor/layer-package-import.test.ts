/**
 * Conversion in a project that depends on the layer's npm package: modules import `runningBatchNorm` from
 * the package and no layer file is copied; revert takes the import away again. The package name comes
 * from packages/layer/package.json, as in the extension and the CLI.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { refactorPaths } from '../../../../src/cli/refactor-files';
import { rbn } from '../../cli/cli-helpers';
import { applyTextEdits, convertToRunningBatchNorm, layerImportFor, revertToBatchNormalization } from '../../../../src/core/refactor';
import { layerPackageOf } from '../../../../src/core/workspace';
import { LAYER_PACKAGE_NAME } from '../../../../src/layer/package-name';

const PKG = LAYER_PACKAGE_NAME;

const cases: { name: string; file: string; code: string; expected: string }[] = [
  {
    name: 'TypeScript: a named import from the package',
    file: '/p/src/model.ts',
    code: `import * as tf from '@tensorflow/tfjs';\n\nexport const m = tf.sequential({ layers: [tf.layers.batchNormalization({ axis: -1 })] });\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from '${PKG}';\n\nexport const m = tf.sequential({ layers: [runningBatchNorm({ axis: -1 })] });\n`,
  },
  {
    name: 'TypeScript in NodeNext style (.js suffixes): the package name has none',
    file: '/p/src/model.ts',
    code: `import * as tf from '@tensorflow/tfjs';\nimport { data } from './data.js';\ntf.layers.batchNormalization();\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nimport { data } from './data.js';\nimport { runningBatchNorm } from '${PKG}';\nrunningBatchNorm();\n`,
  },
  {
    name: 'ES module JavaScript (.mjs)',
    file: '/p/src/model.mjs',
    code: `import * as tf from '@tensorflow/tfjs';\nexport const l = tf.layers.batchNormalization();\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from '${PKG}';\nexport const l = runningBatchNorm();\n`,
  },
  {
    name: 'CommonJS on tfjs-node, in the file\'s quotes and without semicolons',
    file: '/p/src/train.js',
    code: `const tf = require("@tensorflow/tfjs-node")\nmodule.exports = () => tf.layers.batchNormalization()\n`,
    expected: `const tf = require("@tensorflow/tfjs-node")\nconst { runningBatchNorm } = require("${PKG}")\nmodule.exports = () => runningBatchNorm()\n`,
  },
  {
    name: 'a .cjs file',
    file: '/p/src/train.cjs',
    code: `'use strict';\nconst tf = require('@tensorflow/tfjs');\ntf.layers.batchNormalization();\n`,
    expected: `'use strict';\nconst tf = require('@tensorflow/tfjs');\nconst { runningBatchNorm } = require('${PKG}');\nrunningBatchNorm();\n`,
  },
];

describe('refactor: importing the layer from its npm package', () => {
  for (const c of cases) {
    it(`${c.name}: imports from the package, copies no layer file, and reverts to the original`, () => {
      const input = { code: c.code, fileName: c.file, layerFilePath: path.join(path.dirname(c.file), 'running-batch-norm.ts'), layerPackage: PKG };
      const result = convertToRunningBatchNorm(input);
      assert.equal(result.kind, 'edits');
      assert.ok(result.kind === 'edits');
      assert.equal(result.layerFile, undefined);
      const converted = applyTextEdits(c.code, result.edits);
      assert.equal(converted, c.expected);
      const reverted = revertToBatchNormalization({ ...input, code: converted });
      assert.ok(reverted.kind === 'edits', reverted.kind === 'notApplicable' ? reverted.reason : '');
      assert.equal(applyTextEdits(converted, reverted.edits), c.code);
      // Without the dependency the same file vendors, as before.
      const vendored = convertToRunningBatchNorm({ ...input, layerPackage: undefined });
      assert.ok(vendored.kind === 'edits' && vendored.layerFile);
      assert.doesNotMatch(applyTextEdits(c.code, vendored.edits), new RegExp(PKG));
    });
  }

  it('a file that imports from the package already converts with that import, adding none', () => {
    const code = `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from '${PKG}';\nrunningBatchNorm();\ntf.layers.batchNormalization();\n`;
    for (const layerPackage of [PKG, undefined]) {
      const result = convertToRunningBatchNorm({ code, fileName: '/p/m.ts', layerFilePath: '/p/running-batch-norm.ts', layerPackage });
      assert.ok(result.kind === 'edits');
      assert.equal(applyTextEdits(code, result.edits), code.replace('tf.layers.batchNormalization()', 'runningBatchNorm()'));
    }
  });

  it('a browser script on the global tf still gets the vendored browser script (a page cannot load a package)', () => {
    const code = 'const model = tf.sequential();\nmodel.add(tf.layers.batchNormalization());\n';
    const result = convertToRunningBatchNorm({ code, fileName: '/p/site/app.js', layerFilePath: '/p/site/running-batch-norm.js', layerPackage: PKG });
    assert.ok(result.kind === 'edits' && result.globalTf);
    assert.equal(result.layerFile?.path, '/p/site/running-batch-norm.browser.js');
  });

  it('snippets: the import names the package and there is no layer file to create', () => {
    const code = `import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\n`;
    const result = layerImportFor({ code, fileName: '/p/m.ts', layerFilePath: '/p/running-batch-norm.ts', layerPackage: PKG });
    assert.equal(result?.layerFile, undefined);
    assert.equal(result?.edit?.newText, `\nimport { runningBatchNorm } from '${PKG}';`);
  });
});

describe('workspace: whether the nearest package.json depends on the layer package', () => {
  let dir = '';
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-layer-dep-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const table: { name: string; manifests: Record<string, string>; file: string; expected: string | undefined }[] = [
    { name: 'dependencies', manifests: { 'package.json': JSON.stringify({ dependencies: { [PKG]: '^0.1.0' } }) }, file: 'src/m.ts', expected: PKG },
    { name: 'devDependencies', manifests: { 'package.json': JSON.stringify({ devDependencies: { [PKG]: '^0.1.0' } }) }, file: 'src/deep/m.js', expected: PKG },
    { name: 'peerDependencies', manifests: { 'package.json': JSON.stringify({ peerDependencies: { [PKG]: '*' } }) }, file: 'm.mjs', expected: PKG },
    { name: 'only tfjs', manifests: { 'package.json': JSON.stringify({ dependencies: { '@tensorflow/tfjs': '^4.22.0' } }) }, file: 'src/m.ts', expected: undefined },
    { name: 'a nearer package.json without it wins', manifests: { 'package.json': JSON.stringify({ dependencies: { [PKG]: '1' } }), 'packages/a/package.json': '{"name":"a"}' }, file: 'packages/a/src/m.ts', expected: undefined },
    { name: 'a nearer package.json with it', manifests: { 'package.json': '{}', 'packages/a/package.json': JSON.stringify({ dependencies: { [PKG]: '1' } }) }, file: 'packages/a/m.ts', expected: PKG },
    { name: 'a package.json that does not parse', manifests: { 'package.json': `{ "dependencies": { "${PKG}": ` }, file: 'm.ts', expected: undefined },
    { name: 'the name only in scripts', manifests: { 'package.json': JSON.stringify({ scripts: { [PKG]: 'x' } }) }, file: 'm.ts', expected: undefined },
  ];
  for (const c of table) {
    it(`${c.name} → ${c.expected ?? 'vendor'}`, () => {
      Object.entries(c.manifests).forEach(([rel, text]) => write(rel, text));
      assert.equal(layerPackageOf(path.join(dir, c.file)), c.expected);
    });
  }

  it('rbn convert imports from the package where the project depends on it, and vendors elsewhere', () => {
    const model = `import * as tf from '@tensorflow/tfjs';\nexport const l = tf.layers.batchNormalization();\n`;
    write('uses-package/package.json', JSON.stringify({ dependencies: { '@tensorflow/tfjs': '^4.22.0', [PKG]: '^0.1.0' } }));
    write('uses-package/src/model.ts', model);
    write('vendors/package.json', JSON.stringify({ dependencies: { '@tensorflow/tfjs': '^4.22.0' } }));
    write('vendors/src/model.ts', model);
    const { json } = refactorPaths(['uses-package', 'vendors'], dir, 'convert', { dryRun: false });
    assert.match(fs.readFileSync(path.join(dir, 'uses-package/src/model.ts'), 'utf8'), new RegExp(`^import \\{ runningBatchNorm \\} from '${PKG}';$`, 'm'));
    assert.equal(fs.existsSync(path.join(dir, 'uses-package/src/running-batch-norm.ts')), false);
    assert.match(fs.readFileSync(path.join(dir, 'vendors/src/model.ts'), 'utf8'), /from '\.\/running-batch-norm';/);
    assert.deepEqual(json.layerFilesCreated, ['vendors/src/running-batch-norm.ts']);
    assert.deepEqual(json.files.map((f) => [f.file, f.layerPackage]), [['uses-package/src/model.ts', PKG], ['vendors/src/model.ts', undefined]]);
    refactorPaths(['uses-package'], dir, 'revert', { dryRun: false });
    assert.equal(fs.readFileSync(path.join(dir, 'uses-package/src/model.ts'), 'utf8'), model);
  });
});

describe('rbn convert says where the layer comes from', () => {
  it('"imports <package>" on the converted file\'s line, and no layer file created', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-layer-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ devDependencies: { [PKG]: '^0.1.0' } }));
      fs.writeFileSync(path.join(dir, 'train.js'), "const tf = require('@tensorflow/tfjs');\nmodule.exports = () => tf.layers.batchNormalization();\n");
      const run = await rbn(['convert', '.'], dir);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `converted          train.js (1 layer, imports ${PKG})\n1 layer converted in 1 file\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a converted browser script in a project with tfjs installed gets the layer script\'s types', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-browser-types-'));
    fs.symlinkSync(path.join(__dirname, '../../../../node_modules'), path.join(dir, 'node_modules'), 'dir');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rbn convert writes running-batch-norm.browser.d.ts beside the layer script, and the script type-checks with and without strict', function () {
    this.timeout(120_000);
    const app = 'const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 4, inputShape: [3] }));\nmodel.add(tf.layers.batchNormalization({ momentum: 0.99 }));\n';
    fs.mkdirSync(path.join(dir, 'site/js'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'site/js/app.js'), app);
    fs.writeFileSync(path.join(dir, 'site/globals.d.ts'), "declare const tf: typeof import('@tensorflow/tfjs');\n");
    const { json } = refactorPaths(['site'], dir, 'convert', { dryRun: false });
    assert.deepEqual(json.layerFilesCreated.sort(), ['site/js/running-batch-norm.browser.d.ts', 'site/js/running-batch-norm.browser.js']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    for (const strict of [true, false]) {
      const files = ['site/globals.d.ts', 'site/js/running-batch-norm.browser.d.ts', 'site/js/app.js'].map((f) => path.join(dir, f));
      const program = ts.createProgram(files, { allowJs: true, checkJs: true, strict, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [] });
      assert.deepEqual(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')), [], `strict: ${strict}`);
    }
    // A second conversion run finds the script converted and the files there: nothing new.
    assert.deepEqual(refactorPaths(['site'], dir, 'convert', { dryRun: false }).json.layerFilesCreated, []);
  });

  it('without tfjs installed the browser script gets the layer script only', () => {
    const code = 'const model = tf.sequential();\nmodel.add(tf.layers.batchNormalization());\n';
    const result = convertToRunningBatchNorm({ code, fileName: '/p/site/app.js', layerFilePath: '/p/site/running-batch-norm.js' });
    assert.ok(result.kind === 'edits' && result.globalTf);
    assert.equal(result.layerTypesFile, undefined);
    const typed = convertToRunningBatchNorm({ code, fileName: '/p/site/app.js', layerFilePath: '/p/site/running-batch-norm.js', browserTypes: true });
    assert.ok(typed.kind === 'edits');
    assert.equal(typed.layerTypesFile?.path, '/p/site/running-batch-norm.browser.d.ts');
    assert.match(typed.layerTypesFile?.content ?? '', /^declare module '@tensorflow\/tfjs' \{$/m);
  });
});
