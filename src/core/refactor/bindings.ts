/**
 * Bindings the refactorings look for: the vendored `runningBatchNorm` import, the tfjs names in scope at
 * a call (to write `tf.layers.batchNormalization` back), references to a binding, and removing an import.
 */
import type { Declaration } from '../analysis/usages/scopes';
import type { ParsedFile } from '../analysis/usages/find-usages';
import type { ts } from '../analysis/typescript';
import type { TextEdit } from './types';

/** Marks the callee a conversion replaced when revert could not infer it: `runningBatchNorm/* rbn: was layers.batchNormalization *\/(`. */
export const ORIGINAL_CALLEE_PREFIX = '/* rbn: was ';

/** The original callee recorded right after `calleeEnd`, and the marker's length; undefined if none. */
export function originalCalleeAt(text: string, calleeEnd: number): { callee: string; length: number } | undefined {
  if (!text.startsWith(ORIGINAL_CALLEE_PREFIX, calleeEnd)) {
    return undefined;
  }
  const close = text.indexOf(' */', calleeEnd + ORIGINAL_CALLEE_PREFIX.length);
  return close < 0 ? undefined : { callee: text.slice(calleeEnd + ORIGINAL_CALLEE_PREFIX.length, close), length: close + 3 - calleeEnd };
}

/** The top-level name bound to the vendored `runningBatchNorm` factory, if the file imports it. */
export function findFactoryBinding(parsed: ParsedFile): string | undefined {
  const { evaluator, sourceFile } = parsed;
  for (const [name, decl] of evaluator.scopes.declarationsIn(sourceFile)) {
    if (evaluator.declarationValue(decl)?.kind === 'rbnFactory') {
      return name;
    }
  }
  return undefined;
}

/** The expression that reaches `tf.layers.batchNormalization` at `site` through names already in scope:
 *  the innermost scope wins; within it the factory, then a `layers` namespace, then the tfjs namespace. */
export function batchNormalizationExpressionAt(parsed: ParsedFile, site: ts.Node): string | undefined {
  const { ts: t, evaluator } = parsed;
  for (let n: ts.Node | undefined = site.parent; n; n = n.parent) {
    if (t.isClassLike(n)) {
      const member = classMemberExpression(parsed, n);
      if (member) {
        return member;
      }
    }
    if (!evaluator.scopes.isScope(n)) {
      continue;
    }
    let best: { rank: number; text: string } | undefined;
    for (const [name, decl] of evaluator.scopes.declarationsIn(n)) {
      if ((decl.pos > site.pos && !t.isParameter(decl)) || isTypeOnly(parsed, decl)) {
        continue;
      }
      const candidate = expressionFor(evaluator.declarationValue(decl), name);
      if (candidate && (!best || candidate.rank > best.rank)) {
        best = candidate;
      }
    }
    if (best) {
      return best.text;
    }
  }
  return undefined;
}

function expressionFor(value: ReturnType<ParsedFile['evaluator']['declarationValue']>, name: string): { rank: number; text: string } | undefined {
  if (value?.kind === 'bnFactory' && !value.viaType) {
    return { rank: 3, text: name };
  }
  if (value?.kind === 'layers') {
    return { rank: 2, text: `${name}.batchNormalization` };
  }
  if (value?.kind === 'namespace' && value.module !== '@tensorflow/tfjs-core') {
    return { rank: 1, text: `${name}.layers.batchNormalization` };
  }
  return undefined;
}

/** `this.tf.layers.batchNormalization` for a class with a tfjs-namespace member. */
function classMemberExpression(parsed: ParsedFile, cls: ts.ClassLikeDeclaration): string | undefined {
  const { ts: t, evaluator } = parsed;
  for (const member of cls.members) {
    const typed = t.isPropertyDeclaration(member) && t.isIdentifier(member.name) ? member : undefined;
    const value = typed && (typed.initializer ? evaluator.valueOf(typed.initializer) : typed.type ? evaluator.typeValue(typed.type) : undefined);
    const text = typed && expressionFor(value, `this.${(typed.name as ts.Identifier).text}`);
    if (text) {
      return text.text;
    }
    if (t.isConstructorDeclaration(member)) {
      for (const p of member.parameters) {
        const isProperty = (t.getModifiers(p)?.length ?? 0) > 0;
        const candidate = isProperty && t.isIdentifier(p.name) ? expressionFor(evaluator.declarationValue(p), `this.${p.name.text}`) : undefined;
        if (candidate) {
          return candidate.text;
        }
      }
    }
  }
  return undefined;
}

