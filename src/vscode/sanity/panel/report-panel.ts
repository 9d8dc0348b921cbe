/**
 * The one sanity-train report panel: created on the first report, reused (and revealed) for every later
 * one, so reports never pile up as tabs. The page comes from the pure `renderReportPage`.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { renderReportPage, type LiveChartMessage, type ReportPageState } from '../../../core/training/report/report-html';
import type { SourceLocation } from '../../../core/training/protocol';
import { graphSources, sourcesOf } from '../../../core/training/report/report-view';
import { GRAPH_SCRIPTS } from '../../../core/training/report/report-graph';
import { isKnownSource, parsePanelMessage } from './panel-messages';
import { editorAdvice } from '../editor-advice';

export const REPORT_VIEW_TYPE = 'runningBatchNorm.sanityReport';

/** What the panel's buttons do; the controller knows no commands itself. */
export interface ReportPanelHooks {
  rerun(file: string, model: string, compare: boolean): void;
  /** The report's run again with twice its time budget (the budget cut it short). */
  rerunLonger(): void;
  /** The report's run again with twice its steps and budget (it had its steps and did not clearly learn). */
  rerunMoreSteps(): void;
  /** The failure page's button at `index` (the titles the page was given, in order). */
  recover(index: number): void;
  /** Cancel the training in progress (the running page's Cancel button). */
  cancel(): void;
  showLog(): void;
  log: vscode.LogOutputChannel;
}

export class SanityReportPanel implements vscode.Disposable {
  private static current: SanityReportPanel | undefined;
  private state: ReportPageState;
  private sources: SourceLocation[] = [];
  /** The latest live curves while training, re-sent whenever the page (re)loads. */
  private live: LiveChartMessage | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  /** Shows `state` in the panel, creating it if there is none; returns the panel (for tests). */
  static show(extensionUri: vscode.Uri, state: ReportPageState, hooks: ReportPanelHooks): SanityReportPanel {
    const existing = SanityReportPanel.current;
    if (existing) {
      existing.update(state);
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, titleOf(state), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    SanityReportPanel.current = new SanityReportPanel(panel, extensionUri, state, hooks);
    return SanityReportPanel.current;
  }

  /** The open panel, if any. */
  static getCurrent(): SanityReportPanel | undefined {
    return SanityReportPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    state: ReportPageState,
    private readonly hooks: ReportPanelHooks,
  ) {
    this.state = state;
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
    );
    this.render();
  }

  update(state: ReportPageState): void {
    this.state = state;
    this.live = undefined;
    this.render();
  }

  /** New live curves for a running page; ignored once the page shows a result. */
  postLive(message: LiveChartMessage): void {
    if (this.state.kind !== 'running' || this.disposed) {
      return;
    }
    // The graph data comes only when it changed; the page keeps what it has, and a reloaded page gets the latest.
    this.live = { ...message, ...(message.graph ?? this.live?.graph ? { graph: message.graph ?? this.live?.graph } : {}) };
    // The graph's nodes link to their source lines while training too.
    this.sources = (this.live.graph?.runs ?? []).flatMap((r) => graphSources(r.graph));
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    if (SanityReportPanel.current === this) {
      SanityReportPanel.current = undefined;
    }
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }

  private render(): void {
    const webview = this.panel.webview;
    const media = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', ...parts)).toString();
    this.sources = this.state.kind === 'report' ? sourcesOf(this.state.report) : [];
    this.panel.title = titleOf(this.state);
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    webview.html = renderReportPage(
      this.state,
      {
        cspSource: webview.cspSource,
        nonce: randomBytes(16).toString('base64'),
        styleUri: media('report.css'),
        scriptUri: media('report.js'),
        chartUri: media('vendor', 'chart.umd.min.js'),
        layersScriptUri: media('report-layers.js'),
        graphScriptUris: GRAPH_SCRIPTS.map((file) => media(file)),
        graphLayoutUri: media('vendor', 'graph-layout.js'),
      },
      roots,
      editorAdvice,
    );
  }

  private onMessage(raw: unknown): void {
    const message = parsePanelMessage(raw);
    if (!message) {
      this.hooks.log.warn(`Sanity report panel: ignored a malformed message ${JSON.stringify(raw)}`);
      return;
    }
    if (message.type === 'openSource') {
      if (!isKnownSource(message, this.sources)) {
        this.hooks.log.warn(`Sanity report panel: refused to open ${message.file}:${message.line}, which the report does not name`);
        return;
      }
      void openSource(message.file, message.line, this.hooks.log);
      return;
    }
    if (message.type === 'ready') {
      if (this.live) {
        void this.panel.webview.postMessage(this.live);
      }
      return;
    }
    if (message.action === 'recover') {
      if (this.state.kind === 'error' && message.index < (this.state.actions ?? []).length) {
        this.hooks.recover(message.index);
      }
      return;
    }
    if (message.action === 'cancel') {
      this.hooks.cancel();
      return;
    }
    if (message.action === 'showLog') {
      this.hooks.showLog();
      return;
    }
    if (message.action === 'rerunLonger') {
      this.hooks.rerunLonger();
      return;
    }
    if (message.action === 'rerunMoreSteps') {
      this.hooks.rerunMoreSteps();
      return;
    }
    const { file, model } = this.subject();
    if (file && model) {
      this.hooks.rerun(file, model, message.action === 'compare' || (this.state.kind === 'report' && this.state.report.runs.length > 1));
    }
  }

  private subject(): { file?: string; model?: string } {
    return this.state.kind === 'report' ? { file: this.state.report.file, model: this.state.report.model } : { file: this.state.file, model: this.state.model };
  }
}

function titleOf(state: ReportPageState): string {
  const model = state.kind === 'report' ? state.report.model : state.model;
  if (state.kind === 'running') {
    return `Sanity-training: ${model}…`;
  }
  return model ? `Sanity-train: ${model}` : 'Sanity-train report';
}

/** Opens `file` at 1-based `line` in the editor group the user was working in, cursor on the line. */
async function openSource(file: string, line: number, log: vscode.LogOutputChannel): Promise<void> {
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const lineIndex = Math.min(Math.max(0, line - 1), Math.max(0, document.lineCount - 1));
    const position = new vscode.Position(lineIndex, document.lineAt(lineIndex).firstNonWhitespaceCharacterIndex);
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  } catch (error) {
    log.error(`Could not open ${file}:${line}: ${error instanceof Error ? error.message : String(error)}`);
    void vscode.window.showErrorMessage(`Could not open ${file}:${line}.`);
  }
}
