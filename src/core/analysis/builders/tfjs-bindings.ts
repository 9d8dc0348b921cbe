/**
 * Which local names refer to tfjs in one file: namespace aliases (`import * as tf`, default imports,
 * `const tf = require(...)`) and named imports (`import { sequential as seq }`). Shared by the model
 * factory finder and the layer-source mapping of sanity-train.
 */
import type * as TsMorph from 'ts-morph';
import { bareSpecifier } from '../module-specifiers';

/** Any `@tensorflow/tfjs*` package; the browser build exposes the same API as a global `tf`. */
export const TFJS_MODULE = /^@tensorflow\/tfjs(-[a-z-]+)?$/;
/**
 * The packages that are tfjs itself (the worker serves them from one instance); the other
 * `@tensorflow/tfjs-*` packages are add-ons (React Native's adapter, tfjs-vis, a browser backend).
 */
export const TFJS_LIBRARY = /^@tensorflow\/tfjs(-(core|layers|data|converter|backend-cpu|node|node-gpu))?$/;

/**
 * The tfjs bundle as a browser module imports it from a CDN (`https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4/+esm`,
 * `https://esm.sh/@tensorflow/tfjs`): the page's tfjs, the same API as the global `tf`.
 */
export const TFJS_URL = /^(https?:)?\/\/[^?#\s]*\/@tensorflow\/tfjs(@[\w.^~-]+)?(\/(\+esm|dist\/[\w.-]+\.m?js))?\/?([?#].*)?$/;

export interface TfjsBindings {
  /** Local names bound to a tfjs namespace (`tf` in `import * as tf from '@tensorflow/tfjs'`). */
  namespaces: Set<string>;
  /** Local name -> imported name, for named imports and destructured requires. */
  named: Map<string, string>;
}

let tsMorph: typeof TsMorph | undefined;

/** ts-morph, loaded on first use so that nothing that merely imports the analysis pays for it. */
export function loadTsMorph(): typeof TsMorph {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tsMorph ??= require('ts-morph') as typeof TsMorph;
  return tsMorph;
}

/** Parses one file in memory (nothing is read from or written to disk). */
export function parseSourceFile(code: string, fileName: string): TsMorph.SourceFile {
  const { Project, ts } = loadTsMorph();
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { allowJs: true, jsx: ts.JsxEmit.Preserve, noLib: true },
    skipLoadingLibFiles: true,
  });
  // A page's scripts (page/page-scripts.ts) are JavaScript.
  const name = /\.[cm]?[jt]sx?$/.test(fileName) ? fileName : `${fileName}${/\.html?$/i.test(fileName) ? '.js' : '.ts'}`;
  return project.createSourceFile(name.startsWith('/') ? name : `/${name}`, code, { overwrite: true });
}

/** Collects the tfjs bindings of a file. A file that imports no tfjs at all may use the browser global `tf`. */
export function getTfjsBindings(file: TsMorph.SourceFile): TfjsBindings {
  const { Node } = loadTsMorph();
  const bindings: TfjsBindings = { namespaces: new Set(), named: new Map() };
  for (const decl of file.getImportDeclarations()) {
    if (!isTfjsSpecifier(decl.getModuleSpecifierValue())) {
      continue;
    }
    const ns = decl.getNamespaceImport() ?? decl.getDefaultImport();
    if (ns) {
      bindings.namespaces.add(ns.getText());
    }
    for (const spec of decl.getNamedImports()) {
      bindings.named.set(spec.getAliasNode()?.getText() ?? spec.getName(), spec.getName());
    }
  }
  const declarations = file.getDescendantsOfKind(loadTsMorph().SyntaxKind.VariableDeclaration);
  for (const decl of declarations) {
    const init = unwrapAwait(decl.getInitializer());
    if (!init || !isTfjsRequireOrImport(init)) {
      continue;
    }
    const nameNode = decl.getNameNode();
    if (Node.isIdentifier(nameNode)) {
      bindings.namespaces.add(nameNode.getText());
    } else if (Node.isObjectBindingPattern(nameNode)) {
      for (const el of nameNode.getElements()) {
        const imported = el.getPropertyNameNode()?.getText() ?? el.getName();
        bindings.named.set(el.getName(), imported);
      }
    }
  }
  for (const name of tfjsAssignedNames(file)) {
    bindings.namespaces.add(name);
  }
  if (bindings.namespaces.size === 0 && bindings.named.size === 0) {
    bindings.namespaces.add('tf');
  }
  addNamespaceAliases(declarations, bindings.namespaces);
  return bindings;
}

/**
 * Names bound to a namespace already known: `const backend = tf`, `const engine = cpuOnly ? tf : tfGpu || tf`
 * (every side a tfjs namespace), and aliases of those in turn.
 */
function addNamespaceAliases(declarations: readonly TsMorph.VariableDeclaration[], namespaces: Set<string>): void {
  const { Node } = loadTsMorph();
  const aliases = declarations.filter((d) => Node.isIdentifier(d.getNameNode()) && d.getInitializer() !== undefined);
  for (let grew = true; grew; ) {
    grew = false;
    for (const decl of aliases) {
      if (!namespaces.has(decl.getName()) && isNamespaceExpression(decl.getInitializer(), namespaces)) {
        namespaces.add(decl.getName());
        grew = true;
      }
    }
  }
}

