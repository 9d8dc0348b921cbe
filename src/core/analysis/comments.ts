/**
 * Source text without its comments, strings kept: a commented-out `import * as tf from
 * '@tensorflow/tfjs'` is not an import. A small scanner rather than a regex, so `'http://…'` in a
 * string and `/* … *\/` inside a template stay as they are.
 */
export function withoutComments(code: string): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const ch = code[i];
    const next = code[i + 1];
    if (ch === '/' && next === '/') {
      const end = code.indexOf('\n', i);
      i = end === -1 ? code.length : end;
    } else if (ch === '/' && next === '*') {
      const end = code.indexOf('*/', i + 2);
      i = end === -1 ? code.length : end + 2;
      out += ' ';
    } else if (ch === '"' || ch === "'" || ch === '`') {
      const end = stringEnd(code, i);
      out += code.slice(i, end);
      i = end;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** The index after the string literal opening at `start` (a template's `${…}` is kept as text). */
function stringEnd(code: string, start: number): number {
  const quote = code[start];
  let i = start + 1;
  while (i < code.length && code[i] !== quote) {
    if (code[i] === '\\') {
      i++;
    } else if (quote !== '`' && code[i] === '\n') {
      return i;
    }
    i++;
  }
  return Math.min(i + 1, code.length);
}
