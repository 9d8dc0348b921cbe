/**
 * Jest runs each test file in its own module registry (jest-runtime): the test's `require` never
 * reaches Node's loader, so the tfjs it loads is not the one tfjs-watch.ts sees. Jest loads its runtime
 * through Node's loader, though: the hook wraps `Runtime.prototype.requireModuleOrMock`, the one door
 * every `require` of a test file and of the packages it loads goes through (Jest 22 to 30), and sees
 * each tfjs-layers instance there. Its umbrella package and the tfjs modules the session needs are
 * then taken from the same registry, so the model, the session and the RunningBatchNorm layer share
 * the test's tfjs engine.
 */
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { NATIVE } from './tfjs-watch';

type RequireModuleOrMock = (this: object, from: string, moduleName: string) => unknown;

export interface RegistryLoad {
  /** The tfjs-layers module the test's registry loaded. */
  exports: Record<string, unknown>;
  file: string;
  /** The test's umbrella tfjs (the instance the layers belong to), else its tfjs-core and tfjs-layers merged. */
  tf: () => typeof tfjs;
  /** The registry's tfjs packages by name, for this project's own tfjs requests. */
  modules: (names: readonly string[]) => Map<string, unknown>;
}

const PATCHED = Symbol.for('rbn.capture.jestRuntime');

/** The Runtime class when `exports` is jest-runtime's module, else undefined. */
export function jestRuntimeClass(exports: unknown): { prototype: Record<string | symbol, unknown> } | undefined {
  const candidate = (exports as { default?: unknown } | null)?.default ?? exports;
  const proto = typeof candidate === 'function' ? (candidate as { prototype?: Record<string, unknown> }).prototype : undefined;
  return proto && typeof proto.requireModuleOrMock === 'function' && typeof proto.requireModule === 'function' ? (candidate as { prototype: Record<string | symbol, unknown> }) : undefined;
}

/** Wraps the runtime's require (once per class) so that `onLayers` sees every tfjs-layers a test file loads. */
export function patchJestRuntime(
  runtime: { prototype: Record<string | symbol, unknown> },
  isLayers: (value: unknown) => value is Record<string, unknown>,
  onLayers: (load: RegistryLoad) => void,
  onServed: (request: string, err: unknown) => void = () => undefined,
): void {
  const proto = runtime.prototype;
  if (Object.prototype.hasOwnProperty.call(proto, PATCHED)) {
    return;
  }
  proto[PATCHED] = true;
  const original = proto.requireModuleOrMock as RequireModuleOrMock;
  const seen = new WeakSet<object>();
  proto.requireModuleOrMock = function (this: object, from: string, moduleName: string): unknown {
    const exports = requireOrServe(original, this, from, moduleName, onServed);
    if (isLayers(exports) && !seen.has(exports)) {
      seen.add(exports);
      const file = nodeResolve(moduleName, from) ?? moduleName;
      const load = (name: string) => original.call(this, file, name) as Record<string, unknown>;
      onLayers({ exports, file, tf: once(() => umbrellaOf(exports, load)), modules: onceFor((names) => modulesOf(names, load)) });
    }
    return exports;
  };
}

/**
 * The module, or for a tfjs-node(-gpu) that throws as it loads (installed without its native
 * binding), the `@tensorflow/tfjs` it depends on from the same registry, as Node's loader does in
 * tfjs-watch.ts; the original error when there is none.
 */
function requireOrServe(original: RequireModuleOrMock, runtime: object, from: string, moduleName: string, onServed: (request: string, err: unknown) => void): unknown {
  try {
    return original.call(runtime, from, moduleName);
  } catch (err) {
    if (!NATIVE.test(moduleName)) {
      throw err;
    }
    let served: unknown;
    try {
      served = original.call(runtime, from, '@tensorflow/tfjs');
    } catch {
      throw err;
    }
    onServed(moduleName, err);
    return served;
  }
}

/** The umbrella `@tensorflow/tfjs` beside the layers when it holds the same classes, else tfjs-core and the layers merged. */
function umbrellaOf(layers: Record<string, unknown>, load: (name: string) => Record<string, unknown>): typeof tfjs {
  try {
    const umbrella = load('@tensorflow/tfjs');
    if (umbrella.LayersModel === layers.LayersModel) {
      return umbrella as unknown as typeof tfjs;
    }
  } catch {
    // only tfjs-layers and tfjs-core are installed
  }
  return { ...load('@tensorflow/tfjs-core'), ...layers } as unknown as typeof tfjs;
}

function modulesOf(names: readonly string[], load: (name: string) => unknown): Map<string, unknown> {
  const modules = new Map<string, unknown>();
  for (const name of names) {
    try {
      modules.set(name, load(name));
    } catch {
      // not installed beside the test's tfjs
    }
  }
  return modules;
}

/** Where Node would find `request` from `from` (the registry finds the same file unless a moduleNameMapper says otherwise). */
function nodeResolve(request: string, from: string): string | undefined {
  try {
    return require.resolve(request, { paths: [path.dirname(from)] });
  } catch {
    return undefined;
  }
}

/**
 * Asked once and kept: the registry refuses requires once Jest has torn the test file's environment
 * down, and the session may start after that (a test that built a model and ended).
 */
function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

function onceFor<A, T>(make: (arg: A) => T): (arg: A) => T {
  let value: { v: T } | undefined;
  return (arg) => (value ??= { v: make(arg) }).v;
}
