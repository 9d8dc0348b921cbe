/**
 * What the user's module imports that is not there while it loads: a package that is not installed,
 * a file of its own that is missing, an asset a bundler would turn into a URL. Each resolves to a
 * cached virtual module (an inert stand-in, or the asset's path) so the builder can still be reached;
 * the report names them (arguments/invocation-notes.ts).
 */
import Module from 'node:module';
import * as path from 'node:path';
import { TFJS_LIBRARY } from '../../core/analysis/builders/tfjs-bindings';
import { packageOfRequest } from './failure-hints';

/** Each missing package, with the first of the user's files that imports it. */
const missingPackages = new Map<string, string>();
/** The user's own files that another of theirs imports and that are not there, each with its importer. */
const missingFiles = new Map<string, MissingFile>();
/** Stand-ins for missing packages only while the user's module loads: a builder that imports one itself needs it. */
let loadingUserModule = false;

export function setLoadingUserModule(value: boolean): void {
  loadingUserModule = value;
}

/** The packages the user's files import that are not installed and got a stand-in, since the last reset. */
export function missingPackagesStoodIn(): string[] {
  return [...missingPackages.keys()];
}

/** The file that imports the first missing package: where its install advice is looked up from. */
export function firstMissingPackageImporter(): string | undefined {
  return missingPackages.values().next().value;
}

export function resetMissingPackagesStoodIn(): void {
  missingPackages.clear();
  missingFiles.clear();
}

export interface MissingFile {
  /** The request as the code wrote it (`./models/RES8`) and the file that made it. */
  request: string;
  importer: string;
  /** Where the file would be. */
  absolute: string;
}

/** The user's own files that were missing and got a stand-in, since the last reset. */
export function missingFilesStoodIn(): MissingFile[] {
  return [...missingFiles.values()];
}

/**
 * A relative import of the user's own file that is not there (a git submodule not checked out, a file
 * the project generates or ignores: weights, a local config): an inert stand-in like a missing
 * package's, so a builder that does not need it still runs; the report names the file
 * (invocation-notes.ts). Assets have their own stand-in (bundlerAsset).
 */
export function standInForMissingFile(request: string, parent: unknown, err: unknown): string | undefined {
  const parentFile = (parent as { filename?: string } | undefined)?.filename;
  if (!loadingUserModule || (err as { code?: string }).code !== 'MODULE_NOT_FOUND' || !request.startsWith('.') || !parentFile || parentFile.split(path.sep).includes('node_modules')) {
    return undefined;
  }
  const absolute = path.resolve(path.dirname(parentFile), request);
  missingFiles.set(absolute, { request, importer: parentFile, absolute });
  return virtualModule(path.join(path.sep, '__rbn_missing_file__', absolute), () => packageStandIn(`the missing file ${request}`, request));
}

/**
 * A package the user's own file imports that is not installed (a chart library, a data loader's
 * decompressor, a tfjs add-on such as React Native's adapter): a cached module whose exports are an
 * inert stand-in, so the builder can still be reached; tfjs itself and Node's built-ins never get
 * one. The report says which packages (invocation-notes.ts).
 */
export function standInForMissingPackage(request: string, parent: unknown, err: unknown): string | undefined {
  const parentFile = (parent as { filename?: string } | undefined)?.filename;
  const pkg = packageOfRequest(request);
  if (!loadingUserModule || (err as { code?: string }).code !== 'MODULE_NOT_FOUND' || pkg === undefined || TFJS_LIBRARY.test(request) || Module.isBuiltin(request) || !parentFile || parentFile.split(path.sep).includes('node_modules')) {
    return undefined;
  }
  if (!missingPackages.has(pkg)) {
    missingPackages.set(pkg, parentFile);
  }
  return virtualModule(path.join(path.sep, '__rbn_missing_package__', request), () => packageStandIn(`the missing package ${pkg}`, request));
}

/** A module that resolves to `id` and is already loaded with `exports()` (made once per id). */
export function virtualModule(id: string, exports: () => unknown): string {
  if (!require.cache[id]) {
    const module = new Module(id);
    module.filename = id;
    module.loaded = true;
    module.exports = exports();
    require.cache[id] = module;
  }
  return id;
}

/** Extensions a bundler turns into a URL string when code requires them (`require('./digits.gz')`). */
const ASSET = /\.(gz|png|jpe?g|gif|svg|webp|bmp|ico|wav|mp3|ogg|bin|pre|txt|csv|css|scss|html|wasm|tflite|pb)$/i;

