/**
 * Inert stand-ins for browser-only globals that the user's module touches while it loads (an audio
 * library that runs `new OfflineAudioContext(…)` at its top level, two imports away from the model).
 * The model rarely needs them, so the worker defines the one global that was missing and loads the
 * module again (see invoke-builder.ts). A stand-in can be constructed, called as a plain function,
 * stored and passed around; any real use (a method, a property other than the basic ones, `await`)
 * throws a BrowserOnlyError that names the API, so a model that does need it fails in one clear line.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SanityFailure } from '../../errors';
import { missingBrowserGlobal } from '../failure-hints';
import { buildingAPage, pageElementWhileBuilding } from './page-element-writes';

/** At most this many globals get stand-ins: a module that needs more is a browser app, not a model. */
const MAX_STAND_INS = 4;
/** Element ids used as globals (page-element-ids.ts) count apart: a page wires many buttons. */
const MAX_ELEMENT_IDS = 16;

/** A global that got a stand-in, and whether the module's loading or the builder's call needed it. */
export interface StandInUse {
  name: string;
  when: 'import' | 'build';
  /** The code declares it (`declare const bci: any`): a global the page or host defines, not a browser API. */
  declared?: boolean;
}

/** What an attempt got through, so that the stand-in is said to be for the import or for the build. */
export interface AttemptProgress {
  loaded: boolean;
}

/**
 * Runs `attempt` (load the user's module and build the model); when it fails because a browser-only
 * global is missing, defines a stand-in for exactly that global, forgets the user's modules that the
 * attempt loaded (never node_modules: tfjs stays one instance) and tries again.
 */
export async function withBrowserStandIns<T>(attempt: (progress: AttemptProgress) => Promise<T>, elementIds: ReadonlySet<string> = new Set(), declaredGlobals: ReadonlySet<string> = new Set(), pageFile?: string): Promise<{ result: T; standIns: StandInUse[] }> {
  const standIns: StandInUse[] = [];
  let elements = 0;
  lookups = 'nothing';
  for (;;) {
    const cachedBefore = new Set(Object.keys(require.cache));
    const progress: AttemptProgress = { loaded: false };
    loading = true;
    try {
      return { result: await attempt(progress), standIns };
    } catch (err) {
      const cause = err instanceof SanityFailure ? err.cause : err;
      if (lookups === 'nothing' && standIns.length > 0 && usedAFoundNothing(cause)) {
        // The code uses what it looked up without checking: give it inert elements instead and retry.
        lookups = 'inertElements';
        forgetUserModulesSince(cachedBefore);
        continue;
      }
      const element = elementIdCandidate(cause, elementIds);
      if (element !== undefined && elements < MAX_ELEMENT_IDS) {
        // `recordButton.addEventListener(…)` for `<button id="recordButton">`: the page's element, absent here.
        definePageElement(element);
        elements += 1;
        standIns.push({ name: element, when: progress.loaded ? 'build' : 'import' });
        forgetUserModulesSince(cachedBefore);
        continue;
      }
      const declared = elementIdCandidate(cause, declaredGlobals);
      if (declared !== undefined && elements < MAX_ELEMENT_IDS) {
        // `declare const bci: any` and "bci is not defined": a library the page loads, absent in Node.
        defineStandIn(declared);
        elements += 1;
        standIns.push({ name: declared, when: progress.loaded ? 'build' : 'import', declared: true });
        forgetUserModulesSince(cachedBefore);
        continue;
      }
      const alias = globalObjectAlias(cause);
      if (alias !== undefined) {
        // A module of a browser app (it imports tfjs, so it is no page script) reading `window.location` as it loads.
        (globalThis as Record<string, unknown>)[alias] = globalThis;
        standIns.push({ name: alias, when: progress.loaded ? 'build' : 'import' });
        forgetUserModulesSince(cachedBefore);
        continue;
      }
      const name = standInCandidate(cause);
      if (name === undefined || standIns.length - elements >= MAX_STAND_INS) {
        throw err;
      }
      defineStandIn(name, pageFile);
      standIns.push({ name, when: progress.loaded ? 'build' : 'import' });
      forgetUserModulesSince(cachedBefore);
    }
  }
}

/**
 * The location of a page opened from disk: a file: URL with no host, port, query or fragment. Code
 * that reads it as it loads (`new WebSocket('ws://' + location.hostname + ':' + location.port)`,
 * `new URLSearchParams(location.search)`) gets what a browser would give that page, not a stand-in
 * that throws; navigating does nothing.
 */
export function fileLocation(file: string | undefined): Record<string, unknown> {
  const href = file ? pathToFileURL(file).href : 'about:blank';
  const url = new URL(href);
  const nothing = (): undefined => undefined;
  return { href, protocol: url.protocol, host: '', hostname: '', port: '', origin: 'null', pathname: url.pathname, search: '', hash: '', assign: nothing, replace: nothing, reload: nothing, toString: () => href };
}

