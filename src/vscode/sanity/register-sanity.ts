/** Wires sanity-train into VS Code: the two commands, the CodeLens provider and the report panel. */
import * as vscode from 'vscode';
import { findModelFactories } from '../../core/analysis/model-factories';
import { findModelFactoriesOffThread } from '../conversion/core-loader';
import { SANITY_COMPARE_COMMAND, SANITY_TRAIN_COMMAND } from './lens-specs';
import { SanityReportPanel } from './report-panel';
import { SANITY_LENS_SELECTOR, SanityLensProvider } from './sanity-lens-provider';
import type { SanityRunner } from './sanity-runner';
import type { SanitySettings } from './sanity-request';
import { SanityTrainer } from './sanity-trainer';

export interface SanityRegistration {
  getSettings(file: vscode.Uri): SanitySettings;
  isCodeLensEnabled(document: vscode.Uri): boolean;
  /** Replaces the real launcher (integration tests); defaults to src/worker/launcher.ts. */
  loadRunner?: () => Promise<SanityRunner>;
}

/** Registers everything sanity-train contributes; all disposables go to `context.subscriptions`. */
export function registerSanityTrain(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, options: SanityRegistration): SanityTrainer {
  const trainer = new SanityTrainer({
    extensionUri: context.extensionUri,
    log,
    getSettings: options.getSettings,
    findFactories: findModelFactories,
    loadRunner: options.loadRunner ?? loadLauncher,
    workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
  });
  // Palette invocations pass no arguments; lenses pass (uri, factoryName); menus pass a Uri.
  const handler = (compare: boolean) => (uri?: unknown, model?: unknown) =>
    trainer.run(compare, uri instanceof vscode.Uri ? uri : undefined, typeof model === 'string' ? model : undefined);
  const lenses = new SanityLensProvider(findModelFactoriesOffThread, options.isCodeLensEnabled, log);
  context.subscriptions.push(
    trainer,
    lenses,
    vscode.commands.registerCommand(SANITY_TRAIN_COMMAND, handler(false)),
    vscode.commands.registerCommand(SANITY_COMPARE_COMMAND, handler(true)),
    vscode.languages.registerCodeLensProvider(SANITY_LENS_SELECTOR, lenses),
    { dispose: () => SanityReportPanel.getCurrent()?.dispose() },
  );
  return trainer;
}

async function loadLauncher(): Promise<SanityRunner> {
  const { runSanityTrain } = await import('../../worker/launcher');
  return runSanityTrain;
}
