import * as vscode from 'vscode';
import { affectsDiagnostics, getDiagnosticsDelayMs, getDiagnosticsMaxFileSize, getDiagnosticsSeverity } from '../../configuration';
import type { AnalysisCache } from '../analysis-cache';
import { DIAGNOSTIC_CODE, DIAGNOSTIC_SOURCE, isWithinSizeLimit, usageDiagnostics } from './usage-diagnostics';

/** Languages the extension analyses (the editor menu and activation events use the same list). */
export const SOURCE_LANGUAGES = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'];

/** URI schemes of the documents that get diagnostics. */
const DIAGNOSED_SCHEMES = new Set(['file', 'untitled']);

/**
 * Whether the document gets diagnostics: only the user's own JS/TS documents (the refactor preview's
 * copies, and git, output, … would list every diagnostic a second time in the Problems panel).
 */
export function isDiagnosable(document: vscode.TextDocument): boolean {
  return SOURCE_LANGUAGES.includes(document.languageId) && DIAGNOSED_SCHEMES.has(document.uri.scheme);
}

/**
 * "Could be RunningBatchNorm" diagnostics: refreshed after typing pauses (debounced per document),
 * cleared when the document closes, when the setting turns them off, or when the file grows past the
 * size limit. Failures go to the log, never to the user as an exception.
 */
export class BatchNormDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('runningBatchNorm');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly cache: AnalysisCache,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 'now')),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, getDiagnosticsDelayMs())),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)),
      vscode.workspace.onDidChangeConfiguration((e) => affectsDiagnostics(e) && this.refreshAll()),
    );
    this.refreshAll();
  }

  /** Analyses every open JS/TS document again (settings changed, or at start-up). */
  refreshAll(): void {
    vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 'now'));
  }

  /** `now` for an open, the start-up or a setting; a delay (even 0) for typing, which it debounces. */
  private schedule(document: vscode.TextDocument, delayMs: number | 'now'): void {
    if (!isDiagnosable(document)) {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (delayMs === 'now') {
      // Ask the analysis thread at once: a timer would wait until the host's loop is free, 0.3-0.45 s
      // after a 5,000-line file opens (measured in code-server).
      void this.update(document);
      return;
    }
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.update(document);
      }, delayMs),
    );
  }

  private async update(document: vscode.TextDocument): Promise<void> {
    try {
      const severity = getDiagnosticsSeverity(document);
      if (document.isClosed || severity === 'off' || !isWithinSizeLimit(document.getText().length, getDiagnosticsMaxFileSize(document))) {
        this.collection.delete(document.uri);
        return;
      }
      const version = document.version;
      const analysis = await this.cache.get(document);
      if (document.isClosed || document.version !== version) {
        return; // a newer edit has its own update scheduled
      }
      const vsSeverity = severity === 'hint' ? vscode.DiagnosticSeverity.Hint : vscode.DiagnosticSeverity.Information;
      const diagnostics = usageDiagnostics(analysis).map((u) => {
        const range = new vscode.Range(document.positionAt(u.start), document.positionAt(u.end));
        const diagnostic = new vscode.Diagnostic(range, u.message, vsSeverity);
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = DIAGNOSTIC_CODE;
        return diagnostic;
      });
      this.collection.set(document.uri, diagnostics);
    } catch (error) {
      this.log.error(`diagnostics for ${document.uri.fsPath} failed`, error);
      this.collection.delete(document.uri);
    }
  }

  private clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(document.uri);
    this.cache.forget(document);
  }

  dispose(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}
