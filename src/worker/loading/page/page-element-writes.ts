/**
 * A page's own elements while its builder builds the model. Page code often shows progress around the
 * build (`document.getElementById('status').style.backgroundColor = 'red'`, `.innerHTML = 'building'`):
 * the page has those elements, and what is written to them changes nothing in the model. So a lookup
 * of an id the page's HTML declares finds a write-only element: assignments, styles, classes,
 * attributes, children and listeners are taken and dropped; reading what the element holds (its
 * `value`, `innerHTML`, `checked`, …) is a use of the page, which throws a BrowserOnlyError naming it,
 * as any other use of a browser stand-in does.
 */
/** Members that only write to the element or the page (they return a sink, never the page's state). */
const WRITES = new Set([
  'style', 'classList', 'dataset', 'setAttribute', 'removeAttribute', 'toggleAttribute', 'appendChild', 'append', 'prepend', 'replaceChildren',
  'removeChild', 'remove', 'insertAdjacentHTML', 'insertAdjacentText', 'addEventListener', 'removeEventListener', 'focus', 'blur', 'scrollIntoView',
  'add', 'toggle', 'replace', 'setProperty', 'removeProperty',
]);

let pageIds: ReadonlySet<string> = new Set();

/** The ids of the page being built (empty for any other file). */
export function setPageElementIds(ids: Iterable<string>): void {
  pageIds = new Set(ids);
}

/** Whether the file being built is a page with element ids (only then do lookups find anything). */
export function buildingAPage(): boolean {
  return pageIds.size > 0;
}

/**
 * `document.getElementById(id)` while the model is built: the page's element, write-only; undefined
 * when the page has no such id. `use` throws the stand-ins' error for a read (browser-stand-ins.ts).
 */
export function pageElementWhileBuilding(id: unknown, use: (api: string) => never): unknown {
  return typeof id === 'string' && pageIds.has(id) ? writeOnly(`document.getElementById('${id}')`, use) : undefined;
}

function writeOnly(path: string, use: (api: string) => never): unknown {
  const target = function element(): void {
    // Never runs: the traps answer.
  };
  return new Proxy(target, {
    get: (t, key) => {
      if (typeof key === 'symbol' || key === 'constructor') {
        return Reflect.get(t, key);
      }
      if (key === 'then') {
        return undefined;
      }
      if (WRITES.has(key)) {
        return writeOnly(`${path}.${key}`, use);
      }
      return use(`${path}.${key}`);
    },
    set: () => true,
    apply: () => undefined,
  });
}
