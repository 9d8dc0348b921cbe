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
