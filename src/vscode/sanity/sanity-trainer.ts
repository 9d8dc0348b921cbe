/**
 * The sanity-train command: pick a model builder (and its arguments), train it in the worker child process under a
 * cancellable progress notification, then show the report panel and a summary in the log. Everything
 * here awaits; the extension host never blocks on training.
 */
import * as vscode from 'vscode';
import type { ModelBuilder } from '../../core/analysis/types';
import type { SanityReport, SanityRequest } from '../../core/training/protocol';
import { summarizeReport } from '../../core/training/report/report-summary';
import type { ReportPageState } from '../../core/training/report/report-html';
import { chooseArguments, type ChosenArguments } from './arguments/argument-prompt';
import { resolveTarget } from './lenses/builder-target';
import { failureLogEntry, noticeLine } from './failure-text';
import type { LastRunMemory } from './arguments/last-run-memory';
import { ProgressTracker } from './panel/progress-tracker';
import { PhaseStatus } from './panel/phase-status';
import { editorAdvice, installStepOf, type InstallStep, recoveryActions, type RecoveryAction } from './editor-advice';
import { runInstall } from './install-task';
import { LiveCurves } from './panel/live-curves';
import { SanityReportPanel, type ReportPanelHooks } from './panel/report-panel';
import type { SanityOutcome, SanityRunner } from './sanity-runner';
import type { SanityAnalysis } from './sanity-analysis';
import { buildSanityRequest, type SanitySettings } from './sanity-request';
import type { ProgramChoice } from './script-capture';

export interface SanityTrainerDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** The settings that apply to a file (folder settings win). */
  getSettings(file: vscode.Uri): SanitySettings;
  /** The builder finder and argument proposals, loaded on first use. */
  analysis(): Promise<SanityAnalysis>;
  /** The arguments each builder last ran with (workspace state). */
  memory: LastRunMemory;
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

export class SanityTrainer implements vscode.Disposable {
  private running: { controller: AbortController; label: string } | undefined;
  /** The run whose report is on show: its program (captured) runs again on "Run again"; it runs with twice the budget on "Run Again with 2× Budget". */
  private shown: { request: SanityRequest; model: string; maxMemoryMb: number } | undefined;
  /** What the report panel's buttons do. */
  private readonly hooks: ReportPanelHooks;
  /** What the failure page's buttons do, in the order of their titles on the page. */
  private failureActions: { title: string; run(): void }[] = [];

  constructor(private readonly deps: SanityTrainerDeps) {
    this.hooks = {
      log: deps.log,
      showLog: () => deps.log.show(true),
      cancel: () => this.running?.controller.abort(),
      recover: (index) => this.failureActions[index]?.run(),
      // "Run again" reruns with the arguments of the run before instead of asking again.
      rerun: (file, model, compare) => {
        const from = this.shown?.request.from;
        void (from ? this.runFromScript(async () => ({ command: from.command, cwd: from.cwd }), compare) : this.run(compare, vscode.Uri.file(file), model, true));
      },
      rerunLonger: () => this.rerunShown((request) => ({ timeoutMs: request.timeoutMs * 2 })),
      // Twice the steps take about twice the time the first run had.
      rerunMoreSteps: () => this.rerunShown((request) => ({ steps: request.steps * 2, timeoutMs: request.timeoutMs * 2 })),
    };
  }

  /** The report shown, run again with `change` applied to its request. */
  private rerunShown(change: (request: SanityRequest) => Partial<SanityRequest>): void {
    const shown = this.shown;
    if (shown) {
      void this.runAgain({ ...shown.request, ...change(shown.request) }, shown.model, shown.maxMemoryMb);
    }
  }

  /** Aborts a run in flight (extension deactivation). */
  dispose(): void {
    this.running?.controller.abort();
  }

