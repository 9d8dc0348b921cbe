/**
 * Convert to RunningBatchNorm: replaces each tfjs batch-norm factory call's callee with the vendored
 * `runningBatchNorm`, keeps the argument expression (commenting out the two args the layer does not use),
 * and adds the import once. Pure: returns text edits and the layer file to create.
 */
import { mightContainBatchNorm } from '../analysis';
import { parseAndFindUsages, RUNNING_BATCH_NORM, type FoundUsage } from '../analysis/find-usages';
import { layerTfjsModule } from '../analysis/tfjs-values';
import { isTypeScriptFile } from '../analysis/typescript';
import { renderVendoredLayer } from '../../layer/vendor';
import { argumentEdits, defaultArgsEdits } from './args';
import { batchNormalizationExpressionAt, findFactoryBinding, ORIGINAL_CALLEE_PREFIX } from './bindings';
import { detectModuleStyle, importInsertion, importSpecifierFor, importStatementText } from './module-style';
import { inRange, skippedOf } from './targets';
import { linesAfterEdits } from './text-edits';
import type { RefactorInput, RefactorResult, TextEdit } from './types';

/**
 * Converts the tfjs batch-norm layers in `input.range` (a cursor or selection; the whole file when
 * absent) to RunningBatchNorm. Idempotent: code with nothing left to convert is `notApplicable`.
 * `layerFile` is the vendored layer to create at `input.layerFilePath` when it does not exist yet.
 */
export function convertToRunningBatchNorm(input: RefactorInput): RefactorResult {
  if (!mightContainBatchNorm(input.code)) {
    return { kind: 'notApplicable', reason: 'no tfjs batch-norm layer in this file' };
  }
  const parsed = parseAndFindUsages(input.code, input.fileName);
  if (parsed.error) {
    return { kind: 'notApplicable', reason: parsed.error };
  }
  const targets = parsed.usages.filter((u) => u.kind === 'batchNormalization' && inRange(u, input.range));
  const convertible = targets.filter((u) => u.convertible);
  if (convertible.length === 0) {
    const where = input.range ? 'here' : 'in this file';
    const manual = parsed.usages.find((u) => u.kind === 'manual' && inRange(u, input.range));
    return { kind: 'notApplicable', reason: targets[0]?.reason ?? manual?.reason ?? `no tfjs batch-norm layer ${where}` };
  }
  const existing = findFactoryBinding(parsed);
  const localName = existing ?? RUNNING_BATCH_NORM;
  const edits: TextEdit[] = convertible.flatMap((u) => usageEdits(parsed, u, localName, input.defaultArgs));
  const style = detectModuleStyle(parsed.ts, parsed.sourceFile, input.fileName);
  if (!existing) {
    const specifier = importSpecifierFor(input.fileName, input.layerFilePath, style);
    edits.push(importInsertion(parsed.ts, parsed.sourceFile, style, importStatementText([RUNNING_BATCH_NORM], specifier, style)));
  }
  const flavor = isTypeScriptFile(input.fileName) ? 'ts' : style.esm ? 'esm' : 'cjs';
  const content = renderVendoredLayer(flavor, layerTfjsModule(convertible[0]!.module));
  const sorted = sortEdits(edits);
  const lines = linesAfterEdits(input.code, sorted, convertible.map((u) => u.start));
  const lineAfter = (offset: number): number => linesAfterEdits(input.code, sorted, [offset])[0]!;
  return { kind: 'edits', edits: sorted, converted: convertible.length, skipped: skippedOf(targets, lineAfter), layerFile: { path: input.layerFilePath, content }, lines };
}

function usageEdits(parsed: ReturnType<typeof parseAndFindUsages>, usage: FoundUsage, localName: string, defaultArgs: RefactorInput['defaultArgs']): TextEdit[] {
  const start = usage.callee.getStart(parsed.sourceFile);
  const original = parsed.sourceFile.text.slice(start, usage.callee.end);
  const callee: TextEdit = { start, end: usage.callee.end, newText: localName + originalCalleeMarker(parsed, usage, original) };
  const { ts: t, sourceFile } = parsed;
  return [callee, ...argumentEdits(t, sourceFile, usage.call, 'convert'), ...defaultArgsEdits(t, sourceFile, usage.call, defaultArgs)];
}

/**
 * Revert writes the factory back through the names in scope (see batchNormalizationExpressionAt). Where
 * that would not give back what the user wrote (a file mixing `tf.layers.` and `layers.`, a callee split
 * over several lines), the original
 * callee is kept in a short comment so that convert → revert stays lossless.
 */
function originalCalleeMarker(parsed: ReturnType<typeof parseAndFindUsages>, usage: FoundUsage, original: string): string {
  const revertWouldWrite = batchNormalizationExpressionAt(parsed, usage.call);
  // Exactly as written: a callee split over lines (`tf.layers\n  .batchNormalization`) is recorded too.
  // tfjs handed in as a parameter is recognised by its uses, which the conversion takes away.
  const same = revertWouldWrite === original && !usage.injected;
  return same || original.includes('*/') ? '' : `${ORIGINAL_CALLEE_PREFIX}${original} */`;
}

/** Sorted, without duplicates (a usage nested in another's arguments yields the same comment edits). */
export function sortEdits(edits: TextEdit[]): TextEdit[] {
  const seen = new Set<string>();
  return edits
    .filter((e) => {
      const key = `${e.start}:${e.end}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .sort((a, b) => a.start - b.start || a.end - b.end);
}
