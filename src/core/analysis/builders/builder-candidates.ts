/**
 * Every function-like thing at the top of a file that might build a model, with how it is reached
 * from outside: top-level functions and `const f = () => …`, `exports.f = …`, functions inside
 * `module.exports = { … }`, class methods, arrow-function class properties, class constructors and
 * class fields, ES5 `function` constructors and their `F.prototype.m = function …` methods. Purely
 * syntactic: whether a candidate really builds a model is decided in model-builders.ts.
 */
import type * as TsMorph from 'ts-morph';
import type { FunctionLike } from './builder-parameters';
import { loadTsMorph } from './tfjs-bindings';

export interface Candidate {
  /** Top-level function name, or member name for class members. */
  name: string;
  kind: 'function' | 'method' | 'property' | 'constructor';
  /** The function to inspect; for kind 'constructor' the constructor (absent for a class without one). */
  fn?: FunctionLike;
  /** For classes: the class (or ES5 constructor function) name; 'default' for an anonymous default class. */
  className?: string;
  /** Class body, for finding field initializers and sibling members. */
  classNode?: TsMorph.ClassDeclaration | TsMorph.ClassExpression;
  isStatic?: boolean;
  /** The top-level binding to read when there is no export (function or class name). */
  localName?: string;
  /** Set when the module exports it; 'default' for a default export. */
  exportName?: string;
  /** The node a CodeLens sits above. */
  anchor: TsMorph.Node;
  /** For a function a factory returns: the factory (className names it; its parameters are the "constructor's"). */
  factory?: FunctionLike;
}

type ClassLike = TsMorph.ClassDeclaration | TsMorph.ClassExpression;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Candidates in source order, with export names filled in. */
export function collectCandidates(file: TsMorph.SourceFile): Candidate[] {
  const out: Candidate[] = [];
  for (const statement of file.getStatements()) {
    collectFromStatement(statement, out);
  }
  applyExportNames(file, out);
  return out.sort((a, b) => a.anchor.getStart() - b.anchor.getStart());
}

function collectFromStatement(statement: TsMorph.Statement, out: Candidate[]): void {
  const { Node } = loadTsMorph();
  if (Node.isFunctionDeclaration(statement) && statement.hasBody()) {
    const name = statement.getName();
    const exportName = statement.isDefaultExport() ? 'default' : undefined;
    out.push({ name: name ?? 'default', kind: 'function', fn: statement, localName: name, exportName, anchor: statement });
    if (name) {
      collectFactoryFunctions(statement, name, out);
    }
  } else if (Node.isClassDeclaration(statement)) {
    const name = statement.getName();
    collectClass(statement, name ?? 'default', name, statement.isDefaultExport() ? 'default' : undefined, statement, out);
  } else if (Node.isVariableStatement(statement)) {
    for (const decl of statement.getDeclarations()) {
      const init = stripParens(decl.getInitializer());
      if (!init || !Node.isIdentifier(decl.getNameNode())) {
        continue;
      }
      if (Node.isArrowFunction(init) || Node.isFunctionExpression(init)) {
        out.push({ name: decl.getName(), kind: 'function', fn: init, localName: decl.getName(), anchor: statement });
        collectFactoryFunctions(init, decl.getName(), out);
      } else if (Node.isClassExpression(init)) {
        collectClass(init, decl.getName(), decl.getName(), undefined, statement, out);
      } else if (Node.isObjectLiteralExpression(init)) {
        collectObjectMethods(init, decl.getName(), out);
      }
    }
  } else if (Node.isExpressionStatement(statement)) {
    collectAssignment(statement, out);
  } else if (Node.isExportAssignment(statement) && !statement.isExportEquals()) {
    const value = stripParens(statement.getExpression());
    if (value && (Node.isArrowFunction(value) || Node.isFunctionExpression(value))) {
      out.push({ name: 'default', kind: 'function', fn: value, exportName: 'default', anchor: statement });
    } else if (value && Node.isClassExpression(value)) {
      collectClass(value, value.getName() ?? 'default', undefined, 'default', statement, out);
    }
  }
}

/** Methods, arrow-function properties and the constructor of a class. */
function collectClass(cls: ClassLike, className: string, localName: string | undefined, exportName: string | undefined, anchor: TsMorph.Node, out: Candidate[]): void {
  const { Node } = loadTsMorph();
  const base = { className, classNode: cls, localName, exportName };
  out.push({ ...base, name: className, kind: 'constructor', fn: cls.getConstructors().find((c) => c.hasBody()), anchor });
  for (const member of cls.getMembers()) {
    if (Node.isMethodDeclaration(member) && member.hasBody() && Node.isIdentifier(member.getNameNode())) {
      out.push({ ...base, name: member.getName(), kind: 'method', fn: member, isStatic: member.isStatic(), anchor: member });
    } else if (Node.isPropertyDeclaration(member) && Node.isIdentifier(member.getNameNode())) {
      const init = stripParens(member.getInitializer());
      if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) {
        out.push({ ...base, name: member.getName(), kind: 'property', fn: init, isStatic: member.isStatic(), anchor: member });
      }
    }
  }
}

