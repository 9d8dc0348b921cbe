/**
 * The copy of the RunningBatchNorm layer that conversion drops into a user's project: the layer's own
 * source (embedded at build time) with the tfjs module specifier of the user's choice, as TypeScript,
 * as JavaScript (ESM or CommonJS, JSDoc-typed, made at build time by to-javascript.ts), or as a plain
 * browser script that reads the global `tf` and adds the layer to it.
 */
import { isWrittenOnlySpecifier } from '../core/analysis/module-specifiers';
import { asciiText } from './ascii-text';
import { toBrowserDeclarations } from './browser-declarations';
import { LAYER_DECLARATIONS, LAYER_JAVASCRIPT, LAYER_SOURCE } from './layer-source.generated';

/** The forms a vendored layer file can take (`script`: a browser script for the global `tf`). */
export type VendorFlavor = 'ts' | 'esm' | 'cjs' | 'script';

/** The file name ending that suits each flavour. */
export const VENDOR_EXTENSIONS: Readonly<Record<VendorFlavor, string>> = { ts: '.ts', esm: '.mjs', cjs: '.cjs', script: '.browser.js' };

/** The module specifier the layer source imports; replaced by the user's tfjs package. */
const SOURCE_SPECIFIER = '@tensorflow/tfjs';
const SOURCE_IMPORT = `from '${SOURCE_SPECIFIER}';`;
const NAMESPACE_IMPORT = `import * as tf from '${SOURCE_SPECIFIER}';\n`;

const TITLES: Readonly<Record<VendorFlavor, string>> = { ts: 'TypeScript', esm: 'JavaScript module', cjs: 'CommonJS', script: 'browser script' };

/**
 * Renders the vendored layer file.
 * @param flavor `ts`, `esm` (JavaScript modules), `cjs` (JavaScript with require) or `script` (browser).
 * @param tfjsModule the package the user imports tfjs from, e.g. '@tensorflow/tfjs-node'; for `script`
 *   only the types name it (the code reads the global `tf`).
 * @returns the file's text, starting with a header comment that says what it is and where it came from.
 */
export function renderVendoredLayer(flavor: VendorFlavor, tfjsModule: string): string {
  return header(TITLES[flavor], flavor === 'script' ? GLOBAL_TF : `'${tfjsModule}'`) + renderLayerCode(flavor, tfjsModule);
}

/** The name of the types of the browser script, written beside it: `running-batch-norm.browser.d.ts`. */
export const BROWSER_DECLARATIONS_EXTENSION = '.browser.d.ts';

/**
 * The vendored types of the browser script: they add the layer to tfjs's types, so a script that calls
 * `tf.runningBatchNorm(…)` on the global `tf` type-checks wherever `@tensorflow/tfjs` types are present.
 */
export function renderVendoredBrowserDeclarations(): string {
  const about = [
    'Types only: they add RunningBatchNorm, runningBatchNorm, runningBatchNormify and batchNormify to the',
    `types of '${SOURCE_SPECIFIER}', as running-batch-norm.browser.js adds them to the global \`tf\` at run time.`,
  ];
  return header('types of running-batch-norm.browser.js', GLOBAL_TF, about) + toBrowserDeclarations(LAYER_DECLARATIONS, SOURCE_SPECIFIER);
}

