// `npm run pack:layer`: builds the layer's npm package (packages/layer) from src/layer, the same source as
// the vendored copies (src/layer/layer-package.ts renders its files), and packs it with `npm pack`.
// Prints the tarball's absolute path (the last line of output), in dist/ or `--out <folder>`. `--no-pack`
// only writes packages/layer/dist.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedLayerSource } from './embed-layer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packageDir = join(root, 'packages/layer');

/** Writes packages/layer/dist; returns the written paths. */
export async function buildLayerPackage() {
  embedLayerSource();
  const renderer = join(root, 'dist/.render-layer-package.cjs');
  await esbuild.build({ entryPoints: [join(root, 'src/layer/layer-package.ts')], bundle: true, platform: 'node', format: 'cjs', packages: 'external', outfile: renderer, logLevel: 'warning' });
  try {
    const files = createRequire(renderer)(renderer).renderLayerPackageFiles();
    rmSync(join(packageDir, 'dist'), { recursive: true, force: true });
    // One licence for the project and its package: the root LICENSE, copied (packages/layer/LICENSE is ignored).
    copyFileSync(join(root, 'LICENSE'), join(packageDir, 'LICENSE'));
    return Object.entries(files).map(([file, text]) => {
      const target = join(packageDir, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
      return target;
    });
  } finally {
    rmSync(renderer, { force: true });
  }
}

/** Builds and packs the package into `destination`; returns the tarball's absolute path. */
export async function packLayer(destination = join(root, 'dist')) {
  await buildLayerPackage();
  mkdirSync(destination, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', destination], { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [packed] = JSON.parse(out);
  return join(destination, packed.filename);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--no-pack')) {
    (await buildLayerPackage()).forEach((f) => console.log(`wrote ${f}`));
  } else {
    const out = process.argv.indexOf('--out');
    console.log(await packLayer(out > 0 && process.argv[out + 1] ? process.argv[out + 1] : undefined));
  }
}
