/**
 * Saved tfjs Layers models for the saved-model tests and the fuzz: built in memory, written as tfjs's
 * file writer does (model.json plus shards named in weightsManifest), optionally quantized the way
 * tensorflowjs_converter writes it (uint8/uint16 with scale and min, or float16), and read back by an
 * independent loader.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Quantization = 'uint8' | 'uint16' | 'float16';

/** A nested model with BatchNormalization at rank 4 and rank 2, with trained-looking statistics. */
export function buildNestedModel(): tf.LayersModel {
  const features = tf.sequential({
    name: 'features',
    layers: [
      tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.batchNormalization({ epsilon: 1e-3 }),
      tf.layers.reLU(),
      tf.layers.flatten(),
    ],
  });
  const input = tf.input({ shape: [5, 5, 2] });
  const hidden = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(features.apply(input)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.batchNormalization({ momentum: 0.9 }).apply(hidden) as tf.SymbolicTensor });
  randomizeStatistics([features.layers[1]!, model.layers[3]!], 10);
  return model;
}

/** A flat Sequential model: dense → BatchNorm → dense, input [6]. */
export function buildDenseModel(seed = 3): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 5, kernelInitializer: tf.initializers.glorotNormal({ seed }) }),
      tf.layers.batchNormalization(),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
    ],
  });
  randomizeStatistics([model.layers[1]!], seed * 10);
  return model;
}

function randomizeStatistics(layers: tf.layers.Layer[], seed: number): void {
  for (const layer of layers) {
    layer.setWeights(layer.weights.map((w) => (w.name.endsWith('variance') ? tf.randomUniform(w.shape as number[], 0.3, 2, 'float32', seed++) : tf.randomNormal(w.shape as number[], 0.5, 0.8, 'float32', seed++))));
  }
}

/** The model's topology and weights as tfjs saves them. */
export async function artifactsOf(model: tf.LayersModel): Promise<{ topology: object; specs: tf.io.WeightsManifestEntry[]; data: Uint8Array }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  }));
  const data = tf.io.concatenateArrayBuffers([saved!.weightData as ArrayBuffer]);
  return { topology: saved!.modelTopology as object, specs: saved!.weightSpecs!, data: new Uint8Array(data) };
}

/** float32 → IEEE half (round to nearest even), as numpy's astype(float16) writes it. */
function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  const mantissa = x & 0x7fffff;
  if (exponent >= 31) {
    return sign | 0x7c00 | (((x >>> 23) & 0xff) === 0xff && mantissa !== 0 ? 0x200 : 0);
  }
  if (exponent <= 0) {
    if (exponent < -10) {
      return sign;
    }
    const m = (mantissa | 0x800000) >>> (1 - exponent);
    return sign | ((m + 0xfff + ((m >>> 13) & 1)) >>> 13);
  }
  const rounded = (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && (rounded & 1) === 1) ? rounded + 1 : rounded);
}

/** Quantizes float32 weights as tensorflowjs_converter does (affine uint8/uint16, or float16). */
export function quantize(specs: tf.io.WeightsManifestEntry[], data: Uint8Array, dtype: Quantization): { specs: tf.io.WeightsManifestEntry[]; data: Uint8Array } {
  const floats = new Float32Array(data.slice().buffer);
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const values = floats.subarray(offset, offset + n);
    offset += n;
    if (dtype === 'float16') {
      parts.push(new Uint8Array(Uint16Array.from(values, toHalf).buffer));
      outSpecs.push({ ...spec, quantization: { dtype } });
      continue;
    }
    const levels = dtype === 'uint8' ? 255 : 65535;
    const min = values.reduce((a, b) => Math.min(a, b), Infinity);
    const max = values.reduce((a, b) => Math.max(a, b), -Infinity);
    const scale = max > min ? (max - min) / levels : 1;
    const q = Array.from(values, (v) => Math.round((v - min) / scale));
    parts.push(new Uint8Array((dtype === 'uint8' ? Uint8Array.from(q) : Uint16Array.from(q)).buffer));
    outSpecs.push({ ...spec, quantization: { dtype, scale, min } });
  }
  return { specs: outSpecs, data: Buffer.concat(parts) };
}

/** Writes model.json and one shard (`group1-shard1of1.bin`) into `dir`; quantized when asked. */
export async function saveModel(model: tf.LayersModel, dir: string, quantization?: Quantization): Promise<void> {
  const saved = await artifactsOf(model);
  const { specs, data } = quantization ? quantize(saved.specs, saved.data, quantization) : saved;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), data);
  const manifest = [{ paths: ['group1-shard1of1.bin'], weights: specs }];
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', generatedBy: 'test', modelTopology: saved.topology, weightsManifest: manifest }));
}

/** Loads model.json and its shards from a folder (an independent reader, as tfjs's file loader). */
export async function loadModel(modelJson: string): Promise<tf.LayersModel> {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as { modelTopology: object; weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }> };
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelJson), p))));
  const joined = Buffer.concat(shards);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}

export function classNames(model: tf.LayersModel): string[] {
  return model.layers.flatMap((l) => (l instanceof tf.LayersModel ? classNames(l) : [l.getClassName()]));
}

/** Predictions on one fixed batch agree within float32 tolerance. */
export function assertSamePredictions(actual: tf.LayersModel, expected: tf.LayersModel, message = ''): void {
  const shape = [4, ...(expected.inputs[0]!.shape.slice(1) as number[])];
  const x = tf.randomNormal(shape, 0.3, 1.5, 'float32', 99);
  const a = (actual.predict(x) as tf.Tensor).dataSync();
  const e = (expected.predict(x) as tf.Tensor).dataSync();
  assert.equal(a.length, e.length);
  e.forEach((v, i) => assert.ok(Object.is(a[i], v) || Math.abs(a[i]! - v) <= 1e-5 + 1e-4 * Math.abs(v), `${message}element ${i}: ${a[i]} vs ${v}`));
  x.dispose();
}

/** Every file under a folder with its bytes (links as their target's name), to show that nothing was written. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) {
      out[path.relative(dir, full)] = `link:${fs.readlinkSync(full)}`;
    } else if (entry.isFile()) {
      out[path.relative(dir, full)] = fs.readFileSync(full).toString('base64');
    }
  }
  return out;
}