  /**
   * Runs sanity-train on the builder `model` in `uri`; without them, on a builder of the active
   * editor's file (asking with a quick pick when it has several). A builder with parameters gets the
   * argument box first, unless `reuseLastArgs` and it ran before.
   */
  async run(compare: boolean, uri?: vscode.Uri, model?: string, reuseLastArgs = false): Promise<SanityCommandResult> {
    // Claimed before the first await, so a second click while the quick pick is open is turned away too.
    return this.exclusive(uri ? vscode.workspace.asRelativePath(uri) : 'the active file', async (controller) => {
      const target = await resolveTarget({ analysis: this.deps.analysis, log: this.deps.log, warn: (m) => this.warn(m) }, uri, model);
      if ('why' in target) {
        return { outcome: 'notRun', why: target.why };
      }
      if (target.document.isDirty && !(await target.document.save())) {
        return this.notRun(`Could not save ${target.document.fileName}; sanity-train trains the file as saved on disk.`);
      }
      const call = await this.argumentsFor(target.document, target.builder, reuseLastArgs);
      if (!call) {
        return { outcome: 'notRun', why: 'cancelled' };
      }
      return this.train(target.document.uri.fsPath, target.model, compare, controller, call);
    });
  }

  /** Sanity-trains the model a program trains (capture): `choose` asks which program, once the run may start. */
  runFromScript(choose: () => Promise<ProgramChoice | undefined>, compare = false): Promise<SanityCommandResult> {
    return this.exclusive('a program', async (controller) => {
      const program = await choose();
      return program ? this.train(program.cwd, `\`${program.command}\``, compare, controller, {}, program) : { outcome: 'notRun', why: 'cancelled' };
    });
  }

