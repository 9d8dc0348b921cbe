/**
 * Module variables of a builder (issue 9): training scripts declare `let numberOfClasses, imageSize;`
 * at the top and only `run()` fills them (from argparse), while `buildGenerator()` reads them. Called
 * on its own, the builder finds them undefined and no `--args` can reach them, so the worker fills
 * each still-undefined one with a proposed value. Pure: works on one parsed file.
 *
 * Only the builder's own file is searched for assignments: a top-level `let` of a module can only be
 * assigned inside that module.
 */
import type * as TsMorph from 'ts-morph';
import type { ts as Typescript } from 'ts-morph';
import { guessArgument } from './argument-guesses';
import { COUNT_STAND_IN, guessWithStandIn, type ParameterSite } from './stand-ins';
import { completedByStandIn } from './completed-literals';
import type { DataHint } from './data-hint';
import { evaluateLiteral, getTopLevelConsts, NOT_LITERAL, type LiteralResult } from './literal-values';
import { findDeferredTfjsBindings, loadTsMorph } from '../builders/tfjs-bindings';
import type { ModelBuilder, ModuleVariableSource, ModuleVariablesProposal } from '../types';

type ts = typeof Typescript;

export interface ModuleVariable {
  name: string;
  /** How assignments to it read (`this.numClasses`); the name when absent. */
  label?: string;
  /** The annotation: `let imageSize: number` gives 'number'. */
  typeText?: string;
  /** Every `name = <expr>` of the file (all inside functions), in source order. */
  assignments: Typescript.BinaryExpression[];
  /** Code where it is used, written as reads of `name` (`shape: [inputs]`), for a guess from its uses. */
  uses?: string;
}

/** How far the search follows the builder's calls of same-file functions, and how many it reads. */
const MAX_CALL_DEPTH = 3;
const MAX_FUNCTIONS = 24;

/**
 * Top-level `let`/`var` of the file declared without a value (`let a, b;`), tfjs ones too; `exported`
 * for `export let a;`, which compiled to CommonJS lives on `exports` instead of a local binding.
 */
export function declaredModuleVariables(file: TsMorph.SourceFile): { name: string; exported: boolean }[] {
  return uninitialised(loadTsMorph().ts, file.compilerNode).map((d) => ({ name: d.name, exported: d.exported }));
}

/**
 * The module variables `builder` reads, itself or through the same-file functions it calls: declared
 * at the top without a value, assigned somewhere and only inside functions, and not a tfjs binding
 * (`let tf;`, which findDeferredTfjsBindings covers). In declaration order.
 */
export function findModuleVariables(file: TsMorph.SourceFile, builder: Pick<ModelBuilder, 'start' | 'end'>): ModuleVariable[] {
  const t = loadTsMorph().ts;
  const sf = file.compilerNode;
  const deferred = new Set(findDeferredTfjsBindings(file));
  const declared = uninitialised(t, sf).filter((d) => !deferred.has(d.name));
  if (declared.length === 0) {
    return [];
  }
  const assignments = assignmentsOf(t, sf, new Set(declared.map((d) => d.name)));
  const filledLater = declared.filter((d) => {
    const list = assignments.get(d.name) ?? [];
    return list.length > 0 && list.every((a) => insideFunction(t, a));
  });
  const read = filledLater.length === 0 ? new Set<string>() : namesRead(t, sf, builder, new Set(filledLater.map((d) => d.name)));
  return filledLater.filter((d) => read.has(d.name)).map(({ name, typeText }) => ({ name, ...(typeText !== undefined ? { typeText } : {}), assignments: assignments.get(name) ?? [] }));
}

export interface ModuleVariableOptions {
  /** How the file is named in the sources ('core.ts'). */
  fileLabel: string;
  /** The data the file's layers expect, for the guesses. */
  hint: DataHint;
  /** The values the user ran the builder with last time. */
  lastRun?: Record<string, unknown>;
  /** The builder, whose reads of a variable can give it a stand-in (nested members, methods). */
  site?: ParameterSite;
}

/** Values for the builder's module variables, best first per variable; undefined when it reads none. */
export function proposeModuleVariables(file: TsMorph.SourceFile, builder: Pick<ModelBuilder, 'start' | 'end'>, options: ModuleVariableOptions): ModuleVariablesProposal | undefined {
  const variables = findModuleVariables(file, builder);
  const site: ParameterSite = { code: file.getFullText(), fileName: file.getFilePath(), start: builder.start, end: builder.end, ofConstructor: false, free: true };
  return variables.length === 0 ? undefined : proposeVariables(file, variables, { site, ...options });
}

