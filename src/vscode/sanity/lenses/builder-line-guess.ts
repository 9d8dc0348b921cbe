/**
 * Where the sanity-train lenses will go, guessed from the text before the analysis has answered (it
 * loads the compiler first: seconds after a file opens). A lens arriving later inserts a row and moves
 * every line below it under the pointer, so the provider shows the guessed lenses at once and the real
 * ones replace them in place: the common builder, a function or method that calls `tf.sequential()` or
 * `tf.model()`, is guessed on the right line. Pure: no `vscode` import (unit-tested in Node).
 */

/** A model being made: `tf.sequential(`, `tf.model(`, `new tf.Sequential(`, an imported `sequential(`. */
const MODEL_CALL = /\btf\s*\.\s*(?:sequential|model)\s*\(|\bnew\s+(?:tf\s*\.\s*)?Sequential\s*\(|(?<![\w$.])sequential\s*\(/;
const FUNCTION_HEADER = /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(/;
// The declaration is optional: a page's scripts often assign a global (`myDefineModel = async function () {`).
const ARROW_HEADER = /^\s*(?:export\s+)?(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)/;
const METHOD_HEADER = /^\s*(?:(?:public|private|protected|static|async|override)\s+)*([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::[^{]+)?\{\s*$/;
const CLASS_HEADER = /^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/;
const NOT_METHODS = new Set(['if', 'for', 'while', 'switch', 'catch', 'with', 'function', 'return']);

export interface GuessedBuilder {
  /** 0-based line of the builder's header. */
  line: number;
  /** The id the analysis would most likely give it ('name' or 'Class.method'). */
  id: string;
}

/** The headers of the functions and methods that make a model, in source order, one per line. */
export function guessBuilderLines(code: string): GuessedBuilder[] {
  const lines = code.split('\n');
  const found = new Map<number, GuessedBuilder>();
  lines.forEach((text, i) => {
    if (!MODEL_CALL.test(text)) {
      return;
    }
    const header = enclosingHeader(lines, i);
    if (header && !found.has(header.line)) {
      found.set(header.line, header);
    }
  });
  return [...found.values()].sort((a, b) => a.line - b.line);
}

/** The nearest header above `from` that is less indented than it (a helper arrow beside the call is not). */
function enclosingHeader(lines: readonly string[], from: number): GuessedBuilder | undefined {
  const callIndent = indentOf(lines[from]!);
  for (let i = from; i >= 0; i--) {
    const text = lines[i]!;
    if (i !== from && indentOf(text) >= callIndent) {
      continue;
    }
    const named = FUNCTION_HEADER.exec(text) ?? ARROW_HEADER.exec(text);
    if (named) {
      return { line: i, id: named[1]! };
    }
    const method = METHOD_HEADER.exec(text);
    if (method && !NOT_METHODS.has(method[1]!)) {
      const owner = enclosingClass(lines, i);
      return { line: i, id: owner ? `${owner}.${method[1]!}` : method[1]! };
    }
  }
  return undefined;
}

function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

function enclosingClass(lines: readonly string[], from: number): string | undefined {
  for (let i = from; i >= 0; i--) {
    const match = CLASS_HEADER.exec(lines[i]!);
    if (match) {
      return match[1];
    }
  }
  return undefined;
}
