/**
 * Which files the CLI looks at: JS/TS sources under the given paths, skipping node_modules, .git, folders
 * a .gitignore ignores, declaration files, minified bundles and the vendored layer itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GitIgnore } from './gitignore';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

/** Whether a file name is a JS/TS source the tool analyses (not .d.ts, not *.min.js). */
export function isSourceFileName(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return SOURCE_EXTENSIONS.includes(path.extname(lower)) && !/\.d\.[mc]?ts$/.test(lower) && !/\.min\.[mc]?js$/.test(lower);
}

/** The vendored layer file (its own code is not user code to report or convert). */
export function isVendoredLayerFileName(fileName: string): boolean {
  return /^running-batch-norm(\.browser)?\.(ts|js|mjs|cjs)$|^running-batch-norm\.browser\.d\.ts$/.test(path.basename(fileName));
}

export interface CollectedFiles {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  /** Paths that could not be listed or are not source files, with a one-line reason. */
  errors: { file: string; error: string }[];
}

/** Expands files and folders into source files. Named files are taken as given (if they are sources). */
export function collectSourceFiles(paths: readonly string[], cwd: string): CollectedFiles {
  const files = new Set<string>();
  const errors: CollectedFiles['errors'] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (error) {
      errors.push({ file: abs, error: describeFsError(error, 'cannot read') });
      continue;
    }
    if (stat.isDirectory()) {
      walk(abs, ignoresAbove(abs), files, errors);
    } else if (isSourceFileName(abs)) {
      files.add(abs);
    } else {
      errors.push({ file: abs, error: `not a JavaScript/TypeScript source file (${SOURCE_EXTENSIONS.join(' ')})` });
    }
  }
  return { files: [...files].sort(), errors };
}

interface ScopedIgnore {
  dir: string;
  ignore: GitIgnore;
}

function walk(dir: string, ignores: ScopedIgnore[], files: Set<string>, errors: CollectedFiles['errors']): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    errors.push({ file: dir, error: describeFsError(error, 'cannot list folder') });
    return;
  }
  const local = readGitIgnore(dir);
  const scoped = local ? [...ignores, { dir, ignore: local }] : ignores;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const isDir = entry.isDirectory();
    if ((isDir && ALWAYS_SKIPPED_DIRS.has(entry.name)) || isIgnored(full, isDir, scoped)) {
      continue;
    }
    if (isDir) {
      walk(full, scoped, files, errors);
    } else if (entry.isFile() && isSourceFileName(entry.name) && !isVendoredLayerFileName(entry.name)) {
      files.add(full);
    }
  }
}

function isIgnored(full: string, isDir: boolean, ignores: ScopedIgnore[]): boolean {
  let ignored = false;
  for (const { dir, ignore } of ignores) {
    const verdict = ignore.matches(path.relative(dir, full).split(path.sep).join('/'), isDir);
    if (verdict !== undefined) {
      ignored = verdict;
    }
  }
  return ignored;
}

/** .gitignore files of the folders above a walk root, up to the repository root (the folder with .git). */
function ignoresAbove(root: string): ScopedIgnore[] {
  const found: ScopedIgnore[] = [];
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    const ignore = readGitIgnore(dir);
    if (ignore) {
      found.unshift({ dir, ignore });
    }
    if (fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) {
      return fs.existsSync(path.join(dir, '.git')) ? found : [];
    }
  }
}

function readGitIgnore(dir: string): GitIgnore | undefined {
  try {
    return GitIgnore.parse(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** A one-line message for a failed fs call: `cannot read: no such file or directory`. */
export function describeFsError(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'is a folder', ENOTDIR: 'not a folder', EMFILE: 'too many open files' };
  return `${what}: ${(code && reasons[code]) ?? (error instanceof Error ? error.message : String(error))}`;
}
