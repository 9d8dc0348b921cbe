/**
 * The layer as an npm package (packages/layer, packed by `npm run pack:layer`): its name, which the
 * conversion also uses to import from it, and the files its build writes, rendered from the same
 * embedded source as the vendored copies: CommonJS, an ES module, their declarations, and the browser
 * script with its types.
 */
import { version } from '../../packages/layer/package.json';
import { LAYER_PACKAGE_NAME } from './package-name';
import { renderLayerCode } from './vendor';
import { toBrowserDeclarations } from './browser-declarations';
import { LAYER_DECLARATIONS } from './layer-source.generated';

export { LAYER_PACKAGE_NAME };

/** The tfjs package the layer imports, the package's peer dependency. */
const TFJS = '@tensorflow/tfjs';

/** The files of the package's `dist/` folder, by path relative to the package, with their text. */
export function renderLayerPackageFiles(): Record<string, string> {
  const header = (what: string): string =>
    `// ${LAYER_PACKAGE_NAME} ${version} (${what}): the RunningBatchNorm layer for TensorFlow.js, a drop-in for\n// tf.layers.batchNormalization that keeps working at batch size 1 or 2. MIT license.\n\n`;
  const declarations = header('types') + LAYER_DECLARATIONS;
  return {
    'dist/index.cjs': header('CommonJS') + renderLayerCode('cjs', TFJS),
    'dist/index.mjs': header('ES module') + renderLayerCode('esm', TFJS),
    'dist/index.d.cts': declarations,
    'dist/index.d.mts': declarations,
    'dist/running-batch-norm.browser.js': header('browser script: adds the layer to the global `tf`; load it after tfjs') + renderLayerCode('script', TFJS),
    'dist/running-batch-norm.browser.d.ts': header('types of the browser script') + toBrowserDeclarations(LAYER_DECLARATIONS, TFJS),
  };
}
