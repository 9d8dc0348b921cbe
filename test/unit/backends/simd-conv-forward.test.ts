import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { padsColumns } from '../../../src/worker/backends/wasm-kernels/conv/simd-convolution';
import { simdKernelsOf, type SimdKernels } from '../../../src/worker/backends/wasm-kernels/simd/simd-module';
import { randomValues, relativeError, useWasmBackend } from './kernel-harness';
import { convForward, convInputGradient } from './reference-convolutions';

/**
 * The SIMD module's forward convolution at every row width from 1 to 9 (blocks of 4 columns, the
 * 2- and 3-column remainders, the one-column loop of the border columns), with and without the
 * column-padded copy of the input (padColumns), against float64: output channels that are and are not
 * multiples of 4 and 8, 'same', 'valid' and explicit paddings, batch 1 to 3. Through the kernels
 * (FusedConv2D, Conv2D, Conv2DBackpropInput: the flipped-filter convolution) and called directly;
 * the loop for 1–4 output channels (conv2dForwardNarrow) likewise.
 */
interface Case {
  batch: number;
  height: number;
  width: number;
  ci: number;
  co: number;
  kh: number;
  kw: number;
  /** 'same', 'valid' or [top, bottom, left, right]. */
  pad: 'same' | 'valid' | [number, number, number, number];
}

const cases: Case[] = [
  { batch: 1, height: 3, width: 1, ci: 2, co: 8, kh: 3, kw: 3, pad: 'same' },
  { batch: 2, height: 4, width: 2, ci: 3, co: 16, kh: 3, kw: 3, pad: 'same' },
  { batch: 3, height: 2, width: 3, ci: 1, co: 8, kh: 3, kw: 3, pad: 'same' },
  { batch: 1, height: 5, width: 4, ci: 5, co: 24, kh: 3, kw: 3, pad: 'same' },
  { batch: 2, height: 3, width: 5, ci: 4, co: 13, kh: 3, kw: 3, pad: 'same' },
  { batch: 1, height: 4, width: 6, ci: 7, co: 20, kh: 3, kw: 2, pad: 'same' },
  { batch: 3, height: 7, width: 7, ci: 16, co: 32, kh: 3, kw: 3, pad: 'same' },
  { batch: 2, height: 3, width: 8, ci: 2, co: 12, kh: 2, kw: 3, pad: 'valid' },
  { batch: 1, height: 6, width: 9, ci: 3, co: 8, kh: 3, kw: 3, pad: 'valid' },
  { batch: 2, height: 5, width: 9, ci: 6, co: 16, kh: 5, kw: 5, pad: 'same' },
  { batch: 1, height: 4, width: 7, ci: 3, co: 9, kh: 3, kw: 3, pad: [1, 0, 2, 0] },
  { batch: 2, height: 3, width: 6, ci: 2, co: 8, kh: 3, kw: 3, pad: [0, 2, 0, 3] },
  { batch: 3, height: 5, width: 5, ci: 8, co: 40, kh: 1, kw: 1, pad: 'valid' },
  { batch: 1, height: 5, width: 8, ci: 4, co: 8, kh: 1, kw: 4, pad: [0, 0, 1, 2] },
];

function label(c: Case): string {
  return `x ${c.batch}×${c.height}×${c.width}×${c.ci}, filter ${c.kh}×${c.kw}×${c.ci}×${c.co}, pad ${JSON.stringify(c.pad)}`;
}

function tfPad(pad: Case['pad']): 'same' | 'valid' | number[][] {
  return typeof pad === 'string' ? pad : [[0, 0], [pad[0], pad[1]], [pad[2], pad[3]], [0, 0]];
}

function infoOf(c: Case): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo([c.batch, c.height, c.width, c.ci], [c.kh, c.kw, c.ci, c.co], 1, 1, tfPad(c.pad) as 'same');
}

function geometry(info: tf.backend_util.Conv2DInfo) {
  return { strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: info.padInfo.top, padLeft: info.padInfo.left, outHeight: info.outHeight, outWidth: info.outWidth };
}

function heapOffset(t: tf.Tensor): number {
  return (tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array }).typedArrayFromHeap(t as unknown as tf.TensorInfo).byteOffset;
}

