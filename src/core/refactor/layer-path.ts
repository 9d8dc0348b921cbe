import * as path from 'node:path';
import { isTypeScriptFile } from '../analysis/typescript';

/** The vendored layer's base file name. */
export const LAYER_BASE_NAME = 'running-batch-norm';

/** The layer file extension a source file can import: `.ts` for TypeScript, else the JS flavour's own. */
export function layerExtensionFor(fileName: string): '.ts' | '.js' | '.mjs' | '.cjs' {
  if (isTypeScriptFile(fileName)) {
    return '.ts';
  }
  const ext = path.extname(fileName).toLowerCase();
  return ext === '.mjs' || ext === '.cjs' ? ext : '.js';
}

/**
 * Where the vendored layer file for `fileName` lives (absolute path).
 * Defaults to `running-batch-norm.<ext>` next to the user's model code. `setting` is a user-configured
 * path, relative to `workspaceRoot` (or absolute): a folder, or a file whose extension is then adapted
 * to what `fileName` can import (a JS file cannot import `.ts`).
 */
export function resolveLayerFilePath(opts: { fileName: string; workspaceRoot?: string; setting?: string }): string {
  const ext = layerExtensionFor(opts.fileName);
  const setting = opts.setting?.trim();
  if (!setting) {
    return path.join(path.dirname(opts.fileName), LAYER_BASE_NAME + ext);
  }
  const base = opts.workspaceRoot ?? path.dirname(opts.fileName);
  const target = path.resolve(base, setting);
  if (/\.(ts|js|mjs|cjs|mts|cts)$/i.test(target)) {
    return target.replace(/\.(ts|js|mjs|cjs|mts|cts)$/i, ext);
  }
  return path.join(target, LAYER_BASE_NAME + ext);
}
