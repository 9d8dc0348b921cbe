import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { BATCH_NORM_TRAIN_GRAD_KERNEL, BATCH_NORM_TRAIN_KERNEL } from '../../../src/worker/backends/wasm-kernels/fused/batch-norm-train';
import { ADAM_UPDATE_KERNEL } from '../../../src/worker/backends/wasm-kernels/fused/adam-update';
import { javascriptChannelPasses, SimdChannelPasses } from '../../../src/worker/backends/wasm-kernels/simd/channel-passes';
import { simdKernelsOf, SIMD_SWITCH_VARIABLE, type SimdKernels } from '../../../src/worker/backends/wasm-kernels/simd/simd-module';
import { convFilterGradient, maxPoolGradReference } from './reference-convolutions';
import { simdConvolutionPays, simdNarrowConvolutionPays } from '../../../src/worker/backends/wasm-kernels/conv/simd-convolution';
import { simdFilterGradientPays } from '../../../src/worker/backends/wasm-kernels/conv/conv2d-backprop-filter';
import { randomValues, relativeError, useWasmBackend } from './kernel-harness';

/**
 * The SIMD kernels against the JavaScript kernels they replace, on tfjs-backend-wasm's heap: equal
 * bit for bit (same float operations in the same order), at channel counts that are not multiples
 * of four (the scalar tail) and at position counts around the 256-position blocks of the sums.
 */

