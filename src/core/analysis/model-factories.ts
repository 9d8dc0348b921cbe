/**
 * Finds sanity-train's entry points: top-level functions and arrow functions that return a tfjs model
 * (`tf.sequential`, `tf.model`, `tf.loadLayersModel`, directly or through a local variable, or by
 * calling another factory of the same file), sync or async, callable without arguments.
 */
import type * as TsMorph from 'ts-morph';
import type { ModelFactory } from './types';
import { getTfjsApiPath, getTfjsBindings, loadTsMorph, parseSourceFile, unwrapAwait, type TfjsBindings } from './tfjs-bindings';

/** The tfjs calls that produce a `LayersModel`. */
const MODEL_BUILDERS = new Set(['sequential', 'model', 'loadLayersModel', 'models.modelFromJSON']);

type FunctionNode = TsMorph.FunctionDeclaration | TsMorph.ArrowFunction | TsMorph.FunctionExpression;

interface Candidate {
  localName: string;
  fn: FunctionNode;
  /** The node a CodeLens sits on: the function declaration or the variable statement. */
  anchor: TsMorph.Node;
  /** The node `getExportedDeclarations` reports for it. */
  declaration: TsMorph.Node;
}

/**
 * Model factories of one file, in source order. A file that does not parse yields what ts-morph could
 * recover (never throws for bad input).
 * @param code the file's text.
 * @param fileName its name (the extension selects TS or JS parsing).
 */
export function findModelFactories(code: string, fileName: string): ModelFactory[] {
  const file = parseSourceFile(code, fileName);
  const bindings = getTfjsBindings(file);
  const candidates = collectCandidates(file).filter((c) => hasNoRequiredParameters(c.fn));
  const factoryNames = new Set<string>();
  // A factory may return another factory's result; iterate until no new factory appears.
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of candidates) {
      if (!factoryNames.has(c.localName) && returnsModel(c.fn, bindings, factoryNames)) {
        factoryNames.add(c.localName);
        grew = true;
      }
    }
  }
  const exportNames = getExportNames(file, candidates);
  return candidates
    .filter((c) => factoryNames.has(c.localName))
    .map((c) => toModelFactory(c, exportNames.get(c.declaration) ?? getCommonJsExportName(file, c.localName)));
}

function toModelFactory(c: Candidate, exportName: string | undefined): ModelFactory {
  const file = c.anchor.getSourceFile();
  const start = c.anchor.getStart();
  const { line, column } = file.getLineAndColumnAtPos(start);
  return {
    name: exportName ?? c.localName,
    exported: exportName !== undefined,
    async: c.fn.isAsync(),
    start,
    end: c.anchor.getEnd(),
    line,
    column,
  };
}

/** Top-level function declarations and `const f = () => …` / `const f = function () {…}`. */
function collectCandidates(file: TsMorph.SourceFile): Candidate[] {
  const { Node } = loadTsMorph();
  const out: Candidate[] = [];
  for (const statement of file.getStatements()) {
    if (Node.isFunctionDeclaration(statement) && statement.hasBody()) {
      const name = statement.getName() ?? (statement.isDefaultExport() ? 'default' : undefined);
      if (name) {
        out.push({ localName: name, fn: statement, anchor: statement, declaration: statement });
      }
    } else if (Node.isVariableStatement(statement)) {
      for (const decl of statement.getDeclarations()) {
        const init = stripParens(decl.getInitializer());
        if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init)) && Node.isIdentifier(decl.getNameNode())) {
          out.push({ localName: decl.getName(), fn: init, anchor: statement, declaration: decl });
        }
      }
    } else if (Node.isExpressionStatement(statement)) {
      const c = getCommonJsAssignedFunction(statement);
      if (c) {
        out.push(c);
      }
    }
  }
  return out;
}

/** `exports.f = function () {…}` / `module.exports.f = () => …`. */
function getCommonJsAssignedFunction(statement: TsMorph.ExpressionStatement): Candidate | undefined {
  const { Node, SyntaxKind } = loadTsMorph();
  const expr = statement.getExpression();
  if (!Node.isBinaryExpression(expr) || expr.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) {
    return undefined;
  }
  const match = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(expr.getLeft().getText());
  const right = stripParens(expr.getRight());
  if (!match || !right || !(Node.isArrowFunction(right) || Node.isFunctionExpression(right))) {
    return undefined;
  }
  return { localName: match[1], fn: right, anchor: statement, declaration: statement };
}

function stripParens(node: TsMorph.Node | undefined): TsMorph.Node | undefined {
  const { Node } = loadTsMorph();
  let current = node;
  while (current && (Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isSatisfiesExpression(current))) {
    current = current.getExpression();
  }
  return current;
}

function hasNoRequiredParameters(fn: FunctionNode): boolean {
  return fn.getParameters().every((p) => p.isOptional() || p.hasInitializer() || p.isRestParameter());
}

