/**
 * The layer's npm package as its users get it: the tarball that `npm run pack:layer` prints, installed
 * by npm into a fresh project beside `@tensorflow/tfjs`, used from `require`, from `import`, from
 * TypeScript under `strict`, and as a browser script on the global `tf` of tfjs's own UMD bundle.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { LAYER_PACKAGE_NAME } from '../../../src/layer/layer-package';
import { LAYER_DECLARATIONS } from '../../../src/layer/layer-source.generated';
import { renderLayerCode } from '../../../src/layer/vendor';
import { RunningBatchNorm } from '../../../src/layer/running-batch-norm';
import { registerLayerKernels, unregisterLayerKernels } from '../../../src/worker/backends/layer-kernels/register';
import { npm, packedLayerTarball, projectWithLayerInstalled } from './layer-package-project';

const INPUT = Array.from({ length: 12 }, (_, i) => Math.sin(i) * 3 + 1);

/** One training and one inference call of a fresh layer (momentum 0.8) on INPUT as [4, 3]; written as code so every consumer runs the same. */
const CALLS = `const layer = runningBatchNorm({ momentum: 0.8 });
const x = tf.tensor2d(${JSON.stringify(INPUT)}, [4, 3]);
const outputs = [true, false].map((training) => Array.from(layer.apply(x, { training }).dataSync()));
const registered = tf.serialization.SerializationMap.getMap().classNameMap['RunningBatchNorm'][0] === RunningBatchNorm;
const report = JSON.stringify({ backend: tf.getBackend(), className: RunningBatchNorm.className, registered, outputs });`;

const USERS: Record<string, string> = {
  'user.cjs': `const tf = require('@tensorflow/tfjs');\nconst { runningBatchNorm, RunningBatchNorm } = require('${LAYER_PACKAGE_NAME}');\n${CALLS}\nconsole.log(report);\n`,
  'user.mjs': `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm, RunningBatchNorm } from '${LAYER_PACKAGE_NAME}';\n${CALLS}\nconsole.log(report);\n`,
};

/**
 * What this repository's layer computes for CALLS, on the cpu backend as in the consumers: with its tfjs
 * ops, as the consumers have none of the extension's fused kernels (which an earlier test in this process
 * may have registered; they agree with the ops to float rounding, not bit for bit).
 */
function expectedOutputs(): number[][] {
  const registered = unregisterLayerKernels();
  try {
    return layerOutputs();
  } finally {
    if (registered) {
      registerLayerKernels();
    }
  }
}

function layerOutputs(): number[][] {
  const layer = new RunningBatchNorm({ momentum: 0.8 });
  const x = tf.tensor2d(INPUT, [4, 3]);
  const out = [true, false].map((training) => tf.tidy(() => Array.from((layer.apply(x, { training }) as tf.Tensor).dataSync())));
  x.dispose();
  layer.weights.forEach((w) => w.dispose());
  return out;
}

function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
}

