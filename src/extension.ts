import * as vscode from 'vscode';
import { getSanityCodeLensEnabled, getSanitySettings } from './vscode/configuration';
import { prestartAnalysis } from './vscode/conversion/analysis-prestart';
import { disposeCore } from './vscode/conversion/core-loader';
import { registerConversion } from './vscode/conversion/register-conversion';
import { registerSavedModel } from './vscode/saved-model/register-saved-model';
import { registerSanityTrain } from './vscode/sanity/register-sanity';

// At load, not in activate: VS Code calls activate only once the extension's stored state has come from
// the window, 0.6-0.7 s later when a big file has just opened (see analysis-prestart.ts).
prestartAnalysis(vscode.workspace.textDocuments);

/** Wiring only: every capability registers itself from src/vscode and adds its disposables here. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('RunningBatchNorm', { log: true });
  context.subscriptions.push(log);
  registerConversion(context, log);
  registerSavedModel(context, log);
  registerSanityTrain(context, log, { getSettings: getSanitySettings, isCodeLensEnabled: getSanityCodeLensEnabled });
  log.info('RunningBatchNorm activated');
}

/** Stops the analysis thread; everything else is in context.subscriptions. */
export function deactivate(): Promise<void> {
  return disposeCore();
}