describe('SIMD forward convolution: column blocks, border columns and the column-padded input, against float64', () => {
  let kernels: SimdKernels;
  before(async () => {
    await useWasmBackend();
    await tf.setBackend('wasm');
    const bound = simdKernelsOf(tf.backend());
    assert.ok(bound !== undefined, 'the SIMD kernels did not bind to tfjs-backend-wasm\'s memory');
    kernels = bound;
  });

  for (const c of cases) {
    it(`${label(c)}: direct, with and without padColumns, within 1e-5`, () => {
      const info = infoOf(c);
      const { outHeight, outWidth, padInfo } = info;
      const xShape = [c.batch, c.height, c.width, c.ci];
      const filterShape = [c.kh, c.kw, c.ci, c.co];
      const outShape = [c.batch, outHeight, outWidth, c.co];
      const [xs, fs, bs] = [randomValues(c.batch * c.height * c.width * c.ci, 70), randomValues(c.kh * c.kw * c.ci * c.co, 71), randomValues(c.co, 72)];
      const expected = convForward(xs, xShape, fs, filterShape, bs, geometry(info), true);
      const paddedWidth = outWidth + c.kw - 1;
      const [x, filter, bias, direct, viaPadded, padded] = [
        tf.tensor(Float32Array.from(xs), xShape), tf.tensor(Float32Array.from(fs), filterShape), tf.tensor(Float32Array.from(bs), [c.co]),
        tf.fill(outShape, Number.NaN), tf.fill(outShape, Number.NaN), tf.fill([c.batch * c.height, paddedWidth, c.ci], Number.NaN),
      ];
      kernels.exports.conv2dForward(heapOffset(x), heapOffset(filter), heapOffset(bias), heapOffset(direct), c.batch, c.height, c.width, c.ci, outHeight, outWidth, c.co, c.kh, c.kw, padInfo.top, padInfo.left, 1);
      kernels.exports.padColumns(heapOffset(x), heapOffset(padded), c.batch * c.height, c.width, c.ci, paddedWidth, padInfo.left);
      kernels.exports.conv2dForward(heapOffset(padded), heapOffset(filter), heapOffset(bias), heapOffset(viaPadded), c.batch, c.height, paddedWidth, c.ci, outHeight, outWidth, c.co, c.kh, c.kw, padInfo.top, 0, 1);
      assert.ok(relativeError(direct.dataSync(), expected) < 1e-5, `direct: ${relativeError(direct.dataSync(), expected)}`);
      assert.ok(relativeError(viaPadded.dataSync(), expected) < 1e-5, `column-padded: ${relativeError(viaPadded.dataSync(), expected)}`);
      // The padded rows: input column j at j + left, zeros elsewhere, exactly.
      const rows = padded.dataSync();
      const expectedRows = new Float32Array(rows.length);
      for (let r = 0; r < c.batch * c.height; r++) {
        for (let j = 0; j < c.width; j++) {
          const to = j + padInfo.left;
          for (let k = 0; to >= 0 && to < paddedWidth && k < c.ci; k++) {
            expectedRows[(r * paddedWidth + to) * c.ci + k] = xs[(r * c.width + j) * c.ci + k];
          }
        }
      }
      assert.deepEqual(rows, expectedRows);
      tf.dispose([x, filter, bias, direct, viaPadded, padded]);
    });
  }

  for (const c of cases.filter((k) => k.co % 8 === 0)) {
    it(`${label(c)}: FusedConv2D (bias, relu), Conv2D and Conv2DBackpropInput on wasm within 1e-5${padsColumns(infoOf(c)) ? ', input column-padded' : ''}`, () => {
      const info = infoOf(c);
      const xShape = [c.batch, c.height, c.width, c.ci];
      const filterShape = [c.kh, c.kw, c.ci, c.co];
      const outShape = [c.batch, info.outHeight, info.outWidth, c.co];
      const [xs, fs, bs, dys] = [randomValues(c.batch * c.height * c.width * c.ci, 80), randomValues(c.kh * c.kw * c.ci * c.co, 81), randomValues(c.co, 82), randomValues(outShape.reduce((a, b) => a * b, 1), 83)];
      const [x, filter, bias, dy] = [tf.tensor(Float32Array.from(xs), xShape), tf.tensor(Float32Array.from(fs), filterShape), tf.tensor(Float32Array.from(bs), [c.co]), tf.tensor(Float32Array.from(dys), outShape)];
      const attrs = { strides: [1, 1], pad: tfPad(c.pad), dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
      const before = tf.engine().backend.numDataIds();
      const fused = tf.engine().runKernel('FusedConv2D', { x, filter, bias }, { ...attrs, activation: 'relu' }) as tf.Tensor;
      const plain = tf.engine().runKernel('Conv2D', { x, filter }, attrs) as tf.Tensor;
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: xShape }) as tf.Tensor;
      assert.equal(tf.engine().backend.numDataIds() - before, 3, 'the kernels leaked heap data');
      const g = geometry(info);
      const checks: [string, tf.Tensor, Float64Array][] = [
        ['FusedConv2D', fused, convForward(xs, xShape, fs, filterShape, bs, g, true)],
        ['Conv2D', plain, convForward(xs, xShape, fs, filterShape, undefined, g, false)],
        ['Conv2DBackpropInput', dx, convInputGradient(dys, fs, filterShape, xShape, g, false)],
      ];
      for (const [name, actual, expected] of checks) {
        assert.ok(relativeError(actual.dataSync(), expected) < 1e-5, `${name}: ${relativeError(actual.dataSync(), expected)}`);
      }
      tf.dispose([x, filter, bias, dy, fused, plain, dx]);
    });
  }

  /** The loop for 1–4 output channels (input channels a multiple of 4, the filter output channel first). */
  const narrowCases: Case[] = [
    { batch: 1, height: 3, width: 1, ci: 4, co: 1, kh: 3, kw: 3, pad: 'same' },
    { batch: 2, height: 4, width: 2, ci: 8, co: 2, kh: 3, kw: 3, pad: 'same' },
    { batch: 3, height: 2, width: 3, ci: 4, co: 3, kh: 3, kw: 3, pad: 'same' },
    { batch: 1, height: 5, width: 4, ci: 12, co: 4, kh: 3, kw: 3, pad: 'same' },
    { batch: 2, height: 3, width: 5, ci: 16, co: 1, kh: 3, kw: 3, pad: 'same' },
    { batch: 1, height: 4, width: 6, ci: 8, co: 3, kh: 3, kw: 2, pad: 'same' },
    { batch: 3, height: 7, width: 7, ci: 16, co: 1, kh: 3, kw: 3, pad: 'same' },
    { batch: 2, height: 3, width: 8, ci: 4, co: 2, kh: 2, kw: 3, pad: 'valid' },
    { batch: 1, height: 6, width: 9, ci: 12, co: 3, kh: 5, kw: 5, pad: 'same' },
    { batch: 2, height: 3, width: 9, ci: 4, co: 1, kh: 3, kw: 3, pad: [0, 2, 1, 3] },
  ];
  for (const c of narrowCases) {
    it(`${label(c)}: the few-output-channel loop, direct with and without padColumns and through Conv2D, within 1e-5`, () => {
      const info = infoOf(c);
      const { outHeight, outWidth, padInfo } = info;
      const xShape = [c.batch, c.height, c.width, c.ci];
      const filterShape = [c.kh, c.kw, c.ci, c.co];
      const outShape = [c.batch, outHeight, outWidth, c.co];
      const [xs, fs, bs] = [randomValues(c.batch * c.height * c.width * c.ci, 73), randomValues(c.kh * c.kw * c.ci * c.co, 74), randomValues(c.co, 75)];
      const expected = convForward(xs, xShape, fs, filterShape, bs, geometry(info), true);
      const paddedWidth = outWidth + c.kw - 1;
      const [x, filter, bias, direct, viaPadded, padded] = [
        tf.tensor(Float32Array.from(xs), xShape), tf.tensor(Float32Array.from(fs), filterShape), tf.tensor(Float32Array.from(bs), [c.co]),
        tf.fill(outShape, Number.NaN), tf.fill(outShape, Number.NaN), tf.fill([c.batch * c.height, paddedWidth, c.ci], Number.NaN),
      ];
      const transposed = tf.transpose(filter, [3, 0, 1, 2]);
      kernels.exports.conv2dForwardNarrow(heapOffset(x), heapOffset(transposed), heapOffset(bias), heapOffset(direct), c.batch, c.height, c.width, c.ci, outHeight, outWidth, c.co, c.kh, c.kw, padInfo.top, padInfo.left, 1);
      kernels.exports.padColumns(heapOffset(x), heapOffset(padded), c.batch * c.height, c.width, c.ci, paddedWidth, padInfo.left);
      kernels.exports.conv2dForwardNarrow(heapOffset(padded), heapOffset(transposed), heapOffset(bias), heapOffset(viaPadded), c.batch, c.height, paddedWidth, c.ci, outHeight, outWidth, c.co, c.kh, c.kw, padInfo.top, 0, 1);
      assert.ok(relativeError(direct.dataSync(), expected) < 1e-5, `direct: ${relativeError(direct.dataSync(), expected)}`);
      assert.ok(relativeError(viaPadded.dataSync(), expected) < 1e-5, `column-padded: ${relativeError(viaPadded.dataSync(), expected)}`);
      const attrs = { strides: [1, 1], pad: tfPad(c.pad), dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
      const plain = tf.engine().runKernel('Conv2D', { x, filter }, attrs) as tf.Tensor;
      const linear = convForward(xs, xShape, fs, filterShape, undefined, geometry(info), false);
      assert.ok(relativeError(plain.dataSync(), linear) < 1e-5, `Conv2D: ${relativeError(plain.dataSync(), linear)}`);
      tf.dispose([x, filter, bias, direct, viaPadded, padded, transposed, plain]);
    });
  }

  it('pads the input columns where some output column has taps in the padding and a row has 4 columns or more', () => {
    const table: { c: Case; pads: boolean }[] = [
      { c: cases[6], pads: true }, // 7×7 'same'
      { c: cases[2], pads: false }, // 3 columns: no block of 4
      { c: cases[8], pads: false }, // 'valid': every tap inside
      { c: cases[11], pads: true }, // padding on the right only
      { c: cases[12], pads: false }, // 1×1
    ];
    for (const { c, pads } of table) {
      assert.equal(padsColumns(infoOf(c)), pads, label(c));
    }
  });
});
