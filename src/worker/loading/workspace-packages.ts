/**
 * Packages of the same monorepo that are not installed: a pnpm, npm or yarn workspace nobody ran the
 * install of, or one npm cannot install (`workspace:*` is a protocol it does not know). Their sources
 * are in the repository, so `import { Board } from 'game'` maps to packages/game's entry, and to its
 * TypeScript source where the built file its package.json names (`out/index.js`) was never built.
 * Read once per workspace; pure apart from reading its package files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Folders a build writes from src/: a missing built file is looked for in src/ instead. */
const BUILD_FOLDERS = /^(out|dist|build|lib|esm|cjs)\//;
/** How far above the importer a workspace root is looked for. */
const MAX_DEPTH = 12;

const packagesByRoot = new Map<string, Map<string, string>>();
/** The workspace root of each importer's folder: every unresolved import of a file would walk up again. */
const rootsByFolder = new Map<string, WorkspaceRoot | undefined>();

/** The files `request` may stand for as a package of the importer's workspace, best first; empty when it names none. */
export function workspaceCandidates(request: string, importer: string): string[] {
  const packages = workspacePackagesOf(importer);
  const name = [...packages.keys()].filter((n) => request === n || request.startsWith(`${n}/`)).sort((a, b) => b.length - a.length)[0];
  if (name === undefined) {
    return [];
  }
  const dir = packages.get(name)!;
  const subpath = request.slice(name.length + 1);
  return subpath ? withSourceFallback(dir, subpath) : entryCandidates(dir);
}

/** Package name → folder, for the workspace the importer lies in (empty outside one). */
export function workspacePackagesOf(importer: string): Map<string, string> {
  const folder = path.dirname(importer);
  if (!rootsByFolder.has(folder)) {
    rootsByFolder.set(folder, workspaceRootOf(importer));
  }
  const root = rootsByFolder.get(folder);
  if (root === undefined) {
    return new Map();
  }
  let packages = packagesByRoot.get(root.dir);
  if (packages === undefined) {
    packages = new Map();
    for (const dir of root.patterns.flatMap((p) => expandPattern(root.dir, p))) {
      const name = readJson(path.join(dir, 'package.json'))?.name;
      if (typeof name === 'string' && !packages.has(name)) {
        packages.set(name, dir);
      }
    }
    packagesByRoot.set(root.dir, packages);
  }
  return packages;
}

interface WorkspaceRoot {
  dir: string;
  patterns: string[];
}

/** The root folder of the monorepo workspace the file lies in, if any. */
export function workspaceRootDirOf(file: string): string | undefined {
  return workspaceRootOf(file)?.dir;
}

/** The nearest folder above the importer that declares workspaces (pnpm-workspace.yaml, package.json `workspaces`, lerna.json). */
function workspaceRootOf(importer: string): WorkspaceRoot | undefined {
  for (const dir of foldersAbove(importer)) {
    const patterns = declaredPatterns(dir);
    if (patterns.length > 0) {
      return { dir, patterns };
    }
  }
  return undefined;
}

/** The file's folder and those above it, nearest first, at most MAX_DEPTH. */
export function foldersAbove(file: string): string[] {
  const folders = [path.dirname(file)];
  while (folders.length < MAX_DEPTH && path.dirname(folders[folders.length - 1]) !== folders[folders.length - 1]) {
    folders.push(path.dirname(folders[folders.length - 1]));
  }
  return folders;
}

function declaredPatterns(dir: string): string[] {
  const pnpm = readText(path.join(dir, 'pnpm-workspace.yaml'));
  if (pnpm !== undefined) {
    return pnpmPatterns(pnpm);
  }
  const workspaces = readJson(path.join(dir, 'package.json'))?.workspaces;
  const listed = Array.isArray(workspaces) ? workspaces : (workspaces as { packages?: unknown } | undefined)?.packages;
  const lerna = readJson(path.join(dir, 'lerna.json'))?.packages;
  return [listed, lerna].flatMap((l) => (Array.isArray(l) ? l.filter((p): p is string => typeof p === 'string' && !p.startsWith('!')) : []));
}

/** The `packages:` list of a pnpm-workspace.yaml (`- 'apps/*'`), exclusions (`!`) left out. */
export function pnpmPatterns(yaml: string): string[] {
  const out: string[] = [];
  let inPackages = false;
  for (const line of yaml.split(/\r?\n/)) {
    if (/^[^\s-]/.test(line)) {
      inPackages = /^packages\s*:/.test(line);
      continue;
    }
    const item = inPackages ? /^\s*-\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line)?.[1] : undefined;
    if (item !== undefined && !item.startsWith('!')) {
      out.push(item);
    }
  }
  return out;
}

/** `packages/*` → each folder of packages/ with a package.json; `packages/**` the same one level down too; a plain path as it is. */
function expandPattern(root: string, pattern: string): string[] {
  const clean = pattern.replace(/^\.\//, '').replace(/\/$/, '');
  const star = clean.indexOf('*');
  if (star === -1) {
    return fs.existsSync(path.join(root, clean, 'package.json')) ? [path.join(root, clean)] : [];
  }
  const base = path.join(root, clean.slice(0, star).replace(/\/$/, ''));
  const children = listDirs(base);
  const nested = clean.endsWith('**') ? children.flatMap(listDirs) : [];
  return [...children, ...nested].filter((d) => fs.existsSync(path.join(d, 'package.json')));
}

/** The entry files its package.json names, then the usual source entries. */
function entryCandidates(dir: string): string[] {
  const pkg = readJson(path.join(dir, 'package.json')) ?? {};
  const exported = exportTarget(pkg.exports);
  const named = [pkg.source, exported, pkg.module, pkg.main].filter((e): e is string => typeof e === 'string');
  const candidates = named.flatMap((e) => withSourceFallback(dir, e.replace(/^\.\//, '')));
  candidates.push(path.join(dir, 'src', 'index'), path.join(dir, 'index'));
  return [...new Set(candidates)];
}

/** `exports: "./x.js"`, `{ ".": "./x.js" }` or `{ ".": { import, require, default } }`. */
function exportTarget(exports: unknown): string | undefined {
  const dot = typeof exports === 'object' && exports !== null && '.' in exports ? (exports as Record<string, unknown>)['.'] : exports;
  if (typeof dot === 'string') {
    return dot;
  }
  const conditions = dot as Record<string, unknown> | undefined;
  const target = conditions?.source ?? conditions?.require ?? conditions?.import ?? conditions?.default;
  return typeof target === 'string' ? target : undefined;
}

/** `out/board.js` in the package, then `src/board.js` when a build would have written it from src/. */
function withSourceFallback(dir: string, file: string): string[] {
  const built = path.join(dir, file);
  return BUILD_FOLDERS.test(file) ? [built, path.join(dir, file.replace(BUILD_FOLDERS, 'src/'))] : [built, path.join(dir, 'src', file)];
}

function listDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function readJson(file: string): Record<string, unknown> | undefined {
  const text = readText(file);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}
