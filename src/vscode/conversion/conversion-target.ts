/**
 * Pure part of the "Convert to RunningBatchNorm" command: what it converts for a given cursor or
 * selection, and the short message that says what it did. No `vscode` import (unit-tested in Node).
 */
import type { Usage, UsageKind } from '../../core/analysis/types';
import type { OffsetRange, RefactorResult } from '../../core/refactor/types';

export type ConversionScope = 'cursor' | 'selection' | 'file';

export interface ConversionTarget {
  scope: ConversionScope;
  /** Passed to the refactoring; absent for the whole file. */
  range?: OffsetRange;
}

/**
 * The selection (or cursor) when it touches a usage of `kind`, else the whole file: the context menu
 * converts the layer the user points at, and everything when they point at nothing in particular.
 */
export function chooseConversionTarget(usages: readonly Usage[], selection: OffsetRange, kind: UsageKind): ConversionTarget {
  const touches = usages.some((u) => u.kind === kind && u.start <= selection.end && selection.start <= u.end);
  if (!touches) {
    return { scope: 'file' };
  }
  return { scope: selection.start === selection.end ? 'cursor' : 'selection', range: selection };
}

/** "Converted 1 BatchNorm layer (line 12) to RunningBatchNorm." and friends, with skipped layers and why. */
export function describeConversion(
  result: RefactorResult,
  target: ConversionTarget,
  fileLabel: string,
  direction: 'convert' | 'revert',
  lines: readonly number[] = [],
): string {
  const what = direction === 'convert' ? ['BatchNorm', 'RunningBatchNorm'] : ['RunningBatchNorm', 'BatchNormalization'];
  if (result.kind === 'notApplicable') {
    return `Nothing to ${direction === 'convert' ? 'convert' : 'convert back'} in ${fileLabel}: ${result.reason}.`;
  }
  const n = result.converted;
  const layers = `${n} ${what[0]} layer${n === 1 ? '' : 's'}`;
  const where = target.scope === 'file' || lines.length === 0 ? ` in ${fileLabel}` : ` at line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}`;
  const all = target.scope === 'file' && n > 1 ? 'all ' : '';
  let message = `Converted ${all}${layers}${where} to ${what[1]}.`;
  if (result.skipped.length > 0) {
    const skipped = result.skipped.map((s) => `line ${s.line}: ${s.reason}`).join('; ');
    message += ` Left ${result.skipped.length} as is (${skipped}).`;
  }
  return message;
}

/** 1-based lines of the usages of `kind` the target covers (for the message). */
export function targetLines(usages: readonly Usage[], target: ConversionTarget, kind: UsageKind): number[] {
  const r = target.range;
  return usages.filter((u) => u.kind === kind && u.convertible && (!r || (u.start <= r.end && r.start <= u.end))).map((u) => u.line);
}
