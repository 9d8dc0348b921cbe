/** A tiny walker over parse5's tree, so the page tests ask a real HTML parser what a browser would build. */
import { parse } from 'parse5';

export interface HtmlElement {
  tag: string;
  attrs: Record<string, string>;
  text: string;
}

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  value?: string;
  content?: Node;
}

function textOf(node: Node): string {
  if (node.nodeName === '#text') {
    return node.value ?? '';
  }
  return (node.childNodes ?? []).map(textOf).join('');
}

/** Every element of the document, in document order. */
export function elementsOf(html: string): HtmlElement[] {
  const out: HtmlElement[] = [];
  const walk = (node: Node): void => {
    if (node.tagName) {
      out.push({ tag: node.tagName, attrs: Object.fromEntries((node.attrs ?? []).map((a) => [a.name, a.value])), text: textOf(node) });
    }
    for (const child of node.childNodes ?? []) {
      walk(child);
    }
  };
  walk(parse(html) as unknown as Node);
  return out;
}

/** The visible text of the body, whitespace collapsed. */
export function bodyText(html: string): string {
  const body = elementsOf(html).find((e) => e.tag === 'body');
  return (body?.text ?? '').replace(/\s+/g, ' ');
}
