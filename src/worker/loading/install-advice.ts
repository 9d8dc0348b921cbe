/**
 * What to run when packages the user's code imports are not installed. Most real projects are opened
 * straight from a clone, before any install: when the project's own package.json lists the package,
 * the fix is its package manager's install in the folder that holds that package.json (the workspace's
 * root in a monorepo), not `npm install <name>`, which would add it a second time or with another
 * version. Read from the files beside the importer only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { foldersAbove, readJson, workspaceRootDirOf } from './workspace-packages';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/**
 * What to run for packages the importer's code imports that are not installed: "the dependencies of
 * /repo/package.json list it: run `npm install` in /repo" when the project lists them (its install was
 * never run), else "install it: npm install ramda" (`pnpm add`, `yarn add` in projects of those).
 */
export function installAdvice(packages: readonly string[], importer: string | undefined): string {
  const owner = importer === undefined ? undefined : packageJsonListing(packages, importer);
  const listed = packages.filter((p) => owner?.lists.has(p));
  const unlisted = packages.filter((p) => !owner?.lists.has(p));
  const mixed = listed.length > 0 && unlisted.length > 0;
  const parts: string[] = [];
  if (owner && listed.length > 0) {
    const dir = workspaceRootDirOf(owner.file) ?? path.dirname(owner.file);
    parts.push(`the dependencies of ${owner.file} list ${mixed ? listed.join(', ') : listed.length === 1 ? 'it' : 'them'}: run \`${managerOf(dir)} install\` in ${dir}`);
  }
  if (unlisted.length > 0) {
    const nearest = importer === undefined ? undefined : nearestPackageDir(importer);
    const manager = nearest === undefined ? 'npm' : managerOf(nearest);
    const add = manager === 'npm' ? 'npm install' : `${manager} add`;
    parts.push(`install ${mixed ? unlisted.join(', ') : unlisted.length === 1 ? 'it' : 'them'}: ${add} ${unlisted.join(' ')}`);
  }
  return parts.join('; ');
}

interface Listing {
  file: string;
  lists: Set<string>;
}

/** The nearest package.json above the importer that lists any of the packages, with those it lists. */
function packageJsonListing(packages: readonly string[], importer: string): Listing | undefined {
  for (const dir of foldersAbove(importer)) {
    const file = path.join(dir, 'package.json');
    const json = readJson(file);
    const declared = new Set(DEPENDENCY_FIELDS.flatMap((f) => Object.keys((json?.[f] as Record<string, unknown> | undefined) ?? {})));
    const lists = new Set(packages.filter((p) => declared.has(p)));
    if (lists.size > 0) {
      return { file, lists };
    }
  }
  return undefined;
}

/** The project's install for a program run in `dir`: its package manager's, at its workspace's root or nearest package.json. */
export function projectInstall(dir: string): { command: string; cwd: string } {
  const inside = path.join(dir, 'package.json');
  const cwd = workspaceRootDirOf(inside) ?? nearestPackageDir(inside) ?? dir;
  return { command: `${managerOf(cwd)} install`, cwd };
}

/** The folder of the nearest package.json above the file. */
function nearestPackageDir(file: string): string | undefined {
  return foldersAbove(file).find((dir) => fs.existsSync(path.join(dir, 'package.json')));
}

/** The package manager the project uses: its package.json's `packageManager`, else its lock file; npm by default. */
export function managerOf(dir: string): 'npm' | 'pnpm' | 'yarn' | 'bun' {
  const declared = readJson(path.join(dir, 'package.json'))?.packageManager;
  const name = typeof declared === 'string' ? declared.split('@')[0] : '';
  if (name === 'pnpm' || name === 'yarn' || name === 'bun' || name === 'npm') {
    return name;
  }
  const locks: Array<[string, 'pnpm' | 'yarn' | 'bun' | 'npm']> = [['package-lock.json', 'npm'], ['pnpm-lock.yaml', 'pnpm'], ['yarn.lock', 'yarn'], ['bun.lockb', 'bun'], ['bun.lock', 'bun']];
  return locks.find(([lock]) => fs.existsSync(path.join(dir, lock)))?.[1] ?? 'npm';
}
