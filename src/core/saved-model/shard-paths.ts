/**
 * Which weight files a model.json may name. A saved model is often someone else's (a cloned
 * repository, a download), and its weightsManifest decides which files a conversion reads and, with
 * --in-place, deletes: every path must stay inside the model.json's folder. This is the lexical half
 * (no file system): relative, no `..`, no URL, no NUL, not empty, not twice, not model.json itself.
 * The symbolic-link half is in shard-files.ts. Both adapters (CLI, editor) go through both.
 */
import { SavedModelError } from './saved-model-error';

/** A URL scheme (`http:`, `file:`, `data:`, …); a Windows drive letter (`C:`) is refused as absolute before this. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Why a manifest path is refused, or undefined when it names a file inside the folder. */
export function describeUnsafePath(p: unknown): string | undefined {
  if (typeof p !== 'string') {
    return `a weights path must be a string, got ${p === null ? 'null' : typeof p}`;
  }
  const shown = JSON.stringify(p.length > 80 ? `${p.slice(0, 80)}…` : p);
  if (p.trim() === '') {
    return 'an empty weights path';
  }
  if (p.includes('\0')) {
    return `weights path ${shown} contains a NUL byte`;
  }
  if (p.startsWith('/') || p.startsWith('\\') || /^[a-z]:/i.test(p)) {
    return `weights path ${shown} is absolute: only files beside model.json are read`;
  }
  if (URL_SCHEME.test(p)) {
    return `weights path ${shown} is a URL: only files beside model.json are read`;
  }
  if (p.split(/[\\/]/).includes('..')) {
    return `weights path ${shown} goes up out of the model's folder ('..'): only files beside model.json are read`;
  }
  return undefined;
}

/** The path with `.` segments and repeated or back slashes folded, to compare paths for duplicates. */
export function normalizeShardPath(p: string): string {
  return p
    .split(/[\\/]+/)
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/**
 * Every path of the manifest, checked: throws SavedModelError (kind 'unsafePath') with one line for the
 * first path that is not a plain file inside the folder, named twice, or model.json itself.
 * `modelJsonName` is the model.json's own file name (its shard list must not name it: --in-place would
 * delete the model it just wrote).
 */
export function checkManifestPaths(manifest: ReadonlyArray<{ paths: readonly unknown[] }>, modelJsonName?: string): string[] {
  const seen = new Set<string>();
  const all: string[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const unsafe = describeUnsafePath(p);
      if (unsafe !== undefined) {
        throw new SavedModelError(`refused: ${unsafe}`, 'unsafePath');
      }
      const path = p as string;
      const key = normalizeShardPath(path);
      if (key === '') {
        throw new SavedModelError(`refused: weights path ${JSON.stringify(path)} names the model's folder, not a file`, 'unsafePath');
      }
      if (seen.has(key)) {
        throw new SavedModelError(`refused: weights path ${JSON.stringify(path)} is listed twice in weightsManifest`, 'unsafePath');
      }
      if (modelJsonName !== undefined && key === modelJsonName) {
        throw new SavedModelError(`refused: weightsManifest lists ${modelJsonName} itself as a weights file`, 'unsafePath');
      }
      seen.add(key);
      all.push(path);
    }
  }
  return all;
}
