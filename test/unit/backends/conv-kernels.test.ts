import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { convFilterGradient, convInputGradient, type Geometry } from './reference-convolutions';
import { randomValues, relativeError, runKernelOn, transpose4d, useWasmBackend } from './kernel-harness';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  /** [batch, height, width, inChannels] */
  x: [number, number, number, number];
  /** [kh, kw, inChannels, outChannels], or [kh, kw, channels, multiplier] when depthwise */
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
}

const tolerance = 1e-4;

/** Full convolutions (Conv2DBackpropFilter/Input have no dilation in tfjs): strides, paddings, batch 1, odd and even kernels. */
const convCases: ConvCase[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 2], strides: 1, pad: 'same' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [1, 8, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'valid' },
  { x: [3, 9, 8, 2], filter: [2, 3, 2, 3], strides: [2, 3], pad: 'same' },
  { x: [2, 6, 9, 4], filter: [2, 2, 4, 2], strides: 2, pad: 'valid' },
  { x: [1, 10, 10, 3], filter: [5, 5, 3, 5], strides: 3, pad: 'same' },
  { x: [1, 9, 8, 3], filter: [2, 3, 3, 4], strides: [2, 3], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [2, 6, 6, 2], filter: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [3, 0], [2, 4], [0, 0]] },
  { x: [4, 4, 4, 8], filter: [1, 1, 8, 16], strides: 1, pad: 'valid' },
  { x: [1, 5, 6, 8], filter: [1, 1, 8, 4], strides: [1, 2], pad: 'same' },
  { x: [2, 5, 5, 3], filter: [1, 1, 3, 2], strides: 1, pad: [[0, 0], [1, 0], [0, 2], [0, 0]] },
  { x: [2, 14, 14, 8], filter: [3, 3, 8, 16], strides: 1, pad: 'same' },
  // A first layer on one-channel images (the filter gradient's im2col path): the README CNN's conv.
  { x: [4, 28, 28, 1], filter: [3, 3, 1, 16], strides: 1, pad: 'same' },
  // Kernels narrower than the stride: some output phases of the input gradient receive no tap at all.
  { x: [2, 7, 7, 4], filter: [1, 1, 4, 3], strides: 2, pad: 'valid' },
  { x: [1, 8, 7, 2], filter: [2, 2, 2, 3], strides: 3, pad: 'same' },
  // Stride 1 (the filter gradient's SIMD loop): channel counts off the blocks of 4 inputs × 8 outputs.
  { x: [2, 6, 7, 5], filter: [3, 3, 5, 13], strides: 1, pad: 'same' },
  { x: [1, 5, 9, 9], filter: [3, 2, 9, 7], strides: 1, pad: 'valid' },
  { x: [2, 4, 5, 4], filter: [3, 3, 4, 8], strides: 1, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [1, 6, 6, 6], filter: [5, 5, 6, 3], strides: 1, pad: 'same' },
  { x: [3, 7, 7, 16], filter: [3, 3, 16, 33], strides: 1, pad: 'same' },
];

/** Depthwise convolutions: channel multipliers, strides, paddings and dilations, batch 1. */
const depthwiseCases: ConvCase[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 1], strides: 2, pad: 'same' },
  { x: [1, 9, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'valid' },
  { x: [3, 9, 7, 2], filter: [2, 3, 2, 3], strides: [1, 2], pad: 'same' },
  { x: [2, 9, 9, 2], filter: [3, 3, 2, 2], strides: 1, pad: 'same', dilations: 2 },
  { x: [2, 9, 11, 2], filter: [3, 2, 2, 1], strides: 1, pad: 'valid', dilations: [2, 3] },
  { x: [1, 8, 8, 4], filter: [3, 3, 4, 1], strides: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]], dilations: 2 },
  { x: [1, 10, 9, 2], filter: [3, 3, 2, 2], strides: 2, pad: [[0, 0], [1, 1], [0, 2], [0, 0]] },
  { x: [2, 14, 14, 16], filter: [3, 3, 16, 1], strides: 1, pad: 'same' },
  { x: [2, 6, 6, 3], filter: [1, 1, 3, 2], strides: 2, pad: 'same' },
  { x: [1, 8, 9, 2], filter: [2, 2, 2, 1], strides: 3, pad: 'valid' },
];

function describeCase(c: ConvCase): string {
  return `x ${c.x.join('×')}, filter ${c.filter.join('×')}, strides ${String(c.strides)}, pad ${JSON.stringify(c.pad)}, dilations ${String(c.dilations ?? 1)}`;
}

function geometryOf(c: ConvCase, depthwise: boolean): Geometry & { outShape: number[] } {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations ?? 1, c.pad, undefined, depthwise);
  return {
    strideHeight: info.strideHeight, strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight, dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left,
    outHeight: info.outHeight, outWidth: info.outWidth, outShape: info.outShape,
  };
}

/** Runs `kernel` on wasm and (where the cpu kernel implements the case) on cpu, and checks both against the float64 reference. */
async function expectMatchesReferences(
  kernelName: string, inputs: Parameters<typeof runKernelOn>[2], attrs: Record<string, unknown>, expected: Float64Array, checkCpu: boolean,
): Promise<void> {
  const wasm = await runKernelOn('wasm', kernelName, inputs, attrs);
  assert.equal(wasm.leakedDataIds, 0, 'the kernel frees its intermediates');
  assert.ok(relativeError(wasm.values, expected) < tolerance, `wasm vs float64 reference: ${relativeError(wasm.values, expected)}`);
  if (checkCpu) {
    const cpu = await runKernelOn('cpu', kernelName, inputs, attrs);
    assert.deepEqual(wasm.shape, cpu.shape);
    assert.ok(relativeError(wasm.values, cpu.values) < tolerance, `wasm vs cpu: ${relativeError(wasm.values, cpu.values)}`);
  }
}

