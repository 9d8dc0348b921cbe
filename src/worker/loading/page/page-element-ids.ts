/**
 * Element ids a page script uses as globals: browsers expose `<button id="recordButton">` as
 * `window.recordButton`, so a classic page script may write `recordButton.addEventListener(…)` with no
 * lookup at all. In Node that is "recordButton is not defined" while the module loads. The names that
 * may get an inert element instead (browser-stand-ins.ts): never declared in the file, and used like a
 * DOM element (a listener, an `on…` handler, an element property or method), in a page script (a
 * classic script or a native ES module: no require) that otherwise looks browser-side (the page's
 * global `tf`, or `document`, `window` or `navigator`). Pure: reads only the code.
 */
import type { ts as Typescript } from 'ts-morph';
import { withoutComments } from '../../../core/analysis/comments';
import { loadTsMorph } from '../../../core/analysis/builders/tfjs-bindings';
import { BROWSER_GLOBALS } from '../failure-hints';

/** What code does with an element (and rarely with anything else). */
const ELEMENT_MEMBERS = new Set([
  'addEventListener', 'removeEventListener', 'innerHTML', 'innerText', 'textContent', 'value', 'valueAsNumber', 'style', 'classList',
  'className', 'disabled', 'checked', 'hidden', 'appendChild', 'removeChild', 'append', 'prepend', 'replaceChildren', 'setAttribute',
  'getAttribute', 'removeAttribute', 'dataset', 'getContext', 'focus', 'blur', 'click', 'scrollIntoView', 'getBoundingClientRect',
  'querySelector', 'querySelectorAll', 'files', 'srcObject', 'selectedIndex', 'options', 'placeholder', 'children', 'parentElement',
]);

/** The identifiers of `code` that look like element ids used as globals; empty when it is no page script. */
export function pageElementIds(code: string, fileName: string): Set<string> {
  const t = loadTsMorph().ts;
  const plain = withoutComments(code);
  const commonJs = /\brequire\s*\(/.test(plain);
  const browserSide = !/@tensorflow\/tfjs/.test(plain) || /\b(document|window|navigator)\s*\./.test(plain);
  if (commonJs || !browserSide) {
    return new Set();
  }
  const sf = t.createSourceFile(fileName, code, t.ScriptTarget.Latest, true, fileName.endsWith('.ts') ? t.ScriptKind.TS : t.ScriptKind.JS);
  const declared = new Set<string>();
  const used = new Set<string>();
  const visit = (node: Typescript.Node): void => {
    const name = (node as { name?: Typescript.Node }).name;
    if (name && t.isIdentifier(name) && isDeclaration(t, node)) {
      declared.add(name.text);
    }
    if (t.isBindingElement(node) && t.isIdentifier(node.name)) {
      declared.add(node.name.text);
    }
    if (t.isPropertyAccessExpression(node) && t.isIdentifier(node.expression) && isElementMember(node.name.text)) {
      used.add(node.expression.text);
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  // `document.querySelector(…)` is the document's, not an element's: browser globals get their own stand-ins.
  return new Set([...used].filter((n) => !declared.has(n) && !BROWSER_GLOBALS.includes(n)));
}

function isElementMember(member: string): boolean {
  return ELEMENT_MEMBERS.has(member) || /^on[a-z]+$/.test(member);
}

function isDeclaration(t: typeof Typescript, node: Typescript.Node): boolean {
  return (
    t.isVariableDeclaration(node) ||
    t.isParameter(node) ||
    t.isFunctionDeclaration(node) ||
    t.isFunctionExpression(node) ||
    t.isClassDeclaration(node) ||
    t.isClassExpression(node) ||
    t.isImportSpecifier(node) ||
    t.isImportClause(node) ||
    t.isNamespaceImport(node) ||
    t.isEnumDeclaration(node)
  );
}
