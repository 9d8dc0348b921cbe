/**
 * Quantized saved models (tensorflowjs_converter --quantize_uint8/uint16/float16: manifest entries with
 * a `quantization` field) keep their quantization through a conversion. tfjs dequantizes on load and
 * saves float32, which would make the weights file 2-4x larger without a word; instead every output
 * weight whose name, shape and values are those of a quantized input weight gets the input's bytes and
 * quantization back, unchanged (lossless: the values were decoded from exactly those bytes). Weights the
 * conversion created (RunningBatchNorm's running state) stay float32, and the note says so and by how much
 * the file grew.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightSpec } from './model-json';

/** One weight's manifest entry with its bytes. */
export interface WeightBytes {
  spec: WeightSpec;
  bytes: Uint8Array;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

function byteLength(spec: WeightSpec): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return (BYTES[dtype] ?? 0) * spec.shape.reduce((n, d) => n * d, 1);
}

/** Splits concatenated weight data into one slice per spec (numeric dtypes only: strings return undefined). */
export function splitWeights(specs: readonly WeightSpec[], data: ArrayBuffer): WeightBytes[] | undefined {
  if (specs.some((s) => BYTES[s.quantization?.dtype ?? s.dtype] === undefined)) {
    return undefined;
  }
  let offset = 0;
  return specs.map((spec) => {
    const bytes = new Uint8Array(data, offset, byteLength(spec));
    offset += bytes.byteLength;
    return { spec, bytes };
  });
}

/** The values tfjs loads for one weight (dequantized), as float64 numbers. */
function decode(weight: WeightBytes): ArrayLike<number> {
  const buffer = weight.bytes.slice().buffer;
  const tensor = tf.io.decodeWeights(buffer, [weight.spec as tf.io.WeightsManifestEntry])[weight.spec.name]!;
  const values = tensor.dataSync() as ArrayLike<number>;
  tensor.dispose();
  return values;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) {
      return false;
    }
  }
  return true;
}

/** The output weights with the input's quantization restored where it applies, and a note when any input weight was quantized. */
export function keepQuantization(input: readonly WeightBytes[], output: readonly WeightBytes[]): { weights: WeightBytes[]; note?: string } {
  const quantized = new Map(input.filter((w) => w.spec.quantization !== undefined).map((w) => [w.spec.name, w]));
  if (quantized.size === 0) {
    return { weights: [...output] };
  }
  let kept = 0;
  const float: string[] = [];
  const weights = output.map((out) => {
    const original = quantized.get(out.spec.name);
    if (original && original.spec.dtype === out.spec.dtype && original.spec.shape.join() === out.spec.shape.join() && sameValues(decode(original), decode(out))) {
      kept++;
      return original;
    }
    float.push(out.spec.name);
    return out;
  });
  const dtypes = [...new Set([...quantized.values()].map((w) => w.spec.quantization!.dtype))].join('/');
  const size = (ws: readonly WeightBytes[]) => ws.reduce((n, w) => n + w.bytes.byteLength, 0);
  const before = size(input);
  const after = size(weights);
  const change = before > 0 ? ((after - before) / before) * 100 : 0;
  const growth = before > 0 ? ` (${change >= 0 ? '+' : '-'}${Math.abs(change).toFixed(1)}%)` : '';
  const floatValues = weights.filter((w) => float.includes(w.spec.name)).reduce((n, w) => n + w.spec.shape.reduce((p, d) => p * d, 1), 0);
  const rest = float.length === 0 ? '' : `; ${float.length} weight${float.length === 1 ? '' : 's'} the conversion created or changed (${floatValues.toLocaleString('en-US')} values: the batch-norm state) ${float.length === 1 ? 'is' : 'are'} float32`;
  return { weights, note: `kept the ${dtypes} quantization of ${kept} of ${quantized.size} quantized weight${quantized.size === 1 ? '' : 's'}${rest}: weights ${before.toLocaleString('en-US')} → ${after.toLocaleString('en-US')} bytes${growth}` };
}
