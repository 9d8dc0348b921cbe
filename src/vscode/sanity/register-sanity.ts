/** Wires sanity-train into VS Code: its commands (from a builder, from a script), the CodeLens providers and the report panel. */
import * as vscode from 'vscode';
import { LastRunMemory } from './arguments/last-run-memory';
import { SANITY_COMPARE_COMMAND, SANITY_TRAIN_COMMAND, type BuilderFinder } from './lenses/lens-specs';
import { SanityReportPanel } from './panel/report-panel';
import { loadSanityAnalysis, type SanityAnalysis } from './sanity-analysis';
import { SANITY_LENS_SELECTOR, SanityLensProvider } from './lenses/sanity-lens-provider';
import type { SanityRunner } from './sanity-runner';
import type { SanitySettings } from './sanity-request';
import { SanityTrainer } from './sanity-trainer';
import { chooseProgram, SANITY_FROM_SCRIPT_COMMAND } from './script-capture';
import { SCRIPT_LENS_SELECTOR, ScriptLensProvider } from './lenses/script-lens-provider';

export interface SanityRegistration {
  getSettings(file: vscode.Uri): SanitySettings;
  isCodeLensEnabled(document: vscode.Uri): boolean;
  /** Replaces the real launcher (integration tests); defaults to src/worker/launcher.ts. */
  loadRunner?: () => Promise<SanityRunner>;
  /** Replaces the analysis (e.g. one running on a worker thread); defaults to the lazily loaded core. */
  loadAnalysis?: () => Promise<SanityAnalysis>;
}

/** Registers everything sanity-train contributes; all disposables go to `context.subscriptions`. */
export function registerSanityTrain(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, options: SanityRegistration): SanityTrainer {
  const analysis = options.loadAnalysis ?? loadSanityAnalysis;
  const trainer = new SanityTrainer({
    extensionUri: context.extensionUri,
    log,
    getSettings: options.getSettings,
    analysis,
    memory: new LastRunMemory(context.workspaceState),
    loadRunner: options.loadRunner ?? loadLauncher,
    workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
  });
  // Palette invocations pass no arguments; lenses pass (uri, builderId); menus pass a Uri.
  const handler = (compare: boolean) => (uri?: unknown, model?: unknown) =>
    trainer.run(compare, uri instanceof vscode.Uri ? uri : undefined, typeof model === 'string' ? model : undefined);
  const findBuilders: BuilderFinder = async (code, fileName) => (await analysis()).findModelBuilders(code, fileName);
  const lenses = new SanityLensProvider(findBuilders, options.isCodeLensEnabled, log);
  context.subscriptions.push(
    trainer,
    lenses,
    vscode.commands.registerCommand(SANITY_TRAIN_COMMAND, handler(false)),
    vscode.commands.registerCommand(SANITY_COMPARE_COMMAND, handler(true)),
    vscode.languages.registerCodeLensProvider(SANITY_LENS_SELECTOR, lenses),
    // Palette: asks for the command; lenses pass (command, folder).
    vscode.commands.registerCommand(SANITY_FROM_SCRIPT_COMMAND, (command?: unknown, folder?: unknown) =>
      trainer.runFromScript(() => chooseProgram(context.workspaceState, typeof command === 'string' ? command : undefined, folder instanceof vscode.Uri ? folder : undefined)),
    ),
    vscode.languages.registerCodeLensProvider(SCRIPT_LENS_SELECTOR, new ScriptLensProvider(options.isCodeLensEnabled, log)),
    { dispose: () => SanityReportPanel.getCurrent()?.dispose() },
  );
  return trainer;
}

async function loadLauncher(): Promise<SanityRunner> {
  const { runSanityTrain } = await import('../../worker/launcher');
  return runSanityTrain;
}
