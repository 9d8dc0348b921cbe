import * as path from 'node:path';
import * as vscode from 'vscode';
import type { UsageKind } from '../../core/analysis/types';
import type { RefactorResult } from '../../core/refactor/types';
import { getConversionDefaultArgs, getLayerFilePathSetting } from '../configuration';
import type { AnalysisCache } from './analysis-cache';
import { chooseConversionTarget, describeConversion, type ConversionTarget } from './editor/conversion-target';
import { loadCore } from './core-loader';
import { addHtmlPageEdits } from './html-page-edits';
import { addRefactorResult } from './workspace-edit';

export type Direction = 'convert' | 'revert';

/** What a conversion command did; commands return it so scripts and tests can check. */
export interface ConversionOutcome {
  applied: boolean;
  converted: number;
  message: string;
}

/**
 * Converts (or reverts) in one document: the usages on the lines of `selection` (`exact`: within the
 * range itself, as a code action passes it), or the whole file when `selection` is undefined. Lines
 * without a usage convert nothing and say so. One WorkspaceEdit, so one undo step.
 */
export async function convertDocument(
  document: vscode.TextDocument,
  selection: vscode.Range | undefined,
  direction: Direction,
  cache: AnalysisCache,
  exact = false,
): Promise<ConversionOutcome> {
  const kind: UsageKind = direction === 'convert' ? 'batchNormalization' : 'runningBatchNorm';
  const analysis = await cache.get(document);
  const fileLabel = path.basename(document.uri.fsPath);
  if (analysis.error) {
    return { applied: false, converted: 0, message: `Cannot convert ${fileLabel}: ${analysis.error}.` };
  }
  const range = selection && { start: document.offsetAt(selection.start), end: document.offsetAt(selection.end) };
  const target: ConversionTarget = !range ? { scope: 'file' } : exact ? { scope: 'range', range } : chooseConversionTarget(analysis.usages, document.getText(), range, kind);
  if (target.scope === 'none') {
    return { applied: false, converted: 0, message: describeConversion({ kind: 'notApplicable', reason: '' }, target, fileLabel, direction) };
  }
  const result = await refactor(document, target, direction);
  const message = describeConversion(result, target, fileLabel, direction);
  if (result.kind === 'notApplicable' || result.converted === 0) {
    return { applied: false, converted: 0, message };
  }
  const edit = new vscode.WorkspaceEdit();
  await addRefactorResult(edit, document, result, new Set());
  const notes = await addHtmlPageEdits(edit, [{ document, result }], direction);
  const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  return applied ? { applied, converted: result.converted, message: [message, ...notes].join(' ') } : { applied, converted: 0, message: `VS Code did not apply the edit to ${fileLabel} (the file may have changed).` };
}

/** Runs the pure refactoring on the document's current text with the layer file placed as the CLI would. */
export async function refactor(document: vscode.TextDocument, target: ConversionTarget, direction: Direction): Promise<RefactorResult> {
  const core = await loadCore();
  const fileName = document.uri.fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(fileName);
  const layerFilePath = core.planLayerFiles([fileName], folder, getLayerFilePathSetting(document.uri)).get(fileName)!;
  const input = { code: document.getText(), fileName, range: target.range, layerFilePath, ...core.layerOptionsFor(fileName), defaultArgs: getConversionDefaultArgs(document.uri) };
  return direction === 'convert' ? core.convertToRunningBatchNorm(input) : core.revertToBatchNormalization(input);
}
