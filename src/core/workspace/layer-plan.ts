/**
 * Where the CLI puts the vendored layer: once per package. An existing `running-batch-norm.<ext>` in the
 * file's folder or a folder above it (up to its package's root, the folder of the nearest package.json,
 * or the working folder) is reused; otherwise one new file per package and extension goes in the deepest
 * folder shared by the files that need it, i.e. next to the model code, never outside their package.
 * A configured `--layer-path` overrides all of this (resolveLayerFilePath's `setting`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAYER_BASE_NAME, layerExtensionFor, resolveLayerFilePath } from '../refactor';

/** Maps each file that will be converted to the layer file it imports. */
export function planLayerFiles(files: string[], cwd: string, setting?: string): Map<string, string> {
  const plan = new Map<string, string>();
  if (setting) {
    files.forEach((f) => plan.set(f, resolveLayerFilePath({ fileName: f, workspaceRoot: cwd, setting })));
    return plan;
  }
  const needNew = new Map<string, { ext: string; files: string[] }>();
  const mixed = mixedJsPackages(files, cwd);
  for (const file of files) {
    if (loadsNoTfjs(file)) {
      // A browser script on the global `tf` (or one handed tfjs in): its layer goes next to it, and it
      // must not pull the shared copy of the package's modules up to a common folder.
      plan.set(file, findExistingLayer(path.dirname(file), layerExtensionFor(file), path.dirname(file)) ?? path.join(path.dirname(file), LAYER_BASE_NAME + layerExtensionFor(file)));
      continue;
    }
    const root = packageRootOf(file, cwd);
    const system = layerExtensionFor(file) === '.js' ? jsModuleSystemOf(file) : undefined;
    // A package mixing ESM and CommonJS .js files gets one copy per module system (.mjs / .cjs).
    const ext = system && mixed.has(root) ? (system === 'esm' ? '.mjs' : '.cjs') : layerExtensionFor(file);
    const existing = findExistingLayer(path.dirname(file), ext, root, system);
    if (existing) {
      plan.set(file, existing);
    } else if (ext === '.js' && system && otherSystemLayerAbove(path.dirname(file), root, system)) {
      // A running-batch-norm.js of the other module system is there already: this file gets its own.
      const own = system === 'esm' ? '.mjs' : '.cjs';
      const key = `${root}\0${own}`;
      needNew.set(key, { ext: own, files: [...(needNew.get(key)?.files ?? []), file] });
    } else {
      const key = `${root}\0${ext}`;
      needNew.set(key, { ext, files: [...(needNew.get(key)?.files ?? []), file] });
    }
  }
  for (const { ext, files: group } of needNew.values()) {
    const target = path.join(commonFolder(group.map((f) => path.dirname(f))), LAYER_BASE_NAME + ext);
    group.forEach((f) => plan.set(f, target));
  }
  return plan;
}

/**
 * The folder of the package.json nearest to `file`, when it lies inside `cwd`; else `cwd`. Two sibling
 * packages in one workspace each get their own layer file, importable by their own code only.
 */
export function packageRootOf(file: string, cwd: string): string {
  const stop = path.resolve(cwd);
  for (let d = path.dirname(path.resolve(file)); isInside(d, stop); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) {
      return d;
    }
    if (d === stop || path.dirname(d) === d) {
      break;
    }
  }
  return stop;
}

/** A JavaScript file that never names a tfjs package (the browser global, or tfjs as a parameter). */
function loadsNoTfjs(file: string): boolean {
  if (!/\.(js|mjs|cjs|jsx)$/i.test(file)) {
    return false;
  }
  try {
    return !fs.readFileSync(file, 'utf8').includes('@tensorflow/tfjs');
  } catch {
    return false;
  }
}

/** The module system a .js file is written in, from its text; undefined when it shows neither. */
export function jsModuleSystemOf(file: string): 'esm' | 'cjs' | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (/^\s*(import\s*[\w{*'"]|export\s)/m.test(text)) {
    return 'esm';
  }
  return /\brequire\s*\(|\bmodule\.exports\b|^\s*exports\.\w/m.test(text) ? 'cjs' : undefined;
}

/** Package roots whose converted .js files include both ES modules and CommonJS. */
function mixedJsPackages(files: string[], cwd: string): Set<string> {
  const systems = new Map<string, Set<string>>();
  for (const file of files.filter((f) => layerExtensionFor(f) === '.js')) {
    const system = jsModuleSystemOf(file);
    if (system) {
      const root = packageRootOf(file, cwd);
      systems.set(root, (systems.get(root) ?? new Set()).add(system));
    }
  }
  return new Set([...systems].filter(([, s]) => s.size > 1).map(([root]) => root));
}

/** The header renderVendoredLayer writes says which module system a copy is. */
function layerSystemOf(file: string): 'esm' | 'cjs' | undefined {
  try {
    const head = fs.readFileSync(file, 'utf8').slice(0, 200);
    return head.includes('(JavaScript module)') ? 'esm' : head.includes('(CommonJS)') ? 'cjs' : undefined;
  } catch {
    return undefined;
  }
}

function otherSystemLayerAbove(dir: string, root: string, system: 'esm' | 'cjs'): boolean {
  const found = findExistingLayer(dir, '.js', root);
  const other = found ? layerSystemOf(found) : undefined;
  return other !== undefined && other !== system;
}

function findExistingLayer(dir: string, ext: string, cwd: string, system?: 'esm' | 'cjs'): string | undefined {
  const stop = path.resolve(cwd);
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, LAYER_BASE_NAME + ext);
    // A .js copy of the other module system cannot be imported by this file.
    if (fs.existsSync(candidate) && !(ext === '.js' && system && (layerSystemOf(candidate) ?? system) !== system)) {
      return candidate;
    }
    if (d === stop || path.dirname(d) === d || !isInside(d, stop)) {
      return undefined;
    }
  }
}

function isInside(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The deepest folder containing all `dirs`. */
export function commonFolder(dirs: string[]): string {
  let common = dirs[0]!;
  for (const dir of dirs.slice(1)) {
    while (!isInside(dir, common)) {
      common = path.dirname(common);
    }
  }
  return common;
}
