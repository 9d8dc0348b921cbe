/**
 * "Sanity-Train from Script…": asks which program to run (the last command, remembered per
 * workspace, or one of package.json's scripts), then sanity-trains the model that program trains
 * (capture, as `rbn sanity --from`). Lenses pass the command and its folder directly.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findPackageScripts, rankScripts } from '../../core/workspace/program-commands';

export const SANITY_FROM_SCRIPT_COMMAND = 'runningBatchNorm.sanityTrainFromScript';
/** Workspace state: the last command run, offered first next time. */
export const LAST_COMMAND_KEY = 'runningBatchNorm.sanity.lastCommand';

export interface ProgramChoice {
  command: string;
  /** Absolute folder it runs in. */
  cwd: string;
}

/** The command to run and its folder: given (a lens), else asked; undefined when the user backs out. */
export async function chooseProgram(state: vscode.Memento, command?: string, folder?: vscode.Uri): Promise<ProgramChoice | undefined> {
  const cwd = (folder ?? defaultFolder())?.fsPath;
  if (!cwd) {
    void vscode.window.showWarningMessage('Sanity-Train from Script runs a program of an open folder: open the folder that holds it first.');
    return undefined;
  }
  const chosen = command ?? (await askForCommand(state, cwd));
  if (!chosen?.trim()) {
    return undefined;
  }
  await state.update(LAST_COMMAND_KEY, chosen.trim());
  return { command: chosen.trim(), cwd };
}

function defaultFolder(): vscode.Uri | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)?.uri) ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

interface CommandItem extends vscode.QuickPickItem {
  command?: string;
}

async function askForCommand(state: vscode.Memento, cwd: string): Promise<string | undefined> {
  const last = state.get<string>(LAST_COMMAND_KEY);
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
  return vscode.window.showInputBox({
    title: 'Sanity-Train from Script',
    prompt: `A command run in ${cwd} (a shell command line); the first model it trains is taken`,
    value: last ?? 'node train.js',
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
