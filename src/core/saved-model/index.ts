/** Saved-model conversion: a saved tfjs Layers model in, the converted model.json and weights out. */
export { SavedModelError, parseLayersModelJson, readWeightData, type LayersModelJson, type SavedModelErrorKind, type WeightSpec } from './model-json';
export { convertSavedModel, defaultOutputFolderName, weightsFileName, type ConvertedSavedModel, type SavedModelDirection } from './convert-saved-model';
export { checkManifestPaths, describeUnsafePath } from './shard-paths';
export { checkWriteTarget, isInside, readShardsInside, realModelFolder, shardsToDelete } from './shard-files';
