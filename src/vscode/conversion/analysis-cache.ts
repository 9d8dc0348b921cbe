import type * as vscode from 'vscode';
import type { FileAnalysis } from '../../core/analysis/types';
import { loadCore, loadedCore, takeEarlyAnalysis, type Core } from './core-loader';

/**
 * One analysis per document version, shared by diagnostics and code actions so a cursor move or a
 * lightbulb does not parse the file again.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, { version: number; analysis: Promise<FileAnalysis>; settled?: FileAnalysis }>();

  /** The analysis of the document as it is now (parse errors come in `error`; it rejects only when the
   *  analysis thread fails).
   *  Callers asking at once (diagnostics, code actions, a command) share one analysis in flight. */
  get(document: vscode.TextDocument): Promise<FileAnalysis> {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === document.version) {
      return cached.analysis;
    }
    const analysis = this.analyze(document.getText(), document.uri.fsPath);
    const entry: { version: number; analysis: Promise<FileAnalysis>; settled?: FileAnalysis } = { version: document.version, analysis };
    this.entries.set(key, entry);
    analysis.then((result) => (entry.settled = result)).catch(() => undefined);
    // A failure (the analysis thread crashed) is not cached: the next request tries again.
    analysis.catch(() => this.entries.get(key)?.analysis === analysis && this.entries.delete(key));
    return analysis;
  }

  private analyze(text: string, fileName: string): Promise<FileAnalysis> {
    const core = loadedCore();
    return takeEarlyAnalysis(text, fileName) ?? (core ? analyzeWith(core, text, fileName) : loadCore().then((c) => analyzeWith(c, text, fileName)));
  }

  /** The analysis of the document as it is now if it has answered, else undefined (pending or not asked). */
  peek(document: vscode.TextDocument): FileAnalysis | undefined {
    const cached = this.entries.get(document.uri.toString());
    return cached?.version === document.version ? cached.settled : undefined;
  }

  /** Whether the analysis of the document as it is now is at hand or in flight (no new parse needed). */
  isCurrent(document: vscode.TextDocument): boolean {
    return this.entries.get(document.uri.toString())?.version === document.version;
  }

  forget(document: vscode.TextDocument): void {
    this.entries.delete(document.uri.toString());
  }
}

function analyzeWith(core: Core, text: string, fileName: string): Promise<FileAnalysis> {
  return core.mightContainBatchNorm(text) ? core.analyzeSource(text, fileName) : Promise.resolve({ file: fileName, usages: [] });
}
