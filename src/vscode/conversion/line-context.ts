import * as vscode from 'vscode';
import type { AnalysisCache } from './analysis-cache';
import { hasConvertibleUsage, lineSpan } from './conversion-target';
import { SOURCE_LANGUAGES } from './diagnostics';

/** True while the lines of the active editor's cursor or selection hold a convertible BatchNorm layer. */
export const LINE_HAS_BATCH_NORM = 'runningBatchNorm.lineHasBatchNorm';

const TYPING_DELAY_MS = 250;

/**
 * Keeps {@link LINE_HAS_BATCH_NORM} up to date, so the editor context menu offers "Convert to
 * RunningBatchNorm" on a BatchNorm line and "Convert All BatchNorm in File" elsewhere: what the menu
 * says is what happens. Updated on selection changes, edits and editor switches.
 */
export class LineContextKey implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private current: boolean | undefined;
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cache: AnalysisCache,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      vscode.window.onDidChangeTextEditorSelection((e) => this.update(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.update(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const editor = vscode.window.activeTextEditor;
        if (editor && e.document === editor.document) {
          this.update(editor);
        }
      }),
    ];
    this.update(vscode.window.activeTextEditor);
  }

  private update(editor: vscode.TextEditor | undefined): void {
    const generation = ++this.generation;
    clearTimeout(this.timer);
    if (editor && !this.cache.isCurrent(editor.document)) {
      // Typing: parse once the keys pause, not on every keystroke (cursor moves alone hit the cache).
      this.timer = setTimeout(() => this.run(editor, generation), TYPING_DELAY_MS);
      return;
    }
    this.run(editor, generation);
  }

  private run(editor: vscode.TextEditor | undefined, generation: number): void {
    void this.compute(editor)
      .then((value) => {
        if (generation === this.generation) {
          this.set(value);
        }
      })
      .catch((error: unknown) => this.log.error('updating the BatchNorm line context failed', error));
  }

  private async compute(editor: vscode.TextEditor | undefined): Promise<boolean> {
    if (!editor || !SOURCE_LANGUAGES.includes(editor.document.languageId)) {
      return false;
    }
    const document = editor.document;
    const analysis = await this.cache.get(document);
    const text = document.getText();
    return editor.selections.some((s) => hasConvertibleUsage(analysis.usages, lineSpan(text, { start: document.offsetAt(s.start), end: document.offsetAt(s.end) }), 'batchNormalization'));
  }

  private set(value: boolean): void {
    if (value !== this.current) {
      this.current = value;
      void vscode.commands.executeCommand('setContext', LINE_HAS_BATCH_NORM, value);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscriptions.forEach((s) => s.dispose());
  }
}