/** A relative request for an asset that is not there: what a bundler's file loader gives, its path. */
export function bundlerAsset(request: string): string | undefined {
  if (!loadingUserModule || !request.startsWith('.') || !ASSET.test(request)) {
    return undefined;
  }
  return virtualModule(path.join(path.sep, '__rbn_asset__', request), () => request);
}

/** Every stand-in made, so a lookup can tell one from the user's own value (isStandIn). */
const standIns = new WeakSet<object>();

/**
 * A stand-in for a missing package or file: what a class that extends one inherits for every name
 * (`class M extends Base` reads a stand-in for `M.anything`), never a value of the user's own.
 */
export function isStandIn(value: unknown): boolean {
  return (typeof value === 'function' || (typeof value === 'object' && value !== null)) && standIns.has(value);
}

/**
 * Anything read, called or constructed from it is another stand-in. What a call returns may be a
 * promise in the package (`client.getDatabaseNames().then(…)`): it settles at once, with a stand-in;
 * the stand-in itself and its members are no promises (`await` gives them back as they are).
 */
function packageStandIn(missing: string, what: string, thenable = false): unknown {
  const target = function standIn(): void {
    // Never runs: the traps answer.
  };
  const proxy: object = new Proxy(target, {
    get: (t, key) => {
      if (key === 'then') {
        return thenable ? (onSettled?: (v: unknown) => unknown, onFailed?: (e: unknown) => unknown) => Promise.resolve(packageStandIn(missing, what)).then(onSettled, onFailed) : undefined;
      }
      if (key === 'pipe') {
        return pipeNothingInto;
      }
      if (key === '__esModule') {
        // Marked as an ES module, so `import * as ns` keeps the stand-in itself, whose members are
        // stand-ins too (`new ns.Type()`), instead of a copy of its own keys.
        return true;
      }
      if (key === Symbol.toPrimitive || key === 'toString') {
        return () => `[stand-in for ${missing}]`;
      }
      return typeof key === 'symbol' ? Reflect.get(t, key) : packageStandIn(missing, `${what}.${key}`);
    },
    // A decorator of a missing framework (`@Injectable()`, `@Component({…})`) applied to a class or a
    // member leaves it as it is, as the framework's own decorators leave the code sanity-train needs.
    apply: (_, __, args: unknown[]) => (isDecoratorApplication(args) ? undefined : packageStandIn(missing, `${what}()`, true)),
    // `class App extends React.Component` calls it through super(): the instance is the subclass's own
    // (its methods and fields), not a stand-in.
    construct: (_, __, newTarget: { prototype?: object }) => (newTarget !== proxy && typeof newTarget.prototype === 'object' ? Object.create(newTarget.prototype) : packageStandIn(missing, `new ${what}`)) as object,
  });
  standIns.add(proxy);
  return proxy;
}

/**
 * A stand-in's stream piped into a real one (`response.data.pipe(fs.createWriteStream(file))`, then
 * awaiting its 'finish'): the stand-in is an empty stream, so the real one is ended, as a download of
 * nothing would end it. Otherwise the code waits out the budget for data that never comes; this way a
 * builder with a fallback builds, and one that needs the data fails at once with its own error.
 */
function pipeNothingInto(destination: unknown): unknown {
  // Stand-ins are functions (their traps answer), so an object with end() is a real stream.
  const writable = destination as { end?: unknown } | null;
  if (typeof writable === 'object' && writable !== null && typeof writable.end === 'function') {
    setImmediate(() => (writable.end as () => void).call(writable));
  }
  return destination;
}

/**
 * The arguments a decorator gets: a class (TypeScript's legacy decorators and the standard ones),
 * a prototype and a member name (legacy member decorators), or a value and its context (standard).
 */
export function isDecoratorApplication(args: readonly unknown[]): boolean {
  const [first, second] = args;
  const isClass = typeof first === 'function' && /^class\b/.test(Function.prototype.toString.call(first));
  const legacyMember = args.length >= 2 && typeof first === 'object' && first !== null && (typeof second === 'string' || typeof second === 'symbol');
  const standard = args.length === 2 && typeof second === 'object' && second !== null && typeof (second as { kind?: unknown }).kind === 'string' && 'name' in second;
  return (isClass && args.length === 1) || legacyMember || standard;
}
