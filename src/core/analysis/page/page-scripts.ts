/**
 * The JavaScript an HTML page runs, as one text the analysis and the worker can read like a script
 * file. Browsers run a page's classic scripts one after the other in one global scope, so their
 * bodies are kept in document order; everything else (markup, text such as `2 ** 3`, comments,
 * `src` scripts, `text/babel` or shader scripts) becomes spaces. Newlines are kept and every kept
 * character stays at its offset, so a line and column of the text are the page's own: builders,
 * lenses and parser complaints point into the HTML file with no mapping.
 *
 * Event attributes (`<button onclick="myDefineModel(); train()">`) become arrow functions that
 * nothing calls (`;()=>{myDefineModel(); train()}`): they never run at load, but the calls in them
 * count as call sites. Pure: text in, text out.
 */
import { fieldValuesOf, shownTextsOf, type FieldValue } from './page-form-values';
import { getTypeScript } from '../typescript';
import { htmlElements, type HtmlAttribute, type HtmlElement } from './html-elements';

export interface PageScript {
  /** Offsets of the script's body in the page. */
  start: number;
  end: number;
  /** 1-based line of the `<script>` tag. */
  line: number;
  kind: 'classic' | 'module';
}

export interface PageHandler {
  /** `onclick`, `onchange`, … */
  attribute: string;
  /** 1-based line of the attribute's value. */
  line: number;
  code: string;
}

/** A `<script>` whose body the page text leaves out, and why. */
export interface SkippedScript {
  line: number;
  reason: string;
  /** The file or URL a `src` script loads. */
  src?: string;
}

export interface PageScripts {
  /** As long as the page: script bodies and handlers in place, the rest spaces and the page's newlines. */
  code: string;
  scripts: PageScript[];
  handlers: PageHandler[];
  skipped: SkippedScript[];
  /** The `id` of every element of the page, in document order (a builder may write to them). */
  elementIds: string[];
  /** What the page's form fields hold as it opens, by id (page-form-values.ts). */
  fieldValues: Record<string, FieldValue>;
  /** What the page's other elements with an id show as it opens, their inner HTML, by id (page-form-values.ts). */
  shownTexts: Record<string, string>;
}

/** Script types a browser runs itself (the empty type included); `module` is the other one. */
const CLASSIC_TYPES = /^(|text\/javascript|application\/javascript|text\/ecmascript|application\/ecmascript|application\/x-javascript|text\/x-javascript|text\/jscript|text\/livescript|text\/javascript1\.[0-5])$/;
/** What an event attribute's body is wrapped in: a function nothing calls (6 characters, the shortest `on…="` holds). */
const HANDLER_OPEN = ';()=>{';

/** Whether the file is an HTML page by its name. */
export function isHtmlPage(fileName: string): boolean {
  return /\.html?$/i.test(fileName);
}

/** The text the analysis and the worker read for `fileName`: a page's scripts, any other file as it is. */
export function scriptCodeOf(fileName: string, text: string): string {
  return isHtmlPage(fileName) ? pageScripts(text).code : text;
}

/** The scripts, event handlers and skipped scripts of a page, with the page's script text; `handlers: false` leaves event attributes (and element ids) out, so no compiler is needed. */
export function pageScripts(html: string, options: { handlers: boolean } = { handlers: true }): PageScripts {
  const out = blank(html).split('');
  const result: PageScripts = { code: '', scripts: [], handlers: [], skipped: [], elementIds: [], fieldValues: {}, shownTexts: {} };
  const lines = lineStarts(html);
  const elements = [...htmlElements(html)];
  if (options.handlers) {
    result.fieldValues = fieldValuesOf(html, elements);
    result.shownTexts = shownTextsOf(html, elements);
  }
  for (const element of elements) {
    for (const attribute of options.handlers ? element.attributes : []) {
      placeHandler(attribute, html, out, result, lines);
      if (attribute.name === 'id' && attribute.value.trim() !== '') {
        result.elementIds.push(attribute.value.trim());
      }
    }
    if (element.name === 'script') {
      placeScript(element, html, out, result, lines);
    }
  }
  result.code = out.join('');
  return result;
}

/**
 * The page text of {@link pageScripts} without its event handlers: only the `<script>` bodies, so it
 * needs no compiler (the editor's first, text-only guess of where builders are, which runs on the
 * extension host's thread).
 */
export function pageScriptBodies(html: string): string {
  return pageScripts(html, { handlers: false }).code;
}

