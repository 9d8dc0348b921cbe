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
