import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { maxPoolGradReference } from './reference-convolutions';
import { randomValues, relativeError, runKernelOn, useWasmBackend } from './kernel-harness';

interface PoolCase {
  x: [number, number, number, number];
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}

/** Non-overlapping (the transpose path) and overlapping or strided (the slice path), padded, batch 1. */
const poolCases: PoolCase[] = [
  { x: [1, 4, 4, 1], filterSize: 2, strides: 2, pad: 'valid' },
  { x: [3, 6, 6, 8], filterSize: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 5, 3], filterSize: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 5, 3], filterSize: 2, strides: 2, pad: 'same' },
  { x: [1, 9, 9, 2], filterSize: 3, strides: 2, pad: 'same' },
  { x: [2, 8, 7, 2], filterSize: 3, strides: 1, pad: 'valid' },
  { x: [1, 6, 9, 4], filterSize: [2, 3], strides: [1, 3], pad: 'same' },
  { x: [2, 5, 5, 1], filterSize: 5, strides: 1, pad: 'valid' },
];

function geometryOf(c: PoolCase) {
  const info = tf.backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad);
  return {
    info,
    g: { strideHeight: info.strideHeight, strideWidth: info.strideWidth, dilationHeight: 1, dilationWidth: 1, padTop: info.padInfo.top, padLeft: info.padInfo.left, outHeight: info.outHeight, outWidth: info.outWidth },
  };
}

async function compare(c: PoolCase, x: Float64Array, dy: Float64Array): Promise<void> {
  const { info, g } = geometryOf(c);
  const output = { values: new Float64Array(info.outShape.reduce((a, b) => a * b)), shape: info.outShape }; // unused by both kernels' maths
  const inputs = { dy: { values: dy, shape: info.outShape }, input: { values: x, shape: c.x }, output };
  const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
  const expected = maxPoolGradReference(x, c.x, dy, info.filterHeight, info.filterWidth, g);
  const wasm = await runKernelOn('wasm', 'MaxPoolGrad', inputs, attrs);
  const cpu = await runKernelOn('cpu', 'MaxPoolGrad', inputs, attrs);
  assert.equal(wasm.leakedDataIds, 0);
  assert.ok(relativeError(wasm.values, expected) < 1e-6, `wasm vs float64: ${relativeError(wasm.values, expected)}`);
  assert.ok(relativeError(wasm.values, cpu.values) < 1e-6, `wasm vs cpu: ${relativeError(wasm.values, cpu.values)}`);
}

describe('wasm MaxPoolGrad (replaces tfjs-backend-wasm 4.22’s, wrong for negative windows)', () => {
  before(() => useWasmBackend());

  poolCases.forEach((c, n) => {
    it(`matches cpu and float64 on values of both signs: x ${c.x.join('×')}, filter ${String(c.filterSize)}, strides ${String(c.strides)}, ${c.pad}`, async () => {
      const size = c.x.reduce((a, b) => a * b);
      const { info } = geometryOf(c);
      await compare(c, randomValues(size, 100 + n), randomValues(info.outShape.reduce((a, b) => a * b), 200 + n));
    });
  });

  it('credits the first maximum of a window of ties (relu zeros), as cpu and TensorFlow do', async () => {
    const c = poolCases[4];
    const x = randomValues(c.x.reduce((a, b) => a * b), 5).map((v) => Math.max(0, v)); // about half zeros
    const { info } = geometryOf(c);
    await compare(c, x, randomValues(info.outShape.reduce((a, b) => a * b), 6));
  });

  it('credits the right element when every value is negative (tfjs-backend-wasm 4.22 does not)', async () => {
    const c = poolCases[0];
    const x = Float64Array.from([-1.6, -1.49, -0.76, 0.03, -0.55, -0.5, -0.92, 0.32, 1.42, 1.83, -0.48, -0.27, 0.01, 0.54, -1.29, -1.02]);
    const wasm = await runKernelOn('wasm', 'MaxPoolGrad', {
      dy: { values: Float64Array.from([1, 2, 3, 4]), shape: [1, 2, 2, 1] }, input: { values: x, shape: c.x }, output: { values: new Float64Array(4), shape: [1, 2, 2, 1] },
    }, { filterSize: 2, strides: 2, pad: 'valid' });
    assert.deepEqual(Array.from(wasm.values), [0, 0, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 0, 0, 0]);
  });
});

describe('wasm MaxPoolGrad, 2×2 stride 2 fast path: NaN and −∞ as the general loop treats them', () => {
  before(() => useWasmBackend());

  it('skips NaNs to the first maximum, adds nothing for a window of NaNs or of −∞ only, as cpu does', async () => {
    const x = Float64Array.from([Number.NaN, 2, Number.NaN, Number.NaN, 1, Number.NaN, Number.NaN, Number.NaN,
      -Infinity, -Infinity, 5, 5, -Infinity, -Infinity, 5, 6]);
    const inputs = {
      dy: { values: Float64Array.from([1, 2, 3, 4]), shape: [1, 2, 2, 1] }, input: { values: x, shape: [1, 4, 4, 1] }, output: { values: new Float64Array(4), shape: [1, 2, 2, 1] },
    };
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
    const wasm = await runKernelOn('wasm', 'MaxPoolGrad', inputs, attrs);
    const cpu = await runKernelOn('cpu', 'MaxPoolGrad', inputs, attrs);
    assert.deepEqual(Array.from(wasm.values), [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]);
    assert.deepEqual(Array.from(wasm.values).slice(8), Array.from(cpu.values).slice(8), 'the finite windows agree with cpu');
  });
});
