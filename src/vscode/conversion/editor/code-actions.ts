import * as vscode from 'vscode';
import type { Usage } from '../../../core/analysis/types';
import type { AnalysisCache } from '../analysis-cache';
import { DIAGNOSTIC_CODE, DIAGNOSTIC_SOURCE, isConvertibleBatchNorm } from './usage-diagnostics';

export const CONVERT_COMMAND = 'runningBatchNorm.convert';
export const CONVERT_FILE_COMMAND = 'runningBatchNorm.convertFile';
export const REVERT_COMMAND = 'runningBatchNorm.revert';

/**
 * Quick fixes on our diagnostics ("Convert to RunningBatchNorm", preferred, and "Convert all BatchNorm in
 * this file") and `refactor.rewrite` actions at the cursor on any usage, including "Convert back to
 * BatchNormalization" on RunningBatchNorm. Actions run the commands, so the edit is computed on the text
 * as it is when chosen. Never throws: a file that does not parse gets no actions.
 */
export class BatchNormCodeActions implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  constructor(
    private readonly cache: AnalysisCache,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    try {
      const analysis = await this.cache.get(document);
      const start = document.offsetAt(range.start);
      const end = document.offsetAt(range.end);
      const here = analysis.usages.filter((u) => u.start <= end && start <= u.end);
      const actions: vscode.CodeAction[] = [];
      if (wants(context, vscode.CodeActionKind.QuickFix)) {
        actions.push(...this.quickFixes(document, context, analysis.usages));
      }
      if (wants(context, vscode.CodeActionKind.RefactorRewrite)) {
        // In the unfiltered Ctrl+. menu a layer with a quick fix would otherwise be listed twice.
        const fixed = (u: Usage) => !context.only && isConvertibleBatchNorm(u) && context.diagnostics.some((d) => d.code === DIAGNOSTIC_CODE);
        actions.push(...here.filter((u) => !fixed(u)).flatMap((u) => refactorAction(document, u)));
      }
      return actions;
    } catch (error) {
      this.log.error(`code actions for ${document.uri.fsPath} failed`, error);
      return [];
    }
  }

  private quickFixes(document: vscode.TextDocument, context: vscode.CodeActionContext, usages: Usage[]): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && d.code === DIAGNOSTIC_CODE);
    if (ours.length === 0) {
      return [];
    }
    const actions = ours.map((diagnostic) => {
      const fix = new vscode.CodeAction('Convert to RunningBatchNorm', vscode.CodeActionKind.QuickFix);
      fix.diagnostics = [diagnostic];
      fix.isPreferred = true;
      fix.command = { command: CONVERT_COMMAND, title: fix.title, arguments: [document.uri, diagnostic.range] };
      return fix;
    });
    if (usages.filter(isConvertibleBatchNorm).length > 1) {
      const all = new vscode.CodeAction('Convert all BatchNorm in this file', vscode.CodeActionKind.QuickFix);
      all.diagnostics = ours;
      all.command = { command: CONVERT_FILE_COMMAND, title: all.title, arguments: [document.uri] };
      actions.push(all);
    }
    return actions;
  }
}

function wants(context: vscode.CodeActionContext, kind: vscode.CodeActionKind): boolean {
  return !context.only || context.only.contains(kind) || kind.contains(context.only);
}

function refactorAction(document: vscode.TextDocument, usage: Usage): vscode.CodeAction[] {
  const range = new vscode.Range(document.positionAt(usage.start), document.positionAt(usage.end));
  if (usage.kind === 'runningBatchNorm') {
    const back = new vscode.CodeAction('Convert back to BatchNormalization', vscode.CodeActionKind.RefactorRewrite);
    back.command = { command: REVERT_COMMAND, title: back.title, arguments: [document.uri, range] };
    return usage.convertible ? [back] : [];
  }
  if (usage.kind !== 'batchNormalization') {
    return [];
  }
  const convert = new vscode.CodeAction('Convert to RunningBatchNorm', vscode.CodeActionKind.RefactorRewrite);
  if (usage.convertible) {
    convert.command = { command: CONVERT_COMMAND, title: convert.title, arguments: [document.uri, range] };
  } else {
    convert.disabled = { reason: usage.reason ?? 'This layer cannot be converted automatically.' };
  }
  return [convert];
}
