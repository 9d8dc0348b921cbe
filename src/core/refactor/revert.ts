/**
 * Revert to BatchNormalization: writes `tf.layers.batchNormalization` back in place of each
 * RunningBatchNorm call (through the tfjs names already in scope), restores args an earlier conversion
 * commented out, and removes the vendored import once nothing uses it. Pure: returns text edits.
 */
import { mightContainBatchNorm } from '../analysis';
import { parseAndFindUsages, type FoundUsage, type ParsedFile } from '../analysis/usages/find-usages';
import type { Declaration } from '../analysis/usages/scopes';
import type { ts } from '../analysis/typescript';
import { argumentEdits } from './args';
import { batchNormalizationExpressionAt, originalCalleeAt, referencesTo, removeBindingEdit, removeWholeLine } from './bindings';
import { sortEdits } from './convert';
import { detectModuleStyle, importInsertion, isModuleLoadStatement, namespaceImportText } from './module-style';
import { inRange, skippedOf } from './targets';
import { linesAfterEdits } from './text-edits';
import type { RefactorInput, RefactorResult, TextEdit } from './types';

const DEFAULT_TFJS = '@tensorflow/tfjs';

/**
 * Reverts the RunningBatchNorm layers in `input.range` (the whole file when absent) to
 * `tf.layers.batchNormalization`. Code with no RunningBatchNorm left is `notApplicable`.
 */
export function revertToBatchNormalization(input: RefactorInput): RefactorResult {
  if (!mightContainBatchNorm(input.code)) {
    return { kind: 'notApplicable', reason: 'no RunningBatchNorm layer in this file' };
  }
  const parsed = parseAndFindUsages(input.code, input.fileName);
  if (parsed.error) {
    return { kind: 'notApplicable', reason: parsed.error };
  }
  const targets = parsed.usages.filter((u) => u.kind === 'runningBatchNorm' && inRange(u, input.range));
  const revertible = targets.filter((u) => u.convertible);
  if (revertible.length === 0) {
    return { kind: 'notApplicable', reason: targets[0]?.reason ?? `no RunningBatchNorm layer ${input.range ? 'here' : 'in this file'}` };
  }
  const namespaceName = parsed.evaluator.scopes.declarationsIn(parsed.sourceFile).has('tf') ? 'tfjs' : 'tf';
  const edits: TextEdit[] = [];
  let needsNamespace = false;
  for (const usage of revertible) {
    // The browser global: `tf.runningBatchNorm` goes back to `tf.layers.batchNormalization`, no import.
    const globalHead = usage.global ? globalHeadOf(parsed, usage) : undefined;
    const expression = globalHead ? `${globalHead}.layers.batchNormalization` : batchNormalizationExpressionAt(parsed, usage.call);
    needsNamespace ||= !expression && !originalCalleeAt(parsed.sourceFile.text, usage.callee.end);
    edits.push(calleeEdit(parsed, usage, expression ?? `${namespaceName}.layers.batchNormalization`));
    edits.push(...argumentEdits(parsed.ts, parsed.sourceFile, usage.call, 'revert'));
  }
  const removals = unusedImportEdits(parsed, edits);
  edits.push(...removals);
  if (needsNamespace) {
    const style = detectModuleStyle(parsed.ts, parsed.sourceFile, input.fileName);
    const insertion = importInsertion(parsed.ts, parsed.sourceFile, style, namespaceImportText(namespaceName, DEFAULT_TFJS, style));
    const covering = removals.find((r) => r.start <= insertion.start && insertion.start <= r.end);
    if (covering) {
      // The tfjs import takes the place of the vendored import it would otherwise follow.
      const lineBreak = /\r?\n$/.exec(parsed.sourceFile.text.slice(covering.start, covering.end))?.[0] ?? '';
      covering.newText = `${insertion.newText.trim()}${lineBreak}`;
    } else {
      edits.push(insertion);
    }
  }
  const sorted = sortEdits(edits);
  const globalTf = revertible.some((u) => u.global) ? { globalTf: true } : {};
  const lineAfter = (offset: number): number => linesAfterEdits(input.code, sorted, [offset])[0]!;
  return { kind: 'edits', edits: sorted, converted: revertible.length, skipped: skippedOf(targets, lineAfter), lines: linesAfterEdits(input.code, sorted, revertible.map((u) => u.start)), ...globalTf };
}