/** `exports.f = …`, `module.exports = { … }`, `module.exports = function …`, `F.prototype.m = function …`. */
/** `left = right` as a statement: the target's text without spaces and the value without parentheses. */
function getAssignment(statement: TsMorph.ExpressionStatement): { left: string; right: TsMorph.Node | undefined } | undefined {
  const { Node, SyntaxKind } = loadTsMorph();
  const expr = statement.getExpression();
  if (!Node.isBinaryExpression(expr) || expr.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) {
    return undefined;
  }
  return { left: expr.getLeft().getText().replace(/\s+/g, ''), right: stripParens(expr.getRight()) };
}

function collectAssignment(statement: TsMorph.ExpressionStatement, out: Candidate[]): void {
  const { Node } = loadTsMorph();
  const assignment = getAssignment(statement);
  if (!assignment?.right) {
    return;
  }
  const { left, right } = assignment;
  const isFunction = Node.isArrowFunction(right) || Node.isFunctionExpression(right);
  const named = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left);
  const prototype = /^([A-Za-z_$][\w$]*)\.prototype\.([A-Za-z_$][\w$]*)$/.exec(left);
  const pageGlobal = IDENTIFIER.test(left) ? left : /^(?:window|globalThis|self)\.([A-Za-z_$][\w$]*)$/.exec(left)?.[1];
  if (named && isFunction) {
    out.push({ name: named[1], kind: 'function', fn: right, exportName: named[1], anchor: statement });
  } else if (prototype && isFunction) {
    out.push({ name: prototype[2], kind: 'method', fn: right, className: prototype[1], localName: prototype[1], anchor: statement });
  } else if (pageGlobal && isFunction && !isDeclaredAtTop(statement, pageGlobal)) {
    // `myDefineModel = async function () {…}` with no declaration, or `window.myDefineModel = …`: a page's global.
    out.push({ name: pageGlobal, kind: 'function', fn: right, localName: pageGlobal, anchor: statement });
  } else if (left === 'module.exports' && isFunction) {
    out.push({ name: 'default', kind: 'function', fn: right, exportName: 'default', anchor: statement });
  } else if (left === 'module.exports' && Node.isClassExpression(right)) {
    collectClass(right, right.getName() ?? 'default', undefined, 'default', statement, out);
  } else if (left === 'module.exports' && Node.isObjectLiteralExpression(right)) {
    for (const { key, fn, prop } of objectFunctions(right)) {
      out.push({ name: key, kind: 'function', fn, exportName: key, anchor: prop });
    }
  }
}

/** The functions an object literal holds (`key: (…) => …`, `key: function …`, `key() {…}`), by key. */
function objectFunctions(object: TsMorph.ObjectLiteralExpression): { key: string; fn: FunctionLike; prop: TsMorph.Node }[] {
  const { Node } = loadTsMorph();
  return object.getProperties().flatMap((prop) => {
    const fn = Node.isMethodDeclaration(prop) ? prop : Node.isPropertyAssignment(prop) ? stripParens(prop.getInitializer()) : undefined;
    const key = Node.isMethodDeclaration(prop) || Node.isPropertyAssignment(prop) ? prop.getName() : '';
    return fn && IDENTIFIER.test(key) && (Node.isMethodDeclaration(fn) || Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) ? [{ key, fn, prop }] : [];
  });
}

/** `const models = { lstm: (shape, n) => {…}, cnn() {…} }`: each function is `models.lstm`, called on the object. */
function collectObjectMethods(object: TsMorph.ObjectLiteralExpression, objectName: string, out: Candidate[]): void {
  for (const { key, fn, prop } of objectFunctions(object)) {
    out.push({ name: key, kind: 'method', fn, className: objectName, localName: objectName, isStatic: true, anchor: prop });
  }
}

/**
 * A factory's functions (`const model = (tf) => { const actor = () => …; return { actor, critic }; }`,
 * the module pattern): each function the factory returns in an object literal, declared in its body or
 * written inline, is `model.actor`, called on what `model(…)` returns.
 */
