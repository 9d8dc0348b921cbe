/**
 * The vendored copies of the layer: the embedded source is current, the tfjs specifier is substituted,
 * the JavaScript copies load and compute what the layer computes, and the TypeScript copy type-checks.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAYER_DECLARATIONS, LAYER_JAVASCRIPT, LAYER_SOURCE } from '../../../src/layer/layer-source.generated';
import { RunningBatchNorm } from '../../../src/layer/running-batch-norm';
import { toDeclarations } from '../../../src/layer/to-declarations';
import { toJavaScriptModule } from '../../../src/layer/to-javascript';
import { BROWSER_DECLARATIONS_EXTENSION, VENDOR_EXTENSIONS, VendorFlavor, renderVendoredBrowserDeclarations, renderVendoredLayer } from '../../../src/layer/vendor';
import { useBackend, values } from './backends';

const ROOT = path.join(__dirname, '..', '..', '..');
const FLAVORS: VendorFlavor[] = ['ts', 'esm', 'cjs', 'script'];
type LayerModule = { RunningBatchNorm: typeof RunningBatchNorm; runningBatchNorm: (args?: object) => RunningBatchNorm };

/** A temp project whose node_modules is this repository's, so '@tensorflow/tfjs' resolves there. */
function tempProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-vendor-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** One training step and one inference call of a layer module's RunningBatchNorm. */
function outputsOf(mod: LayerModule): number[][] {
  const layer = mod.runningBatchNorm({ momentum: 0.8 });
  const x = tf.tensor4d(Array.from({ length: 2 * 3 * 3 * 2 }, (_, i) => Math.sin(i) * 3 + 1), [2, 3, 3, 2]);
  const out = [true, false].map((training) => tf.tidy(() => values(layer.apply(x, { training }) as tf.Tensor)));
  x.dispose();
  layer.weights.forEach((w) => w.dispose());
  return out;
}

// Loads an ES module without the test transpiler turning import() into require().
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<LayerModule>;

