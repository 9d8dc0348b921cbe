import type * as vscode from 'vscode';
import type { FileAnalysis } from '../../core/analysis/types';
import { loadCore } from './core-loader';

/**
 * One analysis per document version, shared by diagnostics and code actions so a cursor move or a
 * lightbulb does not parse the file again.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, { version: number; analysis: FileAnalysis }>();

  /** The analysis of the document as it is now. Never throws (the core reports parse errors in `error`). */
  async get(document: vscode.TextDocument): Promise<FileAnalysis> {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === document.version) {
      return cached.analysis;
    }
    const text = document.getText();
    const core = await loadCore();
    const analysis = core.mightContainBatchNorm(text) ? core.analyzeSource(text, document.uri.fsPath) : { file: document.uri.fsPath, usages: [] };
    this.entries.set(key, { version: document.version, analysis });
    return analysis;
  }

  /** Whether the analysis of the document as it is now is at hand (no parse needed). */
  isCurrent(document: vscode.TextDocument): boolean {
    return this.entries.get(document.uri.toString())?.version === document.version;
  }

  forget(document: vscode.TextDocument): void {
    this.entries.delete(document.uri.toString());
  }
}