function isTypeOnly(parsed: ParsedFile, decl: Declaration): boolean {
  const t = parsed.ts;
  if (t.isImportSpecifier(decl)) {
    return decl.isTypeOnly || decl.parent.parent.isTypeOnly;
  }
  if (t.isNamespaceImport(decl)) {
    return decl.parent.isTypeOnly;
  }
  return t.isImportClause(decl) ? decl.isTypeOnly : false;
}

/** Identifiers that refer to `decl` (by scope), excluding declaration names and property names. */
export function referencesTo(parsed: ParsedFile, decl: Declaration, name: string): ts.Identifier[] {
  const { ts: t, evaluator, sourceFile } = parsed;
  const found: ts.Identifier[] = [];
  const visit = (n: ts.Node): void => {
    if (t.isIdentifier(n) && n.text === name && !isNameOnly(t, n) && evaluator.scopes.lookup(name, n) === decl) {
      found.push(n);
    }
    t.forEachChild(n, visit);
  };
  visit(sourceFile);
  return found;
}

function isNameOnly(t: ParsedFile['ts'], id: ts.Identifier): boolean {
  const p = id.parent;
  return (
    (t.isPropertyAccessExpression(p) && p.name === id) ||
    (t.isPropertyAssignment(p) && p.name === id) ||
    ((t.isImportSpecifier(p) || t.isBindingElement(p) || t.isExportSpecifier(p)) && (p.name === id || p.propertyName === id)) ||
    ((t.isVariableDeclaration(p) || t.isParameter(p) || t.isNamespaceImport(p) || t.isImportClause(p) || t.isImportEqualsDeclaration(p)) && p.name === id) ||
    ((t.isMethodDeclaration(p) || t.isPropertyDeclaration(p) || t.isPropertySignature(p) || t.isFunctionDeclaration(p) || t.isClassDeclaration(p)) && p.name === id)
  );
}

/** Removes an import binding: the whole statement (and its line) when it is the statement's only name,
 *  else just the name and its comma. */
export function removeBindingEdit(parsed: ParsedFile, decl: Declaration): TextEdit | undefined {
  const t = parsed.ts;
  const sf = parsed.sourceFile;
  if (t.isImportSpecifier(decl) || (t.isBindingElement(decl) && t.isObjectBindingPattern(decl.parent))) {
    const list = t.isImportSpecifier(decl) ? decl.parent.elements : (decl.parent as ts.ObjectBindingPattern).elements;
    const clause = t.isImportSpecifier(decl) ? decl.parent.parent : undefined;
    const onlyName = list.length === 1 && !clause?.name;
    if (!onlyName) {
      return removeListElement(sf, list, decl as ts.ImportSpecifier | ts.BindingElement);
    }
  }
  const statement = enclosingStatement(t, decl);
  return statement ? removeWholeLine(sf, statement) : undefined;
}

function enclosingStatement(t: ParsedFile['ts'], node: ts.Node): ts.Statement | undefined {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (t.isSourceFile(n.parent)) {
      return t.isImportDeclaration(n) || t.isVariableStatement(n) || t.isImportEqualsDeclaration(n) ? (n as ts.Statement) : undefined;
    }
  }
  return undefined;
}

function removeListElement(sf: ts.SourceFile, list: ts.NodeArray<ts.Node>, element: ts.Node): TextEdit {
  const index = list.indexOf(element);
  const next = list[index + 1];
  if (next) {
    return { start: element.getStart(sf), end: next.getStart(sf), newText: '' };
  }
  const previous = list[index - 1]!;
  return { start: previous.end, end: element.end, newText: '' };
}

/** The statement plus its line break when nothing else shares its line. */
export function removeWholeLine(sf: ts.SourceFile, statement: ts.Node): TextEdit {
  const text = sf.text;
  let start = statement.getStart(sf);
  let end = statement.end;
  const lineStart = Math.max(text.lastIndexOf('\n', start - 1) + 1, text.startsWith('\uFEFF') ? 1 : 0);
  const rest = /^[ \t]*(\r?\n|$)/.exec(text.slice(end));
  if (/^[ \t]*$/.test(text.slice(lineStart, start)) && rest) {
    start = lineStart;
    end += rest[0].length;
  }
  return { start, end, newText: '' };
}
