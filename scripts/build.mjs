// Bundles the extension, the CLI, the sanity-train worker and the layer with esbuild.
// Packages stay external (they ship in the .vsix's node_modules) so that tfjs and ts-morph load
// lazily, only when a command needs them, and activation stays fast.
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';
import { embedLayerSource } from './embed-layer.mjs';
import { writeVendoredCopies } from './build-vendor.mjs';
import { copyWebviewAssets } from './webview-assets.mjs';
import { buildSimdKernels } from './build-wasm-simd.mjs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, packages: 'external', logLevel: 'warning' };

/** Entry points; contracts in design.md (dist/cli.js is the package's bin, dist/layer/ the layer module). */
const entries = [
  { in: 'src/extension.ts', out: 'dist/extension.js', external: ['vscode'] },
  { in: 'src/cli/main.ts', out: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { in: 'src/worker/sanity-worker.ts', out: 'dist/worker.js' },
  // Preloaded into the user's program by `rbn sanity --from` (small); the session it loads on capture.
  { in: 'src/worker/capture/hook/capture-hook.ts', out: 'dist/capture-hook.js' },
  { in: 'src/worker/capture/session/capture-session.ts', out: 'dist/capture-session.js' },
  // The extension host's analysis thread (src/analysis-thread): ts-morph parses there, off the host's loop.
  { in: 'src/analysis-thread/thread-main.ts', out: 'dist/analysis-thread.js' },
  { in: 'src/layer/running-batch-norm.ts', out: 'dist/layer/running-batch-norm.js' },
  // The report page's graph layout, for the browser: the page calls RbnGraphLayout.layoutGraph (media/report-graph.js).
  { in: 'src/core/training/graph/graph-layout.ts', out: 'media/vendor/graph-layout.js', options: { platform: 'browser', format: 'iife', globalName: 'RbnGraphLayout', target: 'es2020', sourcemap: false } },
];

embedLayerSource();
await buildSimdKernels();
if (!watch) {
  rmSync('dist', { recursive: true, force: true });
}
const contexts = await Promise.all(
  entries.map((e) => esbuild.context({ ...common, entryPoints: [e.in], outfile: e.out, external: e.external ?? [], banner: e.banner, ...(e.options ?? {}) })),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  await writeStaticOutputs();
  console.log(`watching ${entries.length} entry points`);
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  await writeStaticOutputs();
  console.log(`built ${entries.map((e) => e.out).join(', ')}`);
}

/** What esbuild does not emit: the layer copies dropped into user projects, and the webview's assets. */
async function writeStaticOutputs() {
  await writeVendoredCopies();
  console.log(`copied ${copyWebviewAssets().join(', ')}`);
}
