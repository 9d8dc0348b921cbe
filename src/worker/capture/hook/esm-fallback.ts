/**
 * ES modules resolve `import … from '@tensorflow/tfjs-node'` without the CommonJS loader the rest of
 * the hook watches: where the program's installation lacks it (or `@tensorflow/tfjs`), a resolve hook
 * serves the workspace's `@tensorflow/tfjs`, else the bundled one (Node 20.6+ `module.register`). So does
 * a tfjs-node whose native binding is missing (native-binding.ts): it resolves, then throws as it loads.
 */
import Module from 'node:module';
import { pathToFileURL } from 'node:url';

/** The loader, as source: it runs on Node's loader thread, so it cannot share this bundle's code. */
const LOADER = `
const TFJS = /^@tensorflow\\/tfjs(-node(-gpu)?)?$/;
let fallback;
let broken = [];
export function initialize(data) { fallback = data.fallback; broken = data.broken; }
export async function resolve(specifier, context, next) {
  try {
    if (broken.includes(specifier)) throw new Error(specifier + ' has no native binding');
    return await next(specifier, context);
  } catch (err) {
    if (!TFJS.test(specifier)) throw err;
    if (specifier !== '@tensorflow/tfjs') {
      try { return await next('@tensorflow/tfjs', context); } catch {}
    }
    return { url: fallback, format: 'commonjs', shortCircuit: true };
  }
}`;

/**
 * Registers the resolve hook; `bundledTfjs` is the absolute path of the bundled tfjs's entry, `broken`
 * the tfjs-node packages to serve although they resolve.
 */
export function registerEsmFallback(bundledTfjs: string, broken: readonly string[] = []): void {
  const register = (Module as unknown as { register?: (url: string, options: unknown) => void }).register;
  if (typeof register !== 'function') {
    return;
  }
  register(`data:text/javascript,${encodeURIComponent(LOADER)}`, { data: { fallback: pathToFileURL(bundledTfjs).href, broken } });
}
