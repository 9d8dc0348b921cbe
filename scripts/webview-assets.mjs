// Copies the webview's third-party assets from node_modules into media/vendor/ (git-ignored), so the
// report page loads its chart library from the extension itself, never from a CDN, at the version that
// package.json pins. Runs as part of `npm run build`.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Copies Chart.js's UMD build (without its source-map comment: the map is not shipped) and its licence. */
export function copyWebviewAssets(root = process.cwd()) {
  const chartDir = join(root, 'node_modules', 'chart.js');
  if (!existsSync(join(chartDir, 'dist', 'chart.umd.min.js'))) {
    throw new Error(`chart.js is missing from ${chartDir}: run npm ci (it is a devDependency the report page bundles)`);
  }
  const outDir = join(root, 'media', 'vendor');
  mkdirSync(outDir, { recursive: true });
  const code = readFileSync(join(chartDir, 'dist', 'chart.umd.min.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  writeFileSync(join(outDir, 'chart.umd.min.js'), code);
  copyFileSync(join(chartDir, 'LICENSE.md'), join(outDir, 'chart.js.LICENSE.md'));
  return ['media/vendor/chart.umd.min.js', 'media/vendor/chart.js.LICENSE.md'];
}
