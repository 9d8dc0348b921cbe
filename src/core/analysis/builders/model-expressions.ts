/**
 * Whether an expression of a candidate builder is a tfjs model (see model-builders.ts), on raw
 * compiler nodes: each function body is walked once into {@link Facts}, and the fixed point of the
 * finder re-reads those facts instead of walking ts-morph wrappers again.
 */
import type * as TsMorph from 'ts-morph';
import type { Candidate } from './builder-candidates';
import { describeParameters, type FunctionLike } from './builder-parameters';
import { getTfjsApiPathOfText, loadTsMorph, type TfjsBindings } from './tfjs-bindings';
import type { ts, Ts } from '../typescript';

/** Names of a page's global object: `window.x = …` sets the global `x`. */
const PAGE_GLOBAL_OBJECTS = new Set(['window', 'globalThis', 'self']);

/** The tfjs calls that produce a `LayersModel`. */
const MODEL_CALLS = new Set(['sequential', 'model', 'loadLayersModel', 'models.modelFromJSON']);
/** Imported functions with these words in their name are taken for builders of another file. */
const BUILDER_NAME = /model|net(work)?s?\d*$|network|generator|discriminator|encoder|decoder|classifier|critic|autoencoder|unet|resnet/i;

export interface Verdict {
  returns: boolean;
  /** `this.<property>` the function assigns a model to. */
  property?: string;
  /** The module variable or page global the function assigns a model to (`model = tf.sequential()`). */
  variable?: string;
  /** Adds the layers to the model `property` the class's constructor made (`this.model.add(…)`). */
  fills?: boolean;
}

export interface Context {
  bindings: TfjsBindings;
  /** Top-level function names known to build models. */
  builders: Set<string>;
  /** Relative-module imports (local name), for the cross-file name heuristic. */
  imported: Set<string>;
  /** Class name -> member name -> verdict, for `this.m()` calls. */
  members: Map<string, Map<string, Verdict>>;
  /** Classes of the file whose instances hold a model (their constructor is a builder): `net = new C()` keeps one. */
  holders: Set<string>;
  /** Class name -> the `this.<property>` its constructor assigns a model to (`this.model = tf.sequential()`). */
  modelFields?: Map<string, string>;
  /** What one walk of each function found (on compiler nodes: wrapping every node in ts-morph's is the expensive part). */
  facts: Map<FunctionLike, Facts>;
  sourceFile: ts.SourceFile;
  t: Ts;
}

/** The parts of a function body the verdict looks at, collected in one walk. */
export interface Facts {
  /** The file's tfjs bindings plus the function's parameters that receive tfjs. */
  bindings: TfjsBindings;
  /** Own `return` values (nested arrows excluded), or the expression body. */
  returns: ts.Node[];
  /** `this.<property> = value`, nested arrows included (same `this`). */
  thisAssignments: { property: string; value: ts.Node }[];
  /** Callees of calls, nested arrows included. */
  callees: ts.Node[];
  /** `const x = v`, `x = v`, `this.x = v`: name -> values. */
  assigned: Map<string, ts.Node[]>;
  /** `x = v` where `x` is no parameter or local of the function: a module variable or a page's global. */
  outerAssignments: { name: string; value: ts.Node }[];
}

