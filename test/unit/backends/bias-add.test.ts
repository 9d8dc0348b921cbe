import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { tensorAndVector } from '../../../src/worker/backends/wasm-kernels/bias-add';
import { SIMD_SWITCH_VARIABLE } from '../../../src/worker/backends/wasm-kernels/simd/simd-module';
import { randomValues, useWasmBackend } from './kernel-harness';

/**
 * wasm Add where one operand is a per-channel vector of the other's last axis (a layer's bias): the
 * SIMD module's rows equal the native broadcasting kernel bit for bit, at 1–3 channels (scalar
 * only), 4 and 8 (SIMD only) and 5, 6, 7, 9, 13 (both), either operand order; other adds keep the
 * native kernel.
 */
const cases: { a: number[]; b: number[] }[] = [
  { a: [3, 1], b: [1] },
  { a: [2, 5, 2], b: [2] },
  { a: [1, 3, 3, 3], b: [1, 1, 1, 3] },
  { a: [2, 4, 4, 4], b: [4] },
  { a: [3, 7, 7, 8], b: [1, 1, 1, 8] },
  { a: [5], b: [5] }, // rank 1: native
  { a: [4, 5], b: [1, 5] },
  { a: [1, 6], b: [2, 3, 6] }, // the vector has the larger rank: native broadcast
  { a: [7], b: [2, 9, 7] },
  { a: [1, 1, 1, 9], b: [2, 3, 3, 9] },
  { a: [2, 3, 13], b: [13] },
  { a: [2, 3, 4], b: [3, 1] }, // not a channel vector: native
  { a: [2, 3, 4], b: [2, 3, 4] }, // same shape: native
];

function values(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(Float32Array.from(randomValues(shape.reduce((x, y) => x * y, 1), seed), (v) => v * 100), shape);
}

describe('wasm Add of a per-channel vector (bias) by the SIMD module', () => {
  before(async () => {
    await useWasmBackend();
    await tf.setBackend('wasm');
  });

  for (const c of cases) {
    it(`${c.a.join('×')} + ${c.b.join('×')}: equal to the native kernel bit for bit, shape included`, async () => {
      const [a, b] = [values(c.a, 90), values(c.b, 91)];
      const before = tf.engine().backend.numDataIds();
      const ours = tf.add(a, b);
      assert.equal(tf.engine().backend.numDataIds() - before, 1, 'the kernel leaked heap data');
      process.env[SIMD_SWITCH_VARIABLE] = 'off';
      let native: tf.Tensor;
      try {
        native = tf.add(a, b);
      } finally {
        delete process.env[SIMD_SWITCH_VARIABLE];
      }
      assert.deepEqual(ours.shape, native.shape);
      assert.deepEqual(ours.dataSync(), native.dataSync());
      // And tfjs's cpu backend (float32 adds too).
      await tf.setBackend('cpu');
      const onCpu = tf.tidy(() => tf.add(tf.tensor(a.dataSync(), a.shape), tf.tensor(b.dataSync(), b.shape)).dataSync());
      await tf.setBackend('wasm');
      assert.deepEqual(ours.dataSync(), onCpu);
      tf.dispose([a, b, ours, native]);
    });
  }

  it('takes only a float32 tensor of rank ≥ 2 and a vector of its last axis ([c] or [1, …, 1, c])', () => {
    const info = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => ({ dataId: {}, shape, dtype }) as tf.TensorInfo;
    const table: { full: tf.TensorInfo; vector: tf.TensorInfo; takes: boolean }[] = [
      { full: info([8, 28, 28, 8]), vector: info([1, 1, 1, 8]), takes: true },
      { full: info([8, 10]), vector: info([10]), takes: true },
      { full: info([8, 10]), vector: info([1, 10]), takes: true },
      { full: info([10]), vector: info([10]), takes: false },
      { full: info([8, 10]), vector: info([2, 10]), takes: false },
      { full: info([8, 10]), vector: info([1, 1, 10]), takes: false },
      { full: info([8, 10], 'int32'), vector: info([10], 'int32'), takes: false },
      { full: info([8, 10]), vector: info([5]), takes: false },
      { full: info([0, 10]), vector: info([10]), takes: false },
    ];
    for (const row of table) {
      assert.equal(tensorAndVector(row.full, row.vector) !== undefined, row.takes, `${row.full.shape.join('×')} + ${row.vector.shape.join('×')} ${row.full.dtype}`);
    }
  });
});
