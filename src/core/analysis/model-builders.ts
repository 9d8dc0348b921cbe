/**
 * Finds sanity-train's model builders (issue 9): functions, arrow functions, class methods,
 * arrow-function class properties and constructors (class or ES5 `function`) that return a tfjs
 * model or assign one to `this.<name>`, exported or not, in any module style.
 *
 * A value is a model when it is a call of `tf.sequential`, `tf.model`, `tf.loadLayersModel` or
 * `tf.models.modelFromJSON` (any import style, the browser global `tf`, or a parameter that receives
 * tfjs), a call of another builder of the file (`base()`, `this.build()`), a local variable or
 * `this.x` holding one, or, across files, a call of an imported function whose name says it builds
 * a network (`createDeepQNetwork`, `unetModel`, `resNet18`: see BUILDER_NAME).
 */
import type * as TsMorph from 'ts-morph';
import { collectCandidates, type Candidate } from './builder-candidates';
import { describeParameters, type FunctionLike } from './builder-parameters';
import type { BuilderParameter, ModelBuilder } from './types';
import { getTfjsApiPathOfText, getTfjsBindings, loadTsMorph, parseSourceFile, type TfjsBindings } from './tfjs-bindings';
import { getTypeScript, type ts, type Ts } from './typescript';

/** The tfjs calls that produce a `LayersModel`. */
const MODEL_CALLS = new Set(['sequential', 'model', 'loadLayersModel', 'models.modelFromJSON']);
/** Imported functions with these words in their name are taken for builders of another file. */
const BUILDER_NAME = /model|net(work)?s?\d*$|network|generator|discriminator|encoder|decoder|classifier|critic|autoencoder|unet|resnet/i;

interface Verdict {
  returns: boolean;
  /** `this.<property>` the function assigns a model to. */
  property?: string;
}

interface Context {
  bindings: TfjsBindings;
  /** Top-level function names known to build models. */
  builders: Set<string>;
  /** Relative-module imports (local name), for the cross-file name heuristic. */
  imported: Set<string>;
  /** Class name -> member name -> verdict, for `this.m()` calls. */
  members: Map<string, Map<string, Verdict>>;
  /** What one walk of each function found (on compiler nodes: wrapping every node in ts-morph's is the expensive part). */
  facts: Map<FunctionLike, Facts>;
  sourceFile: ts.SourceFile;
  t: Ts;
}

/** The parts of a function body the verdict looks at, collected in one walk. */
interface Facts {
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
}

/**
 * The model builders of one file in source order. Never throws for bad input: a file that does not
 * parse yields what ts-morph could recover.
 * @param code the file's text.
 * @param fileName its name (the extension selects TS or JS parsing).
 */
export function findModelBuilders(code: string, fileName: string): ModelBuilder[] {
  const file = parseSourceFile(code, fileName);
  return findModelBuildersIn(file).map((b) => b.builder);
}

/** Builders with the syntax node they came from (for the layer-source mapping). */
export function findModelBuildersIn(file: TsMorph.SourceFile): { builder: ModelBuilder; node: TsMorph.Node | undefined }[] {
  const bindings = getTfjsBindings(file);
  const candidates = collectCandidates(file);
  const ctx: Context = { bindings, builders: new Set(), imported: getRelativeImports(file), members: new Map(), facts: new Map(), sourceFile: file.compilerNode, t: getTypeScript() };
  const verdicts = new Map<Candidate, Verdict>();
  // Text prefilter: a function that mentions no tfjs model call, no `this`, no other candidate and no
  // import is never a builder, and is never walked.
  const words = new Set(['sequential', 'model', 'Model', 'this', ...ctx.imported, ...candidates.flatMap((c) => [c.localName ?? '', c.name])].filter((w) => w.length > 0));
  const mentions = new RegExp(`(${[...words].map((w) => w.replace(/[$]/g, '\\$')).join('|')})`);
  const open = candidates.filter((c) => !c.fn || mentions.test(c.fn.getText()));
  // A builder may call another; iterate until nothing new is found.
  for (let grew = true, rounds = 0; grew && rounds < 20; rounds++) {
    grew = false;
    for (const c of open) {
      const before = verdicts.get(c);
      const verdict = judge(c, ctx);
      if (verdict && (!before || before.returns !== verdict.returns || before.property !== verdict.property)) {
        verdicts.set(c, verdict);
        record(c, verdict, ctx);
        grew = true;
      }
    }
  }
  return candidates.flatMap((c) => {
    const verdict = verdicts.get(c);
    return verdict ? [{ builder: toBuilder(c, verdict, candidates, bindings), node: c.fn }] : [];
  });
}

