/**
 * "Sanity-train this script" above each entry of package.json's scripts, and "Sanity-train this test"
 * at the top of a test file that builds a model: both run the program and sanity-train the model it
 * trains. Never throws; the command itself refuses in Restricted Mode.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildsModel, findPackageScripts, isTestFileName, testFileCommand } from '../../../core/workspace/program-commands';
import { packageRootOf } from '../../../core/workspace/layer-plan';
import { SANITY_FROM_SCRIPT_COMMAND } from '../script-capture';

export const SCRIPT_LENS_SELECTOR: vscode.DocumentSelector = [
  { language: 'json', pattern: '**/package.json', scheme: 'file' },
  ...['typescript', 'javascript'].map((language) => ({ language, scheme: 'file' })),
];

export class ScriptLensProvider implements vscode.CodeLensProvider {
  constructor(
    private readonly isEnabled: (document: vscode.Uri) => boolean,
    private readonly log?: vscode.LogOutputChannel,
  ) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.isEnabled(document.uri)) {
      return [];
    }
    try {
      return path.basename(document.fileName) === 'package.json' ? this.scriptLenses(document) : this.testLenses(document);
    } catch (error) {
      this.log?.warn(`Sanity-train script lenses skipped for ${document.fileName}: ${String(error)}`);
      return [];
    }
  }

  private scriptLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const folder = vscode.Uri.file(path.dirname(document.fileName));
    return findPackageScripts(document.getText()).map((s) => lens(s.line, 'Sanity-train this script', `Runs \`${s.command}\` (${s.script}) and sanity-trains the first model it trains`, s.command, folder));
  }

  private testLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const workspace = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(document.fileName);
    const root = packageRootOf(document.fileName, workspace);
    const relative = path.relative(root, document.fileName).split(path.sep).join('/');
    if (!isTestFileName(relative) || !buildsModel(document.getText())) {
      return [];
    }
    const command = testFileCommand(relative, readOrUndefined(path.join(root, 'package.json')));
    return [lens(0, 'Sanity-train this test', `Runs \`${command}\` and sanity-trains the first model the test trains`, command, vscode.Uri.file(root))];
  }
}

function lens(line: number, title: string, tooltip: string, command: string, folder: vscode.Uri): vscode.CodeLens {
  return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title: `$(beaker) ${title}`, tooltip, command: SANITY_FROM_SCRIPT_COMMAND, arguments: [command, folder] });
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
