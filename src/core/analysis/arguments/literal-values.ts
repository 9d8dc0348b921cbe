/**
 * JSON values of literal expressions: numbers (also negated and simple arithmetic), strings, booleans,
 * null, arrays and objects of those, and identifiers bound by a top-level `const` to one. Used for
 * call-site arguments, signature defaults and the `--args` / input-box text.
 */
import type { ts as Typescript } from 'ts-morph';
import { loadTsMorph } from '../builders/tfjs-bindings';

type ts = typeof Typescript;
type Node = Typescript.Node;

/** Marks an expression that is not a literal. */
export const NOT_LITERAL: unique symbol = Symbol('not a literal');
export type LiteralResult = unknown | typeof NOT_LITERAL;

/** Top-level `const NAME = <expr>` of a file, for resolving identifiers in literal arguments. */
export function getTopLevelConsts(sourceFile: Typescript.SourceFile): Map<string, Typescript.Expression> {
  const t = loadTsMorph().ts;
  const out = new Map<string, Typescript.Expression>();
  for (const statement of sourceFile.statements) {
    if (t.isVariableStatement(statement) && (statement.declarationList.flags & t.NodeFlags.Const) !== 0) {
      for (const decl of statement.declarationList.declarations) {
        if (t.isIdentifier(decl.name) && decl.initializer) {
          out.set(decl.name.text, decl.initializer);
        }
      }
    }
  }
  return out;
}

/** The JSON value of `node`, or NOT_LITERAL. */
export function evaluateLiteral(node: Node, consts: ReadonlyMap<string, Typescript.Expression> = new Map(), depth = 0): LiteralResult {
  const t = loadTsMorph().ts;
  if (depth > 16) {
    return NOT_LITERAL;
  }
  const next = (n: Node) => evaluateLiteral(n, consts, depth + 1);
  if (t.isNumericLiteral(node)) {
    return Number(node.text);
  }
  if (t.isStringLiteral(node) || t.isNoSubstitutionTemplateLiteral(node)) {
    return node.text;
  }
  switch (node.kind) {
    case t.SyntaxKind.TrueKeyword:
      return true;
    case t.SyntaxKind.FalseKeyword:
      return false;
    case t.SyntaxKind.NullKeyword:
      return null;
  }
  if (t.isParenthesizedExpression(node) || t.isAsExpression(node) || t.isSatisfiesExpression(node) || t.isTypeAssertionExpression(node) || t.isNonNullExpression(node)) {
    return next(node.expression);
  }
  if (t.isPrefixUnaryExpression(node)) {
    return evaluateUnary(t, node, next);
  }
  if (t.isBinaryExpression(node)) {
    return evaluateArithmetic(t, node, next);
  }
  if (t.isArrayLiteralExpression(node)) {
    return evaluateArray(t, node, next);
  }
  if (t.isObjectLiteralExpression(node)) {
    return evaluateObject(t, node, consts, next);
  }
  if (t.isIdentifier(node)) {
    const bound = consts.get(node.text);
    return bound ? next(bound) : NOT_LITERAL;
  }
  return NOT_LITERAL;
}

function evaluateUnary(t: ts, node: Typescript.PrefixUnaryExpression, next: (n: Node) => LiteralResult): LiteralResult {
  const value = next(node.operand);
  if (typeof value !== 'number') {
    return NOT_LITERAL;
  }
  return node.operator === t.SyntaxKind.MinusToken ? -value : node.operator === t.SyntaxKind.PlusToken ? value : NOT_LITERAL;
}

function evaluateArithmetic(t: ts, node: Typescript.BinaryExpression, next: (n: Node) => LiteralResult): LiteralResult {
  const left = next(node.left);
  const right = next(node.right);
  if (typeof left !== 'number' || typeof right !== 'number') {
    return NOT_LITERAL;
  }
  const ops: Partial<Record<number, (a: number, b: number) => number>> = {
    [t.SyntaxKind.PlusToken]: (a, b) => a + b,
    [t.SyntaxKind.MinusToken]: (a, b) => a - b,
    [t.SyntaxKind.AsteriskToken]: (a, b) => a * b,
    [t.SyntaxKind.SlashToken]: (a, b) => a / b,
  };
  const op = ops[node.operatorToken.kind];
  const value = op ? op(left, right) : NaN;
  return Number.isFinite(value) ? value : NOT_LITERAL;
}

function evaluateArray(t: ts, node: Typescript.ArrayLiteralExpression, next: (n: Node) => LiteralResult): LiteralResult {
  const out: unknown[] = [];
  for (const element of node.elements) {
    const value = t.isSpreadElement(element) || t.isOmittedExpression(element) ? NOT_LITERAL : next(element);
    if (value === NOT_LITERAL) {
      return NOT_LITERAL;
    }
    out.push(value);
  }
  return out;
}

function evaluateObject(t: ts, node: Typescript.ObjectLiteralExpression, consts: ReadonlyMap<string, Typescript.Expression>, next: (n: Node) => LiteralResult): LiteralResult {
  const out: Record<string, unknown> = {};
  for (const prop of node.properties) {
    let key: string | undefined;
    let value: LiteralResult = NOT_LITERAL;
    if (t.isPropertyAssignment(prop) && (t.isIdentifier(prop.name) || t.isStringLiteral(prop.name) || t.isNumericLiteral(prop.name))) {
      key = prop.name.text;
      value = next(prop.initializer);
    } else if (t.isShorthandPropertyAssignment(prop)) {
      key = prop.name.text;
      const bound = consts.get(key);
      value = bound ? next(bound) : NOT_LITERAL;
    }
    if (key === undefined || value === NOT_LITERAL) {
      return NOT_LITERAL;
    }
    out[key] = value;
  }
  return out;
}

/** Parses one expression's text (a default's source, the user's `--args`). */
export function parseExpression(text: string): Typescript.Expression | undefined {
  const t = loadTsMorph().ts;
  const file = t.createSourceFile('/args.ts', `(${text}\n)`, t.ScriptTarget.Latest, true);
  const [statement] = file.statements;
  const diagnostics = (file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  if (file.statements.length !== 1 || !statement || !t.isExpressionStatement(statement) || diagnostics.length > 0) {
    return undefined;
  }
  return statement.expression;
}

/** The JSON value of a literal's source text, or NOT_LITERAL. */
export function evaluateLiteralText(text: string): LiteralResult {
  const expr = parseExpression(text);
  return expr ? evaluateLiteral(expr) : NOT_LITERAL;
}
