/**
 * Why one of the user's own files is missing, where the repository says: a git submodule that is not
 * checked out (`.gitmodules` names a folder above the file, and the folder is empty or absent) is the
 * common case (pretrained weights, shared configs), and its fix is one command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The submodule folder (relative to its repository) that would hold `absolute`, when one is declared and not checked out. */
export function uncheckedSubmoduleOf(absolute: string): { repositoryRoot: string; folder: string } | undefined {
  for (let dir = path.dirname(absolute); ; dir = path.dirname(dir)) {
    const declared = submoduleFolders(path.join(dir, '.gitmodules'));
    const folder = declared.find((f) => isInside(absolute, path.join(dir, f)));
    if (folder !== undefined) {
      return isCheckedOut(path.join(dir, folder)) ? undefined : { repositoryRoot: dir, folder };
    }
    if (path.dirname(dir) === dir) {
      return undefined;
    }
  }
}

/** The `path = …` entries of a .gitmodules file; none when it is absent or unreadable. */
export function submoduleFolders(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*path\s*=\s*(.+?)\s*$/gm)].map((m) => m[1].replace(/\/+$/, ''));
}

function isInside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function isCheckedOut(folder: string): boolean {
  try {
    return fs.readdirSync(folder).length > 0;
  } catch {
    return false;
  }
}
