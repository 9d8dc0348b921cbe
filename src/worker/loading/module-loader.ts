/**
 * Loads the user's module inside the worker process: TypeScript (and ES-module JavaScript outside
 * node_modules) is transpiled in memory with the TypeScript that ts-morph ships, sibling imports
 * resolve (including the `./x.js` → `./x.ts` convention), and every `@tensorflow/tfjs*` request, the
 * user's and ours, goes to one tfjs instance so that models, layers and optimizers share an engine.
 * Nothing is written to disk.
 */
import { aliasCandidates } from './path-aliases';
import Module from 'node:module';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { loadTsMorph } from '../../core/analysis/builders/tfjs-bindings';
import { TFJS_MODULE, TFJS_URL } from '../../core/analysis/builders/tfjs-bindings';
import { bareSpecifier } from '../../core/analysis/module-specifiers';
import { isLoadStop } from './load-stop';
import { hasTopLevelAwait, settleTopLevelAwait, wrapTopLevelAwait } from './top-level-await';
import { isHtmlPage } from '../../core/analysis/page/page-scripts';
import { pageCodeForLoading } from './page/page-loading';
import { withSourceName } from './source-name';
import { defineBundlerFileLoaders } from './bundler-files';
import { bundlerAsset, isStandIn, standInForMissingFile, standInForMissingPackage, virtualModule } from './missing-modules';
import { STATEMENT_ERROR_GLOBAL, withGuardedStatements } from './guarded-statements';
import { CONSTRUCTOR_ERROR_GLOBAL, withGuardedConstructors } from './guarded-constructors';
import { BUILDER_ERROR_GLOBAL, BUILDER_STATEMENT_GLOBAL, withGuardedBuilderBody, type SourceRange } from './guarded-builder-body';
import { withTrackedLoadCalls } from './load-calls';
import { withNodeNamespace } from '../backends/tfjs-node-namespace';
import { withoutImportMeta, withoutWrapperRedeclarations, withPrologue } from './commonjs-output';
import { withDeclarationCapture } from './declaration-capture';

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _extensions: Record<string, (module: NodeModule & { _compile(code: string, file: string): void }, file: string) => void>;
}

const internals = Module as unknown as ModuleInternals;
const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
const NATIVE_TFJS = /^@tensorflow\/tfjs-node(-gpu)?$/;
/**
 * `@tensorflow/tfjs-core/dist/io/io`: a file inside a tfjs package's build, which `tsc` drops when only
 * types come from it (`SaveResult`); transpiled file by file, the import stays, and those files are ES
 * modules Node cannot load by that path.
 */
const TFJS_DEEP_IMPORT = /^(@tensorflow\/tfjs(?:-[a-z-]+)?)\/dist\/[^.]+(?:\.js)?$/;
/** Global the worker reads a non-exported top-level factory from (see `loadFactory`). */
export const FACTORY_GLOBAL = '__rbnSanityFactory__';
/** Global the first line of the entry file writes a hoisted factory to (see `loadFactory`). */
const HOISTED_GLOBAL = '__rbnSanityHoisted__';

/** The statement that hands the builder over before the body goes on (a name in its dead zone reads as nothing). */
function hoistedCapture(name: string): string {
  return `;try { globalThis.${HOISTED_GLOBAL} = ${name}; } catch (e) {}`;
}

/** Global holding the values for the entry file's empty bindings (see `fillEmptyBindings`). */
export const BINDINGS_GLOBAL = '__rbnSanityBindings__';
/** The worker's tfjs, for project modules that keep tfjs in a variable a loader fills later (withDeferredTfjs). */
const DEFERRED_TFJS_GLOBAL = '__rbnSanityDeferredTfjs__';

let installed = false;
let tfjsRedirects = new Map<string, string>();
const entryAppendix = new Map<string, string>();
/**
 * The builder each entry file hands over before its body may stop: at the start of its first line
 * (no new line: source maps stay right) for a hoisted function declaration, and after its declaration
 * for a `const` or class one.
 */
const hoistedBuilders = new Map<string, string>();
/** The files the worker loads as the user's module (loadFactory): only these are read as pages. */
const entryFiles = new Set<string>();
/** Entry files loaded on a last attempt: each top-level statement guarded (guarded-statements.ts). */
const guardedEntries = new Set<string>();
/**
 * During a last attempt, the project's own modules the entry imports are guarded too: a config module
 * that throws when an environment variable is missing (`if (!process.env.DATABASE_URL) throw …`) stops
 * every file that imports it, builder included, before any of its statements run.
 */
let guardingImports = false;