describe('vendored RunningBatchNorm copies', () => {
  let project = '';
  before(async () => {
    await useBackend('cpu');
    project = tempProject();
  });
  after(() => {
    fs.rmSync(project, { recursive: true, force: true });
    // Loading a copy re-registered the class name; give it back to this repository's class.
    tf.serialization.registerClass(RunningBatchNorm);
  });

  it('embeds the current src/layer/running-batch-norm.ts (run `npm run build` when this fails)', () => {
    assert.equal(LAYER_SOURCE, fs.readFileSync(path.join(ROOT, 'src/layer/running-batch-norm.ts'), 'utf8'));
  });

  it('embeds the JavaScript that to-javascript.ts makes of it now (run `npm run build` when this fails)', function () {
    this.timeout(120000);
    assert.equal(LAYER_JAVASCRIPT, toJavaScriptModule(LAYER_SOURCE, path.join(ROOT, 'src/layer/running-batch-norm.ts')));
  });

  it('embeds the declarations the compiler emits for it now (run `npm run build` when this fails)', function () {
    this.timeout(120000);
    assert.equal(LAYER_DECLARATIONS, toDeclarations(LAYER_SOURCE, path.join(ROOT, 'src/layer/running-batch-norm.ts')));
  });

  for (const flavor of ['esm', 'cjs', 'script'] as const) {
    it(`the ${flavor} copy reads like code a person wrote: no compiler helpers, 2-space indent, the source's comments and types, ASCII only`, () => {
      const text = renderVendoredLayer(flavor, '@tensorflow/tfjs');
      for (const leftover of [/__createBinding|__importStar|__awaiter|__rest|__extends/, /\bvar _[a-z]\b/, /\bvoid 0\b/, /@ts-nocheck/, /\bObject\.defineProperty\(exports/]) {
        assert.doesNotMatch(text, leftover);
      }
      assert.deepEqual(text.split('\n').filter((l) => /^( {2})* {1}\S/.test(l) && !/^\s*\*/.test(l)), [], 'odd indentation');
      // eslint-disable-next-line no-control-regex
      assert.deepEqual(text.match(/[^\x00-\x7F]/g), null, 'non-ASCII characters (VS Code highlights them)');
      assert.match(text, /Collapses the trailing Q elements of each channel/, 'the source comments are kept');
      assert.match(text, /@param \{RunningBatchNormArgs\} \[args\]/);
      assert.match(text, /@typedef \{Object\} RunningBatchNormArgsOwn/);
      assert.match(text, /@property \{number\} \[momentum\] Weight of the old value/);
      assert.match(text, flavor === 'cjs' ? /^const tf = require\('@tensorflow\/tfjs'\);$/m : flavor === 'esm' ? /^import \* as tf from '@tensorflow\/tfjs';$/m : /^\(\/\*\* @param \{typeof import\('@tensorflow\/tfjs'\)\} tf \*\/ function \(tf\) \{$/m);
    });
  }

  // Turning on checkJs without strict is the usual first step, and there JSDoc's `object` means `any`.
  for (const strict of [true, false]) {
    it(`type-checks every JavaScript copy under checkJs${strict ? ' + strict' : ' without strict'} (no @ts-nocheck)`, function () {
      this.timeout(180000);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ts = require('typescript') as typeof import('typescript');
      for (const flavor of ['esm', 'cjs', 'script'] as const) {
        const file = path.join(project, `checked${VENDOR_EXTENSIONS[flavor]}`);
        fs.writeFileSync(file, renderVendoredLayer(flavor, '@tensorflow/tfjs'));
        const program = ts.createProgram([file], {
          allowJs: true, checkJs: true, strict, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [],
        });
        const problems = ts.getPreEmitDiagnostics(program).map((d) => `${flavor} line ${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
        assert.deepEqual(problems, []);
        assert.ok(program.getSourceFile(file), `${flavor} was checked`);
      }
    });
  }

  it('types tf.runningBatchNorm on the global tf of a checked browser script, with and without strict, through the copy\'s declarations', function () {
    this.timeout(180000);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    const site = path.join(project, 'site');
    fs.mkdirSync(site, { recursive: true });
    // However a project types the page's `tf` (here a global declaration), it is tfjs's module type.
    fs.writeFileSync(path.join(site, 'globals.d.ts'), "declare const tf: typeof import('@tensorflow/tfjs');\n");
    fs.writeFileSync(path.join(site, `running-batch-norm${BROWSER_DECLARATIONS_EXTENSION}`), renderVendoredBrowserDeclarations());
    const app = [
      'const model = tf.sequential();',
      'model.add(tf.layers.dense({ units: 4, inputShape: [3] }));',
      'model.add(tf.runningBatchNorm({ momentum: 0.9, betaInitializer: "zeros", inferenceMomentum: null }));',
      'model.add(tf.runningBatchNorm({ momentum: "fast" }));',
      '/** @type {import("@tensorflow/tfjs").RunningBatchNorm} */',
      'const layer = new tf.RunningBatchNorm({ axis: -1 });',
      'tf.batchNormify(tf.runningBatchNormify(model, { args: { statsInterval: 2 } })).summary();',
      'console.log(layer.name, tf.RunningBatchNorm.className);',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(site, 'app.js'), app);
    const files = ['globals.d.ts', `running-batch-norm${BROWSER_DECLARATIONS_EXTENSION}`, 'app.js'].map((f) => path.join(site, f));
    for (const strict of [true, false]) {
      const program = ts.createProgram(files, {
        allowJs: true, checkJs: true, strict, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [],
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => `${path.basename(d.file?.fileName ?? '?')}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      assert.deepEqual(problems, ["app.js:4 Type 'string' is not assignable to type 'number'."], `strict: ${strict}`);
    }
    // Without the declarations, the same script is what users saw before.
    const without = ts.createProgram([files[0]!, files[2]!], { allowJs: true, checkJs: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [] });
    assert.match(ts.getPreEmitDiagnostics(without).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('\n'), /Property 'runningBatchNorm' does not exist on type/);
  });

  it('the browser script adds RunningBatchNorm to the global tf, computing what the layer computes', () => {
    const expected = outputsOf({ RunningBatchNorm, runningBatchNorm: (args) => new RunningBatchNorm(args) });
    const file = path.join(project, 'running-batch-norm.browser.js');
    fs.writeFileSync(file, renderVendoredLayer('script', '@tensorflow/tfjs'));
    const global = globalThis as { tf?: unknown };
    const tfGlobal = { ...tf } as unknown as LayerModule & typeof tf;
    global.tf = tfGlobal;
    try {
      new Function(fs.readFileSync(file, 'utf8'))();
    } finally {
      delete global.tf;
    }
    assert.equal(tfGlobal.RunningBatchNorm.className, 'RunningBatchNorm');
    assert.equal(tf.serialization.SerializationMap.getMap().classNameMap['RunningBatchNorm']?.[0], tfGlobal.RunningBatchNorm, 'registered for serialization');
    assert.deepEqual(outputsOf(tfGlobal), expected);
    assert.throws(() => new Function(fs.readFileSync(file, 'utf8'))(), /load tfjs \(the global `tf`\) before/);
  });

  for (const flavor of FLAVORS) {
    for (const specifier of ['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
      it(`renders the ${flavor} copy importing '${specifier}' only, under a header`, () => {
        const text = renderVendoredLayer(flavor, specifier);
        assert.match(text, /^\/\/ RunningBatchNorm layer for TensorFlow\.js .*vendored copy\.\n/);
        assert.match(text, /The file is yours: edit it as you like/);
        const imported = [...text.matchAll(/(?:from |require\()["']([^"']+)["']/g)].map((m) => m[1]);
        assert.deepEqual(imported, [specifier]);
      });
    }
  }

  it('rejects a bad specifier or flavour with a clear message', () => {
    assert.throws(() => renderVendoredLayer('ts', "x'; evil()"), /is not a module specifier/);
    assert.throws(() => renderVendoredLayer('py' as VendorFlavor, '@tensorflow/tfjs'), /unknown flavor "py"/);
  });

  it('loads the CommonJS and ES module copies, which compute exactly what the layer computes', async () => {
    const expected = outputsOf({ RunningBatchNorm, runningBatchNorm: (args) => new RunningBatchNorm(args) });
    for (const flavor of ['cjs', 'esm'] as const) {
      const file = path.join(project, `running-batch-norm${VENDOR_EXTENSIONS[flavor]}`);
      fs.writeFileSync(file, renderVendoredLayer(flavor, '@tensorflow/tfjs'));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = flavor === 'cjs' ? (require(file) as LayerModule) : await importModule(pathToFileURL(file).href);
      assert.equal(mod.RunningBatchNorm.className, 'RunningBatchNorm');
      assert.notEqual(mod.RunningBatchNorm, RunningBatchNorm, 'the copy is its own module');
      assert.deepEqual(outputsOf(mod), expected, flavor);
    }
  });

  it('type-checks the TypeScript copy under the strictest settings', function () {
    this.timeout(120000);
    const file = path.join(project, 'running-batch-norm.ts');
    fs.writeFileSync(file, renderVendoredLayer('ts', '@tensorflow/tfjs'));
    // The project's own TypeScript (ts-morph's bundled compiler ships without lib files on disk).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript') as typeof import('typescript');
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10, noUnusedLocals: true, noUnusedParameters: true, noImplicitOverride: true, types: [],
      noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noPropertyAccessFromIndexSignature: true, noImplicitReturns: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    assert.deepEqual(problems, []);
    const loose = ts.createProgram([file], { strict: false, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, types: [] });
    assert.deepEqual(ts.getPreEmitDiagnostics(loose).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')), [], 'without strict');
  });

  it('matches what `npm run build` wrote to dist/layer (when built)', function () {
    const dist = path.join(ROOT, 'dist', 'layer');
    if (!fs.existsSync(path.join(dist, 'running-batch-norm.js'))) {
      this.skip();
    }
    for (const flavor of FLAVORS) {
      const text = fs.readFileSync(path.join(dist, 'vendor', `running-batch-norm${VENDOR_EXTENSIONS[flavor]}`), 'utf8');
      assert.equal(text, renderVendoredLayer(flavor, '@tensorflow/tfjs'), `${flavor} copy is stale: run npm run build`);
    }
    const types = fs.readFileSync(path.join(dist, 'vendor', `running-batch-norm${BROWSER_DECLARATIONS_EXTENSION}`), 'utf8');
    assert.equal(types, renderVendoredBrowserDeclarations(), 'browser declarations are stale: run npm run build');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const built = require(path.join(dist, 'running-batch-norm.js')) as LayerModule;
    assert.equal(built.RunningBatchNorm.className, 'RunningBatchNorm');
    assert.equal(typeof built.runningBatchNorm, 'function');
  });
});
