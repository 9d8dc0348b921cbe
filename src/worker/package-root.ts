/**
 * The package a user's file belongs to: the worker runs there (its cwd) and reads the project's
 * files from there. Small on purpose: the worker's loading code needs it without the launcher.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The nearest folder holding a package.json above the user's file (its workspace), else the file's folder. */
export function findPackageRoot(file: string): string {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return path.dirname(path.resolve(file));
    }
    dir = parent;
  }
}

/**
 * The project a file belongs to, for finding the files that go with it (the pages that load it, the
 * helpers it imports from `../layers`): the nearest folder with a package.json or .git, up to four
 * levels up, else the folder above the file's (`common/x.js` loaded by `view/home.html`).
 */
export function projectRoot(file: string): string {
  let dir = path.dirname(path.resolve(file));
  for (let level = 0; level < 4; level++) {
    if (fs.existsSync(path.join(dir, 'package.json')) || fs.existsSync(path.join(dir, '.git'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      break;
    }
    dir = parent;
  }
  return path.dirname(path.dirname(path.resolve(file)));
}
