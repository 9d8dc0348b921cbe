/**
 * What a snippet that calls `runningBatchNorm(…)` needs around it: the import of the vendored layer
 * (unless the file has one) and the layer file to create when the project has none. Pure, like the
 * refactorings; the editor adds the edit to the completion (one undo) and creates the file.
 */
import { parseAndFindUsages, RUNNING_BATCH_NORM } from '../analysis/usages/find-usages';
import { layerTfjsSpecifier, tfjsPackageOf } from '../analysis/usages/tfjs-values';
import { isTypeScriptFile } from '../analysis/typescript';
import * as path from 'node:path';
import { renderVendoredLayer, VENDOR_EXTENSIONS } from '../../layer/vendor';
import { LAYER_BASE_NAME } from './layer-path';
import { findFactoryBinding } from './bindings';
import { detectModuleStyle, importInsertion, importSpecifierFor, importStatementText, moduleSpecifiersOf } from './module-style';
import type { LayerFileToCreate, TextEdit } from './types';

export interface LayerImport {
  /** The import statement to add; absent when the file imports runningBatchNorm already. */
  edit?: TextEdit;
  /** Absent when the code imports the layer's npm package (the project depends on it). */
  layerFile?: LayerFileToCreate;
  /**
   * A browser script on the global `tf`: it cannot import, so snippets call `tf.runningBatchNorm(…)`
   * and `layerFile` is the browser script, which its page loads with a <script> tag.
   */
  globalTf?: boolean;
}

/** The import and layer file for `runningBatchNorm` in `code`; undefined while the file does not parse. */
export function layerImportFor(input: { code: string; fileName: string; layerFilePath: string; layerPackage?: string }): LayerImport | undefined {
  const parsed = parseAndFindUsages(input.code, input.fileName);
  if (parsed.error) {
    return undefined;
  }
  const { ts: t, sourceFile } = parsed;
  if (parsed.evaluator.globalTf && !findFactoryBinding(parsed)) {
    const browserScript = path.join(path.dirname(input.fileName), `${LAYER_BASE_NAME}${VENDOR_EXTENSIONS.script}`);
    return { layerFile: { path: browserScript, content: renderVendoredLayer('script', '@tensorflow/tfjs') }, globalTf: true };
  }
  const style = detectModuleStyle(t, sourceFile, input.fileName);
  const specifiers = moduleSpecifiersOf(t, sourceFile);
  const tfjs = specifiers.map(tfjsPackageOf).find((m) => m !== undefined) ?? null;
  const flavor = isTypeScriptFile(input.fileName) ? 'ts' : style.esm ? 'esm' : 'cjs';
  const layerFile = input.layerPackage ? undefined : { path: input.layerFilePath, content: renderVendoredLayer(flavor, layerTfjsSpecifier(tfjs, specifiers)) };
  const file = layerFile ? { layerFile } : {};
  if (findFactoryBinding(parsed)) {
    return file;
  }
  const specifier = input.layerPackage ?? importSpecifierFor(input.fileName, input.layerFilePath, style);
  return { edit: importInsertion(t, sourceFile, style, importStatementText([RUNNING_BATCH_NORM], specifier, style)), ...file };
}
