import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import type { AxisPadding } from './conv-geometry';
import { heapView } from '../heap';
import { composeKernel, type KernelComposer } from '../kernel-composer';
import { simdKernelsOf, type SimdKernels } from '../simd/simd-module';

/**
 * Conv2DBackpropFilter for wasm as one forward convolution (XNNPACK), with batch and channels swapped:
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s + kh − top, ow·s + kw − left, ci] · dy[b,oh,ow,co]
 * is a convolution of x (ci as batch, b as channels) with dy (its spatial extent as the kernel),
 * stride 1 and dilation = the forward stride. Measured 2–40× faster than im2col + matMul, or
 * per-tap matMuls, for the 3×3 convs of small CNNs. A 1×1 kernel without padding (pointwise convs,
 * bottlenecks) is one matMul instead, xᵀ·dy, 2–20× faster there; so is a convolution of an input with
 * few channels (a network's first layer: images), after an im2col (see filterGradientByIm2col).
 * With stride 1 (the 3×3 convs of small CNNs) on one thread, the SIMD module's direct loop wins
 * over all of them (see filterGradientBySimd); the threaded build keeps XNNPACK's, which spreads
 * over its threads.
 */
export const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  return composeKernel(backend, (k) => {
    const channelsFirst = backend_util.convertConv2DDataFormat(dataFormat) === 'channelsFirst';
    const xNhwc = channelsFirst ? k.transpose(x, [0, 2, 3, 1]) : x;
    const dyNhwc = channelsFirst ? k.transpose(dy, [0, 2, 3, 1]) : dy;
    const info = backend_util.computeConv2DInfo(
      xNhwc.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast',
    );
    const { top, bottom, left, right } = info.padInfo;
    const isPointwise = info.filterHeight === 1 && info.filterWidth === 1 && top + bottom + left + right === 0;
    const simd = simdKernelsOf(backend);
    if (simd !== undefined && !simd.shared && simdFilterGradientPays(info)) {
      return filterGradientBySimd(k, simd, backend, xNhwc, dyNhwc, info);
    }
    if (isPointwise) {
      return pointwiseFilterGradient(k, xNhwc, dyNhwc, info);
    }
    return info.inChannels <= MAX_IM2COL_CHANNELS ? filterGradientByIm2col(k, backend, xNhwc, dyNhwc, info) : filterGradientByConvolution(k, xNhwc, dyNhwc, info);
  });
};

/**
 * dW of a stride-1 convolution by the SIMD module's loop (wasm-simd/convolution.ts): the sums of a
 * block of 4 input × 8 output channels stay in registers while an output row streams past, no
 * im2col, no copies. 3×3 'same' convs, CPU ms (this against XNNPACK's paths above): 28×28, 1 → 16
 * channels, batch 32: 0.46 vs 1.05; 14×14, 16 → 32: 1.47 vs 3.87 at batch 32, 0.36 vs 1.98 at
 * batch 8; 28×28, 8 → 16, batch 32: 1.50 vs 5.27 (32–40 GFLOP/s against 7–18).
 */
/**
 * Where the SIMD loop beats XNNPACK's paths: stride and dilation 1, output channels a multiple of 8
 * and input channels a multiple of 4 (its blocks) or a single one (a first layer on grey images).
 * Outside the blocks its narrower loops lose: 5×5, 64 → 3 channels, 64×64, batch 8: 87 vs 42 ms;
 * 3 → 64: 25 vs 21 ms. Inside them it wins at every size measured, up to 5×5, 512 → 256 (146 vs 168 ms).
 */
export function simdFilterGradientPays(info: backend_util.Conv2DInfo): boolean {
  const unit = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  return unit && info.outChannels % 8 === 0 && (info.inChannels % 4 === 0 || info.inChannels === 1);
}

function filterGradientBySimd(k: KernelComposer, simd: SimdKernels, backend: object, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const dw = k.allocate([filterHeight, filterWidth, inChannels, outChannels]);
  // Views taken after the allocation (a heap that grew for it detaches older ones).
  simd.exports.conv2dFilterGrad(
    heapView(backend, x).byteOffset, heapView(backend, dy).byteOffset, heapView(backend, dw.info).byteOffset,
    batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, info.padInfo.top, info.padInfo.left,
  );
  return dw.info;
}

/**
 * dW of a 1×1 convolution: xᵀ·dy over the sampled positions. The transpose is explicit because wasm's
 * BatchMatMul runs transposeA as a scalar loop but a plain product on XNNPACK.
 */