/** The facts of `fn`, walking it on first use. */
export function factsOf(fn: FunctionLike, ctx: Context): Facts {
  const cached = ctx.facts.get(fn);
  if (cached) {
    return cached;
  }
  const { t, sourceFile } = ctx;
  const params = describeParameters(fn, ctx.bindings.namespaces).filter((p) => p.receivesTfjs);
  const bindings = params.length === 0 ? ctx.bindings : { namespaces: new Set([...ctx.bindings.namespaces, ...params.map((p) => p.name)]), named: ctx.bindings.named };
  const facts: Facts = { bindings, returns: [], thisAssignments: [], callees: [], assigned: new Map(), outerAssignments: [] };
  const locals = new Set(fn.compilerNode.parameters.flatMap((p) => (t.isIdentifier(p.name) ? [p.name.text] : [])));
  const identifierAssignments: { name: string; value: ts.Node }[] = [];
  const assign = (name: string, value: ts.Node | undefined) => {
    if (value) {
      facts.assigned.set(name, [...(facts.assigned.get(name) ?? []), value]);
    }
  };
  const walk = (node: ts.Node, inArrow: boolean): void => {
    t.forEachChild(node, (child) => {
      const isArrow = t.isArrowFunction(child);
      if ((t.isFunctionLike(child) && !isArrow) || t.isClassLike(child)) {
        return;
      }
      if (t.isReturnStatement(child) && !inArrow && child.expression) {
        facts.returns.push(child.expression);
      } else if (t.isVariableDeclaration(child) && t.isIdentifier(child.name)) {
        locals.add(child.name.text);
        assign(child.name.text, child.initializer);
      } else if (t.isVariableDeclaration(child) && t.isArrayBindingPattern(child.name)) {
        // `const [generator, discriminator] = build()`: each name may hold one of the models.
        for (const element of child.name.elements) {
          if (t.isBindingElement(element) && t.isIdentifier(element.name)) {
            locals.add(element.name.text);
            assign(element.name.text, child.initializer);
          }
        }
      } else if (t.isBinaryExpression(child) && child.operatorToken.kind === t.SyntaxKind.EqualsToken && t.isArrayLiteralExpression(child.left)) {
        // `[this.enc, this.dec, this.run] = this.make()`: each target may receive one of the models.
        for (const target of child.left.elements) {
          assign(target.getText(sourceFile), child.right);
          if (t.isIdentifier(target)) {
            identifierAssignments.push({ name: target.text, value: child.right });
          } else if (t.isPropertyAccessExpression(target) && target.expression.kind === t.SyntaxKind.ThisKeyword) {
            facts.thisAssignments.push({ property: target.name.text, value: child.right });
          }
        }
      } else if (t.isBinaryExpression(child) && child.operatorToken.kind === t.SyntaxKind.EqualsToken) {
        assign(child.left.getText(sourceFile), child.right);
        if (t.isIdentifier(child.left)) {
          identifierAssignments.push({ name: child.left.text, value: child.right });
        } else if (t.isPropertyAccessExpression(child.left) && t.isIdentifier(child.left.expression) && PAGE_GLOBAL_OBJECTS.has(child.left.expression.text)) {
          // `window.model = tf.sequential()`: the page's global `model`.
          facts.outerAssignments.push({ name: child.left.name.text, value: child.right });
        }
        if (t.isPropertyAccessExpression(child.left) && child.left.expression.kind === t.SyntaxKind.ThisKeyword) {
          facts.thisAssignments.push({ property: child.left.name.text, value: child.right });
        }
      } else if (t.isCallExpression(child)) {
        facts.callees.push(child.expression);
      }
      walk(child, inArrow || isArrow);
    });
  };
  const body = fn.compilerNode.body;
  if (body && !t.isBlock(body)) {
    facts.returns.push(body);
  }
  if (body) {
    walk(body, false);
  }
  facts.outerAssignments.push(...identifierAssignments.filter((a) => !locals.has(a.name)));
  ctx.facts.set(fn, facts);
  return facts;
}

export function isModelExpression(expr: ts.Node, fn: FunctionLike | undefined, c: Candidate, ctx: Context, depth: number): boolean {
  const { t, sourceFile } = ctx;
  const value = unwrap(t, expr);
  if (depth > 8) {
    return false;
  }
  if (t.isCallExpression(value)) {
    return isModelCall(value, c, ctx);
  }
  if (t.isArrayLiteralExpression(value)) {
    // `return [enc, dec, run]`: an array holding models (the worker picks one of them).
    return value.elements.some((element) => isModelExpression(element, fn, c, ctx, depth + 1));
  }
  if (t.isConditionalExpression(value)) {
    return isModelExpression(value.whenTrue, fn, c, ctx, depth + 1) || isModelExpression(value.whenFalse, fn, c, ctx, depth + 1);
  }
  if (t.isObjectLiteralExpression(value)) {
    // `return { model, optimizer }`, `{ error: false, model: m }`: an object wrapping the model (the worker unwraps it).
    return value.properties.some(
      (p) => (t.isShorthandPropertyAssignment(p) && isModelExpression(p.name, fn, c, ctx, depth + 1)) || (t.isPropertyAssignment(p) && isModelExpression(p.initializer, fn, c, ctx, depth + 1)),
    );
  }
  if (fn && (t.isIdentifier(value) || (t.isPropertyAccessExpression(value) && value.expression.kind === t.SyntaxKind.ThisKeyword))) {
    const assigned = factsOf(fn, ctx).assigned.get(value.getText(sourceFile));
    if (assigned === undefined && t.isIdentifier(value)) {
      // `let model = tf.sequential();` at the top of the file, which the function fills and returns.
      const outer = topLevelInitializer(value.text, ctx);
      return outer !== undefined && isModelExpression(outer, undefined, c, ctx, depth + 1);
    }
    return (assigned ?? []).some((v) => isModelExpression(v, fn, c, ctx, depth + 1));
  }
  return false;
}