function record(c: Candidate, verdict: Verdict, ctx: Context): void {
  if (c.kind === 'function' && c.localName && verdict.returns) {
    ctx.builders.add(c.localName);
  }
  if (c.className && c.kind !== 'constructor') {
    const members = ctx.members.get(c.className) ?? new Map<string, Verdict>();
    members.set(c.name, verdict);
    ctx.members.set(c.className, members);
  }
}

/** Whether the candidate builds a model, and how; undefined when it does not. */
function judge(c: Candidate, ctx: Context): Verdict | undefined {
  if (c.kind === 'constructor') {
    const property = (c.fn && getAssignedModelProperty(c.fn, c, ctx)) ?? (c.classNode && getModelField(c, ctx));
    return property ? { returns: false, property } : undefined;
  }
  if (!c.fn) {
    return undefined;
  }
  if (returnsModel(c.fn, c, ctx)) {
    return { returns: true };
  }
  const property = getAssignedModelProperty(c.fn, c, ctx);
  return property ? { returns: false, property } : undefined;
}

function toBuilder(c: Candidate, verdict: Verdict, all: Candidate[], bindings: TfjsBindings): ModelBuilder {
  const { Node } = loadTsMorph();
  // A top-level `function` that only assigns `this.model` is an ES5 constructor.
  const es5Constructor = c.kind === 'function' && !verdict.returns && Node.isFunctionDeclaration(c.fn);
  const kind = es5Constructor ? 'constructor' : c.kind;
  const className = es5Constructor ? c.name : c.className;
  const start = c.anchor.getStart();
  // The compiler's line map: ts-morph's getLineAndColumnAtPos scans the text on every call.
  const position = c.anchor.getSourceFile().compilerNode.getLineAndCharacterOfPosition(start);
  const line = position.line + 1;
  const column = position.character + 1;
  const exportedAs = c.exportName !== undefined && c.exportName !== 'default' ? c.exportName : undefined;
  const id = kind === 'constructor' ? (className ?? c.name) : c.className ? `${c.className}.${c.name}` : (exportedAs ?? c.name);
  const builder: ModelBuilder = {
    id,
    kind,
    exported: c.exportName !== undefined,
    async: c.fn !== undefined && !Node.isConstructorDeclaration(c.fn) && c.fn.isAsync(),
    start,
    end: c.anchor.getEnd(),
    line,
    column,
    parameters: c.fn ? describeParameters(c.fn, bindings.namespaces) : [],
    memberName: kind === 'method' || kind === 'property' ? c.name : undefined,
    localName: c.localName,
    exportName: c.exportName,
  };
  if (className !== undefined) {
    builder.className = className;
  }
  if (verdict.property !== undefined && !verdict.returns) {
    builder.modelProperty = verdict.property;
  }
  if (c.isStatic) {
    builder.static = true;
  }
  if ((kind === 'method' || kind === 'property') && !c.isStatic) {
    builder.constructorParameters = getConstructorParameters(c, all, bindings);
  }
  for (const key of ['memberName', 'localName', 'exportName'] as const) {
    if (builder[key] === undefined) {
      delete builder[key];
    }
  }
  return builder;
}

function getConstructorParameters(c: Candidate, all: Candidate[], bindings: TfjsBindings): BuilderParameter[] {
  const ctor = c.classNode?.getConstructors().find((k) => k.hasBody());
  if (ctor) {
    return describeParameters(ctor, bindings.namespaces);
  }
  // ES5: `function F(a, b) {…}` with `F.prototype.m = function …`.
  const es5 = all.find((o) => o.kind === 'function' && o.localName === c.className && o.fn);
  return es5?.fn ? describeParameters(es5.fn, bindings.namespaces) : [];
}

