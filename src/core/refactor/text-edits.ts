import type { TextEdit } from './types';

/**
 * Applies non-overlapping edits (offsets into `code`) and returns the new text. Throws on overlapping
 * edits, which would be a bug in a refactoring, never a user error.
 */
export function applyTextEdits(code: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor || edit.end < edit.start || edit.end > code.length) {
      throw new Error(`overlapping or out-of-range edit at ${edit.start}-${edit.end}`);
    }
    out += code.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return out + code.slice(cursor);
}

/**
 * The 1-based lines that `offsets` of the original text fall on once `edits` are applied: what a
 * message should name, since an import added above the code shifts every line below it.
 */
export function linesAfterEdits(code: string, edits: readonly TextEdit[], offsets: readonly number[]): number[] {
  const newText = applyTextEdits(code, edits);
  return offsets.map((offset) => {
    // Edits up to the offset move it; one that starts there (the callee itself) does not.
    const shift = edits.filter((e) => e.end <= offset).reduce((sum, e) => sum + e.newText.length - (e.end - e.start), 0);
    return lineOfOffset(newText, offset + shift);
  });
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
  }
  return line;
}
