import * as vscode from 'vscode';

/** Wiring only: every capability registers itself from src/vscode and adds its disposables here. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('RunningBatchNorm', { log: true });
  context.subscriptions.push(log);
  log.info('RunningBatchNorm activated');
}

export function deactivate(): void {
  // Nothing to release beyond context.subscriptions.
}