function forgetUserModulesSince(cachedBefore: Set<string>): void {
  for (const file of Object.keys(require.cache)) {
    if (!cachedBefore.has(file) && !file.split(path.sep).includes('node_modules')) {
      delete require.cache[file];
    }
  }
}

/** Thrown when code really uses a stand-in: the message names the API and says what sanity-train did. */
export class BrowserOnlyError extends Error {
  override readonly name = 'BrowserOnlyError';
  constructor(readonly api: string, readonly global: string) {
    super(`${api} is browser-only; sanity-train runs your model in Node and gave the module an inert stand-in for ${global}`);
  }
}

/**
 * Globals the worker never stands in for: tfjs itself, those it provides to browser scripts
 * (page-globals.ts defineBrowserGlobals), and `fetch` (Node has its own; a failing fetch keeps its
 * own hint).
 */
const NEVER_STAND_IN = new Set(['tf', 'window', 'self', 'globalThis', 'fetch']);

/** Properties any value has; reading them is not a use (inspection, string conversion, instanceof). */
const BASIC = new Set<PropertyKey>(['constructor', 'toString', 'toLocaleString', 'valueOf', 'toJSON', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'prototype', 'name', 'length']);

/** The missing browser global behind `err` that may get a stand-in, or undefined. */
export function standInCandidate(err: unknown): string | undefined {
  if (!(err instanceof Error)) {
    return undefined;
  }
  const name = missingBrowserGlobal(err, err.message.split('\n')[0]);
  if (name === undefined || NEVER_STAND_IN.has(name)) {
    return undefined;
  }
  // Defined already (by Node, the worker or an earlier stand-in): the code reached it some other way.
  return (globalThis as Record<string, unknown>)[name] === undefined ? name : undefined;
}

/** `window` or `self` undefined in Node: the global object, as a page script gets it (page-globals.ts defineBrowserGlobals). */
export function globalObjectAlias(err: unknown): 'window' | 'self' | undefined {
  const name = err instanceof ReferenceError ? /^(window|self) is not defined$/.exec(err.message)?.[1] : undefined;
  return name !== undefined && (globalThis as Record<string, unknown>)[name] === undefined ? (name as 'window' | 'self') : undefined;
}

/** `X is not defined` for one of `names` (element ids a page script uses as globals, globals the code declares), not yet defined. */
export function elementIdCandidate(err: unknown, names: ReadonlySet<string>): string | undefined {
  const name = err instanceof ReferenceError ? /^([\w$]+) is not defined$/.exec(err.message)?.[1] : undefined;
  return name !== undefined && names.has(name) && !NEVER_STAND_IN.has(name) && (globalThis as Record<string, unknown>)[name] === undefined ? name : undefined;
}

/**
 * The global for an element id: while the module loads, an inert element that takes listeners,
 * handlers and attributes (they never fire); a read once the model is being built is a use of the
 * page, which throws a BrowserOnlyError naming it.
 */
export function definePageElement(name: string): void {
  const target = function element(): void {
    // Never runs.
  };
  const element = new Proxy(target, {
    get: (t, key) => {
      if (typeof key === 'symbol' || Object.prototype.hasOwnProperty.call(t, key) || BASIC.has(key)) {
        return Reflect.get(t, key);
      }
      if (key === 'then') {
        return undefined;
      }
      if (loading) {
        return inertElement();
      }
      throw new BrowserOnlyError(`${name}.${key}`, name);
    },
    apply: () => inertElement(),
  });
  Object.defineProperty(globalThis, name, { value: element, configurable: true, writable: true, enumerable: false });
}

/** Defines the stand-in for `name` on the global object. */
/** Defines the global `name` as an inert stand-in; `location` as the page's own, from disk (`pageFile`). */
export function defineStandIn(name: string, pageFile?: string): void {
  const value = name === 'location' ? fileLocation(pageFile) : createStandIn(name);
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true, enumerable: false });
}

/** Removes the stand-ins again (tests run several sessions in one process). */
export function removeStandIns(names: readonly string[]): void {
  for (const name of names) {
    delete (globalThis as Record<string, unknown>)[name];
  }
}

/**
 * A callable, constructible Proxy for the global `name`: `new X()` and `X()` give an inert instance;
 * what was assigned to it can be read back; anything else read from it throws.
 */
export function createStandIn(name: string): unknown {
  const target = function standIn(): void {
    // Never runs: the Proxy's apply and construct traps answer instead.
  };
  Object.defineProperty(target, 'name', { value: name });
  return new Proxy(target, {
    get: (t, key) => read(t, key, name, name),
    apply: () => inertInstance(name),
    construct: () => inertInstance(name) as object,
  });
}

function inertInstance(global: string): unknown {
  const own: Record<PropertyKey, unknown> = {};
  const instance = new Proxy(own, {
    get: (t, key) => {
      if (key === 'constructor') {
        return (globalThis as Record<string, unknown>)[global];
      }
      if (key === 'toString' || key === Symbol.toPrimitive) {
        return () => `[inert stand-in for ${global}]`;
      }
      return read(t, key, global, global);
    },
  });
  return instance;
}

