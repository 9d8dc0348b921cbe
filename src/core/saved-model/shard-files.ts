/**
 * The file-system half of keeping a saved model's conversion inside its folder (shard-paths.ts is the
 * lexical half): a weights path may be a symbolic link, and a link to ~/.ssh/id_rsa inside a cloned
 * repository is as hostile as "../../.ssh/id_rsa". Every file read, written or deleted is resolved
 * (realpath) and must lie inside the real path of the model.json's folder. Used by the CLI and by the
 * editor for local files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SavedModelError } from './saved-model-error';
import { checkManifestPaths } from './shard-paths';

/** Whether `file` (a real path) is `dir` (a real path) or lies below it. */
export function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/** The real path of the folder holding `modelJsonFile`: the folder every shard must lie in. */
export function realModelFolder(modelJsonFile: string): string {
  return fs.realpathSync(path.dirname(path.resolve(modelJsonFile)));
}

/** Where `p` (relative to the model's real folder) really is, or undefined when nothing is there (a dangling link too). */
function realPathOf(dir: string, p: string): string | undefined {
  try {
    return fs.realpathSync(path.join(dir, p));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Reads the weights files a model.json lists (after checking every path: nothing is read when any is
 * refused). A missing file is left out of the map, for the converter's "is missing" message. Throws
 * SavedModelError (kind 'unsafePath') for a path that resolves outside the folder or is not a file.
 */
export function readShardsInside(modelJsonFile: string, manifest: ReadonlyArray<{ paths: readonly unknown[] }>): Map<string, Uint8Array> {
  const dir = realModelFolder(modelJsonFile);
  const paths = checkManifestPaths(manifest, path.basename(modelJsonFile));
  const found = new Map<string, string>();
  for (const p of paths) {
    const real = realPathOf(dir, p);
    if (real === undefined) {
      continue;
    }
    if (!isInside(dir, real)) {
      throw new SavedModelError(`refused: weights path ${JSON.stringify(p)} is a link to ${real}, outside the model's folder`, 'unsafePath');
    }
    if (!fs.statSync(real).isFile()) {
      throw new SavedModelError(`refused: weights path ${JSON.stringify(p)} is not a regular file`, 'unsafePath');
    }
    if ([...found.values()].includes(real)) {
      throw new SavedModelError(`refused: weights path ${JSON.stringify(p)} is the same file as another path in weightsManifest`, 'unsafePath');
    }
    found.set(p, real);
  }
  return new Map([...found].map(([p, real]) => [p, fs.readFileSync(real)]));
}

/** Throws unless `target` is absent or resolves (through links) inside `dir` (a real path): a write must not follow a link out. */
export function checkWriteTarget(dir: string, target: string): void {
  const real = realPathOf(dir, path.relative(dir, target));
  if (real === undefined && isLink(target)) {
    throw new SavedModelError(`refused: ${path.basename(target)} is a link to a missing file: not writing through it`, 'unsafePath');
  }
  if (real !== undefined && !isInside(dir, real)) {
    throw new SavedModelError(`refused: ${path.basename(target)} is a link to ${real}, outside the model's folder: not writing through it`, 'unsafePath');
  }
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The old weights files to delete after an in-place conversion: those of `manifest` that resolve
 * inside `dir` and are not `keep` (model.json, the new weights file). Links are deleted, not their targets.
 */
export function shardsToDelete(dir: string, manifest: ReadonlyArray<{ paths: readonly unknown[] }>, keep: readonly string[]): string[] {
  const kept = new Set(keep.map((k) => realPathOf(dir, path.relative(dir, k)) ?? path.resolve(k)));
  return checkManifestPaths(manifest)
    .map((p) => path.join(dir, p))
    .filter((file) => {
      const real = realPathOf(dir, path.relative(dir, file));
      return real !== undefined && isInside(dir, real) && !kept.has(real) && !kept.has(file);
    });
}
