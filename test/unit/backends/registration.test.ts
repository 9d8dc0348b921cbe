import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import {
  missingWasmKernelConfigs, registerWasmTrainingKernels, wasmKernelReplacements,
} from '../../../src/worker/backends/wasm-kernels/register';
import { unsortedSegmentSumReference } from './reference-convolutions';
import { randomValues, relativeError, runKernelOn, useWasmBackend } from './kernel-harness';

describe('wasm training kernel registration', () => {
  before(() => useWasmBackend());

  it('registers every training kernel wasm 4.22 lacks, the fused Adam update and BatchNormalization, so none is missing any more', () => {
    const names = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum', 'RbnAdamUpdate', 'RbnBatchNormTrain', 'RbnBatchNormTrainGrad', 'RbnCategoricalCrossentropy', 'RbnCategoricalCrossentropyGrad'];
    for (const name of names) {
      assert.ok(tf.getKernel(name, 'wasm') !== undefined, `${name} is registered for wasm`);
    }
    assert.deepEqual(missingWasmKernelConfigs.map((c) => c.kernelName).sort(), [...names].sort());
    assert.ok(tf.getGradient('RbnBatchNormTrain') !== undefined && tf.getGradient('RbnCategoricalCrossentropy') !== undefined, 'the fused kernels have their gradients');
  });

  it('is idempotent: a second call registers and replaces nothing', () => {
    registerWasmTrainingKernels();
    assert.deepEqual(registerWasmTrainingKernels(), { added: [], replaced: [] });
  });

  it('leaves a kernel that is already registered alone (a future native one wins)', () => {
    const ours = tf.getKernel('UnsortedSegmentSum', 'wasm');
    const native: tf.KernelConfig = { kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: () => ({ dataId: {}, shape: [], dtype: 'float32' }) };
    tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
    tf.registerKernel(native);
    try {
      assert.deepEqual(registerWasmTrainingKernels().added, []);
      assert.equal(tf.getKernel('UnsortedSegmentSum', 'wasm'), native);
    } finally {
      tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
      tf.registerKernel(ours as tf.KernelConfig);
    }
  });

  it('replaces Conv2DBackpropInput, MaxPoolGrad, BatchMatMul, Tile, Identity, Cast, Sum, Conv2D, FusedConv2D and Add only in tfjs-backend-wasm ≤ 4.22', () => {
    const names = wasmKernelReplacements.map((r) => r.kernelName);
    assert.deepEqual(names, ['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', 'Tile', 'Identity', 'Cast', 'Sum', 'Conv2D', 'FusedConv2D', 'Add']);
    const ours = names.map((name) => tf.getKernel(name, 'wasm') as tf.KernelConfig);
    // Stand-ins for the kernels of a tfjs-backend-wasm version: copies, so not recognised as ours.
    const theirs = ours.map((config) => ({ ...config }));
    const install = (configs: tf.KernelConfig[]) => configs.forEach((config) => {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    });
    install(theirs);
    try {
      assert.deepEqual(registerWasmTrainingKernels('4.23.0').replaced, []);
      names.forEach((name, i) => assert.equal(tf.getKernel(name, 'wasm'), theirs[i]));
      assert.deepEqual(registerWasmTrainingKernels('4.22.0').replaced, names);
      names.forEach((name, i) => assert.notEqual(tf.getKernel(name, 'wasm'), theirs[i]));
      assert.deepEqual(registerWasmTrainingKernels('4.22.0').replaced, [], 'a second call recognises its own kernels');
    } finally {
      install(ours);
    }
  });
});

describe('wasm UnsortedSegmentSum', () => {
  before(() => useWasmBackend());

  const cases = [
    { name: 'rows into segments, ids repeated and unused segments left zero', xShape: [6, 3], ids: [2, 0, 2, 4, 0, 2], numSegments: 5 },
    { name: 'ids outside [0, numSegments) contribute nothing', xShape: [5, 2], ids: [0, -1, 3, 7, 1], numSegments: 4 },
    { name: 'a scalar per id', xShape: [4], ids: [1, 1, 0, 1], numSegments: 2 },
    { name: 'rows of rank 3 (an embedding gradient)', xShape: [7, 2, 3], ids: [0, 6, 3, 3, 0, 1, 6], numSegments: 8 },
    { name: 'one id', xShape: [1, 4], ids: [0], numSegments: 1 },
  ];
  cases.forEach(({ name, xShape, ids, numSegments }, n) => {
    it(`matches cpu and float64: ${name}`, async () => {
      const x = randomValues(xShape.reduce((a, b) => a * b), 90 + n);
      const inputs = { x: { values: x, shape: xShape }, segmentIds: { values: Int32Array.from(ids), shape: [ids.length], dtype: 'int32' as const } };
      const expected = unsortedSegmentSumReference(x, x.length / ids.length, Int32Array.from(ids), numSegments);
      const wasm = await runKernelOn('wasm', 'UnsortedSegmentSum', inputs, { numSegments });
      const cpu = await runKernelOn('cpu', 'UnsortedSegmentSum', inputs, { numSegments });
      assert.equal(wasm.leakedDataIds, 0);
      assert.deepEqual(wasm.shape, [numSegments, ...xShape.slice(1)]);
      assert.deepEqual(wasm.shape, cpu.shape);
      assert.ok(relativeError(wasm.values, expected) < 1e-4);
      assert.ok(relativeError(wasm.values, cpu.values) < 1e-4);
    });
  });

  it('sums int32 values exactly', async () => {
    const inputs = { x: { values: Int32Array.from([5, 7, -2, 1]), shape: [4], dtype: 'int32' as const }, segmentIds: { values: Int32Array.from([1, 0, 1, 1]), shape: [4], dtype: 'int32' as const } };
    const wasm = await runKernelOn('wasm', 'UnsortedSegmentSum', inputs, { numSegments: 2 });
    assert.deepEqual(Array.from(wasm.values), [7, 4]);
  });

  it('gives the gradient of gather (an embedding lookup) on wasm', async () => {
    await tf.setBackend('wasm');
    const table = tf.variable(tf.tensor2d([[1, 2], [3, 4], [5, 6]]));
    const { grads } = tf.variableGrads(() => tf.gather(table, tf.tensor1d([2, 0, 2], 'int32')).sum(), [table]);
    assert.deepEqual(await grads[table.name].array(), [[1, 1], [0, 0], [2, 2]]);
    tf.dispose([table, grads[table.name]]);
  });
});
