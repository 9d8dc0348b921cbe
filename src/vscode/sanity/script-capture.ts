/**
 * "Sanity-Train from Script…": asks which program to run (the last command, remembered per
 * workspace, or one of package.json's scripts), then sanity-trains the model that program trains
 * (capture, as `rbn sanity --from`). Lenses pass the command and its folder directly.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findPackageScripts, rankScripts } from '../../core/workspace/program-commands';
import { packageRootOf } from '../../core/workspace/layer-plan';

export const SANITY_FROM_SCRIPT_COMMAND = 'runningBatchNorm.sanityTrainFromScript';
/** Workspace state: the last command run and its folder ({ command, cwd }), offered first next time. */
export const LAST_COMMAND_KEY = 'runningBatchNorm.sanity.lastCommand';

export interface ProgramChoice {
  command: string;
  /** Absolute folder it runs in. */
  cwd: string;
}

/** The command to run and its folder: given (a lens), else asked; undefined when the user backs out. */
export async function chooseProgram(state: vscode.Memento, command?: string, folder?: vscode.Uri): Promise<ProgramChoice | undefined> {
  const cwd = folder?.fsPath ?? defaultFolder();
  if (!cwd) {
    void vscode.window.showWarningMessage('Sanity-Train from Script runs a program of an open folder: open the folder that holds it first.');
    return undefined;
  }
  const last = lastProgram(state);
  const chosen = (command ?? (await askForCommand(last, cwd)))?.trim();
  if (!chosen) {
    return undefined;
  }
  // The last command, accepted as offered, runs where it ran last time.
  const program = { command: chosen, cwd: !command && !folder && last?.command === chosen ? last.cwd : cwd };
  await state.update(LAST_COMMAND_KEY, program);
  return program;
}

/** The package of the active editor's file (its nearest package.json inside the workspace folder), else the first folder. */
function defaultFolder(): string | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = active && vscode.workspace.getWorkspaceFolder(active);
  return folder && active.scheme === 'file' ? packageRootOf(active.fsPath, folder.uri.fsPath) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function lastProgram(state: vscode.Memento): ProgramChoice | undefined {
  const stored = state.get<unknown>(LAST_COMMAND_KEY);
  const v = stored as Partial<ProgramChoice> | undefined;
  return typeof v?.command === 'string' && typeof v.cwd === 'string' ? { command: v.command, cwd: v.cwd } : undefined;
}

interface CommandItem extends vscode.QuickPickItem {
  command?: string;
}

async function askForCommand(lastRun: ProgramChoice | undefined, cwd: string): Promise<string | undefined> {
  const last = lastRun?.command;
  const scripts = rankScripts(findPackageScripts(await readText(path.join(cwd, 'package.json'))));
  const type: CommandItem = { label: '$(terminal) Enter a command…', description: last ? `last: ${last}` : 'e.g. node train.js, npx mocha test/model.test.js', alwaysShow: true };
  const items: CommandItem[] = [
    type,
    ...(scripts.length > 0 ? [{ label: 'package.json scripts', kind: vscode.QuickPickItemKind.Separator }] : []),
    ...scripts.map((s) => ({ label: s.command, description: s.script, command: s.command })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Sanity-Train from Script', placeHolder: 'Which program trains your model? It runs until it trains, then sanity-train takes that model and its data.' });
  if (!pick) {
    return undefined;
  }
  if (pick.command) {
    return pick.command;
  }
  // The last command, accepted as it is, runs where it ran (chooseProgram); any other in `cwd`.
  const where = lastRun && lastRun.cwd !== cwd ? `runs in ${cwd} (the last command, as it is, in ${lastRun.cwd})` : `runs in ${cwd}`;
  return vscode.window.showInputBox({
    title: 'Sanity-Train from Script',
    prompt: `A shell command; it ${where}. The first model it trains is taken.`,
    value: last ?? '',
    placeHolder: 'node train.js',
    validateInput: (value) => (value.trim() ? undefined : 'Type the command that runs your training script or test'),
  });
}

async function readText(file: string): Promise<string> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  } catch {
    return '';
  }
}
