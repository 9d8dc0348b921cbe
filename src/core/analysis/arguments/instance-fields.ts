/**
 * Instance fields of a method builder that another method fills: a classifier's constructor leaves
 * `this.numClasses = null`, `train(images, labels)` sets it from `labels.shape[1]`, and the
 * `buildModel()` method reads it. Called on its own, the builder finds null and no `--args` can reach
 * it, so the worker sets each field that is still null or undefined on the instance before the call,
 * with a value proposed like a module variable's (module-variables.ts: a literal assignment, an
 * object literal's property, a guess from the name and type). Pure: works on one parsed file.
 */
import { tfjsFieldsRead } from './tfjs-fields';
import type * as TsMorph from 'ts-morph';
import type { ts as Typescript } from 'ts-morph';
import type { DataHint } from './data-hint';
import { proposeVariables, summaryOf, type ModuleVariable } from './module-variables';
import { loadTsMorph } from '../builders/tfjs-bindings';
import type { ModelBuilder, ModuleVariablesProposal } from '../types';
import { withoutComments } from '../comments';

type ts = typeof Typescript;

/** How far the search follows the builder's `this.method()` calls, as for module variables. */
const MAX_CALL_DEPTH = 3;

/** A class's parts: its constructor (and the methods it calls), its methods, and its field declarations. */
interface ClassShape {
  constructorBody?: Typescript.Node;
  methods: Map<string, Typescript.Node>;
  /** `numClasses: number | null = null;` */
  fields: Map<string, Typescript.PropertyDeclaration>;
  /** TypeScript parameter properties (`constructor(private readonly units: number)`): set by the constructor. */
  parameterProperties?: Set<string>;
  /**
   * Constructor parameters that default to null or undefined (`constructor(vocabulary = null)`): a field
   * the constructor sets from one is empty when the class is made with no arguments, as its app may
   * make it before another method (`initialize()`) fills the field.
   */
  emptyParameters?: Set<string>;
}

type BuilderRef = Pick<ModelBuilder, 'start' | 'end' | 'kind' | 'className' | 'static'>;

export interface InstanceField extends ModuleVariable {
  /**
   * Neither assigned by a method nor declared: the code that makes the instance sets it
   * (`agent.inputs = hyper.inputs; agent.init()`). Proposed only where its uses give a guess.
   */
  callerSet?: boolean;
}

/**
 * The fields the builder reads (itself or through the `this.method()` calls it makes) that its class
 * leaves empty when constructed (never assigned by the constructor or a field initializer, or only to
 * null/undefined): another method assigns them, the class declares them, or its caller sets them.
 * Methods and fields the builder assigns itself are not among them. In order of first read.
 */
export function findInstanceFields(file: TsMorph.SourceFile, builder: BuilderRef): InstanceField[] {
  if ((builder.kind !== 'method' && builder.kind !== 'property') || builder.static || builder.className === undefined) {
    return [];
  }
  const t = loadTsMorph().ts;
  const sf = file.compilerNode;
  const shape = classShape(t, sf, builder);
  if (!shape) {
    return [];
  }
  const { reads, writes } = fieldsRead(t, sf, builder, shape);
  const filledAtConstruction = new Set<string>();
  const assignedElsewhere = new Map<string, Typescript.BinaryExpression[]>();
  for (const a of thisAssignments(t, sf)) {
    if (shape.constructorBody && inside(a.node, shape.constructorBody.pos, shape.constructorBody.end)) {
      if (!isEmptyValue(t, a.right) && !(t.isIdentifier(a.right) && shape.emptyParameters?.has(a.right.text))) {
        filledAtConstruction.add(a.name);
      }
    } else if (!inside(a.node, builder.start, builder.end) && [...shape.methods.values()].some((m) => inside(a.node, m.pos, m.end)) && !isEmptyValue(t, a.right)) {
      assignedElsewhere.set(a.name, [...(assignedElsewhere.get(a.name) ?? []), a.node]);
    }
  }
  for (const [name, decl] of shape.fields) {
    if (decl.initializer && !isEmptyValue(t, decl.initializer)) {
      filledAtConstruction.add(name);
    }
  }
  shape.parameterProperties?.forEach((name) => filledAtConstruction.add(name));
  const code = withoutComments(classCode(sf, shape));
  const uses = code.replace(/\bthis\s*\.\s*/g, '');
  // A field holding tfjs (`this.tf.sequential()`) gets the worker's tfjs, not a proposal.
  const tfjsSlots = new Set(tfjsFieldsRead(code, builder.className).onThis);
  return [...reads]
    .filter((name) => !writes.has(name) && !shape.methods.has(name) && !filledAtConstruction.has(name) && !tfjsSlots.has(name))
    .map((name) => {
      const type = shape.fields.get(name)?.type?.getText(sf);
      const callerSet = !assignedElsewhere.has(name) && !shape.fields.has(name);
      return { name, label: `this.${name}`, ...(type !== undefined ? { typeText: withoutNull(type) } : {}), assignments: assignedElsewhere.get(name) ?? [], uses, ...(callerSet ? { callerSet } : {}) };
    });
}

