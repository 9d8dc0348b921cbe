/**
 * Notices tfjs wherever the user's program loads it from (its own node_modules, a parent folder's,
 * this project's), by watching Node's CommonJS loader: every tfjs package, also one imported from an
 * ES module, loads its tfjs-layers through `require`. Two more services, as the worker gives them:
 * `@tensorflow/tfjs-node(-gpu)` that is not installed, or fails to load, is served by the plain tfjs
 * the program could load instead; and this project's own tfjs requests (the session, the
 * RunningBatchNorm layer, the wasm backend) land on the program's instance, so all share one engine.
 */
import Module from 'node:module';
import { withNodeNamespace } from '../../backends/tfjs-node-namespace';
import * as path from 'node:path';

interface LoaderInternals {
  _load(request: string, parent: { filename?: string | null } | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
}

export interface TfjsLoad {
  /** The tfjs-layers module (its `LayersModel`, `Sequential`, `sequential`, …), patched once. */
  exports: Record<string, unknown>;
  file: string;
}

/** The native tfjs packages, which throw as they load when their binding is missing. */
export const NATIVE = /^@tensorflow\/tfjs-node(-gpu)?$/;
/** Packages the bundled tfjs can stand in for when the program's installation lacks them. */
const SERVABLE = /^@tensorflow\/tfjs(-node|-node-gpu|-core|-layers|-converter|-data|-backend-cpu)?$/;
const loader = Module as unknown as LoaderInternals;

/** Lines for the report: which tfjs served a request the program's installation could not. */
export const servedNotes: string[] = [];
/** Request -> file: where this project's own tfjs requests (the session, the layer, the wasm backend) must land. */
let ownRedirects = new Map<string, string>();
/** Request -> module: the same, where a test runner's own module registry loaded the program's tfjs (jest-runtime.ts). */
let ownModules = new Map<string, unknown>();
/** Called with every module Node's loader returns (the hook looks for test runners' module systems there). */
const moduleListeners: ((request: string, exports: unknown) => void)[] = [];
const TFJS_REQUEST = /^@tensorflow\/tfjs(-[a-z-]+)?$/;

/** From now on, tfjs requests from this project's files load `redirects` (the program's instance): one engine for all. */
export function redirectOwnTfjs(redirects: Map<string, string>): void {
  ownRedirects = redirects;
}

/** From now on, tfjs requests from this project's files get `modules` (a test runner's instances of the program's tfjs). */
export function redirectOwnTfjsToModules(modules: Map<string, unknown>): void {
  ownModules = modules;
}

/** Calls `listener` with the exports of every module loaded through Node's loader from now on. */
export function onModuleLoad(listener: (request: string, exports: unknown) => void): void {
  moduleListeners.push(listener);
}

/**
 * Calls `onLayers` for every tfjs-layers instance the program loads (once each).
 * @param ownRoot this project's folder (its requests land on the program's tfjs once the session runs).
 * @param ownDir the folder of this bundle, whose packages (the bundled tfjs) serve what the program lacks.
 */
export function watchTfjs(onLayers: (load: TfjsLoad) => void, ownRoot: string, ownDir: string): void {
  const seen = new WeakSet<object>();
  const originalLoad = loader._load.bind(Module);
  const originalResolve = loader._resolveFilename.bind(Module);
  loader._resolveFilename = (request, parent, isMain, options) => {
    const parentFile = (parent as { filename?: string | null } | undefined)?.filename ?? undefined;
    const redirect = TFJS_REQUEST.test(request) && parentFile?.startsWith(ownRoot) ? ownRedirects.get(request) : undefined;
    if (redirect) {
      return redirect;
    }
    try {
      return originalResolve(request, parent, isMain, options);
    } catch (err) {
      const served = SERVABLE.test(request) ? servedFile(request, parentFile, ownDir) : undefined;
      if (!served) {
        throw err;
      }
      noteServed(`the program's ${request} is not installed: ${describeServed(served, ownRoot)} served it`);
      return served;
    }
  };
  loader._load = (request, parent, isMain) => {
    if (TFJS_REQUEST.test(request) && ownModules.has(request) && parent?.filename?.startsWith(ownRoot)) {
      return ownModules.get(request);
    }
    let exports: unknown;
    try {
      exports = originalLoad(request, parent, isMain);
    } catch (err) {
      const served = NATIVE.test(request) ? servedFile(request, parent?.filename ?? undefined, ownDir) : undefined;
      if (!served) {
        throw err;
      }
      noteServed(`the program's ${request} failed to load (${String((err as Error)?.message ?? err).split('\n')[0]}): ${describeServed(served, ownRoot)} served it`);
      exports = originalLoad(served, parent, isMain);
    }
    if (isTfjsLayers(exports) && !seen.has(exports)) {
      seen.add(exports);
      onLayers({ exports, file: safeResolve(request, parent, isMain, originalResolve) ?? request });
    }
    moduleListeners.forEach((listener) => listener(request, exports));
    // tfjs-node served by plain tfjs: with tfjs-node's `tf.node` image functions (tfjs-node-namespace.ts).
    return NATIVE.test(request) && isTfjsLayers(exports) ? withNodeNamespaceOnce(exports) : exports;
  };
}

const withNamespace = new WeakMap<object, unknown>();

/** One module object per tfjs instance, so that every require of tfjs-node gets the same one. */
function withNodeNamespaceOnce(tf: Record<string, unknown>): unknown {
  if (!withNamespace.has(tf)) {
    withNamespace.set(tf, withNodeNamespace(tf as unknown as typeof import('@tensorflow/tfjs')));
  }
  return withNamespace.get(tf);
}

/** Adds a line for the report, once. */
export function noteServed(note: string): void {
  if (!servedNotes.includes(note)) {
    servedNotes.push(note);
  }
}

export function isTfjsLayers(value: unknown): value is Record<string, unknown> {
  const v = value as Record<string, unknown> | null;
  return typeof v === 'object' && v !== null && typeof v.LayersModel === 'function' && typeof v.Sequential === 'function' && typeof v.sequential === 'function';
}

function safeResolve(request: string, parent: unknown, isMain: boolean, resolve: LoaderInternals['_resolveFilename']): string | undefined {
  try {
    return resolve(request, parent, isMain);
  } catch {
    return undefined;
  }
}

/**
 * What serves a tfjs package the program cannot load: the plain `@tensorflow/tfjs` for tfjs-node(-gpu),
 * else the package itself, from the program's installation (seen from the requiring file) or else
 * this project's (found from its bundle's folder).
 */
function servedFile(request: string, parentFile: string | undefined, ownDir: string): string | undefined {
  const target = NATIVE.test(request) ? '@tensorflow/tfjs' : request;
  for (const base of [parentFile ? path.dirname(parentFile) : process.cwd(), ownDir]) {
    try {
      return require.resolve(target, { paths: [base] });
    } catch {
      // next
    }
  }
  return undefined;
}

function describeServed(file: string, ownRoot: string): string {
  return file.startsWith(ownRoot) ? 'the bundled @tensorflow/tfjs' : "the workspace's @tensorflow/tfjs";
}
