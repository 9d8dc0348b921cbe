/**
 * Starts the analysis of the files that are open when the extension loads, before `activate` runs.
 * VS Code loads the extension's module and reads its stored state from the window side by side, and
 * calls `activate` only when both are done: in code-server that took 0.6-0.7 s while the window laid out
 * the 5,000-line file that triggered the activation. The analysis thread spends that time loading the
 * compiler and parsing the file; the analysis cache takes that result for the same text
 * (core-loader.ts, takeEarlyAnalysis), so the first diagnostics need no second request.
 */
import type * as vscode from 'vscode';
import { getDiagnosticsMaxFileSize } from '../configuration';
import { mightContainBatchNorm } from '../../core/analysis';
import { analyzeInThreadNow, loadCore, usesAnalysisThread } from './core-loader';
import { isDiagnosable } from './editor/diagnostics';
import { isWithinSizeLimit } from './editor/usage-diagnostics';

/**
 * Asks the analysis thread for the documents that will get diagnostics; the thread starts only when one
 * of them might hold batch norm (the text prefilter, a substring test). In-process analysis (the bench's
 * "before" path) is left for later, since here it would block the host.
 */
export function prestartAnalysis(documents: readonly vscode.TextDocument[]): void {
  if (!usesAnalysisThread()) {
    return;
  }
  void loadCore(); // resolved by activate: the diagnostics then post their request without waiting
  const wanted = documents
    .filter((d) => isDiagnosable(d) && isWithinSizeLimit(d.getText().length, getDiagnosticsMaxFileSize(d)))
    .map((d) => ({ text: d.getText(), fileName: d.uri.fsPath }))
    .filter((f) => mightContainBatchNorm(f.text));
  if (wanted.length > 0) {
    analyzeInThreadNow(wanted); // a failure is the diagnostics' to report: they ask again
  }
}
