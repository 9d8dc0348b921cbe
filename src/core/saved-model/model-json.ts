/**
 * Reading a saved tfjs Layers model: its model.json (topology and weights manifest) and its weight
 * shards, checked so that every bad input gets one line that says what it is and what to do.
 */
import { SavedModelError } from './saved-model-error';
import { checkManifestPaths } from './shard-paths';

export { SavedModelError, type SavedModelErrorKind } from './saved-model-error';

/** One entry of a weights manifest (tfjs `WeightsManifestEntry`, the fields this code reads). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
  [key: string]: unknown;
}

/** A model.json of a tfjs Layers model (`tf.LayersModel.save`, or tensorflowjs_converter's tfjs_layers_model). */
export interface LayersModelJson {
  /** The Keras model config, or tensorflowjs_converter's `{ model_config, keras_version, … }` around it. */
  modelTopology: { [key: string]: unknown };
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
  format?: string;
  [key: string]: unknown;
}

/** Parses and checks a model.json; throws SavedModelError for anything that is not a Layers model. */
export function parseLayersModelJson(text: string): LayersModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SavedModelError(`not a model.json: invalid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SavedModelError('not a model.json: expected a JSON object with modelTopology and weightsManifest');
  }
  const model = json as Record<string, unknown>;
  if (model['format'] === 'graph-model') {
    throw new SavedModelError('a tfjs graph model (tfjs-converter format "graph-model") has no layers to convert: only tfjs Layers models (format "layers-model") can be');
  }
  if (model['modelTopology'] === undefined && typeof model['class_name'] === 'string') {
    throw new SavedModelError('a Keras model config (model.to_json()), not a tfjs Layers model: convert it with tensorflowjs_converter --output_format tfjs_layers_model first');
  }
  const topology = model['modelTopology'] as Record<string, unknown> | undefined;
  if (topology === undefined || topology === null || typeof topology !== 'object') {
    throw new SavedModelError('not a tfjs Layers model: model.json has no modelTopology');
  }
  // tensorflowjs_converter wraps the Keras config: { keras_version, backend, model_config: { class_name, … } }.
  const config = (topology['model_config'] ?? topology) as Record<string, unknown>;
  if (config === null || typeof config !== 'object' || typeof config['class_name'] !== 'string') {
    const hint = topology['node'] !== undefined ? ' (it looks like a graph model)' : '';
    throw new SavedModelError(`not a tfjs Layers model: modelTopology has no class_name${hint}`);
  }
  const manifest = model['weightsManifest'];
  if (!Array.isArray(manifest) || !manifest.every((g) => g !== null && typeof g === 'object' && Array.isArray(g.paths) && Array.isArray(g.weights))) {
    throw new SavedModelError('not a tfjs Layers model: model.json has no weightsManifest of { paths, weights } groups');
  }
  for (const group of manifest as Array<{ weights: unknown[] }>) {
    group.weights.forEach(checkWeightSpec);
  }
  return json as LayersModelJson;
}

/** Dtypes a Layers model's weights may have, and the storage dtypes of quantized ones. */
const DTYPES = new Set(['float32', 'int32', 'bool', 'complex64', 'string']);
const QUANTIZED_DTYPES = new Set(['uint8', 'uint16', 'float16']);
/** A weight of more elements than this is not a real model's (2^31 float32 is 8 GB). */
const MAX_ELEMENTS = 2 ** 31;

/** One manifest entry's fields, checked before tfjs sees them (tfjs would throw deep inside, or allocate). */
function checkWeightSpec(spec: unknown): void {
  const entry = spec as Partial<WeightSpec> | null;
  const name = typeof entry?.name === 'string' ? entry.name : undefined;
  const what = `weightsManifest entry ${name === undefined ? JSON.stringify(spec)?.slice(0, 60) : JSON.stringify(name)}`;
  if (entry === null || typeof entry !== 'object' || name === undefined) {
    throw new SavedModelError(`not a tfjs Layers model: ${what} has no name`);
  }
  if (!Array.isArray(entry.shape) || !entry.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new SavedModelError(`not a tfjs Layers model: ${what} has shape ${JSON.stringify(entry.shape)}, not a list of sizes`);
  }
  if (entry.shape.reduce((n, d) => n * d, 1) > MAX_ELEMENTS) {
    throw new SavedModelError(`${what} declares shape [${entry.shape.join(', ')}], more than 2^31 elements: not a model this tool converts`);
  }
  if (typeof entry.dtype !== 'string' || !DTYPES.has(entry.dtype)) {
    throw new SavedModelError(`not a tfjs Layers model: ${what} has dtype ${JSON.stringify(entry.dtype)} (expected float32, int32, bool, complex64 or string)`);
  }
  const quantization = entry.quantization as { dtype?: unknown } | undefined;
  if (quantization !== undefined && (quantization === null || typeof quantization !== 'object' || typeof quantization.dtype !== 'string' || !QUANTIZED_DTYPES.has(quantization.dtype))) {
    throw new SavedModelError(`not a tfjs Layers model: ${what} has quantization ${JSON.stringify(quantization)} (expected dtype uint8, uint16 or float16)`);
  }
}

/** Bytes per element of a manifest entry, or undefined where it cannot be known (strings). */
function bytesPerElement(spec: WeightSpec): number | undefined {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const sizes: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };
  return sizes[dtype];
}

/**
 * The weights in manifest order with their bytes, concatenated from the shards `readShard` returns
 * (undefined: missing). Throws SavedModelError for a missing or short shard.
 */
export function readWeightData(model: LayersModelJson, readShard: (path: string) => Uint8Array | undefined): { specs: WeightSpec[]; data: ArrayBuffer } {
  // Whatever the caller checked, nothing outside the model's folder is asked for.
  checkManifestPaths(model.weightsManifest);
  const parts: Uint8Array[] = [];
  const specs: WeightSpec[] = [];
  for (const group of model.weightsManifest) {
    if (group.paths.length === 0 && group.weights.length > 0) {
      throw new SavedModelError(`not a tfjs Layers model: a weightsManifest group lists ${group.weights.length} weight${group.weights.length === 1 ? '' : 's'} (${group.weights[0]!.name}, …) but no weights file`);
    }
    const shards = group.paths.map((p) => {
      const bytes = readShard(p);
      if (bytes === undefined) {
        throw new SavedModelError(`weights file ${p} is missing (model.json lists it in weightsManifest)`);
      }
      return bytes;
    });
    const have = shards.reduce((n, s) => n + s.byteLength, 0);
    const need = group.weights.reduce((n, w) => n + (bytesPerElement(w) ?? 0) * w.shape.reduce((p, d) => p * d, 1), 0);
    if (group.weights.every((w) => bytesPerElement(w) !== undefined) && have < need) {
      throw new SavedModelError(`weights file${group.paths.length === 1 ? '' : 's'} ${group.paths.join(', ')} hold${group.paths.length === 1 ? 's' : ''} ${have} bytes, the manifest needs ${need}: truncated or from another model`);
    }
    // Weights are read group by group; a longer group would shift every later weight, so cut it.
    const known = group.weights.every((w) => bytesPerElement(w) !== undefined);
    parts.push(...(known && have > need ? [concatenate(shards).subarray(0, need)] : shards));
    specs.push(...group.weights);
  }
  const data = concatenate(parts);
  return { specs, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer };
}

function concatenate(parts: Uint8Array[]): Uint8Array {
  const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.byteLength;
  }
  return data;
}