/** Entry files whose constructors run statement by statement (guarded-constructors.ts). */
const guardedConstructorFiles = new Set<string>();
/** Files whose builder at the range runs each body statement on its own (a last attempt). */
const guardedBuilderBodies = new Map<string, SourceRange>();
/** Entry files whose top-level calls hand their promises to the worker (model-at-load.ts). */
const trackedEntries = new Set<string>();

/** Until the returned function is called, `file`'s top-level calls are tracked when it loads (model-at-load.ts). */
export function trackLoadCallsOf(file: string): () => void {
  trackedEntries.add(file);
  return () => void trackedEntries.delete(file);
}

function isGuarded(file: string): boolean {
  return guardedEntries.has(file) || (guardingImports && !file.split(path.sep).includes('node_modules'));
}
/** Lines that fill the entry file's empty bindings (tfjs, module variables), appended before the factory line. */
const deferredFills = new Map<string, string>();

/**
 * Installs the require hooks once per process.
 * @param redirects request ('@tensorflow/tfjs') -> absolute file it must load; other tfjs requests resolve normally.
 */
export function installModuleHooks(redirects: Map<string, string>): void {
  tfjsRedirects = redirects;
  if (installed) {
    return;
  }
  installed = true;
  // The transpiler itself must load through Node's own loaders: loading ts-morph through the hooks
  // below sends one of its files to `transpile`, which needs ts-morph (a half-loaded module).
  loadTsMorph();
  process.setSourceMapsEnabled?.(true);
  const originalResolve = internals._resolveFilename.bind(Module);
  internals._resolveFilename = (request, parent, isMain, options) => {
    if (request.startsWith('npm:')) {
      // Deno's `npm:@tensorflow/tfjs@4.22.0`: the package it names, found (or served) as a bare import is.
      return internals._resolveFilename(bareSpecifier(request), parent, isMain, options);
    }
    const redirect = TFJS_MODULE.test(request) ? tfjsRedirects.get(request) : undefined;
    if (redirect && NATIVE_TFJS.test(request) && !redirect.includes('tfjs-node')) {
      // tfjs-node served by plain tfjs: with tfjs-node's `tf.node` image functions (tfjs-node-namespace.ts).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return virtualModule(path.join(path.sep, '__rbn_tfjs_node__', request), () => withNodeNamespace(require(redirect) as typeof import('@tensorflow/tfjs')));
    }
    if (redirect) {
      return redirect;
    }
    const deep = TFJS_DEEP_IMPORT.exec(request);
    if (deep && isProjectFile((parent as { filename?: string } | undefined)?.filename ?? '')) {
      // From the user's code: the package's own entry, which exports the same names (types are none at run time).
      return internals._resolveFilename(deep[1], parent, isMain, options);
    }
    if (TFJS_URL.test(request)) {
      // A browser (or Deno) module's CDN import of tfjs: the page's tfjs, which the worker sets as the
      // global `tf` for page scripts; in a module that also imports tfjs by name, the tfjs in use.
      const inUse = tfjsRedirects.get('@tensorflow/tfjs');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return virtualModule(path.join(path.sep, '__rbn_tfjs_url__', 'tf.js'), () => (globalThis as Record<string, unknown>).tf ?? (inUse ? require(inUse) : undefined));
    }
    try {
      return originalResolve(request, parent, isMain, options);
    } catch (err) {
      const alternative = request.startsWith('.') ? tryTypeScriptSibling(request, parent, isMain, options, originalResolve) : tryPathAlias(request, parent, isMain, options, originalResolve);
      if (alternative) {
        return alternative;
      }
      const standIn = standInForMissingPackage(request, parent, err) ?? bundlerAsset(request) ?? standInForMissingFile(request, parent, err);
      if (standIn) {
        return standIn;
      }
      throw err;
    }
  };
  const originalJs = internals._extensions['.js'];
  for (const ext of TS_EXTENSIONS) {
    internals._extensions[ext] = (module, file) => module._compile(transpile(fs.readFileSync(file, 'utf8'), file), file);
  }
  const jsLike = (module: Parameters<typeof originalJs>[0], file: string) => {
    if (isHtmlPage(file) && entryFiles.has(file)) {
      // The page sanity-train runs: its scripts, in document order (page/page-loading.ts).
      module._compile(transpile(pageCodeForLoading(file, fs.readFileSync(file, 'utf8')), file), file);
      return;
    }
    const code = fs.readFileSync(file, 'utf8');
    const isUser = isProjectFile(file);
    const isUserEsm = isUser && /^\s*(import|export)\b/m.test(code);
    if (isUserEsm || (isUser && DEFERRED_TF.test(code)) || entryAppendix.has(file) || !file.endsWith('.js') || isGuarded(file) || trackedEntries.has(file)) {
      module._compile(transpile(code, file), file);
    } else {
      originalJs(module, file);
    }
  };
  internals._extensions['.js'] = jsLike;
  internals._extensions['.mjs'] = jsLike;
  // Registered so that Node resolves what bundlers do: `./App` to App.jsx, `@/store` to store/index.jsx.
  internals._extensions['.jsx'] = jsLike;
  // Only the entry file is read as a page (an .html a module requires stays what it was before).
  internals._extensions['.html'] = jsLike;
  internals._extensions['.htm'] = jsLike;
  defineBundlerFileLoaders(internals._extensions);
}