/** The layer's code in a flavour, without the vendored copy's header (the npm package writes its own). */
export function renderLayerCode(flavor: VendorFlavor, tfjsModule: string): string {
  // A package path, or (Deno, browser modules) an `npm:` specifier or a URL: nothing that could end the string literal.
  if (!/^[@A-Za-z0-9._/-]+$/.test(tfjsModule) && !(isWrittenOnlySpecifier(tfjsModule) && /^[^\s'"`\\]+$/.test(tfjsModule))) {
    throw new Error(`renderVendoredLayer: "${tfjsModule}" is not a module specifier (expected e.g. '@tensorflow/tfjs-node')`);
  }
  if (!(flavor in VENDOR_EXTENSIONS)) {
    throw new Error(`renderVendoredLayer: unknown flavor "${String(flavor)}" (expected ts, esm, cjs or script)`);
  }
  const imports = LAYER_SOURCE.split(SOURCE_IMPORT).length - 1;
  if (imports !== 1 || !LAYER_JAVASCRIPT.includes(NAMESPACE_IMPORT)) {
    throw new Error(`renderVendoredLayer: the layer source must import '${SOURCE_SPECIFIER}' exactly once, as a namespace`);
  }
  switch (flavor) {
    case 'ts':
      return asciiText(LAYER_SOURCE.replace(SOURCE_IMPORT, `from '${tfjsModule}';`));
    case 'esm':
      return LAYER_JAVASCRIPT.replace(NAMESPACE_IMPORT, `import * as tf from '${tfjsModule}';\n`);
    case 'cjs':
      return toCommonJs(LAYER_JAVASCRIPT, tfjsModule);
    case 'script':
      return toBrowserScript(LAYER_JAVASCRIPT, tfjsModule);
  }
}

/** Names the module exports (`export class X`, `export function x`, `export const x`). */
function exportedNames(js: string): string[] {
  return [...js.matchAll(/^export (?:async )?(?:class|function\*?|const|let) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
}

function withoutExportKeywords(js: string): string {
  return js.replace(/^export (?=(async )?(class|function|const|let) )/gm, '');
}

function toCommonJs(js: string, tfjsModule: string): string {
  const names = exportedNames(js);
  const body = withoutExportKeywords(js).replace(NAMESPACE_IMPORT, `const tf = require('${tfjsModule}');\n`);
  return `${body.trimEnd()}\n\nmodule.exports = { ${names.join(', ')} };\n`;
}

/**
 * A plain script (no module syntax): the layer's code inside a function that receives the global `tf`
 * and adds the exports to it, so `tf.runningBatchNorm(…)` works after the `<script>` tag, or after
 * `import './running-batch-norm.browser.js'` in a module that uses the global `tf`.
 */
function toBrowserScript(js: string, tfjsModule: string): string {
  const names = exportedNames(js);
  const [, rest] = js.split(NAMESPACE_IMPORT) as [string, string];
  const fileDoc = js.slice(0, js.indexOf(NAMESPACE_IMPORT)).trimEnd();
  const body = withoutExportKeywords(rest)
    .trim()
    .split('\n')
    .map((line) => (line === '' ? '' : `  ${line}`))
    .join('\n');
  return [
    fileDoc,
    `/** @import * as tf from '${tfjsModule}' */`,
    '',
    `(/** @param {typeof import('${tfjsModule}')} tf */ function (tf) {`,
    `  if (tf === undefined) {`,
    `    throw new Error('RunningBatchNorm: load tfjs (the global \`tf\`) before running-batch-norm.browser.js');`,
    '  }',
    '',
    body,
    '',
    `  Object.assign(tf, { ${names.join(', ')} });`,
    `})(/** @type {{ tf: typeof import('${tfjsModule}') }} */ (/** @type {unknown} */ (globalThis)).tf);`,
    '',
  ].join('\n');
}

const GLOBAL_TF = 'the global `tf` (tfjs loaded by a <script> tag before it)';

/** The header comment; `about` replaces the code's lines on dependencies and serialization. */
function header(title: string, source: string, about?: string[]): string {
  const lines = [
    `RunningBatchNorm layer for TensorFlow.js (${title}), vendored copy.`,
    `Written into this project by the "RunningBatchNorm for TensorFlow.js" extension (or its \`rbn\` CLI)`,
    ...(about
      ? ['from its src/layer/running-batch-norm.ts. The file is yours: edit it as you like.', ...about, 'MIT license.']
      : [
          'from its src/layer/running-batch-norm.ts. The file is yours: edit it as you like. It depends only on',
          `${source}. Registered for serialization as 'RunningBatchNorm', so load it before loading a`,
          'saved model that uses it. MIT license.',
        ]),
  ];
  return `// ${lines.join('\n// ')}\n\n`;
}
