/**
 * The copy of the RunningBatchNorm layer that conversion drops into a user's project: the layer's own
 * source (embedded at build time), with the tfjs module specifier of the user's choice, as TypeScript
 * or as JavaScript (ESM or CommonJS).
 */
import { LAYER_SOURCE } from './layer-source.generated';

/** The forms a vendored layer file can take. */
export type VendorFlavor = 'ts' | 'esm' | 'cjs';

/** The file extension that suits each flavour. */
export const VENDOR_EXTENSIONS: Readonly<Record<VendorFlavor, string>> = { ts: '.ts', esm: '.mjs', cjs: '.cjs' };

/** The module specifier the layer source imports; replaced by the user's tfjs package. */
const SOURCE_SPECIFIER = '@tensorflow/tfjs';
const SOURCE_IMPORT = `from '${SOURCE_SPECIFIER}';`;

/**
 * Renders the vendored layer file.
 * @param flavor `ts` (TypeScript), `esm` (JavaScript modules) or `cjs` (JavaScript with require).
 * @param tfjsModule the package the user imports tfjs from, e.g. '@tensorflow/tfjs-node'.
 * @returns the file's text, starting with a header comment that says what it is and where it came from.
 */
export function renderVendoredLayer(flavor: VendorFlavor, tfjsModule: string): string {
  if (!/^[@A-Za-z0-9._/-]+$/.test(tfjsModule)) {
    throw new Error(`renderVendoredLayer: "${tfjsModule}" is not a module specifier (expected e.g. '@tensorflow/tfjs-node')`);
  }
  if (!(flavor in VENDOR_EXTENSIONS)) {
    throw new Error(`renderVendoredLayer: unknown flavor "${String(flavor)}" (expected ts, esm or cjs)`);
  }
  const imports = LAYER_SOURCE.split(SOURCE_IMPORT).length - 1;
  if (imports !== 1) {
    throw new Error(`renderVendoredLayer: the layer source must import '${SOURCE_SPECIFIER}' exactly once, found ${imports}`);
  }
  const source = LAYER_SOURCE.replace(SOURCE_IMPORT, `from '${tfjsModule}';`);
  const body = flavor === 'ts' ? source : transpile(source, flavor);
  return header(flavor, tfjsModule) + body;
}

function header(flavor: VendorFlavor, tfjsModule: string): string {
  const lines = [
    `RunningBatchNorm layer for TensorFlow.js (${flavor === 'ts' ? 'TypeScript' : flavor === 'esm' ? 'JavaScript module' : 'CommonJS'}), vendored copy.`,
    `Written into this project by the "RunningBatchNorm for TensorFlow.js" extension (or its \`rbn\` CLI)`,
    'from its src/layer/running-batch-norm.ts. The file is yours: edit it as you like. It depends only on',
    `'${tfjsModule}'. Registered for serialization as 'RunningBatchNorm', so import it before loading a`,
    'saved model that uses it. MIT license.',
  ];
  return `// ${lines.join('\n// ')}\n\n`;
}

function transpile(source: string, flavor: 'esm' | 'cjs'): string {
  // ts-morph bundles the TypeScript compiler; load it only when a JavaScript copy is asked for.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ts } = require('ts-morph') as typeof import('ts-morph');
  const result = ts.transpileModule(source, {
    compilerOptions: {
      // ES2019 keeps the copy loadable by older bundlers (class fields become constructor assignments).
      target: ts.ScriptTarget.ES2019,
      module: flavor === 'esm' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      removeComments: false,
    },
    reportDiagnostics: true,
  });
  const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new Error(`renderVendoredLayer: ${ts.flattenDiagnosticMessageText(errors[0].messageText, '\n')}`);
  }
  return result.outputText;
}