describe('wasm convolution training kernels', function () {
  this.timeout(30000);
  before(() => useWasmBackend());

  describe('Conv2DBackpropFilter', () => {
    convCases.forEach((c, n) => {
      it(`matches cpu and float64: ${describeCase(c)}`, async () => {
        const g = geometryOf(c, false);
        const x = randomValues(c.x.reduce((a, b) => a * b), 10 + n);
        const dy = randomValues(g.outShape.reduce((a, b) => a * b), 20 + n);
        const expected = convFilterGradient(x, c.x, dy, c.filter, g, false);
        const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
        await expectMatchesReferences('Conv2DBackpropFilter', { x: { values: x, shape: c.x }, dy: { values: dy, shape: g.outShape } }, attrs, expected, true);
      });
    });

    it('takes channels-first (NCHW) input and output gradient', async () => {
      const c = convCases[4];
      const g = geometryOf(c, false);
      const x = randomValues(c.x.reduce((a, b) => a * b), 7);
      const dy = randomValues(g.outShape.reduce((a, b) => a * b), 8);
      const expected = convFilterGradient(x, c.x, dy, c.filter, g, false);
      const toNchw = (v: Float64Array, shape: number[]) => ({ values: transpose4d(v, shape, [0, 3, 1, 2]), shape: [0, 3, 1, 2].map((p) => shape[p]) });
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NCHW', filterShape: c.filter };
      await expectMatchesReferences('Conv2DBackpropFilter', { x: toNchw(x, c.x), dy: toNchw(dy, g.outShape) }, attrs, expected, true);
    });
  });

  describe('Conv2DBackpropInput (replaces the scalar-loop kernel of tfjs-backend-wasm 4.22)', () => {
    convCases.forEach((c, n) => {
      it(`matches cpu and float64: ${describeCase(c)}`, async () => {
        const g = geometryOf(c, false);
        const filter = randomValues(c.filter.reduce((a, b) => a * b), 30 + n);
        const dy = randomValues(g.outShape.reduce((a, b) => a * b), 40 + n);
        const expected = convInputGradient(dy, filter, c.filter, c.x, g, false);
        const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
        await expectMatchesReferences('Conv2DBackpropInput', { dy: { values: dy, shape: g.outShape }, filter: { values: filter, shape: c.filter } }, attrs, expected, true);
      });
    });

    it('takes a channels-first (NCHW) output gradient and returns NCHW', async () => {
      const c = convCases[2];
      const g = geometryOf(c, false);
      const filter = randomValues(c.filter.reduce((a, b) => a * b), 5);
      const dy = randomValues(g.outShape.reduce((a, b) => a * b), 6);
      const expected = transpose4d(convInputGradient(dy, filter, c.filter, c.x, g, false), c.x, [0, 3, 1, 2]);
      const dyNchw = { values: transpose4d(dy, g.outShape, [0, 3, 1, 2]), shape: [0, 3, 1, 2].map((p) => g.outShape[p]) };
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NCHW', inputShape: [0, 3, 1, 2].map((p) => c.x[p]) };
      await expectMatchesReferences('Conv2DBackpropInput', { dy: dyNchw, filter: { values: filter, shape: c.filter } }, attrs, expected, true);
    });
  });

  // The cpu kernels ignore dilations in these two gradients (tfjs's gradient refuses dilations > 1),
  // so dilated cases are checked against the float64 reference only.
  describe('DepthwiseConv2dNativeBackpropFilter', () => {
    depthwiseCases.forEach((c, n) => {
      it(`matches ${c.dilations ? '' : 'cpu and '}float64: ${describeCase(c)}`, async () => {
        const g = geometryOf(c, true);
        const x = randomValues(c.x.reduce((a, b) => a * b), 50 + n);
        const dy = randomValues(g.outShape.reduce((a, b) => a * b), 60 + n);
        const expected = convFilterGradient(x, c.x, dy, c.filter, g, true);
        const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1, filterShape: c.filter };
        await expectMatchesReferences('DepthwiseConv2dNativeBackpropFilter', { x: { values: x, shape: c.x }, dy: { values: dy, shape: g.outShape } }, attrs, expected, c.dilations === undefined);
      });
    });
  });

  describe('DepthwiseConv2dNativeBackpropInput', () => {
    depthwiseCases.forEach((c, n) => {
      it(`matches ${c.dilations ? '' : 'cpu and '}float64: ${describeCase(c)}`, async () => {
        const g = geometryOf(c, true);
        const filter = randomValues(c.filter.reduce((a, b) => a * b), 70 + n);
        const dy = randomValues(g.outShape.reduce((a, b) => a * b), 80 + n);
        const expected = convInputGradient(dy, filter, c.filter, c.x, g, true);
        const attrs = { strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1, inputShape: c.x };
        await expectMatchesReferences('DepthwiseConv2dNativeBackpropInput', { dy: { values: dy, shape: g.outShape }, filter: { values: filter, shape: c.filter } }, attrs, expected, c.dilations === undefined);
      });
    });
  });
});
