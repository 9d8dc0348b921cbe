import * as vscode from 'vscode';
import type { FileAnalysis } from '../../../core/analysis/types';
import type { AnalysisCache } from '../analysis-cache';
import { SOURCE_LANGUAGES } from './diagnostics';
import { lineHasBatchNorm } from './line-guess';

/** True while the lines of the active editor's cursor or selection hold a convertible BatchNorm layer. */
export const LINE_HAS_BATCH_NORM = 'runningBatchNorm.lineHasBatchNorm';

const TYPING_DELAY_MS = 250;

/**
 * Keeps {@link LINE_HAS_BATCH_NORM} up to date, so the editor context menu offers "Convert to
 * RunningBatchNorm" on a BatchNorm line and "Convert All BatchNorm in File" elsewhere: what the menu
 * says is what happens. Updated on selection changes, edits and editor switches: at once from the
 * lines' text while the analysis has not answered (a file just opened, typing), then from the analysis.
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
    if (!editor || !SOURCE_LANGUAGES.includes(editor.document.languageId)) {
      this.set(false);
      return;
    }
    const settled = this.cache.peek(editor.document);
    this.set(this.decide(editor, settled));
    if (settled) {
      return;
    }
    // Typing: parse once the keys pause, not on every keystroke (cursor moves alone hit the cache).
    const delay = this.cache.isCurrent(editor.document) ? 0 : TYPING_DELAY_MS;
    this.timer = setTimeout(() => this.run(editor, generation), delay);
  }

  /**
   * From the analysis when it has answered, else from the text (line-guess.ts); from the text too when
   * the file does not parse (mid-edit), whose analysis has no usages.
   */
  private decide(editor: vscode.TextEditor, analysis: FileAnalysis | undefined): boolean {
    const document = editor.document;
    const selections = editor.selections.map((s) => ({ start: document.offsetAt(s.start), end: document.offsetAt(s.end) }));
    return lineHasBatchNorm(document.getText(), selections, analysis && !analysis.error ? analysis.usages : undefined);
  }

  private run(editor: vscode.TextEditor, generation: number): void {
    void this.compute(editor)
      .then((value) => {
        if (generation === this.generation) {
          this.set(value);
        }
      })
      .catch((error: unknown) => this.log.error('updating the BatchNorm line context failed', error));
  }

  private async compute(editor: vscode.TextEditor): Promise<boolean> {
    return this.decide(editor, await this.cache.get(editor.document));
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
