/**
 * Whether the cursor's lines hold a BatchNorm layer, decided from the analysis when it has answered and
 * from the lines' text before that (opening a file, typing). The editor context menu reads the answer:
 * a wrong "no" offers "Convert All BatchNorm in File" on a BatchNorm line, which converts every layer,
 * so the text guess leans to "yes", whose command converts only what the lines hold and says when they
 * hold nothing. Pure: no `vscode` import (unit-tested in Node).
 */
import type { Usage } from '../../../core/analysis/types';
import type { OffsetRange } from '../../../core/refactor/types';
import { hasConvertibleUsage, lineSpan } from './conversion-target';

/** How far back a call still open at the cursor's line is looked for (a multi-line argument object). */
const OPEN_CALL_LOOKBACK = 4000;

/**
 * True when the lines of one of `selections` hold a convertible BatchNorm layer: from `usages` when the
 * analysis has answered for this text, else guessed from the text ({@link linesLookLikeBatchNorm}).
 */
export function lineHasBatchNorm(text: string, selections: readonly OffsetRange[], usages: readonly Usage[] | undefined): boolean {
  return selections.some((selection) => {
    const span = lineSpan(text, selection);
    return usages ? hasConvertibleUsage(usages, span, 'batchNormalization') : linesLookLikeBatchNorm(text, span, factoryNames(text));
  });
}

/**
 * The names a `batchNormalization(` call can go by in `text`: the factory's own and its aliases
 * (`const bn = tf.layers.batchNormalization`, `{ batchNormalization: bn }`, `batchNormalization as bn`).
 */
export function factoryNames(text: string): string[] {
  const names = new Set(['batchNormalization']);
  for (const match of text.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*[\w$.]*\bbatchNormalization\b(?!\s*\()/g)) {
    names.add(match[1]!);
  }
  for (const match of text.matchAll(/\bbatchNormalization\s*(?::|\bas\b)\s*([A-Za-z_$][\w$]*)/g)) {
    names.add(match[1]!);
  }
  return [...names];
}

/**
 * The text guess: the lines call one of `names`, or sit inside the arguments of such a call that an
 * earlier line opened (`tf.layers.batchNormalization({` … `})`). Strings and comments are not told
 * apart: the analysis corrects the guess within moments.
 */
export function linesLookLikeBatchNorm(text: string, span: OffsetRange, names: readonly string[]): boolean {
  const call = new RegExp(`(?<![\\w$])(?:${names.map(escapeRegExp).join('|')})\\s*\\(`, 'g');
  if (call.test(text.slice(span.start, span.end))) {
    return true;
  }
  const from = Math.max(0, span.start - OPEN_CALL_LOOKBACK);
  const before = text.slice(from, span.start);
  let lastOpen = -1;
  for (const match of before.matchAll(call)) {
    lastOpen = match.index + match[0].length;
  }
  return lastOpen >= 0 && parenDepth(before.slice(lastOpen)) >= 0;
}

/** Opening minus closing parentheses, minus one once the call's own `(` has been closed. */
function parenDepth(text: string): number {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') {
      depth++;
    } else if (ch === ')' && --depth < 0) {
      return -1;
    }
  }
  return depth;
}

function escapeRegExp(s: string): string {
  return s.replace(/[$]/g, '\\$');
}
