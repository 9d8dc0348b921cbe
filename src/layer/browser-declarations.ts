/**
 * Types for the layer's browser script, which adds the layer to the page's global `tf`: the module's
 * declarations (embedded at build time) inside a local namespace, and a module augmentation of tfjs that
 * adds the exports to it. Pure text work, so the extension can write the file next to a converted script.
 */

/** The one import of the declarations; the global flavour keeps it (the types need tfjs's). */
const TFJS_IMPORT = /^import \* as tf from '@tensorflow\/tfjs';\n/m;

/**
 * Declarations for the browser script: the module's declarations inside a local namespace, and a
 * module augmentation that adds the exports to `@tensorflow/tfjs`, so the global `tf` of a page
 * (typed `typeof import('@tensorflow/tfjs')`, however a project declares it) has `tf.runningBatchNorm`.
 * @param declarations the module's declarations (toDeclarations)
 * @param tfjsModule the package whose types the global `tf` has
 */
export function toBrowserDeclarations(declarations: string, tfjsModule: string): string {
  const match = TFJS_IMPORT.exec(declarations);
  if (!match) {
    throw new Error("toBrowserDeclarations: the declarations must import '@tensorflow/tfjs' as a namespace");
  }
  const fileDoc = declarations.slice(0, match.index).trimEnd();
  const body = declarations
    .slice(match.index + match[0].length)
    .replace(/^export \{\};\n?/m, '')
    .replace(/^export declare /gm, 'export ')
    .replace(/^declare /gm, '')
    .trim();
  const names = [...body.matchAll(/^export (?:class|function) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
  const types = [...body.matchAll(/^export (?:interface|type) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
  const unique = [...new Set(names)];
  return [
    fileDoc,
    `import * as tf from '${tfjsModule}';`,
    '',
    'declare namespace RunningBatchNormLayer {',
    indent(body),
    '}',
    '',
    `/** What running-batch-norm.browser.js adds to the global \`tf\`. */`,
    `declare module '${tfjsModule}' {`,
    ...unique.flatMap((n) => [`  export const ${n}: typeof RunningBatchNormLayer.${n};`, ...(/^[A-Z]/.test(n) ? [`  export type ${n} = RunningBatchNormLayer.${n};`] : [])]),
    ...types.map((n) => `  export type ${n} = RunningBatchNormLayer.${n};`),
    '}',
    '',
  ].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : `  ${line}`))
    .join('\n');
}
