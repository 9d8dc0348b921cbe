/**
 * `rbn convert|revert <model.json>`: a saved tfjs Layers model converted (pure, in core) and written
 * atomically: into a new folder (written under a temporary name, then renamed), or with --in-place
 * beside the input (weights first, then model.json by rename, then the old shards removed). A bad
 * model writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as SavedModelModule from '../core/saved-model';
import { writeFileAtomic } from '../core/workspace';
import { displayPath } from './paths';

export interface SavedModelResult {
  file: string;
  converted: number;
  /** Where the converted model.json was (or, with --dry-run, would be) written. */
  output?: string;
  error?: string;
}

export interface SavedModelOptions {
  out?: string;
  inPlace: boolean;
  dryRun: boolean;
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
    const readShard = (p: string): Uint8Array | undefined => readOptional(path.resolve(path.dirname(file), p));
    const result = await core.convertSavedModel(text, readShard, direction);
    if (result.converted === 0) {
      return { file: shown, converted: 0 };
    }
    const target = options.inPlace ? file : path.join(path.resolve(cwd, options.out ?? path.join(path.dirname(file), core.defaultOutputFolderName(path.basename(file), direction))), 'model.json');
    if (!options.inPlace && fs.existsSync(target)) {
      throw new core.SavedModelError(`${displayPath(target, cwd)} exists: not overwriting it (pass --out <folder> or --in-place)`);
    }
    if (!options.dryRun) {
      (options.inPlace ? writeInPlace : writeNewFolder)(target, result, text);
    }
    return { file: shown, converted: result.converted, output: displayPath(target, cwd) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { file: shown, converted: 0, error: message.split('\n')[0]! };
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function readOptional(file: string): Uint8Array | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
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

/** model.json's rename is the commit point; the shards it no longer lists go only after it. */
function writeInPlace(target: string, result: SavedModelModule.ConvertedSavedModel, oldText: string): void {
  const dir = path.dirname(target);
  writeFileAtomic(path.join(dir, result.weightsFile.name), result.weightsFile.data);
  writeFileAtomic(target, result.modelJson);
  const old = JSON.parse(oldText) as { weightsManifest: Array<{ paths: string[] }> };
  for (const shard of old.weightsManifest.flatMap((g) => g.paths)) {
    if (shard !== result.weightsFile.name) {
      fs.rmSync(path.resolve(dir, shard), { force: true });
    }
  }
}