/** `tf` of `tf.runningBatchNorm` / `new tf.RunningBatchNorm`. */
function globalHeadOf(parsed: ParsedFile, usage: FoundUsage): string {
  const t = parsed.ts;
  const callee = usage.callee;
  return t.isPropertyAccessExpression(callee) && t.isIdentifier(callee.expression) ? callee.expression.text : 'tf';
}

function calleeEdit(parsed: ParsedFile, usage: FoundUsage, expression: string): TextEdit {
  const isNew = parsed.ts.isNewExpression(usage.call);
  const start = isNew ? usage.call.getStart(parsed.sourceFile) : usage.callee.getStart(parsed.sourceFile);
  const recorded = originalCalleeAt(parsed.sourceFile.text, usage.callee.end);
  return recorded ? { start, end: usage.callee.end + recorded.length, newText: recorded.callee } : { start, end: usage.callee.end, newText: expression };
}

/** Removes vendored-layer imports that nothing references once `edits` are applied. */
function unusedImportEdits(parsed: ParsedFile, edits: TextEdit[]): TextEdit[] {
  const { evaluator, sourceFile, ts: t } = parsed;
  const replaced = (n: ts.Node): boolean => edits.some((e) => n.getStart(sourceFile) >= e.start && n.end <= e.end);
  const byStatement = new Map<ts.Node, { all: number; unused: Declaration[] }>();
  for (const [name, decl] of evaluator.scopes.declarationsIn(sourceFile)) {
    const statement = topLevelStatementOf(t, decl);
    if (!statement) {
      continue;
    }
    const entry = byStatement.get(statement) ?? { all: 0, unused: [] };
    byStatement.set(statement, entry);
    entry.all++;
    const kind = evaluator.declarationValue(decl)?.kind;
    const isLayerBinding = kind === 'rbnFactory' || kind === 'rbnClass' || kind === 'rbnModule';
    if (isLayerBinding && referencesTo(parsed, decl, name).every(replaced)) {
      entry.unused.push(decl);
    }
  }
  const removals: TextEdit[] = [];
  for (const [statement, { all, unused }] of byStatement) {
    if (unused.length > 0 && unused.length === all) {
      removals.push(withInsertedBlankLine(parsed, statement, removeWholeLine(sourceFile, statement)));
    } else if (unused[0]) {
      const edit = removeBindingEdit(parsed, unused[0]);
      if (edit) {
        removals.push(edit);
      }
    }
  }
  return removals;
}

/**
 * Conversion puts the import above the first statement of a file that had none, with a blank line
 * after it (importInsertion); removing that only import takes the blank line too, so the round trip
 * gives back the file as it was.
 */
function withInsertedBlankLine(parsed: ParsedFile, statement: ts.Node, removal: TextEdit): TextEdit {
  const loads = parsed.sourceFile.statements.filter((s) => isModuleLoadStatement(parsed.ts, s));
  const blank = /^[ \t]*\r?\n/.exec(parsed.sourceFile.text.slice(removal.end));
  const onlyLoad = loads.length === 1 && loads[0] === statement;
  return onlyLoad && blank && removal.end > statement.end ? { ...removal, end: removal.end + blank[0].length } : removal;
}

function topLevelStatementOf(t: ParsedFile['ts'], node: ts.Node): ts.Node | undefined {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (n.parent && t.isSourceFile(n.parent)) {
      return t.isImportDeclaration(n) || t.isVariableStatement(n) || t.isImportEqualsDeclaration(n) ? n : undefined;
    }
  }
  return undefined;
}
