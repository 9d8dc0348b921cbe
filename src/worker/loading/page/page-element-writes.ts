/**
 * A page's own elements while its builder builds the model. Page code often shows progress around the
 * build (`document.getElementById('status').style.backgroundColor = 'red'`, `.innerHTML = 'building'`):
 * the page has those elements, and what is written to them changes nothing in the model. So a lookup
 * of an id the page's HTML declares finds a write-only element: assignments, styles, classes,
 * attributes, children and listeners are taken and dropped. A form field's `value` (and `checked`)
 * reads what the page's HTML gives it as the page opens (`<input id="lr" value="0.001">`), the value
 * the model is built with on that page. What an element shows reads as the page's HTML shows it as it
 * opens (`<div id="status">4</div>`: its innerHTML is '4'), then as the code wrote it (`log.innerHTML +=
 * line` appends to a status log), and layout sizes are 0 (`log.scrollTop = log.scrollHeight`). Reading
 * anything else the element holds (a canvas's width, a field the HTML gives no value, the text of an
 * element the HTML does not show) is a use of the page, which throws a BrowserOnlyError naming it, as
 * any other use of a browser stand-in does.
 */
import { textOfHtml, type FieldValue } from '../../../core/analysis/page/page-form-values';

/** Members that only write to the element or the page (they return a sink, never the page's state). */
const WRITES = new Set([
  'style', 'classList', 'dataset', 'setAttribute', 'removeAttribute', 'toggleAttribute', 'appendChild', 'append', 'prepend', 'replaceChildren',
  'removeChild', 'remove', 'insertAdjacentHTML', 'insertAdjacentText', 'addEventListener', 'removeEventListener', 'focus', 'blur', 'scrollIntoView',
  'add', 'toggle', 'replace', 'setProperty', 'removeProperty',
]);

/** Text the element shows: it reads back as the code wrote it. */
const SHOWN_TEXT = new Set(['innerHTML', 'textContent', 'innerText']);
/** Layout sizes, read to scroll a log: nothing is laid out here. */
const LAYOUT = /^(scroll|client|offset)(Top|Left|Height|Width)$/;

let pageIds: ReadonlySet<string> = new Set();
let fieldValues: Readonly<Record<string, FieldValue>> = {};
let shownTexts: Readonly<Record<string, string>> = {};

/**
 * The ids of the page being built, or of the page that loads the script being built (empty for any
 * other file), and what its form fields hold as it opens (page-form-values.ts).
 */
export function setPageElementIds(ids: Iterable<string>, values: Readonly<Record<string, FieldValue>> = {}, shown: Readonly<Record<string, string>> = {}): void {
  pageIds = new Set(ids);
  fieldValues = values;
  shownTexts = shown;
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
  return typeof id === 'string' && pageIds.has(id) ? writeOnly(`document.getElementById('${id}')`, use, fieldValues[id], shownTexts[id]) : undefined;
}

/** A form field's reads the page's HTML answers: its value as the page opens, as text, number or check. */
function fieldRead(field: FieldValue, key: string): { value: unknown } | undefined {
  switch (key) {
    case 'value':
    case 'defaultValue':
      return { value: field.value };
    case 'valueAsNumber':
      return { value: field.value.trim() === '' ? NaN : Number(field.value) };
    case 'checked':
    case 'defaultChecked':
      return field.checked === undefined ? undefined : { value: field.checked };
    default:
      return undefined;
  }
}

function writeOnly(path: string, use: (api: string) => never, field?: FieldValue, html?: string): unknown {
  const target = function element(): void {
    // Never runs: the traps answer.
  };
  // What it shows: the page's HTML as it opens, then what the code writes.
  const shown: Record<string, string> = html === undefined ? {} : { innerHTML: html, textContent: textOfHtml(html), innerText: textOfHtml(html).replace(/\s+/g, ' ').trim() };
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
      const read = field && fieldRead(field, key);
      if (read) {
        return read.value;
      }
      if (SHOWN_TEXT.has(key) && shown[key] !== undefined) {
        return shown[key];
      }
      if (LAYOUT.test(key)) {
        return 0;
      }
      return use(`${path}.${key}`);
    },
    set: (_t, key, value) => {
      if (typeof key === 'string' && SHOWN_TEXT.has(key)) {
        // Writing one sets all three, as in a browser (for plain text; markup is kept as written).
        shown.innerHTML = shown.textContent = shown.innerText = String(value);
      }
      return true;
    },
    apply: () => undefined,
  });
}
