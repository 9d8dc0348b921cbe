import { strict as assert } from 'node:assert';
import { applyTextEdits, resolveLayerFilePath, type RefactorInput, type RefactorResult } from '../../../../src/core/refactor';

const CURSOR = '[cursor]';

/** Splits a `[cursor]` marker out of `code` into an empty range. */
export function withCursor(code: string): { code: string; range?: { start: number; end: number } } {
  const at = code.indexOf(CURSOR);
  return at < 0 ? { code } : { code: code.slice(0, at) + code.slice(at + CURSOR.length), range: { start: at, end: at } };
}

export function inputFor(source: string, fileName: string): RefactorInput {
  const { code, range } = withCursor(source);
  return { code, fileName, range, layerFilePath: resolveLayerFilePath({ fileName }) };
}

/** Runs a refactoring and returns the new text (or `notApplicable: reason`). */
export function run(refactor: (input: RefactorInput) => RefactorResult, source: string, fileName = '/p/src/model.ts'): string {
  const input = inputFor(source, fileName);
  const result = refactor(input);
  if (result.kind === 'notApplicable') {
    return `notApplicable: ${result.reason}`;
  }
  const out = applyTextEdits(input.code, result.edits);
  assert.equal(result.converted > 0, true);
  return out;
}
