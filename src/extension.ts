import * as vscode from 'vscode';
import { getSanityCodeLensEnabled, getSanitySettings } from './vscode/configuration';
import { registerConversion } from './vscode/conversion/register-conversion';
import { registerSavedModel } from './vscode/saved-model/register-saved-model';
import { registerSanityTrain } from './vscode/sanity/register-sanity';

/** Wiring only: every capability registers itself from src/vscode and adds its disposables here. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('RunningBatchNorm', { log: true });
  context.subscriptions.push(log);
  registerConversion(context, log);
  registerSavedModel(context, log);
  registerSanityTrain(context, log, { getSettings: getSanitySettings, isCodeLensEnabled: getSanityCodeLensEnabled });
  log.info('RunningBatchNorm activated');
}

export function deactivate(): void {
  // Nothing to release beyond context.subscriptions.
}
