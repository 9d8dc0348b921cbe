/**
 * `rbn convert|revert <model.json>`: a saved tfjs Layers model converted (pure, in core) and written
 * atomically: into a new folder (written under a temporary name, then renamed), or with --in-place
 * beside the input (weights first, then model.json by rename, then the old shards removed). A bad
 * model writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as SavedModelModule from '../core/saved-model';
import { SavedModelError } from '../core/saved-model/saved-model-error';
import { writeFileAtomic } from '../core/workspace';
import { displayPath } from './paths';
import { withConsoleHeld } from './tfjs-console';

export interface SavedModelResult {
  file: string;
  converted: number;
  /** Where the converted model.json was (or, with --dry-run, would be) written. */
  output?: string;
  error?: string;
  /** What kind of failure (`--json`'s error.kind): badModel, unsafePath, exists, unreadable. */
  errorKind?: SavedModelModule.SavedModelErrorKind;
  /** What the conversion changed beyond the layers (dequantized weights and by how much they grew). */
  notes?: string[];
}

export interface SavedModelOptions {
  out?: string;
  inPlace: boolean;
  dryRun: boolean;
  /** Where tfjs's own console output goes (--verbose); dropped without it (tfjs-console.ts). */
  onTfjsConsole?: (text: string) => void;
}

/** Converts one saved model; never throws for bad input (the error is in the result). */
export async function convertSavedModelFile(input: string, cwd: string, direction: 'convert' | 'revert', options: SavedModelOptions): Promise<SavedModelResult> {
  const file = path.resolve(cwd, input);
  const shown = displayPath(file, cwd);
  // tfjs loads only for saved models, never for `rbn convert src/`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const core = require('../core/saved-model') as typeof SavedModelModule;
  // PROD silences tfjs's "install the node backend" banner, which would break the one-line error rule.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs')).env().set('PROD', true);
  try {
    const text = readText(file);
    const manifest = core.parseLayersModelJson(text).weightsManifest;
    // Every path is checked (lexically, then through links) before any shard is read.
    const shards = core.readShardsInside(file, manifest);
    const result = await withConsoleHeld(() => core.convertSavedModel(text, (p) => shards.get(p), direction), options.onTfjsConsole ?? (() => undefined));
    if (result.converted === 0) {
      return { file: shown, converted: 0, ...notesOf(result) };
    }
    const target = options.inPlace ? file : path.join(path.resolve(cwd, options.out ?? path.join(path.dirname(file), core.defaultOutputFolderName(path.basename(file), direction))), 'model.json');
    if (!options.inPlace && fs.existsSync(target)) {
      throw new core.SavedModelError(`${displayPath(target, cwd)} exists: not overwriting it (pass --out <folder> or --in-place)`, 'exists');
    }
    checkTargets(core, target, result.weightsFile.name);
    if (!options.dryRun) {
      if (options.inPlace) {
        writeInPlace(core, target, result, manifest);
      } else {
        writeNewFolder(target, result);
      }
    }
    return { file: shown, converted: result.converted, output: displayPath(target, cwd), ...notesOf(result) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const kind = error instanceof SavedModelError ? error.kind : 'badModel';
    return { file: shown, converted: 0, error: message.split('\n')[0]!, errorKind: kind };
  }
}

function notesOf(result: SavedModelModule.ConvertedSavedModel): { notes?: string[] } {
  return result.notes.length > 0 ? { notes: result.notes } : {};
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SavedModelError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'unreadable');
  }
}

/** A folder that does not exist yet is written whole under a temporary name and renamed into place. */
function writeNewFolder(target: string, result: SavedModelModule.ConvertedSavedModel): void {
  const dir = path.dirname(target);
  if (fs.existsSync(dir)) {
    writeFileAtomic(path.join(dir, result.weightsFile.name), result.weightsFile.data);
    writeFileAtomic(target, result.modelJson);
    return;
  }
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const temp = `${dir}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    fs.mkdirSync(temp);
    fs.writeFileSync(path.join(temp, result.weightsFile.name), result.weightsFile.data);
    fs.writeFileSync(path.join(temp, path.basename(target)), result.modelJson);
    fs.renameSync(temp, dir);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** The files about to be written (model.json, the weights file) must not be links out of their folder. */
function checkTargets(core: typeof SavedModelModule, target: string, weightsName: string): void {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) {
    return;
  }
  const real = fs.realpathSync(dir);
  core.checkWriteTarget(real, path.join(real, path.basename(target)));
  core.checkWriteTarget(real, path.join(real, weightsName));
}

/**
 * model.json's rename is the commit point; the shards it no longer lists go only after it, and only
 * those checked to lie inside the model's folder (links are removed, never their targets).
 */
function writeInPlace(core: typeof SavedModelModule, target: string, result: SavedModelModule.ConvertedSavedModel, oldManifest: ReadonlyArray<{ paths: readonly unknown[] }>): void {
  const dir = core.realModelFolder(target);
  const weights = path.join(dir, result.weightsFile.name);
  const modelJson = path.join(dir, path.basename(target));
  const stale = core.shardsToDelete(dir, oldManifest, [weights, modelJson]);
  writeFileAtomic(weights, result.weightsFile.data);
  writeFileAtomic(modelJson, result.modelJson);
  for (const shard of stale) {
    fs.rmSync(shard, { force: true });
  }
}
