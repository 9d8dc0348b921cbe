/**
 * The sanity-train command: pick a model factory, train it in the worker child process under a
 * cancellable progress notification, then show the report panel and a summary in the log. Everything
 * here awaits; the extension host never blocks on training.
 */
import * as vscode from 'vscode';
import type { ModelFactory } from '../../core/analysis/types';
import { errorHeadline, errorHint } from '../../core/training/report-html';
import type { SanityReport, SanityRequest } from '../../core/training/protocol';
import { summarizeReport } from '../../core/training/report-summary';
import { ProgressTracker } from './progress-tracker';
import { LiveCurves } from './live-curves';
import { SanityReportPanel, type ReportPanelHooks } from './report-panel';
import type { SanityOutcome, SanityRunner } from './sanity-runner';
import { buildSanityRequest, type SanitySettings } from './sanity-request';

export interface SanityTrainerDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** The settings that apply to a file (folder settings win). */
  getSettings(file: vscode.Uri): SanitySettings;
  findFactories(code: string, fileName: string): ModelFactory[];
  /** Lazy, so the worker launcher (and what it pulls in) loads on the first run, not at activation. */
  loadRunner(): Promise<SanityRunner>;
  /** Absolute path of the bundled worker script (dist/worker.js). */
  workerScript: string;
}

/** What a run ended with; the command returns it so integration tests can assert on it. */
export type SanityCommandResult =
  | { outcome: 'report'; report: SanityReport }
  | { outcome: 'error'; reason: string; message: string }
  | { outcome: 'cancelled' }
  | { outcome: 'notRun'; why: string };

/** Least time between two live-chart updates of the panel. */
const LIVE_INTERVAL_MS = 100;

const SCRIPT_LANGUAGES = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);

export class SanityTrainer implements vscode.Disposable {
  private running: { controller: AbortController; label: string } | undefined;
  /** What the report panel's buttons do. */
  private readonly hooks: ReportPanelHooks;

  constructor(private readonly deps: SanityTrainerDeps) {
    this.hooks = {
      log: deps.log,
      showLog: () => deps.log.show(true),
      cancel: () => this.running?.controller.abort(),
      rerun: (file, model, compare) => void this.run(compare, vscode.Uri.file(file), model),
    };
  }

  /** Aborts a run in flight (extension deactivation). */
  dispose(): void {
    this.running?.controller.abort();
  }

  /**
   * Runs sanity-train on `model` in `uri`; without them, on a factory of the active editor's file
   * (asking with a quick pick when it has several).
   */
  async run(compare: boolean, uri?: vscode.Uri, model?: string): Promise<SanityCommandResult> {
    if (!vscode.workspace.isTrusted) {
      return this.refuseUntrusted();
    }
    if (this.running) {
      this.offerCancel(this.running);
      return { outcome: 'notRun', why: 'busy' };
    }
    // Claimed before the first await, so a second click while the quick pick is open is turned away too.
    const controller = new AbortController();
    this.running = { controller, label: uri ? vscode.workspace.asRelativePath(uri) : 'the active file' };
    try {
      const target = await this.resolveTarget(uri, model);
      if ('why' in target) {
        return { outcome: 'notRun', why: target.why };
      }
      if (target.document.isDirty && !(await target.document.save())) {
        return this.notRun(`Could not save ${target.document.fileName}; sanity-train trains the file as saved on disk.`);
      }
      return await this.train(target.document.uri.fsPath, target.model, compare, controller);
    } finally {
      this.running = undefined;
    }
  }

  private offerCancel(running: { controller: AbortController; label: string }): void {
    const cancel = 'Cancel It';
    void vscode.window
      .showInformationMessage(`Sanity-train is already running (${running.label}); one run at a time.`, cancel)
      .then((choice) => (choice === cancel ? running.controller.abort() : undefined));
  }

  /** Says why nothing runs and offers the trust editor, without holding the command until it is answered. */
  private refuseUntrusted(): SanityCommandResult {
    const manage = 'Manage Workspace Trust';
    void vscode.window
      .showWarningMessage('Sanity-train runs your model code, so it is off in Restricted Mode. Trust this workspace to use it.', manage)
      .then((choice) => (choice === manage ? vscode.commands.executeCommand('workbench.trust.manage') : undefined));
    return { outcome: 'notRun', why: 'untrusted' };
  }

  private notRun(message: string): SanityCommandResult {
    return { outcome: 'notRun', ...warn(message) };
  }