/** `$lib/types/game`, `@/models/net`: the file the project's alias maps it to (path-aliases.ts), TypeScript siblings of `.js` included. */
function tryPathAlias(request: string, parent: unknown, isMain: boolean, options: unknown, resolve: ModuleInternals['_resolveFilename']): string | undefined {
  const importer = (parent as { filename?: string } | undefined)?.filename;
  for (const candidate of importer ? aliasCandidates(request, importer) : []) {
    try {
      return resolve(candidate, parent, isMain, options);
    } catch {
      const sibling = tryTypeScriptSibling(candidate, parent, isMain, options, resolve);
      if (sibling) {
        return sibling;
      }
    }
  }
  return undefined;
}

function tryTypeScriptSibling(request: string, parent: unknown, isMain: boolean, options: unknown, resolve: ModuleInternals['_resolveFilename']): string | undefined {
  const stem = request.replace(/\.(c|m)?js$/, '');
  for (const ext of TS_EXTENSIONS) {
    try {
      return resolve(stem + ext, parent, isMain, options);
    } catch {
      // try the next extension
    }
  }
  return undefined;
}

/** CommonJS with inline source maps, so stack traces point at the user's lines (top-level await: top-level-await.ts). */
export function transpile(code: string, file: string): string {
  const { ts } = loadTsMorph();
  const page = isHtmlPage(file);
  const body = guardedBuilderBodies.get(file);
  const guardedBody = body && !page ? withGuardedBuilderBody(code, file, body) : code;
  // After the body's guard, whose range is an offset into the file as written.
  const withBody = trackedEntries.has(file) && !page ? withTrackedLoadCalls(guardedBody, file) : guardedBody;
  const guardedCtors = guardedConstructorFiles.has(file) && !page ? withGuardedConstructors(withBody, file) : withBody;
  const hoisted = hoistedBuilders.get(file);
  const ownCode = hoisted !== undefined && !page ? withDeclarationCapture(guardedCtors, file, hoisted, hoistedCapture(hoisted)) : guardedCtors;
  // A page's scripts run statement by statement too: in a browser a script that throws stops only
  // itself, and the page's later scripts (the class that builds the model) still run.
  const source = isGuarded(file) ? withGuardedStatements(ownCode, file) : ownCode;
  // A page's scripts are JavaScript (an unknown extension would parse as TypeScript); .mjs/.mts
  // would keep their ES-module syntax whatever the module setting says.
  const fileName = page ? `${file}.js` : file.replace(/\.([mc])(js|ts)$/, '.$2');
  const out = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      // A script with no import or export stays sloppy, as a page's classic script (and Node's CommonJS)
      // runs: `model = tf.sequential()` with no declaration makes a global. Modules are strict anyway.
      alwaysStrict: false,
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      jsx: ts.JsxEmit.React,
      inlineSourceMap: true,
      inlineSources: true,
      allowJs: true,
    },
  });
  const output = withPrologue(withoutWrapperRedeclarations(withoutImportMeta(fileName === file ? out.outputText : withSourceName(out.outputText, file))), hoisted === undefined ? undefined : hoistedCapture(hoisted)) + (entryAppendix.get(file) ?? withDeferredTfjs(code, file));
  return hasTopLevelAwait(code, file) ? wrapTopLevelAwait(output, file) : output;
}

/**
 * On a last attempt the entry's top-level statements run each on its own (guarded-statements.ts), and
 * those of the project's modules it imports and loads afresh: the first error one throws is kept for the report; a load stop (training at load, process.exit) still
 * ends the body, as it must.
 */
function guardStatements(file: string): { first?: unknown } {
  const skipped: { first?: unknown } = {};
  guardedEntries.add(file);
  guardingImports = true;
  (globalThis as Record<string, unknown>)[STATEMENT_ERROR_GLOBAL] = (err: unknown) => {
    if (isLoadStop(err)) {
      throw err;
    }
    skipped.first ??= err;
  };
  return skipped;
}

