/**
 * A small careful HTML scanner, shared by the page reader (page-scripts.ts) and the conversion's page
 * edits (refactor/html-pages.ts): elements in document order with their attributes and offsets;
 * comments are skipped, quoted attribute values may hold `>`, and raw-text elements (script, style,
 * textarea, title) are read up to their own end tag, so markup-like text inside them is no element.
 * Pure: text in, offsets out.
 */

export interface HtmlAttribute {
  /** Lower-cased. */
  name: string;
  /** Offset where the attribute's name starts. */
  nameStart: number;
  value: string;
  /** Offsets of the value's text (inside the quotes). */
  valueStart: number;
  valueEnd: number;
}

export interface HtmlElement {
  /** Lower-cased tag name. */
  name: string;
  /** Offset of the `<` of the open tag, and just after its `>`. */
  start: number;
  openEnd: number;
  attributes: HtmlAttribute[];
  /** Raw-text elements: where their text ends (the end tag's `<`, or the page's end when unclosed). */
  bodyEnd?: number;
  /** Just after the element: its end tag for a raw-text element, else its open tag. */
  end: number;
}

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);

/** Every element of the page, in document order. */
export function* htmlElements(html: string): Generator<HtmlElement> {
  const lower = html.toLowerCase();
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      return;
    }
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    const name = /^<([a-zA-Z][\w-]*)/.exec(html.slice(lt, lt + 40))?.[1]?.toLowerCase();
    if (!name) {
      i = lt + 1;
      continue;
    }
    const tag = readOpenTag(html, lt + 1 + name.length);
    if (!RAW_TEXT.has(name)) {
      yield { name, start: lt, openEnd: tag.end, attributes: tag.attributes, end: tag.end };
      i = tag.end;
      continue;
    }
    // Raw text: nothing inside is markup, up to the element's own end tag.
    const close = lower.indexOf(`</${name}`, tag.end);
    const end = close < 0 ? html.length : html.indexOf('>', close) + 1 || html.length;
    yield { name, start: lt, openEnd: tag.end, attributes: tag.attributes, bodyEnd: close < 0 ? html.length : close, end };
    i = end;
  }
}

/** Reads attributes, with their offsets, up to the `>` that ends an open tag (quotes may hold `>`). */
function readOpenTag(html: string, from: number): { end: number; attributes: HtmlAttribute[] } {
  const attributes: HtmlAttribute[] = [];
  const attribute = /\s*([^\s=>/"']+)(?:(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?|\s*\/|\s+/y;
  let i = from;
  while (i < html.length && html[i] !== '>') {
    attribute.lastIndex = i;
    const m = attribute.exec(html);
    if (!m || m[0] === '') {
      i++;
      continue;
    }
    if (m[1]) {
      const nameStart = m.index + m[0].indexOf(m[1]);
      const value = m[3] ?? m[4] ?? m[5] ?? '';
      const quoted = m[3] !== undefined || m[4] !== undefined;
      const valueStart = m[2] === undefined ? nameStart + m[1].length : nameStart + m[1].length + m[2].length + (quoted ? 1 : 0);
      attributes.push({ name: m[1].toLowerCase(), nameStart, value, valueStart, valueEnd: valueStart + value.length });
    }
    i = attribute.lastIndex;
  }
  return { end: Math.min(i + 1, html.length), attributes };
}
