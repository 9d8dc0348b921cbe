import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { tileInto } from '../../../src/worker/backends/wasm-kernels/tile';
import { randomValues, runKernelOn, useWasmBackend } from './kernel-harness';

/** Shapes and repetitions: the batch-norm gradient's per-channel vector to a full activation, inner and mixed axes, rank 1 and 5. */
const tileCases = [
  { shape: [1, 1, 1, 16], reps: [8, 28, 28, 1] },
  { shape: [3], reps: [4] },
  { shape: [2, 3], reps: [1, 3] },
  { shape: [2, 3], reps: [3, 1] },
  { shape: [2, 1, 3], reps: [2, 5, 2] },
  { shape: [1, 2, 1, 2, 1], reps: [2, 1, 3, 1, 2] },
  { shape: [4, 5], reps: [1, 1] },
];

describe('wasm Tile (block copies in the heap, replaces tfjs-backend-wasm 4.22’s)', () => {
  before(() => useWasmBackend());

  tileCases.forEach(({ shape, reps }, n) => {
    it(`matches cpu exactly: ${shape.join('×')} tiled ${reps.join('×')}`, async () => {
      const x = { values: randomValues(shape.reduce((a, b) => a * b), 300 + n), shape };
      const wasm = await runKernelOn('wasm', 'Tile', { x }, { reps });
      const cpu = await runKernelOn('cpu', 'Tile', { x }, { reps });
      assert.equal(wasm.leakedDataIds, 0);
      assert.deepEqual(wasm.shape, cpu.shape);
      assert.deepEqual(Array.from(wasm.values), Array.from(cpu.values));
    });
  });

  it('tiles int32 and bool tensors, and an empty one', async () => {
    await tf.setBackend('wasm');
    const ints = tf.tile(tf.tensor2d([[1, -2], [3, 4]], [2, 2], 'int32'), [2, 2]);
    assert.deepEqual(await ints.array(), [[1, -2, 1, -2], [3, 4, 3, 4], [1, -2, 1, -2], [3, 4, 3, 4]]);
    const bools = tf.tile(tf.tensor1d([true, false], 'bool'), [3]);
    assert.deepEqual(Array.from(await bools.data()), [1, 0, 1, 0, 1, 0]);
    const empty = tf.tile(tf.zeros([0, 3]), [2, 2]);
    assert.deepEqual(empty.shape, [0, 6]);
    tf.dispose([ints, bools, empty]);
  });

  it('tileInto fills a scalar', () => {
    const out = new Float32Array(1);
    tileInto([7], [], [], out);
    assert.deepEqual(Array.from(out), [7]);
  });
});

describe('wasm Identity (shares its input’s data, as cpu’s does)', () => {
  before(() => useWasmBackend());

  it('gives the same values, and they outlive the input', async () => {
    await tf.setBackend('wasm');
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    x.dispose();
    assert.deepEqual(await y.array(), [[1, 2], [3, 4]]);
    y.dispose();
    assert.equal(tf.engine().backend.numDataIds(), before, 'the shared data is freed with its last tensor');
  });

  it('keeps the gradients a training step saves through it (matches cpu on a conv-BatchNorm step)', async () => {
    const gradsOn = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(Float32Array.from(randomValues(2 * 6 * 6 * 3, 41)), [2, 6, 6, 3]);
        const w = tf.tensor4d(Float32Array.from(randomValues(3 * 3 * 3 * 4, 42)), [3, 3, 3, 4]);
        const loss = (filter: tf.Tensor) => {
          const y = tf.conv2d(x, filter as tf.Tensor4D, 1, 'same');
          const { mean, variance } = tf.moments(y, [0, 1, 2]);
          return tf.batchNorm(y, mean, variance, tf.zeros([4]), tf.ones([4]), 1e-3).relu().square().mean() as tf.Scalar;
        };
        return Array.from(tf.grad(loss)(w).dataSync());
      });
    };
    const wasm = await gradsOn('wasm');
    const cpu = await gradsOn('cpu');
    const scale = Math.max(...cpu.map(Math.abs));
    assert.ok(wasm.every((v, i) => Math.abs(v - cpu[i]) <= 1e-4 * scale), 'wasm and cpu gradients agree');
  });
});

describe('wasm Cast (shares its input’s data when the dtype stays, as cpu’s does)', () => {
  before(() => useWasmBackend());

  /** Input dtype, values, target dtype and the expected values (the native conversions for other dtypes). */
  const castCases: { from: 'float32' | 'int32' | 'bool'; values: number[]; to: 'float32' | 'int32' | 'bool'; expected: number[]; shares: boolean }[] = [
    { from: 'float32', values: [1.5, -2, 0, NaN], to: 'float32', expected: [1.5, -2, 0, NaN], shares: true },
    { from: 'int32', values: [3, -4], to: 'int32', expected: [3, -4], shares: true },
    { from: 'float32', values: [1.7, -2.7], to: 'int32', expected: [1, -2], shares: false },
    { from: 'bool', values: [1, 0], to: 'float32', expected: [1, 0], shares: false },
  ];
  for (const c of castCases) {
    it(`${c.from} → ${c.to}: ${c.shares ? 'the same data' : 'converted'}, as cpu gives`, async () => {
      await tf.setBackend('wasm');
      const before = tf.engine().backend.numDataIds();
      const x = tf.tensor1d(c.values, c.from);
      const y = tf.cast(x, c.to);
      assert.equal(tf.engine().backend.numDataIds() - before, c.shares ? 1 : 2);
      x.dispose();
      assert.deepEqual(Array.from(await y.data()), c.expected);
      assert.equal(y.dtype, c.to);
      y.dispose();
      assert.equal(tf.engine().backend.numDataIds(), before, 'freed with its last tensor');
      await tf.setBackend('cpu');
      const onCpu = tf.tidy(() => Array.from(tf.cast(tf.tensor1d(c.values, c.from), c.to).dataSync()));
      assert.deepEqual(onCpu, c.expected);
    });
  }
});