/** The initialiser of the file's top-level variable `name`, when it has one. */
function topLevelInitializer(name: string, ctx: Context): ts.Expression | undefined {
  const { t, sourceFile } = ctx;
  for (const statement of sourceFile.statements) {
    if (t.isVariableStatement(statement)) {
      const declaration = statement.declarationList.declarations.find((d) => t.isIdentifier(d.name) && d.name.text === name);
      if (declaration) {
        return declaration.initializer;
      }
    }
  }
  return undefined;
}

/** `new C(…)` with C a class of the file whose instances hold a model (`net = new TwoPart(cfg)`). */
export function isHolderConstruction(expr: ts.Node, ctx: Context): boolean {
  const { t } = ctx;
  const value = unwrap(t, expr);
  return t.isNewExpression(value) && t.isIdentifier(value.expression) && ctx.holders.has(value.expression.text);
}

/** Strips `await`, parentheses, type assertions and `!`. */
function unwrap(t: Ts, node: ts.Node): ts.Node {
  let current = node;
  while (t.isAwaitExpression(current) || t.isParenthesizedExpression(current) || t.isAsExpression(current) || t.isNonNullExpression(current) || t.isSatisfiesExpression(current) || t.isTypeAssertionExpression(current)) {
    current = current.expression;
  }
  return current;
}

function isModelCall(call: ts.CallExpression, c: Candidate, ctx: Context): boolean {
  const { t, sourceFile } = ctx;
  const callee = call.expression;
  const text = callee.getText(sourceFile);
  const api = getTfjsApiPathOfText(text, ctx.bindings);
  if (api !== undefined) {
    return MODEL_CALLS.has(api);
  }
  if (t.isIdentifier(callee)) {
    return ctx.builders.has(text) || (ctx.imported.has(text) && BUILDER_NAME.test(text));
  }
  // `this.tf.sequential()` in a class that keeps an injected tfjs.
  if (/^this\.(tf|tfjs)\.(sequential|model|loadLayersModel|models\.modelFromJSON)$/.test(text.replace(/\s+/g, ''))) {
    return true;
  }
  const member = getThisMember(callee, c, ctx);
  if (member) {
    return member.returns;
  }
  // `models.createGenerator(…)` on a namespace import of a sibling module.
  const [head, ...rest] = text.split('.');
  return rest.length === 1 && ctx.imported.has(head) && BUILDER_NAME.test(rest[0]);
}

/** `this.m` (or `Class.m` for statics) naming a builder member of the candidate's class. */
export function getThisMember(callee: ts.Node, c: Candidate, ctx: Context): Verdict | undefined {
  const { t, sourceFile } = ctx;
  // An ES5 constructor function's `this` is an instance of the function itself.
  const className = c.className ?? (c.kind === 'function' ? c.localName : undefined);
  if (!className || !t.isPropertyAccessExpression(callee)) {
    return undefined;
  }
  const target = callee.expression;
  if (target.kind !== t.SyntaxKind.ThisKeyword && target.getText(sourceFile) !== className) {
    return undefined;
  }
  return ctx.members.get(className)?.get(callee.name.text);
}

/** Local names imported from relative modules (`import { a } from './x'`, `const { a } = require('./x')`). */
export function getRelativeImports(file: TsMorph.SourceFile): Set<string> {
  const { Node } = loadTsMorph();
  const out = new Set<string>();
  for (const decl of file.getImportDeclarations()) {
    if (!decl.getModuleSpecifierValue().startsWith('.')) {
      continue;
    }
    const ns = decl.getNamespaceImport() ?? decl.getDefaultImport();
    if (ns) {
      out.add(ns.getText());
    }
    decl.getNamedImports().forEach((s) => out.add(s.getAliasNode()?.getText() ?? s.getName()));
  }
  // Top-level requires only: walking every node of a big file for them costs more than it finds.
  for (const decl of file.getVariableStatements().flatMap((v) => v.getDeclarations())) {
    const init = decl.getInitializer();
    const [arg] = init && Node.isCallExpression(init) && init.getExpression().getText() === 'require' ? init.getArguments() : [];
    if (!arg || !Node.isStringLiteral(arg) || !arg.getLiteralValue().startsWith('.')) {
      continue;
    }
    const nameNode = decl.getNameNode();
    if (Node.isIdentifier(nameNode)) {
      out.add(nameNode.getText());
    } else if (Node.isObjectBindingPattern(nameNode)) {
      nameNode.getElements().forEach((el) => out.add(el.getName()));
    }
  }
  return out;
}

