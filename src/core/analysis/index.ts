/**
 * Finding batch norm in tfjs code. `analyzeSource` is the public entry point used by the CLI, the
 * VS Code adapter and sanity-train; the refactorings use `parseAndFindUsages` for the syntax behind it.
 */
import { parseAndFindUsages } from './usages/find-usages';
import type { FileAnalysis, Usage } from './types';

export type { ArgumentProposal, ArgumentProposalSource, ArgumentSource, BuilderParameter, FileAnalysis, ModelBuilder, Usage, UsageKind } from './types';
export { parseAndFindUsages, type FoundUsage, type ParsedFile } from './usages/find-usages';

/**
 * Cheap text prefilter: false when the file cannot contain any usage (no `batchNorm`/`BatchNorm`
 * and no `moments`), so callers skip parsing it. True does not mean there is a usage.
 */
export function mightContainBatchNorm(code: string): boolean {
  return code.includes('atchNorm') || code.includes('moments');
}

/**
 * Every batch-norm layer call, RunningBatchNorm call and low-level normalisation op in one file, in
 * source order. Never throws: a file with syntax errors yields `error` and no usages.
 * @param code the file's text (a leading BOM is allowed; offsets then count it)
 * @param fileName its path; the extension picks the parser (.ts .tsx .mts .cts .js .jsx .mjs .cjs)
 */
export function analyzeSource(code: string, fileName: string): FileAnalysis {
  if (!mightContainBatchNorm(code)) {
    return { file: fileName, usages: [] };
  }
  const cached = recent.get(fileName);
  const result = cached?.code === code ? cached.result : analyzeUncached(code, fileName);
  remember(fileName, code, result);
  return { ...result, usages: result.usages.map((u) => ({ ...u })) };
}

function analyzeUncached(code: string, fileName: string): FileAnalysis {
  try {
    const parsed = parseAndFindUsages(code, fileName);
    const usages = parsed.usages.map(toUsage);
    return parsed.error ? { file: fileName, usages: [], error: parsed.error } : { file: fileName, usages };
  } catch (error) {
    return { file: fileName, usages: [], error: `could not analyse: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The last results per file: an editor asks again for the same text (diagnostics, code actions, lenses
 *  on every cursor move), and a repeat then costs a string comparison instead of a parse. */
const recent = new Map<string, { code: string; result: FileAnalysis }>();
const RECENT_LIMIT = 32;

/** Forgets cached results (benchmarks measure cold analysis; an adapter may call it on a settings change). */
export function clearAnalysisCache(): void {
  recent.clear();
}

function remember(fileName: string, code: string, result: FileAnalysis): void {
  recent.delete(fileName);
  recent.set(fileName, { code, result });
  if (recent.size > RECENT_LIMIT) {
    recent.delete(recent.keys().next().value!);
  }
}

function toUsage(found: Usage): Usage {
  const usage: Usage = { kind: found.kind, start: found.start, end: found.end, line: found.line, column: found.column, module: found.module, convertible: found.convertible };
  if (found.reason) {
    usage.reason = found.reason;
  }
  return usage;
}
