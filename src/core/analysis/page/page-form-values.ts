/**
 * What a page's form fields hold when it opens, as its HTML declares them: an input's `value` (and
 * whether a checkbox is `checked`), a select's selected option (else its first), a textarea's text.
 * Browser code reads its settings from them while it builds its model (`parseInt(
 * document.getElementById('hidden-units').value) || 64`): on the page the user opens, that is the
 * value the model is built with. Pure: the page's text and elements in, values by id out.
 */
import type { HtmlElement } from './html-elements';

export interface FieldValue {
  value: string;
  checked?: boolean;
}

/** The fields' values by their `id`; fields without an id are left out. */
export function fieldValuesOf(html: string, elements: readonly HtmlElement[]): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  elements.forEach((element, index) => {
    const id = attribute(element, 'id')?.trim();
    if (!id) {
      return;
    }
    const value = fieldValue(html, elements, index);
    if (value !== undefined) {
      out[id] = value;
    }
  });
  return out;
}

function fieldValue(html: string, elements: readonly HtmlElement[], index: number): FieldValue | undefined {
  const element = elements[index];
  if (element.name === 'input') {
    const type = (attribute(element, 'type') ?? 'text').trim().toLowerCase();
    const checkable = type === 'checkbox' || type === 'radio';
    // An input without a value: empty text, except that a checkbox's value is "on".
    const value = attribute(element, 'value') ?? (checkable ? 'on' : '');
    return checkable ? { value, checked: attribute(element, 'checked') !== undefined } : { value };
  }
  if (element.name === 'textarea') {
    return { value: decodeEntities(html.slice(element.openEnd, element.bodyEnd ?? element.openEnd)) };
  }
  if (element.name === 'select') {
    const close = html.toLowerCase().indexOf('</select', element.openEnd);
    const options = elements.slice(index + 1).filter((e) => e.name === 'option' && (close < 0 || e.start < close));
    const chosen = options.find((o) => attribute(o, 'selected') !== undefined) ?? options[0];
    return chosen ? { value: attribute(chosen, 'value') ?? optionText(html, chosen) } : { value: '' };
  }
  return undefined;
}

/** An option's text: up to the next tag, trimmed, as the browser gives an option without a value. */
function optionText(html: string, option: HtmlElement): string {
  const next = html.indexOf('<', option.openEnd);
  return decodeEntities(html.slice(option.openEnd, next < 0 ? html.length : next)).replace(/\s+/g, ' ').trim();
}

/** Elements that hold no content. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * What each element with an `id` shows as the page opens, its inner HTML (`<div id="status">4</div>` →
 * '4'): a builder that appends to a status log (`log.innerHTML += line`) or reads a number the page
 * shows gets what a browser would give it then. Form fields and script-like elements are left out.
 */
export function shownTextsOf(html: string, elements: readonly HtmlElement[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const element of elements) {
    const id = attribute(element, 'id')?.trim();
    if (id && !VOID.has(element.name) && element.bodyEnd === undefined && !['select', 'option'].includes(element.name)) {
      const end = closingTagOf(html, element);
      if (end !== undefined) {
        out[id] = html.slice(element.openEnd, end);
      }
    }
  }
  return out;
}

/** Where the element's own end tag starts, counting nested elements of the same name; undefined when it has none. */
function closingTagOf(html: string, element: HtmlElement): number | undefined {
  const tags = new RegExp(`<(/?)${element.name}\\b[^>]*?(/?)>`, 'gi');
  tags.lastIndex = element.openEnd;
  let depth = 0;
  for (let m = tags.exec(html); m !== null; m = tags.exec(html)) {
    if (m[1] === '/') {
      if (depth === 0) {
        return m.index;
      }
      depth -= 1;
    } else if (m[2] !== '/') {
      depth += 1;
    }
  }
  return undefined;
}

function attribute(element: HtmlElement, name: string): string | undefined {
  return element.attributes.find((a) => a.name === name)?.value;
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
}

/** The text some HTML shows (an element's textContent): its tags dropped, its entities decoded. */
export function textOfHtml(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ''));
}
