/**
 * Argument translation between `tf.layers.batchNormalization` and `runningBatchNorm`. Both take the same
 * names with the same meaning (axis, momentum in the Keras convention, epsilon, center, scale, the beta/
 * gamma initializers, regularizers and constraints, and base layer args), so the argument expression is
 * kept as is. The few args only one side uses are commented out in inline object literals, with their
 * exact text, so the other direction can restore them: that keeps convert → revert lossless. A shared
 * config object keeps working unchanged because each layer accepts and ignores the other's extras.
 */
import type { ts, Ts } from '../analysis/typescript';
import type { TextEdit } from './types';

export type Direction = 'convert' | 'revert';

/** BatchNormalization args RunningBatchNorm does not use (its running statistics start at 0 and 1). */
export const UNUSED_BY_RUNNING_BATCH_NORM = ['movingMeanInitializer', 'movingVarianceInitializer'];
/** RunningBatchNorm args BatchNormalization does not have. */
export const UNUSED_BY_BATCH_NORMALIZATION = ['varianceFloor', 'warmupSamples', 'statsInterval', 'inferenceMomentum'];

const TARGET: Record<Direction, string> = { convert: 'RunningBatchNorm', revert: 'BatchNormalization' };
const OTHER: Record<Direction, Direction> = { convert: 'revert', revert: 'convert' };

const marker = (direction: Direction): string => `/* rbn: not used by ${TARGET[direction]}: `;

/** Edits to the first argument of `call` when it is an object literal: comment out what the target does
 *  not use, restore what an earlier conversion in the other direction commented out. */
export function argumentEdits(t: Ts, sf: ts.SourceFile, call: ts.CallExpression | ts.NewExpression, direction: Direction): TextEdit[] {
  const arg = call.arguments?.[0];
  if (!arg || !t.isObjectLiteralExpression(arg)) {
    return [];
  }
  return [...dropEdits(t, sf, arg, direction), ...restoreEdits(t, sf, arg, direction)];
}

function dropEdits(t: Ts, sf: ts.SourceFile, obj: ts.ObjectLiteralExpression, direction: Direction): TextEdit[] {
  const unused = direction === 'convert' ? UNUSED_BY_RUNNING_BATCH_NORM : UNUSED_BY_BATCH_NORMALIZATION;
  const edits: TextEdit[] = [];
  for (const prop of obj.properties) {
    const name = prop.name && (t.isIdentifier(prop.name) || t.isStringLiteral(prop.name)) ? prop.name.text : undefined;
    if (!name || !unused.includes(name) || t.isSpreadAssignment(prop)) {
      continue;
    }
    const start = prop.getStart(sf);
    const end = sf.text[prop.end] === ',' ? prop.end + 1 : prop.end;
    const original = sf.text.slice(start, end);
    if (!original.includes('*/')) {
      edits.push({ start, end, newText: `${marker(direction)}${original} */` });
    }
  }
  return edits;
}

function restoreEdits(t: Ts, sf: ts.SourceFile, obj: ts.ObjectLiteralExpression, direction: Direction): TextEdit[] {
  const prefix = marker(OTHER[direction]);
  const edits: TextEdit[] = [];
  const start = obj.getStart(sf) + 1;
  const scanner = t.createScanner(t.ScriptTarget.Latest, false, t.LanguageVariant.Standard, sf.text, undefined, start, obj.end - 1 - start);
  const trivia = new Set([t.SyntaxKind.WhitespaceTrivia, t.SyntaxKind.NewLineTrivia, t.SyntaxKind.SingleLineCommentTrivia, t.SyntaxKind.MultiLineCommentTrivia]);
  let pending: TextEdit[] = [];
  for (let token = scanner.scan(); ; token = scanner.scan()) {
    const atEnd = token === t.SyntaxKind.EndOfFileToken;
    if (!trivia.has(token)) {
      // A property written after a restored one (the user added it below the comment) needs a comma.
      const needsComma = !atEnd && token !== t.SyntaxKind.CommaToken;
      edits.push(...pending.map((e) => (needsComma && !e.newText.trimEnd().endsWith(',') ? { ...e, newText: `${e.newText},` } : e)));
      pending = [];
    }
    if (atEnd) {
      return edits;
    }
    const text = scanner.getTokenText();
    if (token === t.SyntaxKind.MultiLineCommentTrivia && text.startsWith(prefix) && text.endsWith(' */')) {
      pending.push({ start: scanner.getTokenStart(), end: scanner.getTokenEnd(), newText: text.slice(prefix.length, -3) });
    }
  }
}

/**
 * The user's default args (a setting) for a converted call that has none: `()` or a bare `({})`. A call
 * with arguments keeps exactly what the user wrote, so a configured default never overrides a choice.
 */
export function defaultArgsEdits(t: Ts, sf: ts.SourceFile, call: ts.CallExpression | ts.NewExpression, defaults: Record<string, unknown> | undefined): TextEdit[] {
  const entries = Object.entries(defaults ?? {}).filter(([, value]) => value !== undefined);
  const args = call.arguments ?? [];
  if (entries.length === 0 || args.length > 1) {
    return [];
  }
  const literal = `{ ${entries.map(([key, value]) => `${propertyName(key)}: ${JSON.stringify(value)}`).join(', ')} }`;
  if (args.length === 0) {
    const closeParen = call.end - 1;
    return sf.text[closeParen] === ')' ? [{ start: closeParen, end: closeParen, newText: literal }] : [];
  }
  const arg = args[0];
  const bare = t.isObjectLiteralExpression(arg) && arg.properties.length === 0 && sf.text.slice(arg.getStart(sf) + 1, arg.end - 1).trim() === '';
  return bare ? [{ start: arg.getStart(sf), end: arg.end, newText: literal }] : [];
}

function propertyName(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}