/** The facts of `fn`, walking it on first use. */
function factsOf(fn: FunctionLike, ctx: Context): Facts {
  const cached = ctx.facts.get(fn);
  if (cached) {
    return cached;
  }
  const { t, sourceFile } = ctx;
  const params = describeParameters(fn, ctx.bindings.namespaces).filter((p) => p.receivesTfjs);
  const bindings = params.length === 0 ? ctx.bindings : { namespaces: new Set([...ctx.bindings.namespaces, ...params.map((p) => p.name)]), named: ctx.bindings.named };
  const facts: Facts = { bindings, returns: [], thisAssignments: [], callees: [], assigned: new Map() };
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
        assign(child.name.text, child.initializer);
      } else if (t.isBinaryExpression(child) && child.operatorToken.kind === t.SyntaxKind.EqualsToken) {
        assign(child.left.getText(sourceFile), child.right);
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
  ctx.facts.set(fn, facts);
  return facts;
}

/** Whether some own `return` of the function (or its expression body) yields a model. */
function returnsModel(fn: FunctionLike, c: Candidate, ctx: Context): boolean {
  const facts = factsOf(fn, ctx);
  const local = { ...ctx, bindings: facts.bindings };
  return facts.returns.some((value) => isModelExpression(value, fn, c, local, 0));
}

/** The `this.<name>` a model is assigned to inside the function (arrow callbacks included: same `this`). */
function getAssignedModelProperty(fn: FunctionLike, c: Candidate, ctx: Context): string | undefined {
  const facts = factsOf(fn, ctx);
  const local = { ...ctx, bindings: facts.bindings };
  const assigned = facts.thisAssignments.find((a) => isModelExpression(a.value, fn, c, local, 0));
  if (assigned) {
    return assigned.property;
  }
  // `this.build()` where build stores the model itself.
  for (const callee of facts.callees) {
    const member = getThisMember(callee, c, ctx);
    if (member?.property && !member.returns) {
      return member.property;
    }
  }
  return undefined;
}

/** A class field initialised with a model (`model = tf.sequential()`). */
function getModelField(c: Candidate, ctx: Context): string | undefined {
  const { Node } = loadTsMorph();
  for (const member of c.classNode?.getMembers() ?? []) {
    if (Node.isPropertyDeclaration(member) && !member.isStatic() && Node.isIdentifier(member.getNameNode())) {
      const init = member.getInitializer();
      if (init && !Node.isArrowFunction(init) && !Node.isFunctionExpression(init) && isModelExpression(init.compilerNode, undefined, c, ctx, 0)) {
        return member.getName();
      }
    }
  }
  return undefined;
}

function isModelExpression(expr: ts.Node, fn: FunctionLike | undefined, c: Candidate, ctx: Context, depth: number): boolean {
  const { t, sourceFile } = ctx;
  const value = unwrap(t, expr);
  if (depth > 8) {
    return false;
  }
  if (t.isCallExpression(value)) {
    return isModelCall(value, c, ctx);
  }
  if (t.isConditionalExpression(value)) {
    return isModelExpression(value.whenTrue, fn, c, ctx, depth + 1) || isModelExpression(value.whenFalse, fn, c, ctx, depth + 1);
  }
  if (fn && (t.isIdentifier(value) || (t.isPropertyAccessExpression(value) && value.expression.kind === t.SyntaxKind.ThisKeyword))) {
    return (factsOf(fn, ctx).assigned.get(value.getText(sourceFile)) ?? []).some((v) => isModelExpression(v, fn, c, ctx, depth + 1));
  }
  return false;
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
function getThisMember(callee: ts.Node, c: Candidate, ctx: Context): Verdict | undefined {
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
function getRelativeImports(file: TsMorph.SourceFile): Set<string> {
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

/** Whether the builder can run without arguments (every parameter optional or filled with tfjs, the constructor's too). */
export function needsNoArguments(builder: ModelBuilder): boolean {
  const free = (p: BuilderParameter) => p.optional || p.receivesTfjs;
  return builder.parameters.every(free) && (builder.constructorParameters ?? []).every(free);
}

/**
 * The builder to run when none is named: the first that needs no arguments, else the first that
 * `canRun` accepts (the CLI passes "its arguments can be proposed"), else the first.
 */
export function pickDefaultBuilder(builders: ModelBuilder[], canRun?: (b: ModelBuilder) => boolean): ModelBuilder | undefined {
  return builders.find(needsNoArguments) ?? (canRun ? builders.find(canRun) : undefined) ?? builders[0];
}