/** Runs a kernel on wasm with the SIMD kernels on or off; every output's values. */
function runOnWasm(simd: boolean, kernelName: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): Float32Array[] {
  if (simd) {
    delete process.env[SIMD_SWITCH_VARIABLE];
  } else {
    process.env[SIMD_SWITCH_VARIABLE] = 'off';
  }
  try {
    const before = tf.engine().backend.numDataIds();
    const out = tf.engine().runKernel(kernelName, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
    const outputs = Array.isArray(out) ? out : [out];
    const values = outputs.map((t) => t.dataSync() as Float32Array);
    assert.equal(tf.engine().backend.numDataIds() - before, outputs.length, 'the kernel leaked heap data');
    outputs.forEach((t) => t.dispose());
    return values;
  } finally {
    delete process.env[SIMD_SWITCH_VARIABLE];
  }
}

function tensorOf(shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor {
  return tf.tensor(Float32Array.from(randomValues(shape.reduce((a, b) => a * b, 1), seed), (v) => v * scale + shift), shape);
}

/** Both paths' outputs, equal bit for bit (Object.is: −0 and NaN count). */
function assertSameBits(simd: Float32Array[], javascript: Float32Array[]): void {
  assert.equal(simd.length, javascript.length);
  simd.forEach((values, k) => {
    const differing = values.findIndex((v, i) => !Object.is(v, javascript[k][i]));
    assert.equal(differing, -1, `output ${k} differs at ${differing}: ${values[differing]} vs ${javascript[k][differing]}`);
  });
}

/** Channels last: 1–3 channels (scalar only), 4 and 16 (SIMD only), 5, 7, 13, 33 (SIMD and a tail); 256-position blocks crossed. */
const bnShapes: number[][] = [[5, 1], [3, 7, 2], [2, 9, 3], [4, 8, 8, 4], [2, 11, 13, 5], [3, 10, 10, 7], [1, 300, 13], [8, 6, 6, 16], [2, 17, 9, 33]];

describe('SIMD kernels on the wasm heap equal the JavaScript kernels bit for bit', () => {
  let kernels: SimdKernels;
  before(async () => {
    await useWasmBackend();
    await tf.setBackend('wasm');
    const bound = simdKernelsOf(tf.backend());
    assert.ok(bound !== undefined, 'the SIMD kernels did not bind to tfjs-backend-wasm\'s memory');
    kernels = bound;
  });

  for (const shape of bnShapes) {
    const c = shape[shape.length - 1];
    it(`channel passes (sums, affine) on x ${shape.join('×')}`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const [a, b, out] = [tensorOf(shape, 1, 3, 20), tensorOf(shape, 2), tf.zeros(shape)];
      const per = (seed: number) => Float64Array.from(randomValues(c, seed), (v) => v * 7);
      const [m, f, g, h] = [per(3), per(4), per(5), per(6)];
      const run = (passes: typeof javascriptChannelPasses) => {
        const view = (t: tf.Tensor) => (tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array }).typedArrayFromHeap(t as unknown as tf.TensorInfo);
        const first = [new Float64Array(c).fill(0.5), new Float64Array(c)];
        const second = [new Float64Array(c).fill(-1), new Float64Array(c)];
        passes.sums(view(a), null, m, first[0], second[0]);
        passes.sums(view(a), view(b), m, first[1], second[1]);
        passes.affine(view(a), f, null, null, h, view(out));
        const affine1 = view(out).slice();
        passes.affine(view(a), f, view(b), g, h, view(out));
        return [...first, ...second, affine1, view(out).slice()];
      };
      const javascript = run(javascriptChannelPasses);
      const simdPasses = new SimdChannelPasses(kernels, c);
      const simd = run(simdPasses);
      simdPasses.release();
      simd.forEach((values, k) => assert.deepEqual(values, javascript[k], `result ${k}`));
      assert.equal(javascript[4].length, n);
      [a, b, out].forEach((t) => t.dispose());
    });

    it(`${BATCH_NORM_TRAIN_KERNEL} and ${BATCH_NORM_TRAIN_GRAD_KERNEL} on x ${shape.join('×')}`, () => {
      const attrs = { varianceEpsilon: 1e-3, momentum: 0.9 };
      const x = tensorOf(shape, 10, 2, c === 5 ? 50 : 0.3);
      const inputs = { x, scale: tensorOf([c], 11, 1, 1), offset: tensorOf([c], 12), movingMean: tensorOf([c], 13), movingVariance: tensorOf([c], 14, 0.5, 1) };
      const forward = runOnWasm(true, BATCH_NORM_TRAIN_KERNEL, inputs, attrs);
      assertSameBits(forward, runOnWasm(false, BATCH_NORM_TRAIN_KERNEL, inputs, attrs));
      const [mean, variance] = [tf.tensor(forward[1], [c]), tf.tensor(forward[2], [c])];
      const gradInputs = { dy: tensorOf(shape, 15), x, scale: inputs.scale, mean, variance, dMean: tensorOf([c], 16), dVariance: tensorOf([c], 17) };
      assertSameBits(runOnWasm(true, BATCH_NORM_TRAIN_GRAD_KERNEL, gradInputs, attrs), runOnWasm(false, BATCH_NORM_TRAIN_GRAD_KERNEL, gradInputs, attrs));
      tf.dispose([...Object.values(inputs), ...Object.values(gradInputs)]);
    });
  }

  /** 2×2 stride-2 pools, windows inside the input; odd sizes leave a last row or column outside every window. */
  const poolShapes: [number, number, number, number][] = [[2, 8, 6, 4], [2, 7, 5, 5], [1, 9, 9, 6], [3, 6, 10, 9], [2, 5, 7, 13], [4, 28, 28, 16]];
  for (const shape of poolShapes) {
    it(`MaxPoolGrad 2×2 stride 2 on x ${shape.join('×')}: equal to the JavaScript loop and within 1e-6 of float64`, () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const seedValues = randomValues(size, 30 + shape[3]);
      // Ties (zeros, as after a ReLU), negative windows, NaN and −∞ in some windows.
      const values = Float32Array.from(seedValues, (v, i) => (i % 11 === 0 ? Number.NaN : i % 13 === 0 ? -Infinity : i % 3 === 0 ? Math.max(0, v) : v));
      const x = tf.tensor(values, shape);
      const outShape = [shape[0], shape[1] >> 1, shape[2] >> 1, shape[3]];
      const dy = tensorOf(outShape, 31);
      const inputs = { dy, input: x, output: tf.zeros(outShape) };
      const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
      // Freed NaNs where dx will be allocated: values the kernel leaves unwritten would show.
      tf.fill(shape, Number.NaN).dispose();
      const simd = runOnWasm(true, 'MaxPoolGrad', inputs, attrs);
      assertSameBits(simd, runOnWasm(false, 'MaxPoolGrad', inputs, attrs));
      const finite = Float64Array.from(seedValues, (v, i) => (i % 3 === 0 ? Math.max(0, v) : v));
      const finiteX = tf.tensor(Float32Array.from(finite), shape);
      const g = { strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padTop: 0, padLeft: 0, outHeight: outShape[1], outWidth: outShape[2] };
      const expected = maxPoolGradReference(finite, shape, Float64Array.from(dy.dataSync()), 2, 2, g);
      const [finiteSimd] = runOnWasm(true, 'MaxPoolGrad', { ...inputs, input: finiteX }, attrs);
      assert.ok(relativeError(finiteSimd, expected) < 1e-6, `vs float64: ${relativeError(finiteSimd, expected)}`);
      tf.dispose([x, finiteX, ...Object.values(inputs)]);
    });
  }

  /** Stride-1 convolutions the SIMD loop takes (output channels a multiple of 8): odd inputs, paddings wider than the kernel, bias and ReLU or none. */
  const convolutions: { x: number[]; filter: number[]; pad: 'same' | 'valid' | number[][]; bias: boolean; activation: 'linear' | 'relu' }[] = [
    { x: [2, 9, 9, 1], filter: [3, 3, 1, 16], pad: 'same', bias: true, activation: 'relu' },
    { x: [1, 7, 10, 5], filter: [3, 3, 5, 8], pad: 'same', bias: true, activation: 'linear' },
    { x: [2, 6, 11, 9], filter: [3, 2, 9, 24], pad: 'valid', bias: false, activation: 'relu' },
    { x: [1, 5, 6, 3], filter: [3, 3, 3, 32], pad: [[0, 0], [3, 1], [0, 4], [0, 0]], bias: true, activation: 'relu' },
    { x: [3, 8, 8, 16], filter: [5, 5, 16, 8], pad: 'same', bias: false, activation: 'linear' },
    { x: [1, 4, 4, 2], filter: [1, 1, 2, 16], pad: 'valid', bias: true, activation: 'linear' },
    // One output channel (the narrow loop): a first layer's input gradient.
    { x: [2, 9, 9, 16], filter: [3, 3, 16, 1], pad: 'same', bias: true, activation: 'relu' },
    { x: [1, 7, 6, 12], filter: [3, 2, 12, 1], pad: [[0, 0], [2, 0], [0, 3], [0, 0]], bias: false, activation: 'linear' },
  ];
  for (const c of convolutions) {
    it(`FusedConv2D and Conv2D, x ${c.x.join('×')}, filter ${c.filter.join('×')}, pad ${JSON.stringify(c.pad)}${c.bias ? ', bias' : ''}, ${c.activation}: within 1e-5 of XNNPACK's and cpu's`, async () => {
      const x = tensorOf(c.x, 40);
      const filter = tensorOf(c.filter, 41);
      const bias = c.bias ? tensorOf([c.filter[3]], 42) : undefined;
      const attrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: c.activation };
      const inputs: Record<string, tf.Tensor> = bias === undefined ? { x, filter } : { x, filter, bias };
      const kernels: [string, Record<string, tf.Tensor>][] = [['FusedConv2D', inputs], ['Conv2D', { x, filter }]];
      for (const [name, kernelInputs] of kernels) {
        const [simd] = runOnWasm(true, name, kernelInputs, attrs);
        const [native] = runOnWasm(false, name, kernelInputs, attrs);
        assert.ok(relativeError(simd, native) < 1e-5, `${name} vs XNNPACK: ${relativeError(simd, native)}`);
        await tf.setBackend('cpu');
        const onCpu = tf.tidy(() => {
          const [cx, cf] = [tf.tensor(x.dataSync(), x.shape), tf.tensor(filter.dataSync(), filter.shape)];
          const cb = name === 'FusedConv2D' && bias !== undefined ? tf.tensor(bias.dataSync(), bias.shape) : undefined;
          return tf.fused.conv2d({ x: cx as tf.Tensor4D, filter: cf as tf.Tensor4D, strides: 1, pad: c.pad as 'same', bias: cb, activation: name === 'FusedConv2D' ? c.activation : 'linear' }).dataSync() as Float32Array;
        });
        await tf.setBackend('wasm');
        assert.ok(relativeError(simd, onCpu) < 1e-5, `${name} vs cpu: ${relativeError(simd, onCpu)}`);
      }
      tf.dispose([x, filter, ...(bias === undefined ? [] : [bias])]);
    });
  }

  for (const size of [1, 3, 4, 7, 1001]) {
    it(`${ADAM_UPDATE_KERNEL} on ${size} values (the bias corrections of step 7, small v)`, () => {
      const inputs = { value: tensorOf([size], 50), m: tensorOf([size], 51, 0.01), v: tf.tensor(Float32Array.from(randomValues(size, 52), (x) => x * x * 1e-6), [size]), gradient: tensorOf([size], 53, 0.1) };
      const attrs = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, oneMinusAccBeta1: Math.fround(1 - 0.9 ** 7), oneMinusAccBeta2: Math.fround(1 - 0.999 ** 7) };
      assertSameBits(runOnWasm(true, ADAM_UPDATE_KERNEL, inputs, attrs), runOnWasm(false, ADAM_UPDATE_KERNEL, inputs, attrs));
      tf.dispose(Object.values(inputs));
    });
  }

  /**
   * The module's convolution loops called directly, at shapes the kernels leave to XNNPACK too (channels
   * off the 4 × 8 blocks: the narrower loops), against float64 references.
   */
  const direct: { x: number[]; filter: number[]; top: number; left: number; out: [number, number] }[] = [
    { x: [2, 6, 7, 3], filter: [3, 3, 3, 5], top: 1, left: 1, out: [6, 7] },
    { x: [1, 5, 9, 5], filter: [3, 2, 5, 13], top: 0, left: 0, out: [3, 8] },
    { x: [2, 4, 5, 9], filter: [3, 3, 9, 33], top: 2, left: 3, out: [4, 6] },
    { x: [1, 6, 6, 2], filter: [5, 5, 2, 1], top: 2, left: 2, out: [6, 6] },
    { x: [2, 6, 5, 8], filter: [3, 3, 8, 1], top: 1, left: 1, out: [6, 5] },
    { x: [1, 5, 7, 12], filter: [3, 3, 12, 3], top: 2, left: 0, out: [4, 5] },
    { x: [3, 7, 6, 4], filter: [2, 3, 4, 4], top: 1, left: 0, out: [7, 4] },
  ];
  for (const c of direct) {
    it(`conv2dForward and conv2dFilterGrad called directly, x ${c.x.join('×')}, filter ${c.filter.join('×')}, padding ${c.top},${c.left}: within 1e-5 of float64`, () => {
      const [batch, height, width, ci] = c.x;
      const [kh, kw, , co] = c.filter;
      const [outHeight, outWidth] = c.out;
      const g = { strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: c.top, padLeft: c.left, outHeight, outWidth };
      const outShape = [batch, outHeight, outWidth, co];
      const [x, filter, bias, dy, y, dw] = [tensorOf(c.x, 60), tensorOf(c.filter, 61), tensorOf([co], 62), tensorOf(outShape, 63), tf.zeros(outShape), tf.zeros(c.filter)];
      const at = (t: tf.Tensor) => (tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array }).typedArrayFromHeap(t as unknown as tf.TensorInfo).byteOffset;
      kernels.exports.conv2dForward(at(x), at(filter), at(bias), at(y), batch, height, width, ci, outHeight, outWidth, co, kh, kw, c.top, c.left, 1);
      kernels.exports.conv2dFilterGrad(at(x), at(dy), at(dw), batch, height, width, ci, outHeight, outWidth, co, kh, kw, c.top, c.left);
      // The narrow loop (input channels a multiple of 4), its filter transposed to [co, kh, kw, ci].
      const narrowY = ci % 4 === 0 ? tf.zeros(outShape) : undefined;
      if (narrowY !== undefined) {
        const transposed = tf.transpose(filter, [3, 0, 1, 2]);
        kernels.exports.conv2dForwardNarrow(at(x), at(transposed), at(bias), at(narrowY), batch, height, width, ci, outHeight, outWidth, co, kh, kw, c.top, c.left, 1);
        transposed.dispose();
      }
      const [xs, fs, bs, dys] = [x, filter, bias, dy].map((t) => Float64Array.from(t.dataSync()));
      const expectedY = new Float64Array(outShape.reduce((a, b) => a * b, 1));
      for (let b = 0; b < batch; b++) {
        for (let oh = 0; oh < outHeight; oh++) {
          for (let ow = 0; ow < outWidth; ow++) {
            for (let o = 0; o < co; o++) {
              let sum = bs[o];
              for (let i = 0; i < kh; i++) {
                for (let j = 0; j < kw; j++) {
                  const [h, w] = [oh + i - c.top, ow + j - c.left];
                  for (let k = 0; h >= 0 && h < height && w >= 0 && w < width && k < ci; k++) {
                    sum += xs[((b * height + h) * width + w) * ci + k] * fs[((i * kw + j) * ci + k) * co + o];
                  }
                }
              }
              expectedY[((b * outHeight + oh) * outWidth + ow) * co + o] = Math.max(0, sum);
            }
          }
        }
      }
      assert.ok(relativeError(y.dataSync(), expectedY) < 1e-5, `forward: ${relativeError(y.dataSync(), expectedY)}`);
      if (narrowY !== undefined) {
        assert.ok(relativeError(narrowY.dataSync(), expectedY) < 1e-5, `narrow forward: ${relativeError(narrowY.dataSync(), expectedY)}`);
        narrowY.dispose();
      }
      const expectedDw = convFilterGradient(xs, c.x, dys, c.filter, g, false);
      assert.ok(relativeError(dw.dataSync(), expectedDw) < 1e-5, `filter gradient: ${relativeError(dw.dataSync(), expectedDw)}`);
      tf.dispose([x, filter, bias, dy, y, dw]);
    });
  }

  it('takes the convolutions where it measured faster than XNNPACK (output channels a multiple of 8; inputs by the rules)', () => {
    const table: { x: [number, number, number, number]; filter: [number, number, number, number]; strides: number; forward: boolean; filterGradient: boolean; narrow?: boolean }[] = [
      { x: [32, 28, 28, 1], filter: [3, 3, 1, 16], strides: 1, forward: true, filterGradient: true },
      { x: [32, 14, 14, 16], filter: [3, 3, 16, 32], strides: 1, forward: true, filterGradient: true },
      { x: [8, 64, 64, 3], filter: [5, 5, 3, 64], strides: 1, forward: true, filterGradient: false },
      { x: [8, 64, 64, 64], filter: [5, 5, 64, 3], strides: 1, forward: false, filterGradient: false, narrow: true },
      { x: [8, 8, 8, 512], filter: [5, 5, 512, 256], strides: 1, forward: false, filterGradient: true },
      { x: [8, 14, 14, 128], filter: [3, 3, 128, 64], strides: 1, forward: true, filterGradient: true },
      { x: [8, 14, 14, 16], filter: [3, 3, 16, 32], strides: 2, forward: false, filterGradient: false },
      { x: [32, 28, 28, 16], filter: [3, 3, 16, 1], strides: 1, forward: false, filterGradient: false, narrow: true },
      { x: [32, 28, 28, 8], filter: [3, 3, 8, 1], strides: 1, forward: false, filterGradient: false, narrow: true },
      { x: [8, 32, 32, 12], filter: [3, 3, 12, 3], strides: 1, forward: false, filterGradient: false, narrow: true },
      { x: [8, 32, 32, 32], filter: [3, 3, 32, 5], strides: 1, forward: false, filterGradient: false, narrow: false },
      { x: [8, 28, 28, 6], filter: [3, 3, 6, 1], strides: 1, forward: false, filterGradient: false, narrow: false },
    ];
    for (const row of table) {
      const info = tf.backend_util.computeConv2DInfo(row.x, row.filter, row.strides, 1, 'same');
      assert.deepEqual([simdConvolutionPays(info), simdFilterGradientPays(info)], [row.forward, row.filterGradient], `${row.x.join('×')} * ${row.filter.join('×')}`);
      assert.equal(simdNarrowConvolutionPays(info), row.narrow ?? false, `narrow: ${row.x.join('×')} * ${row.filter.join('×')}`);
    }
  });
});
