/** What the sanity-train integration tests share for commands that show argument boxes. */
import * as vscode from 'vscode';

/**
 * Runs a command that shows argument boxes and accepts each box as proposed (Enter) until the command
 * settles: there is no API to see an input box, so accept again every half second (harmless when none is open).
 */
export async function acceptingBoxes<T>(running: Thenable<T>): Promise<T> {
  let settled = false;
  const done = Promise.resolve(running).finally(() => {
    settled = true;
  });
  while (!settled) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!settled) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
  }
  return done;
}
