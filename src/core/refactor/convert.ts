/**
 * Convert to RunningBatchNorm: replaces each tfjs batch-norm factory call's callee with the vendored
 * `runningBatchNorm`, keeps the argument expression (commenting out the two args the layer does not use),
 * and adds the import once. Pure: returns text edits and the layer file to create.
 */
import { mightContainBatchNorm } from '../analysis';
import * as path from 'node:path';
import { parseAndFindUsages, RUNNING_BATCH_NORM, type FoundUsage, type ParsedFile } from '../analysis/usages/find-usages';
import { layerTfjsSpecifier } from '../analysis/usages/tfjs-values';
import { isTypeScriptFile } from '../analysis/typescript';
import { BROWSER_DECLARATIONS_EXTENSION, renderVendoredBrowserDeclarations, renderVendoredLayer, VENDOR_EXTENSIONS } from '../../layer/vendor';
import { LAYER_BASE_NAME } from './layer-path';
import { argumentEdits, defaultArgsEdits } from './args';
import { batchNormalizationExpressionAt, findFactoryBinding, ORIGINAL_CALLEE_PREFIX } from './bindings';
import { detectModuleStyle, importInsertion, importSpecifierFor, importStatementText, moduleSpecifiersOf } from './module-style';
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
  if (convertible.every((u) => u.global)) {
    return convertForGlobalTf(input, parsed, targets, convertible);
  }
  const moduleUsages = convertible.filter((u) => !u.global);
  const existing = findFactoryBinding(parsed);
  const localName = existing ?? RUNNING_BATCH_NORM;
  const edits: TextEdit[] = moduleUsages.flatMap((u) => usageEdits(parsed, u, localName, input.defaultArgs));
  const style = detectModuleStyle(parsed.ts, parsed.sourceFile, input.fileName);
  if (!existing) {
    const specifier = input.layerPackage ?? importSpecifierFor(input.fileName, input.layerFilePath, style);
    edits.push(importInsertion(parsed.ts, parsed.sourceFile, style, importStatementText([RUNNING_BATCH_NORM], specifier, style)));
  }
  if (input.layerPackage) {
    return withLines(input, sortEdits(edits), moduleUsages, targets); // the package is the layer: nothing to copy
  }
  const flavor = isTypeScriptFile(input.fileName) ? 'ts' : style.esm ? 'esm' : 'cjs';
  const content = renderVendoredLayer(flavor, layerTfjsSpecifier(moduleUsages[0]!.module, moduleSpecifiersOf(parsed.ts, parsed.sourceFile)));
  return withLines(input, sortEdits(edits), moduleUsages, targets, { path: input.layerFilePath, content });
}

/**
 * The browser global `tf`: calls become `tf.runningBatchNorm(…)`, which the layer's browser script adds
 * to `tf`; no import (a script has none). The pages that load this file need that script's tag after
 * tfjs's (`globalTf`; see html-pages.ts), and the layer file is `running-batch-norm.browser.js`.
 */
function convertForGlobalTf(input: RefactorInput, parsed: ParsedFile, targets: FoundUsage[], convertible: FoundUsage[]): RefactorResult {
  const edits = convertible.flatMap((u) => {
    const start = u.callee.getStart(parsed.sourceFile);
    const original = parsed.sourceFile.text.slice(start, u.callee.end);
    const head = globalHeadOf(parsed, u);
    const marker = original === `${head}.layers.batchNormalization` || original.includes('*/') ? '' : `${ORIGINAL_CALLEE_PREFIX}${original} */`;
    const callee: TextEdit = { start, end: u.callee.end, newText: `${head}.${RUNNING_BATCH_NORM}${marker}` };
    return [callee, ...argumentEdits(parsed.ts, parsed.sourceFile, u.call, 'convert'), ...defaultArgsEdits(parsed.ts, parsed.sourceFile, u.call, input.defaultArgs)];
  });
  // Next to the script, unless a configured layer location says otherwise: a folder above the site's
  // (where a project-wide plan may put the module copies) is not served to the page.
  const folder = path.dirname(input.layerFileConfigured ? input.layerFilePath : input.fileName);
  const layerPath = path.join(folder, `${LAYER_BASE_NAME}${VENDOR_EXTENSIONS.script}`);
  const result = withLines(input, sortEdits(edits), convertible, targets, { path: layerPath, content: renderVendoredLayer('script', '@tensorflow/tfjs') });
  if (result.kind !== 'edits') {
    return result;
  }
  const types = input.browserTypes ? { layerTypesFile: { path: path.join(folder, `${LAYER_BASE_NAME}${BROWSER_DECLARATIONS_EXTENSION}`), content: renderVendoredBrowserDeclarations() } } : {};
  return { ...result, globalTf: true, ...types };
}

/** `tf` of `tf.layers.batchNormalization` (or a parameter handed the global in); else the global's name. */
function globalHeadOf(parsed: ParsedFile, usage: FoundUsage): string {
  const t = parsed.ts;
  const callee = usage.callee;
  if (t.isPropertyAccessExpression(callee) && t.isPropertyAccessExpression(callee.expression) && t.isIdentifier(callee.expression.expression)) {
    return callee.expression.expression.text;
  }
  return 'tf';
}

function withLines(input: RefactorInput, sorted: TextEdit[], converted: FoundUsage[], targets: FoundUsage[], layerFile?: { path: string; content: string }): RefactorResult {
  const lines = linesAfterEdits(input.code, sorted, converted.map((u) => u.start));
  const lineAfter = (offset: number): number => linesAfterEdits(input.code, sorted, [offset])[0]!;
  return { kind: 'edits', edits: sorted, converted: converted.length, skipped: skippedOf(targets, lineAfter), ...(layerFile ? { layerFile } : {}), lines };
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
