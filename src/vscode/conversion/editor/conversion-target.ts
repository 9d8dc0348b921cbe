/**
 * Pure part of the "Convert to RunningBatchNorm" command: what it converts for a given cursor or
 * selection, and the short message that says what it did. No `vscode` import (unit-tested in Node).
 */
import type { Usage, UsageKind } from '../../../core/analysis/types';
import type { OffsetRange, RefactorResult } from '../../../core/refactor/types';

/** `lines`: the usages on the lines of the cursor or selection; `none`: those lines hold none. */
export type ConversionScope = 'lines' | 'range' | 'file' | 'none';

export interface ConversionTarget {
  scope: ConversionScope;
  /** Passed to the refactoring; absent for the whole file. */
  range?: OffsetRange;
  /** 1-based first and last line the user pointed at (scopes `lines` and `none`). */
  firstLine?: number;
  lastLine?: number;
}

/**
 * The whole lines a selection covers, as offsets into `text`: a right-click in the blank area right of
 * the code puts the cursor after the call, and the user still means that line's layer. A selection that
 * ends at the very start of a line (a triple-click, a drag to the next line) leaves that line out.
 */
export function lineSpan(text: string, selection: OffsetRange): OffsetRange & { firstLine: number; lastLine: number } {
  const lastOffset = selection.end > selection.start && (text[selection.end - 1] === '\n') ? selection.end - 1 : selection.end;
  const start = text.lastIndexOf('\n', selection.start - 1) + 1;
  const nextBreak = text.indexOf('\n', lastOffset);
  const end = nextBreak < 0 ? text.length : nextBreak;
  return { start, end, firstLine: lineOf(text, start), lastLine: lineOf(text, end) };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
  }
  return line;
}

/** Whether a usage of `kind` that the refactoring can convert lies (partly) within `span`. */
export function hasConvertibleUsage(usages: readonly Usage[], span: OffsetRange, kind: UsageKind): boolean {
  return usages.some((u) => u.kind === kind && u.convertible && touches(u, span));
}

/**
 * The usages on the lines of the cursor or selection: never the whole file in disguise. When those
 * lines hold no usage of `kind`, the scope is `none` and the command says so instead of converting.
 */
export function chooseConversionTarget(usages: readonly Usage[], text: string, selection: OffsetRange, kind: UsageKind): ConversionTarget {
  const span = lineSpan(text, selection);
  const lines = { firstLine: span.firstLine, lastLine: span.lastLine };
  const any = usages.some((u) => u.kind === kind && touches(u, span));
  return any ? { scope: 'lines', range: { start: span.start, end: span.end }, ...lines } : { scope: 'none', ...lines };
}

function touches(u: Usage, span: OffsetRange): boolean {
  return u.start <= span.end && span.start <= u.end;
}

/** "Converted 1 BatchNorm layer (line 12) to RunningBatchNorm." and friends, with skipped layers and why. */
export function describeConversion(result: RefactorResult, target: ConversionTarget, fileLabel: string, direction: 'convert' | 'revert'): string {
  const what = direction === 'convert' ? ['BatchNorm', 'RunningBatchNorm'] : ['RunningBatchNorm', 'BatchNormalization'];
  if (target.scope === 'none') {
    const where = target.firstLine === target.lastLine ? `line ${target.firstLine}` : `lines ${target.firstLine}-${target.lastLine}`;
    const all = direction === 'convert' ? ' Use "Convert All BatchNorm in File" for every layer in the file.' : '';
    return `No ${what[0]} layer on ${where} of ${fileLabel}: nothing converted.${all}`;
  }
  if (result.kind === 'notApplicable') {
    return `Nothing to ${direction === 'convert' ? 'convert' : 'convert back'} in ${fileLabel}: ${result.reason}.`;
  }
  const n = result.converted;
  const lines = result.lines ?? [];
  const layers = `${n} ${what[0]} layer${n === 1 ? '' : 's'}`;
  // Many lines read as a range, so the toast keeps its length (notice.ts).
  const lineList = lines.length > 3 ? `${lines[0]}–${lines[lines.length - 1]}` : lines.join(', ');
  const at = lines.length === 0 ? '' : ` (line${lines.length === 1 ? '' : 's'} ${lineList})`;
  const all = target.scope === 'file' && n > 1 ? 'all ' : '';
  let message = `Converted ${all}${layers} in ${fileLabel}${at} to ${what[1]}.`;
  if (result.skipped.length > 0) {
    const skipped = result.skipped.map((s) => `line ${s.line}: ${s.reason}`).join('; ');
    message += ` Left ${result.skipped.length} as is (${skipped}).`;
  }
  return message;
}