/** The class's constructor and methods, as one text. */
function classCode(sf: Typescript.SourceFile, shape: ClassShape): string {
  return [shape.constructorBody, ...shape.methods.values()].filter((n): n is Typescript.Node => n !== undefined).map((n) => n.getText(sf)).join('\n');
}

export interface InstanceFieldOptions {
  fileLabel: string;
  hint: DataHint;
  /** The values the user ran the builder with last time. */
  lastRun?: Record<string, unknown>;
}

/** Values for the builder's empty instance fields, best first per field; undefined when it reads none. */
export function proposeInstanceFields(file: TsMorph.SourceFile, builder: BuilderRef, options: InstanceFieldOptions): ModuleVariablesProposal | undefined {
  const fields = findInstanceFields(file, builder);
  const proposal = fields.length === 0 ? undefined : withStandIns(file, builder, proposeVariables(file, fields, options), fields, options);
  const callerSet = new Set(fields.filter((f) => f.callerSet).map((f) => f.name));
  const unknown = proposal?.unknown?.filter((name) => !callerSet.has(name));
  if (!proposal || (proposal.sources.length === 0 && !unknown?.length)) {
    return undefined;
  }
  const { unknown: _all, ...rest } = proposal;
  return unknown?.length ? { ...rest, unknown } : rest;
}

/**
 * A field nothing else gives a value gets a stand-in from what the builder reads of it
 * (`this.data.source.getXSize()` in an input shape), where sizes come out of it: a field the builder
 * only checks or disposes (`if (this.model) this.model.dispose()`) stays unset.
 */
function withStandIns(file: TsMorph.SourceFile, builder: BuilderRef, proposal: ModuleVariablesProposal, fields: InstanceField[], options: InstanceFieldOptions): ModuleVariablesProposal {
  const open = fields.filter((f) => !(f.name in proposal.values));
  if (open.length === 0) {
    return proposal;
  }
  const site = { code: file.getFullText(), fileName: file.getFilePath(), start: builder.start, end: builder.end, ofConstructor: false, thisField: true };
  const used = proposeVariables(file, open, { ...options, site });
  const sized = used.sources.filter((s) => holdsANumber(used.values[s.name]));
  if (sized.length === 0) {
    return proposal;
  }
  const names = new Set(sized.map((s) => s.name));
  const sources = [...proposal.sources, ...sized];
  const unknown = proposal.unknown?.filter((name) => !names.has(name));
  return {
    values: { ...proposal.values, ...Object.fromEntries(sized.map((s) => [s.name, used.values[s.name]])) },
    sources,
    summary: summaryOf(sources),
    ...(unknown?.length ? { unknown } : {}),
  };
}

function holdsANumber(value: unknown): boolean {
  return typeof value === 'number' || (value !== null && typeof value === 'object' && Object.values(value).some(holdsANumber));
}

/**
 * The range of `className`'s method `member` (a class member, or `Class.prototype.member = function`),
 * for a method the analysis did not take for a builder (`this.model = this.factory.build(…)`) but
 * the user names with `--model Class.member`: its instance fields are found the same way.
 */
