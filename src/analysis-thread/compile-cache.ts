/**
 * V8 code cache for the big scripts the analysis thread loads (the TypeScript compiler behind ts-morph,
 * ~13 MB of JavaScript). Compiling them is a third of the thread's start; with the code V8 produced last
 * time (after the first analysis, so it holds the functions the analysis ran, not only the top level) the
 * load takes about 40% less (590 -> 345 ms measured in plain Node on the loaded 2-core machine).
 * Node 20 has no built-in module compile cache, so this hooks the CommonJS loader of this thread only
 * (each worker thread has its own). A cache that is missing, stale (another file, another V8) or
 * unwritable only means an ordinary compile; nothing here throws.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

export type CacheOutcome = 'accepted' | 'rejected' | 'missing';

interface Loaded {
  file: string;
  dir: string;
  cacheFile: string;
  script: vm.Script;
  outcome: CacheOutcome;
}

type Compile = (this: Module, content: string, filename: string) => unknown;
interface InternalModule {
  prototype: { _compile: Compile };
  wrap(content: string): string;
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: { paths?: string[] }): string;
  _cache: NodeJS.Dict<Module>;
}
const internal = Module as unknown as InternalModule;

/** The hooked files loaded so far, by file name (a file loaded again replaces its entry). */
const loaded = new Map<string, Loaded>();

/** The cache file of `file`: its name says which source (path, size, mtime) and which V8 it is for. */
export function cacheFileFor(dir: string, file: string): string {
  const stat = fs.statSync(file);
  const key = createHash('sha1').update(`${file}\0${stat.size}\0${stat.mtimeMs}\0${process.versions.v8}`).digest('hex').slice(0, 16);
  return path.join(dir, `${path.basename(file)}-${key}.v8cache`);
}

/**
 * From now on, CommonJS files for which `matches(filename)` holds compile with the code cache in `dir`.
 * @returns a function that removes the hook again and forgets what it loaded (tests).
 */
export function installCompileCache(dir: string, matches: (filename: string) => boolean): () => void {
  const before = internal.prototype._compile;
  internal.prototype._compile = function (this: Module, content: string, filename: string): unknown {
    if (!matches(filename)) {
      return before.call(this, content, filename);
    }
    try {
      return runCached(this, content, filename, dir);
    } catch (error) {
      if (error instanceof CacheSetupError) {
        return before.call(this, content, filename);
      }
      throw error; // the module's own error, as an ordinary require would throw it
    }
  };
  return () => {
    internal.prototype._compile = before;
    [...loaded.values()].filter((l) => l.dir === dir).forEach((l) => loaded.delete(l.file));
  };
}

class CacheSetupError extends Error {}

function runCached(module: Module, content: string, filename: string, dir: string): unknown {
  let script: vm.Script;
  let cacheFile: string;
  let cachedData: Buffer | undefined;
  try {
    cacheFile = cacheFileFor(dir, filename);
    cachedData = readIfPresent(cacheFile);
    script = new vm.Script(internal.wrap(content), { filename, cachedData });
  } catch (error) {
    throw new CacheSetupError(String(error));
  }
  const outcome: CacheOutcome = cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'accepted';
  loaded.set(filename, { file: filename, dir, cacheFile, script, outcome });
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  return wrapper.call(module.exports, module.exports, requireFor(module), module, filename, path.dirname(filename));
}

/** The `require` a module body receives (what Node builds for each module). */
function requireFor(module: Module): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  require.resolve = ((request: string, options?: { paths?: string[] }) => internal._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  require.cache = internal._cache;
  require.main = process.mainModule;
  return require;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** What happened to each hooked file's cache at load (tests, the bench's log). */
export function compileCacheOutcomes(): { file: string; outcome: CacheOutcome }[] {
  return [...loaded.values()].map((l) => ({ file: l.file, outcome: l.outcome }));
}

/**
 * Writes the code V8 holds now for every hooked file whose cache was missing or rejected (atomically:
 * a temporary file, then a rename), and removes that file's older caches. Call it once the thread has
 * done real work, so the cache holds the functions that work compiled. Returns the files written.
 */
export function persistCompileCache(): string[] {
  const written: string[] = [];
  for (const l of [...loaded.values()].filter((x) => x.outcome !== 'accepted')) {
    try {
      fs.mkdirSync(path.dirname(l.cacheFile), { recursive: true });
      const temporary = `${l.cacheFile}.${process.pid}.${Date.now()}.tmp`;
      fs.writeFileSync(temporary, l.script.createCachedData());
      fs.renameSync(temporary, l.cacheFile);
      removeOlderCaches(l.cacheFile);
      l.outcome = 'accepted';
      written.push(l.cacheFile);
    } catch {
      // A read-only install or a full disk: the next start compiles as usual.
    }
  }
  return written;
}

function removeOlderCaches(current: string): void {
  const dir = path.dirname(current);
  const prefix = `${path.basename(current).replace(/-[0-9a-f]{16}\.v8cache$/, '')}-`;
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(prefix) && /-[0-9a-f]{16}\.v8cache$/.test(name) && path.join(dir, name) !== current) {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}
