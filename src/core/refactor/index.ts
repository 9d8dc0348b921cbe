/**
 * The refactorings (design.md): pure functions from `{ code, fileName, range?, layerFilePath }` to text
 * edits or a reason. Adapters apply the edits and create `layerFile` when it does not exist yet.
 */
export { convertToRunningBatchNorm } from './convert';
export { revertToBatchNormalization } from './revert';
export { resolveLayerFilePath, layerExtensionFor, LAYER_BASE_NAME } from './layer-path';
export { applyTextEdits, linesAfterEdits } from './text-edits';
export { UNUSED_BY_BATCH_NORMALIZATION, UNUSED_BY_RUNNING_BATCH_NORM } from './args';
export type { LayerFileToCreate, OffsetRange, RefactorInput, RefactorResult, SkippedUsage, TextEdit } from './types';
export { addLayerScriptTags, isTfjsScriptSrc, LAYER_SCRIPT_NAME, removeLayerScriptTags, resolveScriptSrc, scriptTags, USES_LAYER_SCRIPT, type HtmlPage, type PageEdits, type UnloadedScript } from './html-pages';
export { layerImportFor, type LayerImport } from './layer-import';
