import * as tf from '@tensorflow/tfjs';
import { activateWasmBackend } from '../../../src/worker/backends/wasm-setup';
import { createRandom } from '../../../src/worker/random';

/** Seeded uniform values in [-1, 1), rounded to float32 so the float64 references see the same inputs. */
export function randomValues(size: number, seed: number): Float64Array {
  const random = createRandom(seed);
  return Float64Array.from({ length: size }, () => Math.fround(random() * 2 - 1));
}

export interface HostTensor {
  values: Float64Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

/** Runs one kernel on one backend and returns its output values; checks that the kernel leaks nothing. */
export async function runKernelOn(
  backendName: 'wasm' | 'cpu', kernelName: string, inputs: Record<string, HostTensor>, attrs: Record<string, unknown>,
): Promise<{ values: Float32Array | Int32Array; shape: number[]; leakedDataIds: number }> {
  await tf.setBackend(backendName);
  const dataIdsAtStart = tf.engine().backend.numDataIds();
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([name, t]) => [name, tf.tensor(t.values instanceof Int32Array ? t.values : Float32Array.from(t.values), t.shape, t.dtype ?? 'float32')]),
  );
  const output = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = output.dataSync() as Float32Array | Int32Array;
  const shape = output.shape;
  output.dispose();
  Object.values(tensors).forEach((t) => t.dispose());
  // Counted once everything is disposed: an intermediate never freed, and an output holding one reference too many, both stay.
  const leakedDataIds = tf.engine().backend.numDataIds() - dataIdsAtStart;
  return { values, shape, leakedDataIds };
}

/** max |actual − expected| / max |expected|: the error relative to the result's scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    return Infinity;
  }
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}

/** NHWC → NCHW (or any 4-D permutation) of a flat array. */
export function transpose4d(values: ArrayLike<number>, shape: number[], perm: number[]): Float64Array {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const out = new Float64Array(values.length);
  let n = 0;
  for (let a = 0; a < outShape[0]; a++) {
    for (let b = 0; b < outShape[1]; b++) {
      for (let c = 0; c < outShape[2]; c++) {
        for (let d = 0; d < outShape[3]; d++) {
          const index = [a, b, c, d];
          let source = 0;
          perm.forEach((p, i) => {
            source += index[i] * inStrides[p];
          });
          out[n++] = values[source];
        }
      }
    }
  }
  return out;
}

let wasmReady: Promise<void> | undefined;

/** Starts the wasm backend (with the training kernels) once per test process. */
export function useWasmBackend(): Promise<void> {
  wasmReady ??= activateWasmBackend(tf, { threads: 1 }).then(() => undefined);
  return wasmReady;
}
