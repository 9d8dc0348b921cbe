// Writes the copies of the RunningBatchNorm layer that conversion drops into user projects:
// dist/layer/vendor/running-batch-norm.{ts,mjs,cjs,browser.js,browser.d.ts}, rendered by src/layer/vendor.ts (the same code
// the extension and the CLI run), so what ships is exactly what users get.
import * as esbuild from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export async function writeVendoredCopies(root = process.cwd()) {
  const renderer = join(root, 'dist/layer/.render-vendored.cjs');
  await esbuild.build({ entryPoints: [join(root, 'src/layer/vendor.ts')], bundle: true, platform: 'node', format: 'cjs', packages: 'external', outfile: renderer, logLevel: 'warning' });
  try {
    const { renderVendoredLayer, renderVendoredBrowserDeclarations, VENDOR_EXTENSIONS, BROWSER_DECLARATIONS_EXTENSION } = createRequire(renderer)(renderer);
    const dir = join(root, 'dist/layer/vendor');
    mkdirSync(dir, { recursive: true });
    const copies = Object.entries(VENDOR_EXTENSIONS).map(([flavor, ext]) => {
      const file = join(dir, `running-batch-norm${ext}`);
      writeFileSync(file, renderVendoredLayer(flavor, '@tensorflow/tfjs'));
      return file;
    });
    const types = join(dir, `running-batch-norm${BROWSER_DECLARATIONS_EXTENSION}`);
    writeFileSync(types, renderVendoredBrowserDeclarations());
    return [...copies, types];
  } finally {
    rmSync(renderer, { force: true });
  }
}
