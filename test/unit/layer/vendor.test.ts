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
import { LAYER_SOURCE } from '../../../src/layer/layer-source.generated';
import { RunningBatchNorm } from '../../../src/layer/running-batch-norm';
import { VENDOR_EXTENSIONS, VendorFlavor, renderVendoredLayer } from '../../../src/layer/vendor';
import { useBackend, values } from './backends';

const ROOT = path.join(__dirname, '..', '..', '..');
const FLAVORS: VendorFlavor[] = ['ts', 'esm', 'cjs'];
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
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const built = require(path.join(dist, 'running-batch-norm.js')) as LayerModule;
    assert.equal(built.RunningBatchNorm.className, 'RunningBatchNorm');
    assert.equal(typeof built.runningBatchNorm, 'function');
  });
});