/** A value for each variable, best first (the last run, then proposeVariableValue); also for instance fields. */
export function proposeVariables(file: TsMorph.SourceFile, variables: ModuleVariable[], options: ModuleVariableOptions): ModuleVariablesProposal {
  const t = loadTsMorph().ts;
  const sf = file.compilerNode;
  const consts = getTopLevelConsts(sf);
  const at = (node: Typescript.Node) => `${options.fileLabel}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
  const proposal: ModuleVariablesProposal = { values: {}, sources: [], summary: '' };
  const unknown: string[] = [];
  for (const v of variables) {
    const found = options.lastRun && v.name in options.lastRun ? { value: options.lastRun[v.name], source: 'lastRun' as const, detail: 'from the last run' } : proposeVariableValue(t, sf, v, consts, at, options.hint, options.site);
    if (found === undefined) {
      unknown.push(v.name);
      continue;
    }
    proposal.values[v.name] = found.value;
    proposal.sources.push({ name: v.name, source: found.source, detail: found.detail });
  }
  if (unknown.length > 0) {
    proposal.unknown = unknown;
  }
  proposal.summary = summaryOf(proposal.sources);
  return proposal;
}

/** How a proposal's sources read in one line: `units from units = 32 in core.ts:4; …`. */
export function summaryOf(sources: ModuleVariablesProposal['sources']): string {
  return sources.map((s) => `${s.name} ${s.detail}`).join('; ') || 'no values found';
}

type Found = { value: unknown; source: ModuleVariableSource['source']; detail: string };

/**
 * (a) a literal assignment, (b) an object literal's property of the name an assignment reads, (c) a
 * guess. Shared with instance fields (instance-fields.ts), whose assignments are `this.x = …`.
 */
function proposeVariableValue(t: ts, sf: Typescript.SourceFile, v: ModuleVariable, consts: ReadonlyMap<string, Typescript.Expression>, at: (n: Typescript.Node) => string, hint: DataHint, site?: ParameterSite): Found | undefined {
  const text = (a: Typescript.BinaryExpression) => `${v.label ?? v.name} = ${a.right.getText(sf).replace(/\s+/g, ' ')}`;
  const parameter = { name: v.name, optional: false, receivesTfjs: false, ...(v.typeText !== undefined ? { typeText: v.typeText } : {}) };
  for (const a of v.assignments) {
    const value = literalOrFallback(t, a.right, consts);
    if (value !== NOT_LITERAL) {
      return completedByStandIn<Found>({ value, source: 'assignment', detail: `from ${text(a)} in ${at(a)}` }, parameter, site, hint);
    }
  }
  for (const a of v.assignments) {
    const prop = propertyRead(t, a.right);
    const literal = prop === undefined ? undefined : findLiteralProperty(t, sf, prop, consts);
    if (literal) {
      return { value: literal.value, source: 'property', detail: `from ${prop}: ${literal.node.initializer.getText(sf)} in ${at(literal.node)} (${text(a)} in ${at(a)})` };
    }
  }
  const plain = guessArgument(parameter, hint, v.uses !== undefined ? { uses: v.uses, declarations: sf.getFullText() } : {});
  // `constants.model_size[1]` read by a builder whose page fills `constants` from a socket message.
  const guess = guessWithStandIn(parameter, plain, site, hint);
  if (guess) {
    return { value: guess.value, source: 'guess', detail: guess.detail };
  }
  if (onlyItsLengthRead(sf.text, v.name)) {
    return { value: Array.from({ length: COUNT_STAND_IN }, () => 0), source: 'guess', detail: `${COUNT_STAND_IN} zeros: the code reads only its length (a size)` };
  }
  // `if (!trainData) { alert('Load data first'); return; }`: any value that is set gets past the check.
  return site && checkedForBeingSet(site.code.slice(site.start, site.end), v.name) ? { value: [], source: 'guess', detail: 'an empty list: the builder checks only that it is set before it builds' } : undefined;
}

/** `!name`, `name == null`, `name === undefined`: the code tests whether the variable is set. */
function checkedForBeingSet(code: string, name: string): boolean {
  const n = name.replace(/\$/g, '\\$');
  return new RegExp(`!\\s*${n}(?![\\w$.\\[(])|(?<![\\w$.])${n}\\s*[!=]==?\\s*(?:null|undefined)\\b`).test(code);
}

/**
 * `this.lastState.length` as an input size, and nothing else of it read (no element, no other member):
 * any array of the right length serves. Text-based, like the other guesses.
 */
function onlyItsLengthRead(code: string, name: string): boolean {
  const escaped = name.replace(/\$/g, '\\$');
  const reads = [...code.matchAll(new RegExp(`(?<![\\w$])(?:this\\.)?${escaped}\\s*(\\.\\s*[A-Za-z_$][\\w$]*|\\[)`, 'g'))].map((m) => m[1].replace(/\s+/g, ''));
  return reads.length > 0 && reads.every((r) => r === '.length');
}

/** `10`, `LIMIT` (a top-level const), or the literal fallback of `args.classes || 10` / `?? 10`. */
function literalOrFallback(t: ts, node: Typescript.Expression, consts: ReadonlyMap<string, Typescript.Expression>): LiteralResult {
  const value = evaluateLiteral(node, consts);
  const fallback = t.isBinaryExpression(node) && [t.SyntaxKind.BarBarToken, t.SyntaxKind.QuestionQuestionToken].includes(node.operatorToken.kind);
  return value === NOT_LITERAL && fallback ? evaluateLiteral((node as Typescript.BinaryExpression).right, consts) : value;
}

/** `args.classes` → 'classes', `opts['squareDim']` → 'squareDim', through `await`, parentheses and `as`. */
function propertyRead(t: ts, node: Typescript.Expression): string | undefined {
  let current: Typescript.Expression = node;
  while (t.isParenthesizedExpression(current) || t.isAsExpression(current) || t.isAwaitExpression(current) || t.isNonNullExpression(current)) {
    current = current.expression;
  }
  if (t.isPropertyAccessExpression(current)) {
    return current.name.text;
  }
  return t.isElementAccessExpression(current) && t.isStringLiteralLike(current.argumentExpression) ? current.argumentExpression.text : undefined;
}

/** The first `name: <literal>` of an object literal in the file (`defaults = { classes: 10 }`). */
function findLiteralProperty(t: ts, sf: Typescript.SourceFile, name: string, consts: ReadonlyMap<string, Typescript.Expression>): { node: Typescript.PropertyAssignment; value: unknown } | undefined {
  let found: { node: Typescript.PropertyAssignment; value: unknown } | undefined;
  const visit = (node: Typescript.Node): void => {
    if (found) {
      return;
    }
    if (t.isPropertyAssignment(node) && (t.isIdentifier(node.name) || t.isStringLiteral(node.name)) && node.name.text === name && t.isObjectLiteralExpression(node.parent)) {
      const value = evaluateLiteral(node.initializer, consts);
      if (value !== NOT_LITERAL) {
        found = { node, value };
        return;
      }
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function uninitialised(t: ts, sf: Typescript.SourceFile): { name: string; exported: boolean; typeText?: string }[] {
  const out: { name: string; exported: boolean; typeText?: string }[] = [];
  for (const statement of sf.statements) {
    if (!t.isVariableStatement(statement) || (statement.declarationList.flags & (t.NodeFlags.Const | t.NodeFlags.Using)) !== 0) {
      continue;
    }
    const exported = statement.modifiers?.some((m) => m.kind === t.SyntaxKind.ExportKeyword) ?? false;
    for (const decl of statement.declarationList.declarations) {
      // `let preprocessor = null;` is as empty as `let preprocessor;` (the worker fills both).
      const empty = decl.initializer === undefined || decl.initializer.kind === t.SyntaxKind.NullKeyword;
      if (t.isIdentifier(decl.name) && empty) {
        out.push({ name: decl.name.text, exported, ...(decl.type ? { typeText: decl.type.getText(sf) } : {}) });
      }
    }
  }
  return out;
}

/** `name = …` for each of `names`, anywhere in the file. */
function assignmentsOf(t: ts, sf: Typescript.SourceFile, names: ReadonlySet<string>): Map<string, Typescript.BinaryExpression[]> {
  const out = new Map<string, Typescript.BinaryExpression[]>();
  const visit = (node: Typescript.Node): void => {
    if (t.isBinaryExpression(node) && node.operatorToken.kind === t.SyntaxKind.EqualsToken && t.isIdentifier(node.left) && names.has(node.left.text)) {
      out.set(node.left.text, [...(out.get(node.left.text) ?? []), node]);
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function insideFunction(t: ts, node: Typescript.Node): boolean {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (t.isFunctionLike(current)) {
      return true;
    }
  }
  return false;
}

/**
 * Which of `names` the builder's text reads (not declares itself, not assigns itself), following
 * calls of the file's top-level functions (`block(x)` → `function block`) up to MAX_CALL_DEPTH.
 */
function namesRead(t: ts, sf: Typescript.SourceFile, builder: Pick<ModelBuilder, 'start' | 'end'>, names: ReadonlySet<string>): Set<string> {
  const functions = topLevelFunctions(t, sf);
  const read = new Set<string>();
  // A builder that fills a variable itself (a `run()` that builds) needs no value for it beforehand.
  const filledByBuilder = new Set<string>();
  const queue: { start: number; end: number; depth: number }[] = [{ start: builder.start, end: builder.end, depth: 0 }];
  const seen = new Set<Typescript.Node>();
  while (queue.length > 0 && seen.size <= MAX_FUNCTIONS) {
    const region = queue.shift()!;
    const found = scanRegion(t, sf, region.start, region.end, names);
    found.reads.forEach((n) => read.add(n));
    if (region.depth === 0) {
      found.writes.forEach((n) => filledByBuilder.add(n));
    }
    for (const callee of found.calls) {
      const target = functions.get(callee);
      if (target && !seen.has(target) && region.depth < MAX_CALL_DEPTH) {
        seen.add(target);
        queue.push({ start: target.getStart(sf), end: target.end, depth: region.depth + 1 });
      }
    }
  }
  filledByBuilder.forEach((n) => read.delete(n));
  return read;
}

/** Reads of `names` in [start, end) minus the names declared there, and the identifiers called there. */
function scanRegion(t: ts, sf: Typescript.SourceFile, start: number, end: number, names: ReadonlySet<string>): { reads: Set<string>; writes: Set<string>; calls: Set<string> } {
  const reads = new Set<string>();
  const writes = new Set<string>();
  const declaredHere = new Set<string>();
  const calls = new Set<string>();
  const visit = (node: Typescript.Node): void => {
    if (node.end <= start || node.pos >= end) {
      return;
    }
    if (t.isCallExpression(node) && t.isIdentifier(node.expression)) {
      calls.add(node.expression.text);
    }
    if (t.isIdentifier(node) && names.has(node.text) && node.getStart(sf) >= start) {
      const use = classify(t, node);
      if (use === 'declares') {
        declaredHere.add(node.text);
      } else if (use === 'reads') {
        reads.add(node.text);
      } else if (use === 'writes') {
        writes.add(node.text);
      }
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  declaredHere.forEach((n) => reads.delete(n));
  return { reads, writes, calls };
}

/** An identifier as a name of something (`x.name`, `{ name: … }`), a declaration, a write, or a read. */
function classify(t: ts, id: Typescript.Identifier): 'reads' | 'writes' | 'declares' | 'names' {
  const parent = id.parent;
  if (t.isBindingElement(parent) && parent.propertyName === id) {
    return 'names';
  }
  if (t.isVariableDeclaration(parent) || t.isParameter(parent) || t.isFunctionDeclaration(parent) || t.isBindingElement(parent)) {
    return (parent as { name?: Typescript.Node }).name === id ? 'declares' : 'reads';
  }
  if (t.isShorthandPropertyAssignment(parent)) {
    return 'reads';
  }
  if ((parent as { name?: Typescript.Node }).name === id) {
    return 'names';
  }
  return t.isBinaryExpression(parent) && parent.left === id && parent.operatorToken.kind === t.SyntaxKind.EqualsToken ? 'writes' : 'reads';
}

/** `function name() {}` and `const name = () => …` / `function () {}` at the top of the file. */
function topLevelFunctions(t: ts, sf: Typescript.SourceFile): Map<string, Typescript.Node> {
  const out = new Map<string, Typescript.Node>();
  for (const statement of sf.statements) {
    if (t.isFunctionDeclaration(statement) && statement.name && statement.body) {
      out.set(statement.name.text, statement);
    } else if (t.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (t.isIdentifier(decl.name) && decl.initializer && (t.isArrowFunction(decl.initializer) || t.isFunctionExpression(decl.initializer))) {
          out.set(decl.name.text, decl.initializer);
        }
      }
    }
  }
  return out;
}