  private async resolveTarget(uri: vscode.Uri | undefined, model: string | undefined): Promise<{ document: vscode.TextDocument; model: string } | { why: string }> {
    let document: vscode.TextDocument | undefined;
    try {
      document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    } catch (error) {
      return warn(`Could not open ${uri?.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!document || !SCRIPT_LANGUAGES.has(document.languageId)) {
      return warn('Open a JavaScript or TypeScript file that builds a tfjs model, then run Sanity-Train Model again.');
    }
    if (document.uri.scheme !== 'file') {
      return warn('Save the file first: sanity-train runs a file on disk.');
    }
    if (model) {
      return { document, model };
    }
    const picked = await this.pickFactory(document);
    return picked ? { document, model: picked } : { why: 'no factory picked' };
  }

  private async pickFactory(document: vscode.TextDocument): Promise<string | undefined> {
    let factories: ModelFactory[];
    try {
      factories = this.deps.findFactories(document.getText(), document.fileName);
    } catch (error) {
      this.deps.log.error(`Finding model factories in ${document.fileName} failed: ${String(error)}`);
      factories = [];
    }
    if (factories.length === 0) {
      void vscode.window.showWarningMessage(`No model factory in ${vscode.workspace.asRelativePath(document.uri)}. ${errorHint('noFactory')}`);
      return undefined;
    }
    if (factories.length === 1) {
      return factories[0].name;
    }
    const items = factories.map((f) => ({
      label: f.name,
      description: [`line ${f.line}`, f.async ? 'async' : undefined, f.exported ? undefined : 'not exported'].filter(Boolean).join(' · '),
    }));
    const picked = await vscode.window.showQuickPick(items, { title: 'Sanity-Train Model', placeHolder: 'Model factory to train' });
    return picked?.label;
  }

  private async train(file: string, model: string, compare: boolean, controller: AbortController): Promise<SanityCommandResult> {
    const settings = this.deps.getSettings(vscode.Uri.file(file));
    const request = buildSanityRequest(file, model, compare, settings);
    const label = `${model} in ${vscode.workspace.asRelativePath(file)}`;
    if (this.running) {
      this.running.label = label;
    }
    this.deps.log.info(
      `Sanity-train ${label}: ${request.steps} steps, batch size ${request.batchSize}, backend ${request.backend}, ${compare ? 'BatchNorm vs RunningBatchNorm' : 'as written'}, time budget ${request.timeoutMs / 1000} s`,
    );
    SanityReportPanel.show(this.deps.extensionUri, { kind: 'running', model, file, compare, steps: request.steps, batchSize: request.batchSize }, this.hooks);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Sanity-training ${model}${compare ? ' (BatchNorm vs RunningBatchNorm)' : ''}`, cancellable: true },
      (progress, token) => this.runWorker({ request, maxMemoryMb: settings.maxMemoryMb, controller }, progress, token),
    );
    const cancelled = controller.signal.aborted || (outcome.kind === 'error' && outcome.reason === 'cancelled');
    return cancelled ? this.cancelled(label, file, model) : this.show(outcome, file, model);
  }

  private async runWorker(
    job: { request: SanityRequest; maxMemoryMb: number; controller: AbortController },
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<SanityOutcome> {
    const subscription = token.onCancellationRequested(() => job.controller.abort());
    const tracker = new ProgressTracker(job.request.compare ? 2 : 1);
    const live = new LiveCurves(job.request.compare);
    let lastLivePost = Number.NEGATIVE_INFINITY;
    progress.report({ message: 'starting the training process…' });
    try {
      const runner = await this.deps.loadRunner();
      return await runner(job.request, {
        signal: job.controller.signal,
        workerScript: this.deps.workerScript,
        maxMemoryMb: job.maxMemoryMb,
        onMessage: (message) => {
          const now = Date.now();
          const update = tracker.update(message, now);
          if (update) {
            progress.report(update);
          }
          // The page redraws at most ~10 times a second, but never misses NaN news or a run's last step.
          const urgent = message.type === 'layerNaN' || (message.type === 'progress' && message.step >= message.totalSteps);
          if (live.add(message) && (urgent || now - lastLivePost >= LIVE_INTERVAL_MS)) {
            lastLivePost = now;
            SanityReportPanel.getCurrent()?.postLive(live.snapshot());
          }
        },
      });
    } catch (error) {
      // The launcher reports failures as outcomes; a throw is a bug worth its stack in the log.
      return { kind: 'error', reason: 'internal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    } finally {
      subscription.dispose();
    }
  }

  private cancelled(label: string, file: string, model: string): SanityCommandResult {
    this.deps.log.info(`Sanity-train ${label}: cancelled.`);
    SanityReportPanel.getCurrent()?.update({ kind: 'error', reason: 'cancelled', message: `You cancelled sanity-train of ${label}.`, file, model });
    void vscode.window.showInformationMessage(`Sanity-train of ${label} cancelled.`);
    return { outcome: 'cancelled' };
  }

  private show(outcome: SanityOutcome, file: string, model: string): SanityCommandResult {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    if (outcome.kind === 'report') {
      const report: SanityReport = { ...outcome.report, file: outcome.report.file ?? file, model: outcome.report.model ?? model };
      this.deps.log.info(summarizeReport(report, roots));
      SanityReportPanel.show(this.deps.extensionUri, { kind: 'report', report }, this.hooks);
      return { outcome: 'report', report };
    }
    this.deps.log.error(`Sanity-train of ${model} in ${file} failed (${outcome.reason}): ${outcome.message}`);
    // An open panel shows the failure too, never a stale page as if it were this run's result.
    SanityReportPanel.getCurrent()?.update({ kind: 'error', reason: outcome.reason, message: outcome.message, file, model, runtime: outcome.runtime });
    void this.offerLog(`${errorHeadline(outcome.reason)} (${model}): ${firstLine(outcome.message)}`);
    return { outcome: 'error', reason: outcome.reason, message: outcome.message };
  }

  private async offerLog(message: string): Promise<void> {
    const showLog = 'Show Log';
    if ((await vscode.window.showErrorMessage(message, showLog)) === showLog) {
      this.deps.log.show(true);
    }
  }
}

/** Shows a warning without waiting for it and says why nothing ran. */
function warn(message: string): { why: string } {
  void vscode.window.showWarningMessage(message);
  return { why: message };
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0].trim();
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}
