/**
 * Converting a saved tfjs Layers model: every BatchNormalization becomes a RunningBatchNorm (convert)
 * or back (revert), through the layer module's runningBatchNormify/batchNormify, the implementation
 * users call in code. The model is instantiated in memory (tfjs, cpu) rather than rewritten as JSON
 * because each running state's element count depends on the layer's input shape, which only a built
 * model knows; it also keeps the CLI, the editor and the API giving exactly the same result.
 * Pure: files in, files out as data; callers write them atomically.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormify, runningBatchNormify } from '../../layer/running-batch-norm';
import { SavedModelError, parseLayersModelJson, readWeightData, type WeightSpec } from './model-json';
import { keepQuantization, splitWeights } from './quantization';

export type SavedModelDirection = 'convert' | 'revert';

/** The converted model: model.json's text and the weight file it references. */
export interface ConvertedSavedModel {
  modelJson: string;
  weightsFile: { name: string; data: Uint8Array };
  /** Layers that changed class. */
  converted: number;
  /** What else changed that a user should know (a quantized model's weights, kept or grown), one line each. */
  notes: string[];
}

/** The weight file a converted model.json references (one shard, beside it). */
export function weightsFileName(direction: SavedModelDirection): string {
  return direction === 'convert' ? 'rbn-weights.bin' : 'bn-weights.bin';
}

/** The folder a conversion writes to when none is given: `<name>-rbn` (`<name>-bn` for revert) beside the input. */
export function defaultOutputFolderName(modelJsonFileName: string, direction: SavedModelDirection): string {
  const name = modelJsonFileName.replace(/\.json$/i, '');
  return `${name}-${direction === 'convert' ? 'rbn' : 'bn'}`;
}

/**
 * Converts a saved model. `readShard` returns a weight file's bytes by its manifest path (relative to
 * model.json), undefined when missing. Throws SavedModelError with a one-line message for bad input.
 */
export async function convertSavedModel(modelJsonText: string, readShard: (path: string) => Uint8Array | undefined, direction: SavedModelDirection): Promise<ConvertedSavedModel> {
  const json = parseLayersModelJson(modelJsonText);
  const { specs, data } = readWeightData(json, readShard);
  const model = await loadModel(json.modelTopology, specs, data);
  const from = direction === 'convert' ? 'BatchNormalization' : 'RunningBatchNorm';
  const converted = countLayers(model, from);
  const copy = direction === 'convert' ? runningBatchNormify(model) : batchNormify(model);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await copy.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  }));
  model.dispose();
  copy.dispose();
  const weightData = artifacts!.weightData === undefined ? new ArrayBuffer(0) : tf.io.concatenateArrayBuffers(Array.isArray(artifacts!.weightData) ? artifacts!.weightData : [artifacts!.weightData]);
  const weights = withQuantization(specs, data, (artifacts!.weightSpecs ?? []) as WeightSpec[], weightData);
  const name = weightsFileName(direction);
  // Everything the input had besides topology and weights (trainingConfig, userDefinedMetadata, …) stays.
  const out = {
    ...json,
    format: 'layers-model',
    generatedBy: json['generatedBy'] ?? artifacts!.generatedBy,
    convertedBy: `running-batch-norm rbn ${direction}`,
    modelTopology: artifacts!.modelTopology,
    weightsManifest: [{ paths: [name], weights: weights.specs }],
  };
  return { modelJson: `${JSON.stringify(out)}\n`, weightsFile: { name, data: weights.data }, converted, notes: weights.note ? [weights.note] : [] };
}

/** The output's specs and bytes, with the input's quantization kept where the values did not change (quantization.ts). */
function withQuantization(inputSpecs: WeightSpec[], inputData: ArrayBuffer, outputSpecs: WeightSpec[], outputData: ArrayBuffer): { specs: WeightSpec[]; data: Uint8Array; note?: string } {
  const input = splitWeights(inputSpecs, inputData);
  const output = splitWeights(outputSpecs, outputData);
  if (!input || !output || !inputSpecs.some((s) => s.quantization !== undefined)) {
    return { specs: outputSpecs, data: new Uint8Array(outputData) };
  }
  const kept = keepQuantization(input, output);
  const data = new Uint8Array(kept.weights.reduce((n, w) => n + w.bytes.byteLength, 0));
  let offset = 0;
  for (const w of kept.weights) {
    data.set(w.bytes, offset);
    offset += w.bytes.byteLength;
  }
  return { specs: kept.weights.map((w) => w.spec), data, note: kept.note };
}

async function loadModel(topology: object, specs: tf.io.WeightsManifestEntry[] | object[], data: ArrayBuffer): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData: data }));
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new SavedModelError(`the model does not load in TensorFlow.js: ${message}`);
  }
}

function countLayers(model: tf.LayersModel, className: string): number {
  return model.layers.reduce((n, l) => n + (l.getClassName() === className ? 1 : 0) + (l instanceof tf.LayersModel ? countLayers(l, className) : 0), 0);
}
