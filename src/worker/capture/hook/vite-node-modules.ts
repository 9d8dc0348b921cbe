/**
 * Vitest 1 and 2 (vite-node) resolve a package to its `module` entry and, when that file is ES module
 * syntax in a package that is not `"type": "module"` (tfjs's `dist/index.js`), run it themselves:
 * they transform it and evaluate it with `vm.runInThisContext` as an async function of the module's
 * context (`__vite_ssr_exports__`, `__filename`, …). Node's loader never sees that tfjs, so
 * tfjs-watch.ts cannot. The hook wraps `vm.runInThisContext` in the test's process: once a module so
 * evaluated has run, a tfjs-layers among its exports is handed on, with the tfjs packages evaluated
 * beside it (the session must share the test's tfjs engine). Code of any other shape passes through.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { RegistryLoad } from './jest-runtime';

/** `…/node_modules/@tensorflow/tfjs-core/dist/index.js` → '@tensorflow/tfjs-core' (the `module` entry of every tfjs package). */
const TFJS_ENTRY = /\/node_modules\/(@tensorflow\/tfjs(?:-[a-z-]+)?)\/dist\/index\.js$/;
/** The function vite-node builds around a module: `'use strict';async (__vite_ssr_import__,…,__filename,__dirname)=>{{`. */
const VITE_NODE_WRAPPER = /^'use strict';async \(([\w$,]*)\)=>\{/;
const PATCHED = Symbol.for('rbn.capture.viteNode');
/** The builtin's own exports object, which vite-node reads at each call (a bundler's `import * as` would give a copy). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vm = require('node:vm') as typeof import('node:vm');

type RunInThisContext = (code: string, options?: unknown) => unknown;

/** The positions of the module's exports and file name among the wrapper's parameters, or undefined for other code. */
export function viteNodeParameters(code: unknown): { exportsAt: number; fileAt: number } | undefined {
  const names = typeof code === 'string' ? VITE_NODE_WRAPPER.exec(code)?.[1].split(',') : undefined;
  const exportsAt = names?.indexOf('__vite_ssr_exports__') ?? -1;
  const fileAt = names?.indexOf('__filename') ?? -1;
  return exportsAt >= 0 && fileAt >= 0 ? { exportsAt, fileAt } : undefined;
}

/** The tfjs package whose `module` entry `file` is, else undefined. */
export function tfjsPackageOfEntry(file: string): string | undefined {
  return TFJS_ENTRY.exec(file.split('\\').join('/'))?.[1];
}

/** From now on, every tfjs-layers vite-node evaluates in this process reaches `onLayers`. */
export function watchViteNodeModules(isLayers: (value: unknown) => value is Record<string, unknown>, onLayers: (load: RegistryLoad) => void): void {
  const host = vm as unknown as Record<string | symbol, unknown>;
  if (host[PATCHED] === true) {
    return;
  }
  host[PATCHED] = true;
  const original = vm.runInThisContext as RunInThisContext;
  const packages = new Map<string, Record<string, unknown>>();
  const seen = new WeakSet<object>();
  const evaluated = (file: string, exports: unknown) => {
    const name = tfjsPackageOfEntry(file);
    if (name !== undefined && typeof exports === 'object' && exports !== null) {
      packages.set(name, exports as Record<string, unknown>);
    }
    // The umbrella re-exports the same classes: one hand-over per tfjs-layers instance.
    if (isLayers(exports) && !seen.has(exports.LayersModel as object)) {
      seen.add(exports.LayersModel as object);
      onLayers({ exports, file, tf: () => umbrellaOf(exports, packages), modules: (names) => new Map(names.flatMap((n) => (packages.has(n) ? [[n, packages.get(n)] as const] : []))) });
    }
  };
  host.runInThisContext = function (this: unknown, code: string, options?: unknown): unknown {
    const fn = original.call(vm, code, options);
    const at = typeof fn === 'function' ? viteNodeParameters(code) : undefined;
    if (at === undefined) {
      return fn;
    }
    return async function (this: unknown, ...args: unknown[]) {
      const result: unknown = await (fn as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      evaluated(String(args[at.fileAt]), args[at.exportsAt]);
      return result;
    };
  };
}

/** The evaluated umbrella `@tensorflow/tfjs` when it holds these layers' classes, else tfjs-core and the layers merged. */
function umbrellaOf(layers: Record<string, unknown>, packages: Map<string, Record<string, unknown>>): typeof tfjs {
  const umbrella = packages.get('@tensorflow/tfjs');
  if (umbrella?.LayersModel === layers.LayersModel) {
    return umbrella as unknown as typeof tfjs;
  }
  return { ...(packages.get('@tensorflow/tfjs-core') ?? {}), ...layers } as unknown as typeof tfjs;
}
