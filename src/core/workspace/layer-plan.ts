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
  for (const file of files) {
    const ext = layerExtensionFor(file);
    const root = packageRootOf(file, cwd);
    const existing = findExistingLayer(path.dirname(file), ext, root);
    if (existing) {
      plan.set(file, existing);
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

function findExistingLayer(dir: string, ext: string, cwd: string): string | undefined {
  const stop = path.resolve(cwd);
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, LAYER_BASE_NAME + ext);
    if (fs.existsSync(candidate)) {
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
