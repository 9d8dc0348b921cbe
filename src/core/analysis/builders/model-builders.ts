/**
 * Finds sanity-train's model builders (issue 9): functions, arrow functions, class methods,
 * arrow-function class properties and constructors (class or ES5 `function`) that return a tfjs
 * model or assign one to `this.<name>`, exported or not, in any module style.
 *
 * A value is a model when it is a call of `tf.sequential`, `tf.model`, `tf.loadLayersModel` or
 * `tf.models.modelFromJSON` (any import style, the browser global `tf`, or a parameter that receives
 * tfjs), a call of another builder of the file (`base()`, `this.build()`), a local variable or
 * `this.x` holding one, or, across files, a call of an imported function whose name says it builds
 * a network (`createDeepQNetwork`, `unetModel`, `resNet18`: see BUILDER_NAME in model-expressions.ts).
 */
import type * as TsMorph from 'ts-morph';
import { collectCandidates, type Candidate } from './builder-candidates';
import { describeParameters, type FunctionLike } from './builder-parameters';
import type { BuilderParameter, ModelBuilder } from '../types';
import { factsOf, getRelativeImports, getThisMember, isHolderConstruction, isModelExpression, type Context, type Verdict } from './model-expressions';
import { getTfjsApiPathOfText, getTfjsBindings, loadTsMorph, parseSourceFile, type TfjsBindings } from './tfjs-bindings';
import { getTypeScript } from '../typescript';

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
  const ctx: Context = { bindings, builders: new Set(), imported: getRelativeImports(file), members: new Map(), holders: new Set(), facts: new Map(), sourceFile: file.compilerNode, t: getTypeScript() };
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
      if (verdict && (!before || before.returns !== verdict.returns || before.property !== verdict.property || before.variable !== verdict.variable)) {
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

/**
 * The module variables (or page globals) the top-level function `name` assigns, in source order:
 * for a builder the analysis did not list, where a model it returned nothing for may be kept.
 */
export function outerVariablesAssignedBy(file: TsMorph.SourceFile, name: string): string[] {
  const fn = collectCandidates(file).find((c) => c.kind === 'function' && c.localName === name)?.fn;
  if (!fn) {
    return [];
  }
  const ctx: Context = { bindings: getTfjsBindings(file), builders: new Set(), imported: new Set(), members: new Map(), holders: new Set(), facts: new Map(), sourceFile: file.compilerNode, t: getTypeScript() };
  return [...new Set(factsOf(fn, ctx).outerAssignments.map((a) => a.name))];
}

function record(c: Candidate, verdict: Verdict, ctx: Context): void {
  if (c.kind === 'function' && c.localName && verdict.returns) {
    ctx.builders.add(c.localName);
  }
  if (c.kind === 'constructor' && c.className) {
    ctx.holders.add(c.className);
    if (verdict.property !== undefined) {
      (ctx.modelFields ??= new Map()).set(c.className, verdict.property);
    }
  }
  if (c.kind === 'function' && c.localName && verdict.property !== undefined && !verdict.returns) {
    // `function Trainer() { this.model = … }`: `new Trainer()` holds a model too.
    ctx.holders.add(c.localName);
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
    if (c.classNode && extendsTfjsModel(c.classNode, ctx.bindings)) {
      // `class Net extends tf.Sequential`: the instance is the model.
      return { returns: false };
    }
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
  if (property) {
    return { returns: false, property };
  }
  const variable = getAssignedModelVariable(c.fn, c, ctx);
  if (variable) {
    return { returns: false, variable };
  }
  const filled = c.className !== undefined ? ctx.modelFields?.get(c.className) : undefined;
  return filled !== undefined && addsLayersTo(c.fn, filled) ? { returns: false, property: filled, fills: true } : undefined;
}

/**
 * `this.model.add(tf.layers.conv2d(…))` in a method, where the constructor made `this.model =
 * tf.sequential()` empty: the method is where the model gets its layers (`compile()`, `init()`).
 */
function addsLayersTo(fn: FunctionLike, property: string): boolean {
  return new RegExp(`\\bthis\\s*\\.\\s*${property.replace(/\$/g, '\\$')}\\s*\\.\\s*add\\s*\\(`).test(fn.getText());
}

/**
 * `model = tf.sequential()` with `model` a module variable (`let model;` at the top) or a page's
 * global (no declaration at all): the function builds the model and keeps it there, returning nothing.
 */
function getAssignedModelVariable(fn: FunctionLike, c: Candidate, ctx: Context): string | undefined {
  const facts = factsOf(fn, ctx);
  const local = { ...ctx, bindings: facts.bindings };
  return facts.outerAssignments.find((a) => isModelExpression(a.value, fn, c, local, 0) || isHolderConstruction(a.value, ctx))?.name;
}

/** `extends tf.Sequential`, `extends LayersModel` (imported from tfjs), `extends tfjs.Model`. */
function extendsTfjsModel(cls: TsMorph.ClassDeclaration | TsMorph.ClassExpression, bindings: TfjsBindings): boolean {
  const base = cls.getExtends()?.getExpression();
  const api = base === undefined ? undefined : getTfjsApiPathOfText(base.getText(), bindings);
  return api === 'Sequential' || api === 'LayersModel' || api === 'Model';
}

function toBuilder(c: Candidate, verdict: Verdict, all: Candidate[], bindings: TfjsBindings): ModelBuilder {
  const { Node } = loadTsMorph();
  // A top-level `function` that only assigns `this.model` is an ES5 constructor.
  const es5Constructor = c.kind === 'function' && !verdict.returns && verdict.property !== undefined && Node.isFunctionDeclaration(c.fn);
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
  if (verdict.variable !== undefined) {
    builder.modelVariable = verdict.variable;
  }
  if (verdict.fills) {
    builder.fillsModel = true;
  }
  if (c.isStatic) {
    builder.static = true;
  }
  if (c.factory) {
    builder.factory = true;
    builder.constructorParameters = describeParameters(c.factory, bindings.namespaces);
  } else if ((kind === 'method' || kind === 'property') && !c.isStatic) {
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
  const ctor = c.classNode && ownOrInheritedConstructor(c.classNode, (text) => getTfjsApiPathOfText(text, bindings) !== undefined);
  if (ctor === 'unknown') {
    // `class Cnn extends Base` with Base from another module: its constructor takes what it takes.
    return [{ name: 'args', optional: true, rest: true, receivesTfjs: false }];
  }
  if (ctor) {
    return describeParameters(ctor, bindings.namespaces);
  }
  // ES5: `function F(a, b) {…}` with `F.prototype.m = function …`.
  const es5 = all.find((o) => o.kind === 'function' && o.localName === c.className && o.fn);
  return es5?.fn ? describeParameters(es5.fn, bindings.namespaces) : [];
}

/**
 * The constructor `new C(…)` runs: C's own, else the nearest base class's of the same file (`class
 * Cnn extends BaseNetwork` with no constructor takes BaseNetwork's config); 'unknown' when the chain
 * reaches a base class declared elsewhere (`React.Component`, an import); a tfjs class ends it.
 */
function ownOrInheritedConstructor(cls: TsMorph.ClassDeclaration | TsMorph.ClassExpression, isTfjs: (text: string) => boolean, depth = 0): TsMorph.ConstructorDeclaration | 'unknown' | undefined {
  const own = cls.getConstructors().find((k) => k.hasBody());
  if (own || depth > 8) {
    return own;
  }
  const base = cls.getExtends()?.getExpression();
  if (base === undefined || isTfjs(base.getText())) {
    return undefined;
  }
  const { Node } = loadTsMorph();
  const declared = Node.isIdentifier(base) ? cls.getSourceFile().getClass(base.getText()) : undefined;
  return declared ? ownOrInheritedConstructor(declared, isTfjs, depth + 1) : 'unknown';
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

/** Whether the builder can run without arguments (every parameter optional or filled with tfjs, the constructor's too). */
/** The builder `--model id` names: its id, or the own name of a function a factory returns (`actor` for `model.actor`) where one has it. */
export function builderNamed(builders: ModelBuilder[], id: string): ModelBuilder | undefined {
  const byMember = builders.filter((b) => b.factory && b.memberName === id);
  return builders.find((b) => b.id === id) ?? (byMember.length === 1 ? byMember[0] : undefined);
}

export function needsNoArguments(builder: ModelBuilder): boolean {
  const free = (p: BuilderParameter) => p.optional || p.receivesTfjs;
  return builder.parameters.every(free) && (builder.constructorParameters ?? []).every(free);
}

/**
 * The builder to run when none is named: the first that needs no arguments, else the first that
 * `canRun` accepts (the CLI passes "its arguments can be proposed"), else the first.
 */
export function pickDefaultBuilder(builders: ModelBuilder[], canRun?: (b: ModelBuilder) => boolean): ModelBuilder | undefined {
  // A method that adds the layers to the model its constructor made empty comes before that constructor.
  const filled = builders.filter((b) => b.fillsModel);
  return [...filled, ...builders].find(needsNoArguments) ?? (canRun ? builders.find(canRun) : undefined) ?? builders[0];
}