/**
 * A page without the elements the code looks for: lookups find nothing (null, an empty list), as in a
 * browser whose page lacks them, so code that checks (`if (!el) return;`) runs on; listeners are
 * accepted and never fire.
 */
const FINDS_NOTHING: Record<string, () => unknown> = {
  getElementById: () => (lookups === 'nothing' ? null : inertElement()),
  querySelector: () => (lookups === 'nothing' ? null : inertElement()),
  querySelectorAll: () => [],
  getElementsByClassName: () => [],
  getElementsByTagName: () => [],
  getElementsByName: () => [],
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
};

/**
 * What a DOM lookup finds: first nothing (a page without the element); when the code then uses the
 * null it got (`document.getElementById('train').addEventListener(…)`), an inert element that takes
 * listeners, attributes and children and does nothing.
 */
let lookups: 'nothing' | 'inertElements' = 'nothing';
/**
 * Only while the module loads: a builder that reads the page while it builds the model depends on
 * it, and then the lookup is a use of the stand-in that fails with its name (BrowserOnlyError).
 */
let loading = true;

/** Marks the end (false) or start (true) of loading the user's module (invoke-builder.ts). */
export function setModuleLoading(value: boolean): void {
  loading = value;
}

function usedAFoundNothing(err: unknown): boolean {
  return err instanceof TypeError && /^Cannot (read|set) properties of null/.test(err.message);
}

/** What an inert element's text or number reads as (`log.innerText += line`, `el.scrollHeight + 10`): empty, 0. */
const emptyText = (): string => '';

function inertElement(): unknown {
  const target = function element(): void {
    // Never runs.
  };
  return new Proxy(target, {
    get: (t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? emptyText : typeof key === 'symbol' ? Reflect.get(t, key) : Object.prototype.hasOwnProperty.call(t, key) ? Reflect.get(t, key) : inertElement()),
    apply: () => inertElement(),
    construct: () => inertElement() as object,
  });
}

/** A property read: symbols (inspection, iteration checks), the basic ones and assigned ones pass; the rest is a use. */
function read(target: object, key: PropertyKey, owner: string, global: string): unknown {
  if (Object.prototype.hasOwnProperty.call(target, key) || typeof key === 'symbol' || BASIC.has(key)) {
    return Reflect.get(target, key);
  }
  if (loading && typeof key === 'string' && Object.prototype.hasOwnProperty.call(FINDS_NOTHING, key)) {
    return FINDS_NOTHING[key];
  }
  if (!loading && key === 'getElementById' && global === 'document' && buildingAPage()) {
    // While building: a page's own element takes writes (page-element-writes.ts); any other id is a use.
    const use = (api: string): never => {
      throw new BrowserOnlyError(api, global);
    };
    return (id: unknown) => pageElementWhileBuilding(id, use) ?? use(`document.getElementById(${JSON.stringify(id)})`);
  }
  if (key === 'then') {
    throw new BrowserOnlyError(`awaiting ${owner}`, global);
  }
  throw new BrowserOnlyError(`${owner}.${String(key)}`, global);
}

/** The report's note: "The module used OfflineAudioContext at import (browser-only): sanity-train gave it an inert stand-in." */
export function standInNote(uses: readonly StandInUse[]): string | undefined {
  if (uses.length === 0) {
    return undefined;
  }
  const when = (some: readonly StandInUse[]) => (some.every((u) => u.when === 'import') ? 'at import' : some.every((u) => u.when === 'build') ? 'while building the model' : 'at import and while building the model');
  const aliases = uses.filter((u) => u.name === 'window' || u.name === 'self');
  const declared = uses.filter((u) => u.declared === true);
  const location = uses.filter((u) => u.name === 'location');
  const inert = uses.filter((u) => !aliases.includes(u) && !declared.includes(u) && !location.includes(u));
  const lines: string[] = [];
  if (declared.length > 0) {
    const one = declared.length === 1;
    lines.push(`The module used ${listOf(declared.map((u) => u.name))} ${when(declared)}, ${one ? 'a global' : 'globals'} the code declares (\`declare\`) for the page or host to define, which nothing defines in Node: sanity-train gave ${one ? 'it an inert stand-in' : 'them inert stand-ins'}.`);
  }
  if (inert.length > 0) {
    lines.push(`The module used ${listOf(inert.map((u) => u.name))} ${when(inert)} (browser-only): sanity-train gave ${inert.length === 1 ? 'it an inert stand-in' : 'them inert stand-ins'}.`);
  }
  if (aliases.length > 0) {
    lines.push(`The module used ${listOf(aliases.map((u) => u.name))} ${when(aliases)}: in Node, sanity-train made ${aliases.length === 1 ? 'it' : 'them'} the global object, as a page has it.`);
  }
  if (location.length > 0) {
    lines.push(`The module read location ${when(location)}: sanity-train gave it the file: location of a page opened from disk (no host, port or query).`);
  }
  return lines.join(' ');
}

/** "a, b and c". */
export function listOf(names: readonly string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