/**
 * Until the returned function is called, `file` loads afresh with each constructor's statements run on
 * their own (guarded-constructors.ts); the first error one throws is kept for the report.
 */
export function guardConstructorsOf(file: string): { skipped: { first?: unknown }; restore: () => void } {
  const skipped: { first?: unknown } = {};
  const restore = guardFreshLoad(file, (f) => guardedConstructorFiles.add(f), () => guardedConstructorFiles.delete(file), CONSTRUCTOR_ERROR_GLOBAL, (err) => {
    skipped.first ??= err;
  });
  return { skipped, restore };
}

/**
 * Until the returned function is called, `file` loads afresh with the statements of the builder at
 * `range` run each on its own (guarded-builder-body.ts): `onStatement` hears each start, and an error
 * is skipped, and kept for the report, where `skippable` says so.
 */
export function guardBuilderBodyOf(file: string, range: SourceRange, hooks: { onStatement: () => void; skippable: (err: unknown) => boolean }): { skipped: unknown[]; restore: () => void } {
  const skipped: unknown[] = [];
  (globalThis as Record<string, unknown>)[BUILDER_STATEMENT_GLOBAL] = hooks.onStatement;
  const restore = guardFreshLoad(file, (f) => guardedBuilderBodies.set(f, range), () => guardedBuilderBodies.delete(file), BUILDER_ERROR_GLOBAL, (err) => {
    if (!hooks.skippable(err)) {
      throw err;
    }
    skipped.push(err);
  });
  return { skipped, restore };
}

/**
 * Marks `file` for a guarded transform (`mark`, undone by `unmark`), drops it from the cache so that it
 * loads afresh, and routes the guard's errors to `onError`; a load stop (training at load,
 * process.exit) still ends the code, as it must. Returns the restore.
 */
function guardFreshLoad(file: string, mark: (file: string) => void, unmark: () => void, errorGlobal: string, onError: (err: unknown) => void): () => void {
  mark(file);
  delete require.cache[file];
  (globalThis as Record<string, unknown>)[errorGlobal] = (err: unknown) => {
    if (isLoadStop(err)) {
      throw err;
    }
    onError(err);
  };
  return () => {
    unmark();
    delete require.cache[file];
  };
}

/**
 * Requires the user's module and returns the factory `name`: an export of that name, or else a
 * top-level binding (read through a line appended to the transpiled entry file only). With
 * `onLoadError`, a body that throws hands over its hoisted builder instead, after telling it the error.
 */
export async function loadFactory(file: string, name: string, modelVariable?: string, onLoadError?: (err: unknown) => void): Promise<unknown> {
  entryFiles.add(file);
  const fills = (deferredFills.get(file) ?? '') + (modelVariable === undefined ? '' : variableReader(modelVariable));
  const g = globalThis as Record<string, unknown>;
  delete g[HOISTED_GLOBAL];
  // An earlier load's reader must not answer for this one, which may stop before its own is defined.
  delete g[VARIABLE_GLOBAL];
  if (/^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default') {
    entryAppendix.set(file, `${fills}\n;globalThis.${FACTORY_GLOBAL} = typeof ${name} === 'undefined' ? undefined : ${name};\n`);
    // A function declaration is hoisted: readable before the body runs, in case the body stops early;
    // a `const` or class builder once declared, before a later statement stops the load.
    hoistedBuilders.set(file, name);
  } else if (fills) {
    entryAppendix.set(file, fills);
  }
  let exports: Record<string, unknown>;
  const skipped = onLoadError ? guardStatements(file) : undefined;
  if (skipped) {
    // Run again, guarded: an earlier attempt may have left the file cached as it stopped.
    delete require.cache[file];
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(file) as Record<string, unknown>;
    // A body with top-level await (its own or an import's) fills its exports as it runs.
    await settleTopLevelAwait();
    if (skipped?.first !== undefined) {
      onLoadError?.(skipped.first);
    }
  } catch (err) {
    // A script that trains when it loads was stopped at its first training call (training-at-load.ts), or
    // one that ends itself (a usage line) at its process.exit() (exit-guard.ts).
    if (isLoadStop(err) && g[HOISTED_GLOBAL] !== undefined) {
      if (skipped?.first !== undefined) {
        onLoadError?.(skipped.first);
      }
      return g[HOISTED_GLOBAL];
    }
    // Asked for on a last attempt: a body that throws past its builder's (hoisted) declaration, as it
    // would in the browser or under node too, still lets the builder be checked.
    if (onLoadError && g[HOISTED_GLOBAL] !== undefined) {
      onLoadError(skipped?.first ?? err);
      return g[HOISTED_GLOBAL];
    }
    throw err;
  } finally {
    guardedEntries.delete(file);
    guardingImports = false;
  }
  const exported = userExport(exports, name);
  if (exported !== undefined) {
    return exported;
  }
  if (name === 'default' && typeof exports === 'function') {
    return exports;
  }
  // `module.exports = class Model { … }`: the class expression's name is no binding of the module.
  const whole: unknown = exports;
  if (typeof whole === 'function' && whole.name === name) {
    return whole;
  }
  return (globalThis as Record<string, unknown>)[FACTORY_GLOBAL];
}