/** Whether some `return` of the function (or its expression body) yields a model. */
function returnsModel(fn: FunctionNode, bindings: TfjsBindings, factories: Set<string>): boolean {
  const { Node } = loadTsMorph();
  const body = fn.getBody();
  if (!body) {
    return false;
  }
  if (!Node.isBlock(body)) {
    return isModelExpression(body, fn, bindings, factories);
  }
  return getOwnReturns(body).some((r) => {
    const value = r.getExpression();
    return value !== undefined && isModelExpression(value, fn, bindings, factories);
  });
}

/** Return statements of this function, not of functions nested in it. */
function getOwnReturns(body: TsMorph.Node): TsMorph.ReturnStatement[] {
  const { Node } = loadTsMorph();
  const out: TsMorph.ReturnStatement[] = [];
  body.forEachDescendant((node, traversal) => {
    if (Node.isFunctionLikeDeclaration(node) || Node.isClassDeclaration(node) || Node.isClassExpression(node)) {
      traversal.skip();
    } else if (Node.isReturnStatement(node)) {
      out.push(node);
    }
  });
  return out;
}

function isModelExpression(expr: TsMorph.Node, fn: FunctionNode, bindings: TfjsBindings, factories: Set<string>): boolean {
  const { Node } = loadTsMorph();
  const value = unwrapAwait(expr);
  if (!value) {
    return false;
  }
  if (Node.isCallExpression(value)) {
    return isModelCall(value, bindings, factories);
  }
  if (Node.isIdentifier(value)) {
    const init = findLocalInitializer(fn, value.getText());
    return init !== undefined && isModelExpression(init, fn, bindings, factories);
  }
  return false;
}

function isModelCall(call: TsMorph.CallExpression, bindings: TfjsBindings, factories: Set<string>): boolean {
  const callee = call.getExpression();
  const api = getTfjsApiPath(callee, bindings);
  if (api !== undefined && MODEL_BUILDERS.has(api)) {
    return true;
  }
  return factories.has(callee.getText());
}

/** The initializer of `const|let|var name = …` declared directly in the function (nested functions excluded). */
function findLocalInitializer(fn: FunctionNode, name: string): TsMorph.Node | undefined {
  const { Node } = loadTsMorph();
  let found: TsMorph.Node | undefined;
  fn.getBody()?.forEachDescendant((node, traversal) => {
    if (Node.isFunctionLikeDeclaration(node)) {
      traversal.skip();
    } else if (Node.isVariableDeclaration(node) && node.getName() === name && found === undefined) {
      found = node.getInitializer();
    }
  });
  return found;
}

/**
 * Declaration node -> the name it is exported under: `export function f`, `export const f`,
 * `export default function`, `export { f as g }` and `export default f`. Purely syntactic (a type
 * checker would cost hundreds of milliseconds per file, too slow for a CodeLens).
 */
function getExportNames(file: TsMorph.SourceFile, candidates: Candidate[]): Map<TsMorph.Node, string> {
  const { Node } = loadTsMorph();
  const names = new Map<TsMorph.Node, string>();
  const byLocal = new Map(candidates.map((c) => [c.localName, c.declaration]));
  for (const c of candidates) {
    const statement = Node.isVariableDeclaration(c.declaration) ? c.declaration.getVariableStatement() : c.declaration;
    if (statement && Node.isModifierable(statement) && statement.hasModifier(loadTsMorph().SyntaxKind.ExportKeyword)) {
      names.set(c.declaration, Node.isFunctionDeclaration(statement) && statement.isDefaultExport() && !statement.getName() ? 'default' : c.localName);
    }
  }
  for (const decl of file.getExportDeclarations()) {
    if (decl.getModuleSpecifier()) {
      continue;
    }
    for (const spec of decl.getNamedExports()) {
      const target = byLocal.get(spec.getName());
      if (target && !names.has(target)) {
        names.set(target, spec.getAliasNode()?.getText() ?? spec.getName());
      }
    }
  }
  for (const assignment of file.getExportAssignments()) {
    const target = byLocal.get(assignment.getExpression().getText());
    if (!assignment.isExportEquals() && target && !names.has(target)) {
      names.set(target, 'default');
    }
  }
  return names;
}

/** `exports.f = …`, `module.exports.f = …` or `module.exports = { f }` make `f` callable from outside. */
function getCommonJsExportName(file: TsMorph.SourceFile, localName: string): string | undefined {
  const text = file.getFullText();
  const escaped = localName.replace(/\$/g, '\\$');
  if (new RegExp(`(?:module\\.)?exports\\.${escaped}\\s*=`).test(text)) {
    return localName;
  }
  const objectExport = /module\.exports\s*=\s*\{([^}]*)\}/.exec(text);
  if (objectExport) {
    for (const entry of objectExport[1].split(',')) {
      const [key, value] = entry.split(':').map((s) => s.trim());
      if ((value ?? key) === localName && key) {
        return key;
      }
    }
  }
  return undefined;
}