export function methodRange(file: TsMorph.SourceFile, className: string, member: string): { start: number; end: number } | undefined {
  const t = loadTsMorph().ts;
  const sf = file.compilerNode;
  let found: Typescript.Node | undefined;
  const visit = (node: Typescript.Node): void => {
    if (found) {
      return;
    }
    if ((t.isClassDeclaration(node) || t.isClassExpression(node)) && classNameOf(t, node) === className) {
      found = node.members.find((m) => (t.isMethodDeclaration(m) || t.isPropertyDeclaration(m)) && m.name !== undefined && t.isIdentifier(m.name) && m.name.text === member);
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  found ??= es5Class(t, sf, className)?.methods.get(member);
  return found ? { start: found.getStart(sf), end: found.end } : undefined;
}

/** Where a builder lies: the analysis's range, else its method's found by name (a method the analysis did not take). */
export function builderRange(file: TsMorph.SourceFile, builder: Pick<ModelBuilder, 'start' | 'end' | 'className' | 'memberName'>): { start: number; end: number } | undefined {
  if (builder.end > builder.start) {
    return builder;
  }
  return builder.className && builder.memberName ? methodRange(file, builder.className, builder.memberName) : undefined;
}

function classNameOf(t: ts, node: Typescript.ClassDeclaration | Typescript.ClassExpression): string | undefined {
  if (node.name) {
    return node.name.text;
  }
  const parent = node.parent;
  return t.isVariableDeclaration(parent) && t.isIdentifier(parent.name) ? parent.name.text : undefined;
}

/** Every `this.<name>` the builder's class mentions, methods left out: what `--instance-vars` may set. */
export function instanceFieldNames(file: TsMorph.SourceFile, builder: BuilderRef): string[] {
  const t = loadTsMorph().ts;
  const sf = file.compilerNode;
  const shape = builder.className === undefined ? undefined : classShape(t, sf, builder);
  if (!shape) {
    return [];
  }
  const names = new Set<string>(shape.fields.keys());
  const regions = [shape.constructorBody, ...shape.methods.values()].filter((n): n is Typescript.Node => n !== undefined);
  const visit = (node: Typescript.Node): void => {
    if (t.isPropertyAccessExpression(node) && node.expression.kind === t.SyntaxKind.ThisKeyword) {
      names.add(node.name.text);
    }
    t.forEachChild(node, visit);
  };
  regions.forEach(visit);
  return [...names].filter((n) => !shape.methods.has(n));
}

/** `number | null` → `number`, so the guess follows the type that `train()` fills in. */
function withoutNull(type: string): string {
  return type.split('|').map((p) => p.trim()).filter((p) => p !== 'null' && p !== 'undefined').join(' | ');
}

function isEmptyValue(t: ts, node: Typescript.Expression): boolean {
  return node.kind === t.SyntaxKind.NullKeyword || (t.isIdentifier(node) && node.text === 'undefined') || t.isVoidExpression(node);
}

function inside(node: Typescript.Node, from: number, to: number): boolean {
  return node.pos >= from && node.end <= to;
}

/** The class the builder belongs to: a class declaration or expression around it, or an ES5 `function F` with `F.prototype.m = function`. */
function classShape(t: ts, sf: Typescript.SourceFile, builder: BuilderRef): ClassShape | undefined {
  // The innermost class with a member around the builder (visited last among those around it).
  let holder: Typescript.ClassDeclaration | Typescript.ClassExpression | undefined;
  const visit = (node: Typescript.Node): void => {
    if (node.pos > builder.start || node.end < builder.end) {
      return;
    }
    if ((t.isClassDeclaration(node) || t.isClassExpression(node)) && node.members.some((m) => m.pos <= builder.start && m.end >= builder.end)) {
      holder = node;
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return holder ? classMembers(t, holder) : es5Class(t, sf, builder.className!);
}

function classMembers(t: ts, cls: Typescript.ClassDeclaration | Typescript.ClassExpression): ClassShape {
  const shape: ClassShape = { methods: new Map(), fields: new Map() };
  for (const member of cls.members) {
    const name = member.name && (t.isIdentifier(member.name) || t.isPrivateIdentifier(member.name)) ? member.name.text : undefined;
    if (t.isConstructorDeclaration(member)) {
      const properties = member.parameters.filter((p) => (t.getModifiers(p)?.length ?? 0) > 0 && t.isIdentifier(p.name)).map((p) => (p.name as Typescript.Identifier).text);
      shape.parameterProperties = new Set(properties);
      shape.emptyParameters = new Set(member.parameters.filter((p) => p.initializer !== undefined && isEmptyValue(t, p.initializer) && t.isIdentifier(p.name)).map((p) => (p.name as Typescript.Identifier).text));
      shape.constructorBody = member.body;
    } else if (name && (t.isMethodDeclaration(member) || t.isGetAccessor(member) || t.isSetAccessor(member))) {
      shape.methods.set(name, member);
    } else if (name && t.isPropertyDeclaration(member) && !hasStatic(t, member)) {
      const init = member.initializer;
      if (init && (t.isArrowFunction(init) || t.isFunctionExpression(init))) {
        shape.methods.set(name, member);
      } else {
        shape.fields.set(name, member);
      }
    }
  }
  return shape;
}

function hasStatic(t: ts, member: Typescript.PropertyDeclaration): boolean {
  return member.modifiers?.some((m) => m.kind === t.SyntaxKind.StaticKeyword) ?? false;
}

/** `function Agent() { … }` and its `Agent.prototype.m = function () { … }` methods. */
function es5Class(t: ts, sf: Typescript.SourceFile, className: string): ClassShape | undefined {
  const shape: ClassShape = { methods: new Map(), fields: new Map() };
  for (const statement of sf.statements) {
    if (t.isFunctionDeclaration(statement) && statement.name?.text === className && statement.body) {
      shape.constructorBody = statement.body;
    } else if (t.isExpressionStatement(statement) && t.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === t.SyntaxKind.EqualsToken) {
      const match = /^(\w+)\.prototype\.(\w+)$/.exec(statement.expression.left.getText(sf));
      if (match && match[1] === className) {
        shape.methods.set(match[2], statement.expression.right);
      }
    }
  }
  return shape.constructorBody ? shape : undefined;
}

/** Every `this.<name> = <expr>` of the file. */
function thisAssignments(t: ts, sf: Typescript.SourceFile): { name: string; right: Typescript.Expression; node: Typescript.BinaryExpression }[] {
  const out: { name: string; right: Typescript.Expression; node: Typescript.BinaryExpression }[] = [];
  const visit = (node: Typescript.Node): void => {
    if (t.isBinaryExpression(node) && node.operatorToken.kind === t.SyntaxKind.EqualsToken && t.isPropertyAccessExpression(node.left) && node.left.expression.kind === t.SyntaxKind.ThisKeyword) {
      out.push({ name: node.left.name.text, right: node.right, node });
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/**
 * The `this.<name>` the builder reads (also `const { a } = this`), following its `this.method()` calls
 * up to MAX_CALL_DEPTH, and the ones the builder itself assigns.
 */
function fieldsRead(t: ts, sf: Typescript.SourceFile, builder: BuilderRef, shape: ClassShape): { reads: Set<string>; writes: Set<string> } {
  const reads = new Set<string>();
  const writes = new Set<string>();
  const seen = new Set<Typescript.Node>();
  const queue: { start: number; end: number; depth: number }[] = [{ start: builder.start, end: builder.end, depth: 0 }];
  while (queue.length > 0) {
    const region = queue.shift()!;
    const visit = (node: Typescript.Node): void => {
      if (node.end <= region.start || node.pos >= region.end) {
        return;
      }
      if (t.isPropertyAccessExpression(node) && node.expression.kind === t.SyntaxKind.ThisKeyword) {
        const name = node.name.text;
        const parent = node.parent;
        const called = t.isCallExpression(parent) && parent.expression === node;
        const assigned = t.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === t.SyntaxKind.EqualsToken;
        const method = shape.methods.get(name);
        if (called && method && !seen.has(method) && region.depth < MAX_CALL_DEPTH) {
          seen.add(method);
          queue.push({ start: method.pos, end: method.end, depth: region.depth + 1 });
        } else if (assigned && region.depth === 0) {
          writes.add(name);
        } else if (!assigned && !called) {
          reads.add(name);
        }
      } else if (t.isVariableDeclaration(node) && node.initializer?.kind === t.SyntaxKind.ThisKeyword && t.isObjectBindingPattern(node.name)) {
        for (const el of node.name.elements) {
          const key = el.propertyName ?? el.name;
          if (t.isIdentifier(key)) {
            reads.add(key.text);
          }
        }
      }
      t.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { reads, writes };
}
