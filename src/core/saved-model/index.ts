/** Saved-model conversion: a saved tfjs Layers model in, the converted model.json and weights out. */
export { SavedModelError, parseLayersModelJson, readWeightData, type LayersModelJson, type WeightSpec } from './model-json';
export { convertSavedModel, defaultOutputFolderName, weightsFileName, type ConvertedSavedModel, type SavedModelDirection } from './convert-saved-model';
