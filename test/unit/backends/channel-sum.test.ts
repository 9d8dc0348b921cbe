import assert from 'node:assert/strict';
import { sumPerChannel } from '../../../src/worker/backends/wasm-kernels/channel-sum';
import * as tf from '@tensorflow/tfjs';
import { simdKernelsOf, SIMD_SWITCH_VARIABLE } from '../../../src/worker/backends/wasm-kernels/simd/simd-module';
import { randomValues, runKernelOn, useWasmBackend } from './kernel-harness';

/** Shapes, axes and keepDims: the sums over every axis but the last take the new path, the others the native kernel. */
const cases: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
  { shape: [8, 28, 28, 8], axis: [0, 1, 2], keepDims: false },
  { shape: [3, 5, 5, 4], axis: [2, 0, 1], keepDims: true },
  { shape: [6, 10], axis: 0, keepDims: false },
  { shape: [2, 3, 700], axis: [0, 1], keepDims: false },
  { shape: [4, 3, 2], axis: [-3, -2], keepDims: true },
  // Native paths: the last axis, a middle axis, every axis.
  { shape: [4, 6], axis: 1, keepDims: false },
  { shape: [2, 3, 4], axis: 1, keepDims: true },
  { shape: [2, 3, 4], axis: [0, 1, 2], keepDims: false },
];

describe('wasm Sum over every axis but the last (bias gradients)', () => {
  before(() => useWasmBackend());

  cases.forEach((c, n) => {
    it(`matches cpu and a float64 reference: ${c.shape.join('×')} over ${JSON.stringify(c.axis)}${c.keepDims ? ', keepDims' : ''}`, async () => {
      const x = { values: Float64Array.from(randomValues(c.shape.reduce((a, b) => a * b), 700 + n), (v) => v + 0.5), shape: c.shape };
      const wasm = await runKernelOn('wasm', 'Sum', { x }, { axis: c.axis, keepDims: c.keepDims });
      const cpu = await runKernelOn('cpu', 'Sum', { x }, { axis: c.axis, keepDims: c.keepDims });
      assert.equal(wasm.leakedDataIds, 0);
      assert.deepEqual(wasm.shape, cpu.shape);
      const count = x.values.length / wasm.values.length;
      wasm.values.forEach((v, i) => assert.ok(Math.abs(v - cpu.values[i]) <= 1e-6 * count, `${v} vs cpu ${cpu.values[i]}`));
    });
  });

  it('sums in float64 (exact where float32 sums lose the small terms)', () => {
    // One channel: 1e8 then 100 ones; a float32 running sum stays at 1e8.
    const x = Float32Array.from([1e8, ...new Array<number>(100).fill(1)]);
    const out = new Float32Array(1);
    sumPerChannel(x, 1, out);
    assert.equal(out[0], Math.fround(1e8 + 100));
  });

  /** Channels 1–3 (scalar only), 4 and 8 (SIMD only), 5, 7, 9, 13, 33 (both); 256-position blocks crossed. */
  const simdShapes: number[][] = [[5, 1], [2, 3, 2], [7, 3], [3, 9, 4], [2, 20, 20, 8], [4, 5], [300, 7], [2, 11, 13, 9], [1, 600, 13], [3, 5, 5, 33]];
  for (const shape of simdShapes) {
    it(`the SIMD module's sum equals the JavaScript loop bit for bit: ${shape.join('×')}`, async () => {
      await tf.setBackend('wasm');
      assert.ok(simdKernelsOf(tf.backend()) !== undefined, 'the SIMD kernels did not bind');
      const x = tf.tensor(Float32Array.from(randomValues(shape.reduce((a, b) => a * b), 800 + shape.length), (v) => v * 1e3 + 0.5), shape);
      const axes = shape.slice(0, -1).map((_, i) => i);
      const simd = tf.sum(x, axes);
      process.env[SIMD_SWITCH_VARIABLE] = 'off';
      try {
        const javascript = tf.sum(x, axes);
        const expected = new Float32Array(shape[shape.length - 1]);
        sumPerChannel(x.dataSync() as Float32Array, expected.length, expected);
        assert.deepEqual(simd.dataSync(), expected);
        assert.deepEqual(javascript.dataSync(), expected);
        tf.dispose([simd, javascript]);
      } finally {
        delete process.env[SIMD_SWITCH_VARIABLE];
      }
      x.dispose();
    });
  }
});
