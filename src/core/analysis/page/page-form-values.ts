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

function attribute(element: HtmlElement, name: string): string | undefined {
  return element.attributes.find((a) => a.name === name)?.value;
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
