/**
 * Runs the project's install (`npm install` in the folder of the package.json that lists a missing
 * package) as a VS Code task, so its output is in a terminal the user sees, and says how it ended.
 */
import * as vscode from 'vscode';
import type { InstallStep } from './editor-advice';

/** The task's source, shown in the terminal's title. */
const SOURCE = 'RunningBatchNorm';

/** The install's exit code (undefined when the task ended without one, e.g. its terminal was closed). */
export async function runInstall(step: InstallStep): Promise<number | undefined> {
  const name = `${step.command} (${step.cwd})`;
  const task = new vscode.Task({ type: 'shell' }, vscode.TaskScope.Workspace, name, SOURCE, new vscode.ShellExecution(step.command, { cwd: step.cwd }));
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  // Listening before the task starts: a fast install may end before executeTask resolves.
  const ended = new Promise<number | undefined>((resolve) => {
    const subscription = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.source === SOURCE && e.execution.task.name === name) {
        subscription.dispose();
        resolve(e.exitCode);
      }
    });
  });
  await vscode.tasks.executeTask(task);
  return ended;
}
