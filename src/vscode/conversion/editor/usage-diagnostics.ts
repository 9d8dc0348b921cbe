/**
 * Pure part of the diagnostics: which usages get one, where, and what it says. No `vscode` import, so
 * unit tests cover it in plain Node; diagnostics.ts maps the result onto VS Code's types.
 */
import type { FileAnalysis, Usage } from '../../../core/analysis/types';

/** The diagnostic code, so code actions can find their own diagnostics among others. */
export const DIAGNOSTIC_CODE = 'convertible-batch-norm';
/** The diagnostic source shown in the Problems panel. */
export const DIAGNOSTIC_SOURCE = 'RunningBatchNorm';

export interface UsageDiagnostic {
  /** Offsets of the whole layer call (0-based, end exclusive). */
  start: number;
  end: number;
  message: string;
}

/** Why the conversion helps, in one sentence (shown on every diagnostic). */
export const WHY_RUNNING_BATCH_NORM =
  'RunningBatchNorm normalises with running statistics while training too, so small batches train stably and inference behaves like training.';

/**
 * One diagnostic per batch-norm layer the refactoring can convert. RunningBatchNorm layers, manual
 * `tf.moments` normalisation and layers it cannot convert get none (there is nothing to do for them).
 */
export function usageDiagnostics(analysis: FileAnalysis): UsageDiagnostic[] {
  return analysis.usages.filter(isConvertibleBatchNorm).map((u) => ({ start: u.start, end: u.end, message: messageFor(u) }));
}

export function isConvertibleBatchNorm(usage: Usage): boolean {
  return usage.kind === 'batchNormalization' && usage.convertible;
}

function messageFor(usage: Usage): string {
  const from = usage.module ? ` (${usage.module})` : '';
  return `BatchNormalization${from} can be converted to RunningBatchNorm. ${WHY_RUNNING_BATCH_NORM}`;
}

/** Whether a document is small enough to analyse on every edit (`maxChars` from the settings). */
export function isWithinSizeLimit(textLength: number, maxChars: number): boolean {
  return textLength <= maxChars;
}
