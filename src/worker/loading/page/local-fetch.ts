/**
 * A browser app fetches its own files by relative URL (`fetch('./model/weights.bin')`,
 * `tf.loadLayersModel('/model/model.json')`, which tfjs fetches the same way): the page's server
 * serves them from the project. Node's fetch has no page to resolve them against and throws, so while
 * the worker builds the model, a relative URL is served from the project's files: next to the module,
 * then up its folders to the project's root (and its `public/` or `static/` folder, where bundled apps
 * keep them). A `file://` URL (`tf.loadLayersModel('file://…/model.json')`, tfjs-node's file system
 * loading, which the plain tfjs that serves a missing tfjs-node sends to fetch) is read from disk.
 * Other URLs go to Node's fetch. The report says which files were served, or looked for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listOf } from './browser-stand-ins';

export interface LocalFetchUse {
  url: string;
  /** A `file://` URL, read from disk (the others are relative URLs, served as a page's server would). */
  fromDisk?: boolean;
  /** The file that answered, relative to the module's folder; undefined when none was found. */
  file?: string;
}

const uses: LocalFetchUse[] = [];
let entryFile: string | undefined;
let installed = false;

/** Serves relative URLs from `file`'s project from now on (once per process; the last file counts). */
export function serveLocalFiles(file: string): void {
  entryFile = file;
  uses.length = 0;
  if (installed || typeof globalThis.fetch !== 'function') {
    return;
  }
  installed = true;
  const nodeFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (entryFile !== undefined && url.startsWith('file://')) {
      return diskResponse(url, entryFile);
    }
    return entryFile !== undefined && isRelativeUrl(url) ? localResponse(url, entryFile) : nodeFetch(input, init);
  }) as typeof fetch;
}

/** The relative URLs the model's code fetched since `serveLocalFiles`, each with the file that answered. */
export function localFetchUses(): LocalFetchUse[] {
  return [...uses];
}

/** No scheme and no host: `./w.bin`, `model/model.json`, `/model/model.json`. */
export function isRelativeUrl(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('//');
}

function localResponse(url: string, from: string): Response {
  const file = findLocalFile(url, from);
  uses.push({ url, ...(file ? { file: path.relative(path.dirname(from), file) || path.basename(file) } : {}) });
  if (!file) {
    return new Response('', { status: 404, statusText: 'Not Found' });
  }
  return new Response(fs.readFileSync(file), { status: 200, headers: { 'content-type': contentType(file) } });
}

function diskResponse(url: string, from: string): Response {
  let file: string | undefined;
  try {
    file = fileURLToPath(url.split(/[?#]/)[0]);
  } catch {
    file = undefined;
  }
  const found = file !== undefined && isFile(file);
  uses.push({ url, fromDisk: true, ...(found ? { file: path.relative(path.dirname(from), file!) || path.basename(file!) } : {}) });
  return found ? new Response(fs.readFileSync(file!), { status: 200, headers: { 'content-type': contentType(file!) } }) : new Response('', { status: 404, statusText: 'Not Found' });
}

/** The file a page's server would answer `url` with: next to the module, then up to the project's root. */
export function findLocalFile(url: string, from: string): string | undefined {
  const relative = decodeURIComponent(url.split(/[?#]/)[0]).replace(/^\/+/, '');
  if (relative === '') {
    return undefined;
  }
  for (const folder of servingFolders(path.dirname(from), url.startsWith('/'))) {
    const candidate = path.resolve(folder, relative);
    if (isFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** Folders to look in, nearest first: the module's (unless root-relative), its parents up to the project root, and that root's public/ and static/. */
function servingFolders(start: string, rootRelative: boolean): string[] {
  const folders: string[] = [];
  for (let dir = start, depth = 0; depth < MAX_LEVELS; dir = path.dirname(dir), depth++) {
    const root = isProjectRoot(dir);
    if (!rootRelative || root) {
      folders.push(dir);
    }
    if (root) {
      folders.push(path.join(dir, 'public'), path.join(dir, 'static'));
      break;
    }
    if (path.dirname(dir) === dir) {
      break;
    }
  }
  return folders;
}

/** How far up from the module a project's root is looked for. */
const MAX_LEVELS = 5;

function isProjectRoot(dir: string): boolean {
  return ['package.json', '.git', 'index.html'].some((name) => fs.existsSync(path.join(dir, name)));
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.txt': 'text/plain', '.csv': 'text/csv', '.html': 'text/html', '.js': 'text/javascript' };

function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** "fetch('./w.bin') was served from new_model/w.bin…", one note for all; undefined when nothing was fetched. */
export function localFetchNote(fetched: readonly LocalFetchUse[]): string | undefined {
  // A URL fetched again (by a retried build) is one file.
  const used = [...new Map(fetched.map((u) => [`${u.fromDisk === true}:${u.url}`, u])).values()];
  if (used.length === 0) {
    return undefined;
  }
  const disk = used.filter((u) => u.fromDisk === true);
  const served = used.filter((u) => u.file !== undefined && !u.fromDisk);
  const missing = used.filter((u) => u.file === undefined && !u.fromDisk);
  const parts: string[] = [];
  if (disk.length > 0) {
    const read = disk.filter((u) => u.file !== undefined);
    const absent = disk.filter((u) => u.file === undefined);
    parts.push(
      `the code loaded ${list(disk.map((u) => `'${u.url}'`))} (tfjs-node's file system loading, which the tfjs that ran has not): sanity-train ${read.length > 0 ? `read ${read.length === disk.length ? (disk.length === 1 ? 'it' : 'them') : list(read.map((u) => u.file ?? ''))} from disk` : 'found none of them on disk'}${read.length > 0 && absent.length > 0 ? `; ${list(absent.map((u) => `'${u.url}'`))} not found` : ''}`,
    );
  }
  if (served.length > 0) {
    parts.push(`the code fetched ${list(served.map((u) => `'${u.url}'`))} by relative URL: sanity-train served ${served.length === 1 ? 'it' : 'them'} from ${list(served.map((u) => u.file ?? ''))} in your project, as the page's server would`);
  }
  if (missing.length > 0) {
    parts.push(`${list(missing.map((u) => `'${u.url}'`))} ${missing.length === 1 ? 'is' : 'are'} not in your project (looked next to the module and up to its root): the fetch answered 404`);
  }
  return parts.join('; ');
}

function list(items: string[]): string {
  const unique = [...new Set(items)];
  const shown = unique.length > 3 ? [...unique.slice(0, 3), `${unique.length - 3} more`] : unique;
  return listOf(shown);
}
