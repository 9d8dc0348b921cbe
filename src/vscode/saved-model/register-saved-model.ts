/**
 * Explorer → right-click a model.json → "Convert Saved Model to RunningBatchNorm" (and back): the
 * core converts the saved tfjs Layers model (tfjs loads on first use only); the result goes to
 * `<name>-rbn/` beside it, written under a temporary folder name through workspace.fs and renamed
 * into place, so a failure leaves nothing behind and an existing folder is never overwritten.
 */
import * as vscode from 'vscode';
import type * as SavedModelModule from '../../core/saved-model';

export const CONVERT_SAVED_MODEL_COMMAND = 'runningBatchNorm.convertSavedModel';
export const REVERT_SAVED_MODEL_COMMAND = 'runningBatchNorm.revertSavedModel';

type Direction = SavedModelModule.SavedModelDirection;

/** What a run did, for the message and for tests. */
export interface SavedModelOutcome {
  applied: boolean;
  converted: number;
  message: string;
  /** The written model.json. */
  output?: vscode.Uri;
}

export function registerSavedModel(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const command = (direction: Direction) => async (uri?: vscode.Uri): Promise<SavedModelOutcome> => {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    let outcome: SavedModelOutcome;
    try {
      outcome = target ? await convertSavedModelUri(target, direction) : { applied: false, converted: 0, message: 'Right-click a model.json (a saved tfjs Layers model) in the explorer to convert it.' };
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      outcome = { applied: false, converted: 0, message: `Could not convert ${target ? vscode.workspace.asRelativePath(target) : 'the model'}: ${reason}` };
    }
    (outcome.applied ? log.info : log.warn).call(log, outcome.message);
    // Not awaited: the command finishes while the message is still up.
    void (outcome.applied ? vscode.window.showInformationMessage(outcome.message) : vscode.window.showWarningMessage(outcome.message));
    return outcome;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(CONVERT_SAVED_MODEL_COMMAND, command('convert')),
    vscode.commands.registerCommand(REVERT_SAVED_MODEL_COMMAND, command('revert')),
  );
}

async function convertSavedModelUri(uri: vscode.Uri, direction: Direction): Promise<SavedModelOutcome> {
  const core = await import('../../core/saved-model');
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const dir = vscode.Uri.joinPath(uri, '..');
  const shards = await readShards(core, uri, core.parseLayersModelJson(text).weightsManifest);
  const result = await core.convertSavedModel(text, (p) => shards.get(p), direction);
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  if (result.converted === 0) {
    return { applied: false, converted: 0, message: `${name} has no ${direction === 'convert' ? 'BatchNormalization' : 'RunningBatchNorm'} layer to convert.` };
  }
  const folder = vscode.Uri.joinPath(dir, core.defaultOutputFolderName(name, direction));
  if (await readOptionalStat(folder)) {
    return { applied: false, converted: 0, message: `${vscode.workspace.asRelativePath(folder)} exists: not overwriting it. Rename or delete it, or use \`rbn ${direction} ${name} --out <folder>\`.` };
  }
  const temp = vscode.Uri.joinPath(dir, `.${core.defaultOutputFolderName(name, direction)}.${Date.now().toString(36)}.tmp`);
  try {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(temp, result.weightsFile.name), result.weightsFile.data);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(temp, 'model.json'), new TextEncoder().encode(result.modelJson));
    await vscode.workspace.fs.rename(temp, folder, { overwrite: false });
  } catch (error) {
    await vscode.workspace.fs.delete(temp, { recursive: true, useTrash: false }).then(undefined, () => undefined);
    throw error;
  }
  const layers = `${result.converted} ${direction === 'convert' ? 'BatchNorm layer' : 'RunningBatchNorm layer'}${result.converted === 1 ? '' : 's'}`;
  const output = vscode.Uri.joinPath(folder, 'model.json');
  const notes = result.notes.map((n) => ` Note: ${n}.`).join('');
  return { applied: true, converted: result.converted, output, message: `Converted ${layers} of ${name}: wrote ${vscode.workspace.asRelativePath(output)} (the original is unchanged).${notes}` };
}

/**
 * The weights files, every path checked first (nothing is read when one is refused): a local model
 * through the core's checks, links resolved as the CLI does; a model on another file system (remote,
 * virtual) by its paths alone, which that file system resolves.
 */
async function readShards(core: typeof SavedModelModule, uri: vscode.Uri, manifest: ReadonlyArray<{ paths: readonly unknown[] }>): Promise<Map<string, Uint8Array>> {
  if (uri.scheme === 'file') {
    return core.readShardsInside(uri.fsPath, manifest);
  }
  const dir = vscode.Uri.joinPath(uri, '..');
  const shards = new Map<string, Uint8Array>();
  for (const p of core.checkManifestPaths(manifest, uri.path.slice(uri.path.lastIndexOf('/') + 1))) {
    const bytes = await readOptional(vscode.Uri.joinPath(dir, p));
    if (bytes) {
      shards.set(p, bytes);
    }
  }
  return shards;
}

async function readOptional(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined;
  }
}

async function readOptionalStat(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
}