/** TypeScript's diagnostics for `files` under `options`, as "file:line message". */
function typeErrors(files: string[], options: import('typescript').CompilerOptions): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const program = ts.createProgram(files, { noEmit: true, strict: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, types: [], ...options });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '?';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe('the layer as an npm package (npm run pack:layer)', function () {
  this.timeout(180_000);
  let tarball = '';
  let project = '';
  let expected: number[][] = [];

  before(async () => {
    await tf.setBackend('cpu');
    expected = expectedOutputs();
    tarball = packedLayerTarball();
    project = projectWithLayerInstalled(tarball);
  });
  after(() => {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  });

  it('packs the builds, their types, the README and the licence, and nothing else', () => {
    assert.match(path.basename(tarball), new RegExp(`^${LAYER_PACKAGE_NAME}-\\d+\\.\\d+\\.\\d+\\.tgz$`));
    assert.deepEqual(tarballFiles(tarball), [
      'LICENSE', 'README.md',
      'dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.mts', 'dist/index.mjs',
      'dist/running-batch-norm.browser.d.ts', 'dist/running-batch-norm.browser.js',
      'package.json',
    ]);
    const installed = path.join(project, 'node_modules', LAYER_PACKAGE_NAME);
    assert.match(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8'), /^MIT License/);
    for (const file of fs.readdirSync(path.join(installed, 'dist'))) {
      const text = fs.readFileSync(path.join(installed, 'dist', file), 'utf8');
      assert.doesNotMatch(text, /sourceMappingURL/, `${file} points at a source map the package does not have`);
      assert.doesNotMatch(text, /\.\.\/src\/|test\/unit|The file is yours/, `${file} mentions the repository's layout or reads as a vendored copy`);
    }
  });

  it('names only @tensorflow/tfjs, as a peer, and every entry point it declares exists', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', LAYER_PACKAGE_NAME, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest['name'], LAYER_PACKAGE_NAME);
    assert.equal(manifest['license'], 'MIT');
    assert.deepEqual(Object.keys(manifest['peerDependencies'] as object), ['@tensorflow/tfjs']);
    assert.equal(manifest['dependencies'], undefined);
    const targetsOf = (value: unknown): string[] => (typeof value === 'string' ? [value] : Object.values(value as object).flatMap(targetsOf));
    const targets = targetsOf([manifest['exports'], manifest['main'], manifest['module'], manifest['types'], manifest['unpkg']]);
    assert.ok(targets.length >= 10, targets.join(', '));
    for (const target of targets) {
      assert.ok(fs.existsSync(path.join(project, 'node_modules', LAYER_PACKAGE_NAME, target)), `${target} is declared but not packed`);
    }
  });

  it('npm resolves its peer dependency to the project\'s @tensorflow/tfjs', () => {
    const tree = JSON.parse(npm(project, ['ls', '--all', '--json'])) as { problems?: string[]; dependencies: Record<string, { version: string; dependencies?: Record<string, { version: string }> }> };
    assert.deepEqual(tree.problems ?? [], []);
    const installed = tree.dependencies[LAYER_PACKAGE_NAME]!;
    assert.ok(installed, 'the package is installed');
    assert.equal(installed.dependencies?.['@tensorflow/tfjs']?.version, tf.version_core, 'its peer is the installed tfjs');
  });

  for (const [file, how] of [['user.cjs', 'require'], ['user.mjs', 'import']] as const) {
    it(`works from ${how} (${file}): registered for serialization, computing what the layer computes`, () => {
      fs.writeFileSync(path.join(project, file), USERS[file]!);
      const stdout = execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const report = JSON.parse(stdout.trim().split('\n').pop()!) as { backend: string; className: string; registered: boolean; outputs: number[][] };
      assert.deepEqual(report, { backend: 'cpu', className: 'RunningBatchNorm', registered: true, outputs: expected });
    });
  }

  it('types the API under strict TypeScript from ES modules and CommonJS, and a wrong argument is an error', () => {
    const use = (kind: string): string =>
      `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm, runningBatchNormify, RunningBatchNorm, type RunningBatchNormArgs } from '${LAYER_PACKAGE_NAME}';\n` +
      `const args: RunningBatchNormArgs = { momentum: 0.9, axis: -1, inferenceMomentum: null, betaInitializer: 'zeros' };\n` +
      `const layer: RunningBatchNorm = runningBatchNorm(args);\nconst model: tf.LayersModel = runningBatchNormify(tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] }), layer] }));\n` +
      `export const ${kind} = [model.layers.length, RunningBatchNorm.className.length];\n`;
    fs.writeFileSync(path.join(project, 'typed.mts'), use('esm'));
    fs.writeFileSync(path.join(project, 'typed.cts'), use('cjs'));
    fs.writeFileSync(path.join(project, 'wrong.mts'), `import { runningBatchNorm } from '${LAYER_PACKAGE_NAME}';\nrunningBatchNorm({ momentum: 0.9 });\nrunningBatchNorm({ momentum: 'fast' });\n`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    const files = ['typed.mts', 'typed.cts', 'wrong.mts'].map((f) => path.join(project, f));
    const nodeNext = typeErrors(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
    assert.deepEqual(nodeNext, ["wrong.mts:3 Type 'string' is not assignable to type 'number'."]);
    const bundler = typeErrors(files.slice(0, 1), { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
    assert.deepEqual(bundler, []);
    // The older `node` resolution reads `types`, not `exports`.
    const node10 = typeErrors(files.slice(1, 2), { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 });
    assert.deepEqual(node10, []);
  });

  it('the browser build adds the layer to the global tf of tfjs\'s UMD bundle', () => {
    const page = vm.createContext({ console, setTimeout, clearTimeout, performance, TextEncoder, TextDecoder, fetch, document: {} });
    page['window'] = page;
    vm.runInContext(fs.readFileSync(path.join(project, 'node_modules/@tensorflow/tfjs/dist/tf.min.js'), 'utf8'), page, { filename: 'tf.min.js' });
    vm.runInContext(fs.readFileSync(path.join(project, 'node_modules', LAYER_PACKAGE_NAME, 'dist/running-batch-norm.browser.js'), 'utf8'), page, { filename: 'running-batch-norm.browser.js' });
    const report = vm.runInContext(`tf.setBackend('cpu');\nconst { runningBatchNorm, RunningBatchNorm } = tf;\n${CALLS}\nreport`, page) as string;
    assert.deepEqual(JSON.parse(report), { backend: 'cpu', className: 'RunningBatchNorm', registered: true, outputs: expected });
    assert.deepEqual(['runningBatchNormify', 'batchNormify'].map((f) => typeof (page['tf'] as Record<string, unknown>)[f]), ['function', 'function']);
  });

  it('types tf.runningBatchNorm on the global tf of a checked browser script that references its types', () => {
    const dir = path.join(project, 'site');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'globals.d.ts'), `/// <reference types="${LAYER_PACKAGE_NAME}/browser" />\ndeclare const tf: typeof import('@tensorflow/tfjs');\n`);
    fs.writeFileSync(path.join(dir, 'app.js'), `const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 4, inputShape: [3] }));\nmodel.add(tf.runningBatchNorm({ momentum: 0.9 }));\nmodel.add(tf.runningBatchNorm({ momentum: 'fast' }));\ntf.runningBatchNormify(model).summary();\n`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    for (const strict of [true, false]) {
      const errors = typeErrors(['globals.d.ts', 'app.js'].map((f) => path.join(dir, f)), { allowJs: true, checkJs: true, strict, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] });
      assert.deepEqual(errors, ["app.js:4 Type 'string' is not assignable to type 'number'."], `strict: ${strict}`);
    }
  });

  it('is built from the same source as the vendored copies, under its own header', () => {
    const dist = path.join(project, 'node_modules', LAYER_PACKAGE_NAME, 'dist');
    for (const [file, flavor] of [['index.cjs', 'cjs'], ['index.mjs', 'esm'], ['running-batch-norm.browser.js', 'script']] as const) {
      const text = fs.readFileSync(path.join(dist, file), 'utf8');
      assert.match(text, new RegExp(`^// ${LAYER_PACKAGE_NAME} \\d+\\.\\d+\\.\\d+ \\(`));
      assert.ok(text.endsWith(renderLayerCode(flavor, '@tensorflow/tfjs')), `${file} is the ${flavor} rendering of src/layer/running-batch-norm.ts`);
    }
    assert.ok(fs.readFileSync(path.join(dist, 'index.d.mts'), 'utf8').endsWith(LAYER_DECLARATIONS));
  });
});