function pointwiseFilterGradient(k: KernelComposer, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: b, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, inChannels: ci, outChannels: co } = info;
  const sampled = sh === 1 && sw === 1 ? x : k.run('StridedSlice', { x }, {
    begin: [0, 0, 0, 0], end: [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, ci], strides: [1, sh, sw, 1],
    beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
  });
  const xT = k.transpose(k.reshape(sampled, [b * oh * ow, ci]), [1, 0]);
  const product = k.run('BatchMatMul', { a: xT, b: k.reshape(dy, [b * oh * ow, co]) }, { transposeA: false, transposeB: false });
  return k.reshape(product, [1, 1, ci, co]);
}

/**
 * Input channels up to which the filter gradient is an im2col and one matMul. 3×3 'same' convs of
 * 28×28 inputs to 16 filters, CPU ms (im2col against the swapped convolution): 1 channel 0.38 vs 0.83
 * at batch 8, 1.0 vs 2.6 at batch 32; 3 channels 0.69 vs 1.40 and 2.7 vs 3.3; at 16 channels (14×14,
 * 32 filters) the convolution wins, 1.3 vs 1.6 ms at batch 8.
 */
const MAX_IM2COL_CHANNELS = 4;

/**
 * dW [kh·kw·ci, co] = colsᵀ·dy: colsᵀ [kh·kw·ci, b·oh·ow] holds, for each tap and input channel, the
 * input values that tap meets at every output position (0 in the padding), written straight into the
 * wasm heap in one JavaScript pass; the product is XNNPACK's.
 */
function filterGradientByIm2col(k: KernelComposer, backend: object, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: b, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const positions = b * oh * ow;
  const { info: colsInfo, values: cols } = k.allocate([1, kh * kw * ci, positions]);
  writeColumnsTransposed(heapView(backend, x) as Float32Array, cols as Float32Array, info);
  const product = k.run('BatchMatMul', { a: colsInfo, b: k.reshape(dy, [1, positions, co]) }, { transposeA: false, transposeB: false });
  return k.reshape(product, [kh, kw, ci, co]);
}

/** colsᵀ[(ty·kw + tx)·ci + c][(n·oh + y)·ow + x'] = x[n, y·sh + ty − top, x'·sw + tx − left, c], 0 outside; exported for tests. */
export function writeColumnsTransposed(x: Float32Array, cols: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const positions = b * oh * ow;
  for (let ty = 0; ty < kh; ty++) {
    for (let tx = 0; tx < kw; tx++) {
      for (let c = 0; c < ci; c++) {
        let out = ((ty * kw + tx) * ci + c) * positions;
        for (let n = 0; n < b; n++) {
          for (let y = 0; y < oh; y++) {
            const row = y * sh + ty - top;
            if (row < 0 || row >= h) {
              cols.fill(0, out, out + ow);
              out += ow;
              continue;
            }
            const source = ((n * h + row) * w) * ci + c;
            for (let x2 = 0; x2 < ow; x2++, out++) {
              const col = x2 * sw + tx - left;
              cols[out] = col >= 0 && col < w ? x[source + col * ci] : 0;
            }
          }
        }
      }
    }
  }
}

/** dW as one convolution of the input (ci as batch, b as channels) with the output gradient (as the kernel). */
function filterGradientByConvolution(k: KernelComposer, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
  const rows = paddingForFilterGradient(info.inHeight, info.outHeight, info.strideHeight, kh, info.dilationHeight, info.padInfo.top);
  const cols = paddingForFilterGradient(info.inWidth, info.outWidth, info.strideWidth, kw, info.dilationWidth, info.padInfo.left);
  const xSwapped = k.transpose(x, [3, 1, 2, 0]); // [ci, H, W, b]
  const dySwapped = k.transpose(dy, [1, 2, 0, 3]); // [oh, ow, b, co]
  const grad = k.run('Conv2D', { x: xSwapped, filter: dySwapped }, {
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    pad: [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]],
    dataFormat: 'NHWC',
  }); // [ci, kh', kw', co] with kh' ≥ kh
  const cropped = k.slice(grad, [0, 0, 0, 0], [ci, kh, kw, co]);
  return k.transpose(cropped, [1, 2, 0, 3]);
}

/**
 * Padding of the swapped convolution along one axis (here and in the depthwise filter gradient): the
 * forward padding before, and after it just enough that the gradient has `filterSize` taps (never
 * negative; extra taps are cropped).
 */
export function paddingForFilterGradient(
  inSize: number, outSize: number, stride: number, filterSize: number, dilation: number, padBefore: number,
): AxisPadding {
  const needed = (outSize - 1) * stride + (filterSize - 1) * dilation + 1;
  return { before: padBefore, after: Math.max(0, needed - inSize - padBefore) };
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