function isNamespaceExpression(node: TsMorph.Node | undefined, namespaces: ReadonlySet<string>): boolean {
  const { Node, SyntaxKind } = loadTsMorph();
  const value = unwrapAwait(node);
  if (!value) {
    return false;
  }
  if (Node.isIdentifier(value)) {
    return namespaces.has(value.getText());
  }
  if (Node.isConditionalExpression(value)) {
    return isNamespaceExpression(value.getWhenTrue(), namespaces) && isNamespaceExpression(value.getWhenFalse(), namespaces);
  }
  const operator = Node.isBinaryExpression(value) ? value.getOperatorToken().getKind() : undefined;
  if (Node.isBinaryExpression(value) && (operator === SyntaxKind.BarBarToken || operator === SyntaxKind.QuestionQuestionToken)) {
    return isNamespaceExpression(value.getLeft(), namespaces) && isNamespaceExpression(value.getRight(), namespaces);
  }
  return isTfjsRequireOrImport(value);
}

/** Names that some statement assigns a tfjs package to: `tf = require('@tensorflow/tfjs-node')`, also behind a `?:`. */
function tfjsAssignedNames(file: TsMorph.SourceFile): Set<string> {
  const { Node, SyntaxKind } = loadTsMorph();
  const names = new Set<string>();
  for (const binary of file.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    const left = binary.getLeft();
    if (binary.getOperatorToken().getKind() !== SyntaxKind.EqualsToken || !Node.isIdentifier(left)) {
      continue;
    }
    const right = unwrapAwait(binary.getRight());
    const options = right && Node.isConditionalExpression(right) ? [right.getWhenTrue(), right.getWhenFalse()].map(unwrapAwait) : [right];
    if (options.some((o) => o !== undefined && isTfjsRequireOrImport(o))) {
      names.add(left.getText());
    }
  }
  return names;
}

/**
 * Top-level `let tf;` / `var tf;` declared without a value (or as `null`), which the file only fills
 * later inside some function (`function run() { tf = require('@tensorflow/tfjs-node'); }`, a browser
 * app's `tf = await import('@tensorflow/tfjs')` behind a check for `window`): a builder called
 * without that function finds it empty, so the worker fills these names with its tfjs first. `tf`
 * itself counts even when no assignment is visible (the usual name of the namespace).
 */
export function findDeferredTfjsBindings(file: TsMorph.SourceFile): string[] {
  const { Node, VariableDeclarationKind } = loadTsMorph();
  const assigned = tfjsAssignedNames(file);
  const out: string[] = [];
  for (const statement of file.getVariableStatements()) {
    if (statement.getDeclarationKind() === VariableDeclarationKind.Const) {
      continue;
    }
    for (const decl of statement.getDeclarations()) {
      const nameNode = decl.getNameNode();
      const init = decl.getInitializer()?.getText();
      if ((init === undefined || init === 'null' || init === 'undefined') && Node.isIdentifier(nameNode) && (assigned.has(nameNode.getText()) || nameNode.getText() === 'tf')) {
        out.push(nameNode.getText());
      }
    }
  }
  return out;
}

/** `require('@tensorflow/tfjs')` or `import('@tensorflow/tfjs')`. */
function isTfjsRequireOrImport(node: TsMorph.Node): boolean {
  const { Node } = loadTsMorph();
  if (!Node.isCallExpression(node)) {
    return false;
  }
  const callee = node.getExpression().getText();
  const [arg] = node.getArguments();
  return (callee === 'require' || callee === 'import') && arg !== undefined && Node.isStringLiteral(arg) && isTfjsSpecifier(arg.getLiteralValue());
}

/** A tfjs package by its name, Deno's `npm:` specifier or a CDN URL. */
function isTfjsSpecifier(specifier: string): boolean {
  return TFJS_MODULE.test(bareSpecifier(specifier)) || TFJS_URL.test(specifier);
}

/** Strips `await`, parentheses and type assertions around an expression. */
export function unwrapAwait(node: TsMorph.Node | undefined): TsMorph.Node | undefined {
  const { Node } = loadTsMorph();
  let current = node;
  while (current && (Node.isAwaitExpression(current) || Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isNonNullExpression(current) || Node.isSatisfiesExpression(current))) {
    current = current.getExpression();
  }
  return current;
}

/**
 * The tfjs API path a callee names, e.g. `layers.batchNormalization` for `tf.layers.batchNormalization`
 * or for a named import `{ layers }`; `sequential` for `tf.sequential` or `{ sequential as seq }`.
 * Undefined when the callee is not tfjs.
 */
export function getTfjsApiPath(callee: TsMorph.Node, bindings: TfjsBindings): string | undefined {
  return getTfjsApiPathOfText(callee.getText(), bindings);
}

/** {@link getTfjsApiPath} on the callee's source text (for raw compiler nodes). */
export function getTfjsApiPathOfText(calleeText: string, bindings: TfjsBindings): string | undefined {
  const parts = calleeText.replace(/\s+/g, '').split('.');
  if (!parts.every((p) => /^[A-Za-z_$][\w$]*$/.test(p))) {
    return undefined;
  }
  const [head, ...rest] = parts;
  if (bindings.namespaces.has(head) && rest.length > 0) {
    return rest.join('.');
  }
  const imported = bindings.named.get(head);
  return imported === undefined ? undefined : [imported, ...rest].join('.');
}