function collectFactoryFunctions(factory: FunctionLike, factoryName: string, out: Candidate[]): void {
  const { Node } = loadTsMorph();
  const body = factory.getBody();
  if (!body || !Node.isBlock(body)) {
    return;
  }
  const local = new Map<string, { fn: FunctionLike; anchor: TsMorph.Node }>();
  for (const statement of body.getStatements()) {
    if (Node.isFunctionDeclaration(statement) && statement.getName()) {
      local.set(statement.getName()!, { fn: statement, anchor: statement });
    } else if (Node.isVariableStatement(statement)) {
      for (const decl of statement.getDeclarations()) {
        const init = stripParens(decl.getInitializer());
        if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init)) && Node.isIdentifier(decl.getNameNode())) {
          local.set(decl.getName(), { fn: init, anchor: statement });
        }
      }
    }
  }
  const returned = body.getStatements().flatMap((s) => (Node.isReturnStatement(s) ? [stripParens(s.getExpression())] : []));
  const object = returned.find((r): r is TsMorph.ObjectLiteralExpression => r !== undefined && Node.isObjectLiteralExpression(r));
  if (!object) {
    return;
  }
  const base = { kind: 'method' as const, className: factoryName, localName: factoryName, factory };
  for (const prop of object.getProperties()) {
    // `{ actor }` or `{ actor: makeActor }`, the function declared in the factory's body.
    const value = Node.isShorthandPropertyAssignment(prop) ? prop.getNameNode() : Node.isPropertyAssignment(prop) ? stripParens(prop.getInitializer()) : undefined;
    const named = value && Node.isIdentifier(value) ? local.get(value.getText()) : undefined;
    const key = Node.isShorthandPropertyAssignment(prop) || Node.isPropertyAssignment(prop) ? prop.getName() : '';
    if (named && IDENTIFIER.test(key)) {
      out.push({ ...base, name: key, fn: named.fn, anchor: named.anchor });
    }
  }
  for (const { key, fn, prop } of objectFunctions(object)) {
    out.push({ ...base, name: key, fn, anchor: prop });
  }
}

/** Whether `name` is a top-level declaration of the file (then the assignment only fills it, and the declaration is the candidate). */
function isDeclaredAtTop(statement: TsMorph.Node, name: string): boolean {
  const { Node } = loadTsMorph();
  return statement
    .getSourceFile()
    .getStatements()
    .some((s) => (Node.isFunctionDeclaration(s) || Node.isClassDeclaration(s) ? s.getName() === name : Node.isVariableStatement(s) && s.getDeclarations().some((d) => d.getName() === name && d.getInitializer() !== undefined)));
}

export function stripParens(node: TsMorph.Node | undefined): TsMorph.Node | undefined {
  const { Node } = loadTsMorph();
  let current = node;
  while (current && (Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isSatisfiesExpression(current))) {
    current = current.getExpression();
  }
  return current;
}

/**
 * Fills `exportName` of top-level bindings from `export …` modifiers, `export { a as b }`,
 * `export default a`, `module.exports = a`, `module.exports = { a, b: c }` and `exports.b = a`.
 * Syntactic on purpose: a type checker costs hundreds of milliseconds per file, too slow for a lens.
 */
function applyExportNames(file: TsMorph.SourceFile, candidates: Candidate[]): void {
  const names = collectExportNames(file);
  for (const c of candidates) {
    if (c.exportName === undefined && c.localName !== undefined) {
      c.exportName = names.get(c.localName);
    }
  }
}

function collectExportNames(file: TsMorph.SourceFile): Map<string, string> {
  const { Node, SyntaxKind } = loadTsMorph();
  const names = new Map<string, string>();
  const set = (local: string, exported: string) => {
    if (!names.has(local)) {
      names.set(local, exported);
    }
  };
  for (const statement of file.getStatements()) {
    if ((Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement)) && statement.hasModifier(SyntaxKind.ExportKeyword)) {
      const name = statement.getName();
      if (name) {
        set(name, statement.isDefaultExport() ? 'default' : name);
      }
    } else if (Node.isVariableStatement(statement) && statement.hasModifier(SyntaxKind.ExportKeyword)) {
      statement.getDeclarations().forEach((d) => set(d.getName(), d.getName()));
    } else if (Node.isExportDeclaration(statement) && !statement.getModuleSpecifier()) {
      statement.getNamedExports().forEach((s) => set(s.getName(), s.getAliasNode()?.getText() ?? s.getName()));
    } else if (Node.isExportAssignment(statement) && Node.isIdentifier(statement.getExpression())) {
      set(statement.getExpression().getText(), 'default');
    } else if (Node.isExpressionStatement(statement)) {
      collectCommonJsExportNames(statement, set);
    }
  }
  return names;
}

function collectCommonJsExportNames(statement: TsMorph.ExpressionStatement, set: (local: string, exported: string) => void): void {
  const { Node } = loadTsMorph();
  const assignment = getAssignment(statement);
  if (!assignment) {
    return;
  }
  const { left, right } = assignment;
  const named = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left);
  if (named && right && Node.isIdentifier(right)) {
    set(right.getText(), named[1]);
  } else if (left === 'module.exports' && right && Node.isIdentifier(right)) {
    set(right.getText(), 'default');
  } else if (left === 'module.exports' && right && Node.isObjectLiteralExpression(right)) {
    for (const prop of right.getProperties()) {
      if (Node.isShorthandPropertyAssignment(prop)) {
        set(prop.getName(), prop.getName());
      } else if (Node.isPropertyAssignment(prop) && Node.isIdentifier(stripParens(prop.getInitializer()) ?? prop)) {
        set(stripParens(prop.getInitializer())!.getText(), prop.getName());
      }
    }
  }
}