/**
 * The module's export `name`. A class exported as the whole module that extends a missing module's
 * stand-in inherits a stand-in for every name (`M.M`, `M.sanityData`): that is no export of the user's.
 */
export function userExport(exports: unknown, name: string): unknown {
  const value = (exports as Record<string, unknown> | undefined)?.[name];
  return isStandIn(value) ? undefined : value;
}

/** Global holding a reader of the module variable a builder assigns its model to (see `readModelVariable`). */
const VARIABLE_GLOBAL = '__rbnModelVariable__';

/** A line for the entry file: a reader of `name` inside the module's scope (a module `let`, or a page's global). */
function variableReader(name: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
    return '';
  }
  return `\n;globalThis.${VARIABLE_GLOBAL} = () => (typeof ${name} === 'undefined' ? undefined : ${name});\n`;
}

/** The value of the module variable named to `loadFactory`, read now (after the builder has run). */
export function readModelVariable(): unknown {
  const reader = (globalThis as Record<string, unknown>)[VARIABLE_GLOBAL];
  return typeof reader === 'function' ? (reader as () => unknown)() : undefined;
}

/**
 * Top-level bindings of the entry file that only some function of it fills (`let tf;` … `tf =
 * require('@tensorflow/tfjs-node')` inside run(), `numberOfClasses = args.classes`): once the module
 * has loaded, each that is still empty (undefined or null) gets its value here (the worker's tfjs, a module
 * variable's JSON value), so builders called on their own find them. `exported`: the names declared
 * with `export let`. Call before `loadFactory`.
 */
export function fillEmptyBindings(file: string, values: ReadonlyMap<string, unknown>, exported: ReadonlySet<string> = new Set()): void {
  const names = [...values.keys()].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  if (names.length === 0) {
    deferredFills.delete(file);
    return;
  }
  (globalThis as Record<string, unknown>)[BINDINGS_GLOBAL] = Object.fromEntries(names.map((n) => [n, values.get(n)]));
  // `export let x;` compiles to `exports.x`, with no local binding to assign.
  const target = (n: string) => (exported.has(n) ? `exports.${n}` : n);
  // Empty: undefined, or the null a declaration like `let tf: any = null` starts it with.
  deferredFills.set(file, names.map((n) => `\n;if (${target(n)} == null) { ${target(n)} = globalThis.${BINDINGS_GLOBAL}[${JSON.stringify(n)}]; }`).join('') + '\n');
}

/**
 * A top-level `let tf = null;` (or `var tf;`) in a project module: a loader that fills it later
 * (`tf = window.tf` once its script tags load, `tf = await import('@tensorflow/tfjs')`) and hands it out
 * (`export function getTensorFlow() { return tf; }`). The builder in another file that asks for it
 * finds null unless that loader ran, so such a module ends by filling it with the worker's tfjs, as
 * the entry file's own deferred bindings are (fillEmptyBindings).
 */
const DEFERRED_TF = /^(?:let|var)\s+tf\s*(?::[^=;\n]+)?(?:=\s*(?:null|undefined)\s*)?;?\s*$/m;

/** A file of the user's project, not of a package it installed. */
function isProjectFile(file: string): boolean {
  return !file.split(path.sep).includes('node_modules');
}

function withDeferredTfjs(code: string, file: string): string {
  return isProjectFile(file) && DEFERRED_TF.test(code) ? `\n;if (tf == null) { tf = globalThis.${DEFERRED_TFJS_GLOBAL}; }\n` : '';
}

/** The tfjs that project modules' deferred `tf` bindings get (withDeferredTfjs). */
export function setDeferredTfjs(tf: unknown): void {
  (globalThis as Record<string, unknown>)[DEFERRED_TFJS_GLOBAL] = tf;
}

/** Requires a module by absolute path through the hooks (used for the user's `sanityData`). */
export function requireUserModule(file: string): Record<string, unknown> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as Record<string, unknown>;
  } catch {
    // A body that throws as it loads (its builder was taken past the error, loadFactory): no exports.
    return {};
  }
}
