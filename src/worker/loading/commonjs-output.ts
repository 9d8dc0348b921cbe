/**
 * Text fixes to the CommonJS that the user's ES-module or TypeScript code transpiles to, so that Node
 * runs it as it would run the original: no `import.meta`, no redeclared wrapper names, and a prologue
 * on a line the code already has (stack traces keep the user's line numbers).
 */

/**
 * `prologue` at the start of the code, on a line it already has: after a shebang line and after a
 * `"use strict";` (which must stay first to count).
 */
export function withPrologue(output: string, prologue: string | undefined): string {
  if (!prologue) {
    return output;
  }
  const head = /^(#![^\n]*\n)?\s*((["'])use strict\3;?)?/.exec(output);
  const at = head ? head[0].length : 0;
  return `${output.slice(0, at)}${prologue}${output.slice(at)}`;
}

/**
 * What `import.meta` holds in an ES module, from the CommonJS module object: not from `__filename`
 * or `require`, which ES-module scripts often declare themselves from it (`const __filename =
 * fileURLToPath(import.meta.url)`, `const require = createRequire(import.meta.url)`), where reading
 * them would throw (a `const` read before its declaration).
 */
const META_URL = 'module.require("node:url").pathToFileURL(module.filename).href';
const META_DIRNAME = 'module.require("node:path").dirname(module.filename)';
const IMPORT_META_OBJECT = `({ url: ${META_URL}, filename: module.filename, dirname: ${META_DIRNAME}, env: {} })`;

/**
 * `import.meta` survives the transpilation to CommonJS; Node then re-reads the file as an ES module
 * (its module-syntax detection), where the CommonJS `exports` does not exist. Its ES-module uses
 * (`fileURLToPath(import.meta.url)` for a `__dirname`) get the CommonJS values instead.
 */
export function withoutImportMeta(code: string): string {
  if (!code.includes('import.meta')) {
    return code;
  }
  return code
    .replace(/\bimport\.meta\.url\b/g, META_URL)
    .replace(/\bimport\.meta\.filename\b/g, 'module.filename')
    .replace(/\bimport\.meta\.dirname\b/g, META_DIRNAME)
    .replace(/\bimport\.meta\b/g, IMPORT_META_OBJECT);
}

/** A top-level declaration of a name the CommonJS wrapper passes in: `const __dirname = path.dirname(__filename)`. */
const WRAPPER_REDECLARATION = /^(const|let|var)\s+(?=(__filename|__dirname|require|module|exports)\s*=)/gm;

/** The same declaration in a guarded body (guarded-statements.ts): `var require; try { require = … }`. */
const GUARDED_WRAPPER_DECLARATION = /^var\s+(?:__filename|__dirname|require|module|exports);[ \t]*/gm;

/**
 * An ES-module script that makes its own CommonJS names (`const __filename =
 * fileURLToPath(import.meta.url)`, `const require = createRequire(import.meta.url)`), once it is
 * CommonJS, would declare a name its wrapper function already has, which does not compile: the
 * declaration becomes an assignment of the same value to the wrapper's own.
 */
export function withoutWrapperRedeclarations(code: string): string {
  return code.replace(WRAPPER_REDECLARATION, '').replace(GUARDED_WRAPPER_DECLARATION, '');
}