/** The script whose body holds `line` (1-based), if any. */
export function scriptAtLine(page: PageScripts, html: string, line: number): PageScript | undefined {
  const lines = lineStarts(html);
  return page.scripts.find((s) => lineOf(lines, s.start) <= line && line <= lineOf(lines, Math.max(s.start, s.end - 1)));
}

function placeScript(element: HtmlElement, html: string, out: string[], result: PageScripts, lines: number[]): void {
  const line = lineOf(lines, element.start);
  const bodyEnd = element.bodyEnd ?? element.end;
  const attr = (n: string) => element.attributes.find((a) => a.name === n);
  const type = (attr('type')?.value ?? '').trim().toLowerCase().split(';')[0]!.trim();
  if (attr('src') !== undefined) {
    result.skipped.push({ line, reason: `loads ${attr('src')!.value}`, src: attr('src')!.value });
    return;
  }
  if (type !== 'module' && !CLASSIC_TYPES.test(type)) {
    result.skipped.push({ line, reason: `type="${type}" is not a script the browser runs` });
    return;
  }
  // A statement of its own, as a separate script is: no semicolon-less line joins the next script's.
  out[element.start] = ';';
  for (let k = element.openEnd; k < bodyEnd; k++) {
    out[k] = html[k]!;
  }
  withoutHtmlComments(html, element.openEnd, bodyEnd, out);
  result.scripts.push({ start: element.openEnd, end: bodyEnd, line, kind: type === 'module' ? 'module' : 'classic' });
}

/**
 * `<!--` and `-->` opening a line of a classic script are line comments to a browser (old pages hid
 * scripts from browsers without JavaScript that way); a JavaScript parser for files rejects them.
 */
function withoutHtmlComments(html: string, start: number, end: number, out: string[]): void {
  const marker = /(^|\n)([ \t]*)(<!--|-->)/g;
  marker.lastIndex = start;
  for (let m = marker.exec(html); m && m.index < end; m = marker.exec(html)) {
    const at = m.index + m[1]!.length + m[2]!.length;
    if (at < start || at >= end) {
      continue;
    }
    out[at] = '/';
    out[at + 1] = '/';
    for (let k = at + 2; k < at + m[3]!.length; k++) {
      out[k] = ' ';
    }
  }
}

/** An `on…` attribute whose value parses as a function body: placed as a function nothing calls. */
function placeHandler(attribute: HtmlAttribute, html: string, out: string[], result: PageScripts, lines: number[]): void {
  if (!/^on[a-z]+$/.test(attribute.name) || attribute.valueStart - attribute.nameStart < HANDLER_OPEN.length + 1 || attribute.valueEnd >= html.length) {
    return;
  }
  const code = decodeEntitiesInPlace(html.slice(attribute.valueStart, attribute.valueEnd));
  if (code.trim() === '' || !parsesAsBody(code)) {
    return;
  }
  const open = attribute.valueStart - HANDLER_OPEN.length;
  for (let k = 0; k < HANDLER_OPEN.length; k++) {
    out[open + k] = HANDLER_OPEN[k]!;
  }
  for (let k = 0; k < code.length; k++) {
    out[attribute.valueStart + k] = code[k]!;
  }
  out[attribute.valueEnd] = '}';
  result.handlers.push({ attribute: attribute.name, line: lineOf(lines, attribute.valueStart), code: code.trim() });
}

/** Whether `code` is a valid function body (a handler that is not would make the whole page fail). */
function parsesAsBody(code: string): boolean {
  const t = getTypeScript();
  const sf = t.createSourceFile('handler.js', `()=>{${code}\n}`, t.ScriptTarget.Latest, false, t.ScriptKind.JS);
  return ((sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []).length === 0;
}

const ENTITIES: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>', nbsp: ' ' };

/** Character references decoded, padded with spaces at the end to the written length (the page's lines stay). */
function decodeEntitiesInPlace(text: string): string {
  const decoded = text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    const lowered = ref.toLowerCase();
    const char = lowered.startsWith('#x') ? String.fromCodePoint(parseInt(lowered.slice(2), 16)) : lowered.startsWith('#') ? String.fromCodePoint(parseInt(lowered.slice(1), 10)) : ENTITIES[lowered];
    // A line break would move every later line of the page.
    return char === undefined || char.length > whole.length ? whole : char.replace(/[\r\n]/, ' ');
  });
  return decoded.padEnd(text.length, ' ');
}

/** Spaces for every character but line breaks. */
function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}

/** 1-based line of an offset. */
function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo + 1;
}
