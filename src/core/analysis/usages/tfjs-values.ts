/**
 * What an expression can evaluate to, as far as the analysis cares: the tfjs namespace, its `layers`
 * namespace, the batch-norm layer factory, a low-level normalisation op, or the vendored RunningBatchNorm.
 * Everything else is `undefined` (unknown), which is what keeps look-alikes from matching.
 */
import { bareSpecifier, isWrittenOnlySpecifier } from '../module-specifiers';
import { LAYER_PACKAGE_NAME } from '../../../layer/package-name';

/** `module` null: the browser global `tf`, or (`injected`) tfjs handed in as a parameter. */
export type TfValue =
  | { kind: 'namespace'; module: string | null; injected?: true }
  | { kind: 'layers'; module: string | null; injected?: true }
  | { kind: 'bnFactory'; module: string | null; viaType?: true; injected?: true }
  | { kind: 'manualOp'; module: string | null; op: string; injected?: true }
  | { kind: 'rbnModule' }
  | { kind: 'rbnFactory'; global?: true }
  | { kind: 'rbnClass'; global?: true };

/** Packages whose namespace exposes `layers.batchNormalization` and/or the low-level ops. */
const TFJS_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-core'];

/** Low-level ops that normalise by hand (reported as `manual`, never converted). `batchNormalization`
 *  on the root namespace is the tfjs-core op of tfjs 1.x (later renamed `batchNorm`), not the layer. */
const MANUAL_OPS = new Set(['batchNorm', 'batchNorm2d', 'batchNorm3d', 'batchNorm4d', 'batchNormalization', 'moments']);

/**
 * The tfjs package a module specifier names (`@tensorflow/tfjs-node/dist/index.js` → `@tensorflow/tfjs-node`),
 * also as Deno's `npm:` specifier or a CDN URL (`https://esm.sh/@tensorflow/tfjs@4.22.0`).
 */
export function tfjsPackageOf(specifier: string): string | undefined {
  const bare = bareSpecifier(specifier);
  return TFJS_PACKAGES.find((p) => bare === p || bare.startsWith(`${p}/dist`));
}

/** Whether a module specifier names the vendored layer file (any relative path to `running-batch-norm`) or the layer's npm package. */
export function isVendoredLayerSpecifier(specifier: string): boolean {
  return (/(^|\/)running-batch-norm(\.browser)?(\.(ts|js|mjs|cjs|mts|cts))?$/.test(specifier) && /^\.{1,2}\/|^\//.test(specifier)) || specifier === LAYER_PACKAGE_NAME;
}

/** The value of a name imported by name (`import { x }`, `const { x } = require()`): also recognises the
 *  layer's two exports from a relative module with another name (a configured layer file). */
export function namedImportValue(specifier: string, name: string): TfValue | undefined {
  const whole = moduleValue(specifier);
  if (!whole && /^\.{1,2}\//.test(specifier) && (name === 'runningBatchNorm' || name === 'RunningBatchNorm')) {
    return propertyValue({ kind: 'rbnModule' }, name);
  }
  return propertyValue(whole, name);
}

/** The value a module specifier evaluates to when imported as a whole. */
export function moduleValue(specifier: string): TfValue | undefined {
  const pkg = tfjsPackageOf(specifier);
  if (pkg) {
    return { kind: 'namespace', module: pkg };
  }
  return isVendoredLayerSpecifier(specifier) ? { kind: 'rbnModule' } : undefined;
}

/** The value of `value.name`. */
export function propertyValue(value: TfValue | undefined, name: string): TfValue | undefined {
  if (!value) {
    return undefined;
  }
  switch (value.kind) {
    case 'namespace':
      if (name === 'default') {
        return value; // `import tf from …` under CommonJS interop, `(await import(…)).default`
      }
      if (name === 'layers' && value.module !== '@tensorflow/tfjs-core') {
        return { kind: 'layers', module: value.module, ...injected(value) };
      }
      if (MANUAL_OPS.has(name) && value.module !== '@tensorflow/tfjs-layers') {
        return { kind: 'manualOp', module: value.module, op: name, ...injected(value) };
      }
      if (value.module === null) {
        // The layer's browser script adds both to the global `tf` (see layer/vendor.ts).
        return name === 'runningBatchNorm' ? { kind: 'rbnFactory', global: true } : name === 'RunningBatchNorm' ? { kind: 'rbnClass', global: true } : undefined;
      }
      return undefined;
    case 'layers':
      return name === 'batchNormalization' ? { kind: 'bnFactory', module: value.module, ...injected(value) } : undefined;
    case 'rbnModule':
      if (name === 'runningBatchNorm') {
        return { kind: 'rbnFactory' };
      }
      return name === 'RunningBatchNorm' ? { kind: 'rbnClass' } : undefined;
    default:
      return undefined;
  }
}

function injected(value: { injected?: true }): { injected?: true } {
  return value.injected ? { injected: true } : {};
}

/** The layer's tfjs module for a usage's module: `-layers` and unknown map to '@tensorflow/tfjs'. */
export function layerTfjsModule(module: string | null): string {
  return module === '@tensorflow/tfjs-node' || module === '@tensorflow/tfjs-node-gpu' ? module : '@tensorflow/tfjs';
}

/**
 * What the layer file imports tfjs as: the package (`layerTfjsModule`), except where the code imports
 * that package as Deno's `npm:` specifier or from a CDN URL, which resolve only as written: then the
 * same specifier, so that the layer and the model share one tfjs.
 * @param specifiers the file's import and require specifiers, in order.
 */
export function layerTfjsSpecifier(module: string | null, specifiers: readonly string[]): string {
  const pkg = layerTfjsModule(module);
  return specifiers.find((s) => isWrittenOnlySpecifier(s) && tfjsPackageOf(s) === pkg) ?? pkg;
}

/** Merges the values a `let` binding receives over its lifetime: tfjs namespaces merge (the first
 *  module wins, as it names the package the code asks for first); anything else makes it unknown. */
export function mergeValues(values: (TfValue | undefined)[]): TfValue | undefined {
  const first = values[0];
  if (!first) {
    return undefined;
  }
  const sameKind = values.every((v) => v !== undefined && v.kind === first.kind);
  return sameKind ? first : undefined;
}