  /** Runs `body` as the one run at a time, in a trusted workspace only; a second click is offered to cancel the first. */
  private async exclusive(label: string, body: (controller: AbortController) => Promise<SanityCommandResult>): Promise<SanityCommandResult> {
    if (!vscode.workspace.isTrusted) {
      return this.refuseUntrusted();
    }
    if (this.running) {
      this.offerCancel(this.running);
      return { outcome: 'notRun', why: 'busy' };
    }
    const controller = new AbortController();
    this.running = { controller, label };
    try {
      return await body(controller);
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
    return { outcome: 'notRun', ...this.warn(message) };
  }

  /** A one-line warning with Show Log (the whole text goes to the log too); says why nothing ran. */
  private warn(message: string): { why: string } {
    this.deps.log.warn(message);
    void this.offerLog(noticeLine('Sanity-train', message), 'warning');
    return { why: message };
  }

  /** The arguments to run with; undefined when the user pressed Escape in an argument box. */
  private async argumentsFor(document: vscode.TextDocument, builder: ModelBuilder | undefined, reuseLast: boolean): Promise<ChosenArguments | undefined> {
    // A lens naming a builder the analysis no longer finds runs without arguments: the worker then says what is wrong.
    return builder ? chooseArguments({ analysis: this.deps.analysis, memory: this.deps.memory, log: this.deps.log }, document, builder, reuseLast) : {};
  }

  private async train(file: string, model: string, compare: boolean, controller: AbortController, call: ChosenArguments, program?: ProgramChoice): Promise<SanityCommandResult> {
    // The budget counts from here: once the arguments are chosen, the user is waiting for the answer.
    const startedAtMs = Date.now();
    const settings = this.deps.getSettings(vscode.Uri.file(file));
    const request = withProgram(buildSanityRequest(file, model, compare, settings, call), program);
    return this.trainRequest(request, model, controller, settings.maxMemoryMb, startedAtMs);
  }

  /** Trains `request` under a progress notification into the panel (the run is claimed by the caller). */
  private async trainRequest(request: SanityRequest, model: string, controller: AbortController, maxMemoryMb: number, startedAtMs = Date.now()): Promise<SanityCommandResult> {
    const { file, compare } = request;
    const label = `${model} in ${vscode.workspace.asRelativePath(file)}`;
    if (this.running) {
      this.running.label = label;
    }
    this.deps.log.info(
      `Sanity-train ${label}${request.args ? ` with ${JSON.stringify(request.args)}${request.ctorArgs ? `, constructor ${JSON.stringify(request.ctorArgs)}` : ''} (${request.argsSource ?? 'no source'})` : ''}${request.moduleVars ? `, module variables ${JSON.stringify(request.moduleVars)} (${request.moduleVarsSource ?? 'no source'})` : ''}${request.instanceVars ? `, instance fields ${JSON.stringify(request.instanceVars)} (${request.instanceVarsSource ?? 'no source'})` : ''}: ${request.steps} steps, batch size ${request.batchSize}, backend ${request.backend}, ${compare ? 'BatchNorm vs RunningBatchNorm' : 'as written'}, time budget ${request.timeoutMs / 1000} s`,
    );
    SanityReportPanel.show(this.deps.extensionUri, { kind: 'running', model, file, compare, steps: request.steps, batchSize: request.batchSize }, this.hooks);
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Sanity-training ${model}${compare ? ' (BatchNorm vs RunningBatchNorm)' : ''}`, cancellable: true },
      (progress, token) => this.runWorker({ request, maxMemoryMb, controller, startedAtMs }, progress, token),
    );
    const cancelled = controller.signal.aborted || (outcome.kind === 'error' && outcome.reason === 'cancelled');
    return cancelled ? this.cancelled(label, request, model, maxMemoryMb) : this.show(outcome, request, model, maxMemoryMb);
  }

  /** The job that just failed, again with what a notification button changes (a larger budget, a smaller batch). */
  private runAgain(request: SanityRequest, model: string, maxMemoryMb: number): Promise<SanityCommandResult> {
    return this.exclusive(model, (controller) => this.trainRequest(request, model, controller, maxMemoryMb));
  }

  private async runWorker(
    job: { request: SanityRequest; maxMemoryMb: number; controller: AbortController; startedAtMs: number },
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<SanityOutcome> {
    const subscription = token.onCancellationRequested(() => job.controller.abort());
    const tracker = new ProgressTracker(job.request.compare ? 2 : 1);
    const live = new LiveCurves(job.request.compare);
    const phase = new PhaseStatus(Date.now(), job.request.compare ? 2 : 1, job.request.from !== undefined);
    const postLive = (now: number) => SanityReportPanel.getCurrent()?.postLive({ ...live.snapshot(), status: phase.status(now) });
    // Every second, so that a long phase (loading, a slow first step) shows its time growing.
    const tick = setInterval(() => {
      progress.report({ message: phase.status(Date.now()) });
      postLive(Date.now());
    }, 1000);
    let lastLivePost = Number.NEGATIVE_INFINITY;
    progress.report({ message: phase.status(Date.now()) });
    try {
      const runner = await this.deps.loadRunner();
      return await runner(job.request, {
        signal: job.controller.signal,
        workerScript: this.deps.workerScript,
        maxMemoryMb: job.maxMemoryMb,
        startedAtMs: job.startedAtMs,
        // A captured program's own output, prefixed, in the log.
        onOutput: job.request.from ? (line) => this.deps.log.info(`│ ${line}`) : undefined,
        onMessage: (message) => {
          const now = Date.now();
          phase.onMessage(message, now);
          const update = tracker.update(message, now);
          if (update) {
            progress.report({ increment: update.increment, message: phase.status(now) });
          }
          // The page redraws at most ~10 times a second, but never misses NaN news or a run's last step.
          const urgent = message.type === 'layerNaN' || (message.type === 'progress' && message.step >= message.totalSteps);
          if (live.add(message) && (urgent || now - lastLivePost >= LIVE_INTERVAL_MS)) {
            lastLivePost = now;
            postLive(now);
          }
        },
      });
    } catch (error) {
      // The launcher reports failures as outcomes; a throw is a bug worth its stack in the log.
      return { kind: 'error', reason: 'internal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    } finally {
      clearInterval(tick);
      subscription.dispose();
    }
  }

  private cancelled(label: string, request: SanityRequest, model: string, maxMemoryMb: number): SanityCommandResult {
    this.deps.log.info(`Sanity-train ${label}: cancelled.`);
    this.showFailure({ kind: 'error', reason: 'cancelled', message: `You cancelled sanity-train of ${label}.`, file: request.file, model }, [this.sameAgain(request, model, maxMemoryMb)]);
    void vscode.window.showInformationMessage(`Sanity-train of ${label} cancelled.`);
    return { outcome: 'cancelled' };
  }

  private show(outcome: SanityOutcome, request: SanityRequest, model: string, maxMemoryMb: number): SanityCommandResult {
    const file = request.file;
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    if (outcome.kind === 'report') {
      const report: SanityReport = { ...outcome.report, file: outcome.report.file ?? file, model: outcome.report.model ?? model };
      this.shown = { request, model, maxMemoryMb };
      this.deps.log.info(editorAdvice(summarizeReport(report, roots)));
      SanityReportPanel.show(this.deps.extensionUri, { kind: 'report', report }, this.hooks);
      return { outcome: 'report', report };
    }
    const { kind: _kind, reason, message: workerMessage, ...extra } = outcome;
    // The advice names what to do here (a button, a setting), not the CLI's flags.
    const message = editorAdvice(workerMessage);
    this.deps.log.error(failureLogEntry({ model, file, reason, message, request, extra }));
    const actions = recoveryActions(reason, request, outcome.batchSize, outcome.smallerInput).map((a: RecoveryAction) => ({ title: a.title, run: () => void this.runAgain({ ...request, ...a.change }, model, maxMemoryMb) }));
    const install = installStepOf(message);
    if (install) {
      actions.push({ title: `Run ${install.command} and Train Again`, run: () => void this.installThenRun(install, request, model, maxMemoryMb) });
    }
    // The page's first button is the fix the failure asks for, if any; Run Again runs the job as it was (after the user fixed the code).
    this.showFailure({ kind: 'error', reason, message, file, model, runtime: outcome.runtime }, [...actions, this.sameAgain(request, model, maxMemoryMb)]);
    void this.offerLog(noticeLine(`Sanity-train of ${model}`, message), 'error', actions);
    return { outcome: 'error', reason, message };
  }

  /** An open panel shows the failure, never a stale page as if it were this run's result, with buttons that act on it. */
  private showFailure(state: Extract<ReportPageState, { kind: 'error' }>, actions: { title: string; run(): void }[]): void {
    this.failureActions = actions;
    SanityReportPanel.getCurrent()?.update({ ...state, actions: actions.map((a) => a.title) });
  }

  private sameAgain(request: SanityRequest, model: string, maxMemoryMb: number): { title: string; run(): void } {
    return { title: 'Run Again', run: () => void this.runAgain(request, model, maxMemoryMb) };
  }

  /** The project's install in a terminal, then the same job again once it succeeded. */
  private async installThenRun(step: InstallStep, request: SanityRequest, model: string, maxMemoryMb: number): Promise<void> {
    const code = await runInstall(step);
    if (code === 0) {
      await this.runAgain(request, model, maxMemoryMb);
      return;
    }
    this.deps.log.error(`${step.command} in ${step.cwd} ended ${code === undefined ? 'without an exit code' : `with exit code ${code}`}.`);
    void vscode.window.showErrorMessage(`${step.command} in ${step.cwd} ${code === undefined ? 'did not finish' : `failed (exit code ${code})`}: its output is in the terminal. Sanity-train did not run again.`);
  }

  /** One line, the actions that may fix it, and a Show Log button; the details are in the log already. */
  private async offerLog(message: string, severity: 'error' | 'warning', actions: { title: string; run(): void }[] = []): Promise<void> {
    const showLog = 'Show Log';
    const show = severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const choice = await show(message, ...actions.map((a) => a.title), showLog);
    if (choice === showLog) {
      this.deps.log.show(true);
    }
    actions.find((a) => a.title === choice)?.run();
  }
}

/** A capture request (no builder): the program's command and folder instead of a model id. */
function withProgram(request: SanityRequest, program: ProgramChoice | undefined): SanityRequest {
  if (!program) {
    return request;
  }
  const { model: _model, ...rest } = request;
  return { ...rest, from: { command: program.command, cwd: program.cwd, capture: 1 } };
}
