import type { Conv2DAttrs, FusedConv2DAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { allocateOutput, heapView } from '../heap';
import { simdKernelsOf } from '../simd/simd-module';

/**
 * Conv2D and FusedConv2D for wasm around tfjs-backend-wasm's own (XNNPACK) kernels: a stride-1,
 * dilation-1, channels-last convolution (bias and ReLU fused or none) of the shapes where it pays
 * (simdConvolutionPays) runs the SIMD module's direct loop (wasm-simd/convolution-forward.ts) on one
 * thread; anything else, and every convolution of the
 * threaded build (whose XNNPACK spreads over the threads), runs the native kernel. 3×3 'same' convs
 * with bias and ReLU, CPU ms (this against XNNPACK): 14×14, 16 → 32 channels, batch 32: 1.63 vs 2.12;
 * 28×28, 8 → 16: 1.91 vs 2.53; 28×28, 1 → 16: 0.54 vs 0.65 (about 1.3× faster where channels are
 * many); 1 to 4 output channels have a loop of their own (simdNarrowConvolutionPays). Conv2DBackpropInput's
 * stride-1 convolution of dy with the flipped filter (input-gradient.ts) runs through Conv2D, so it
 * gains the same. `native` keeps its setup.
 */
export function createSimdConvolutionConfig(native: KernelConfig): KernelConfig {
  return {
    kernelName: native.kernelName,
    backendName: 'wasm',
    setupFunc: native.setupFunc,
    kernelFunc: (args) => simdConvolution(args, native.kernelName === 'FusedConv2D') ?? native.kernelFunc(args),
  };
}

/**
 * Where the SIMD loop beats XNNPACK's convolution: stride and dilation 1, output channels a multiple of
 * 8 (its blocks; 5×5, 64 → 3 channels took 4.5× XNNPACK's time), and a filter block (kh·kw·ci rows
 * of 8 outputs) that stays in the L1 cache: kh·kw·ci ≤ 1152 (3×3×128). Measured at batch 8 and 32,
 * CPU ms SIMD vs XNNPACK: 3×3, 64 → 64, 14×14: 14.1 vs 16.4; 5×5, 3 → 64, 64×64: 14.2 vs 21.2;
 * 5×5, 128 → 64: 114.5 vs 112.8; 5×5, 512 → 256, 8×8: 310 vs 146.
 */
export function simdConvolutionPays(info: backend_util.Conv2DInfo): boolean {
  const unit = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  return unit && info.outChannels % 8 === 0 && info.filterHeight * info.filterWidth * info.inChannels <= 1152;
}

/** The convolution by the SIMD module, or undefined where it does not apply; bias and activation only when `fused` (Conv2D has neither). */
function simdConvolution({ inputs, backend, attrs }: Parameters<KernelFunc>[0], fused: boolean): TensorInfo | undefined {
  const simd = simdKernelsOf(backend);
  if (simd === undefined || simd.shared) {
    return undefined;
  }
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const { bias, preluActivationWeights } = (fused ? inputs : {}) as { bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
  const activation = fused ? (attrs as unknown as FusedConv2DAttrs).activation : undefined;
  const relu = activation === 'relu';
  if ((activation !== undefined && activation !== 'linear' && !relu) || preluActivationWeights !== undefined || dataFormat === 'NCHW') {
    return undefined;
  }
  if (x.dtype !== 'float32' || filter.dtype !== 'float32') {
    return undefined;
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, false, 'channelsLast',
  );
  const perChannelBias = bias === undefined || (bias.dtype === 'float32' && bias.shape.reduce((a, b) => a * b, 1) === info.outChannels);
  const narrow = simdNarrowConvolutionPays(info);
  if (!(simdConvolutionPays(info) || narrow) || !perChannelBias) {
    return undefined;
  }
  const y = allocateOutput(backend, info.outShape, 'float32');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const filterSize = filterHeight * filterWidth * inChannels * outChannels;
  // The narrow loop's filter, transposed to output channel first, and the column-padded input, in
  // scratch allocated before any view.
  const transposed = narrow ? simd.malloc(4 * filterSize) : 0;
  const paddedWidth = padsColumns(info) ? outWidth + filterWidth - 1 : 0;
  const padded = paddedWidth > 0 ? simd.malloc(4 * batchSize * inHeight * paddedWidth * inChannels) : 0;
  try {
    // Views taken after the allocations (a heap that grew for them detaches older ones).
    const filterView = heapView(backend, filter) as Float32Array;
    if (narrow) {
      transposeToOutputFirst(filterView, new Float32Array(simd.memory.buffer, transposed, filterSize), outChannels);
    }
    let input = heapView(backend, x).byteOffset;
    let [width, left] = [inWidth, info.padInfo.left];
    if (padded !== 0) {
      simd.exports.padColumns(input, padded, batchSize * inHeight, inWidth, inChannels, paddedWidth, left);
      [input, width, left] = [padded, paddedWidth, 0];
    }
    const run = narrow ? simd.exports.conv2dForwardNarrow : simd.exports.conv2dForward;
    run(
      input, narrow ? transposed : filterView.byteOffset, bias === undefined ? 0 : heapView(backend, bias).byteOffset, heapView(backend, y.info).byteOffset,
      batchSize, inHeight, width, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, info.padInfo.top, left, relu ? 1 : 0,
    );
  } finally {
    for (const scratch of [transposed, padded].filter((p) => p !== 0)) {
      simd.free(scratch);
    }
  }
  return y.info;
}

/**
 * Whether the input is worth copying into rows padded with zero columns (padColumns): where some
 * output column has taps in the padding, which the loop takes one column at a time, e.g. 3 of 7
 * columns at 7×7 'same'. Needs 4 columns for one block. 3×3 'same', CPU µs (best of 7, padded vs
 * not): 32×7×7×32 → 32 670 vs 845, 32×7×7×16 → 32 330 vs 414; at 14×14 and 28×28 within 3%.
 */
export function padsColumns(info: backend_util.Conv2DInfo): boolean {
  const left = info.padInfo.left;
  const insideEnd = Math.min(info.outWidth, info.inWidth - info.filterWidth + 1 + left);
  return info.outWidth >= 4 && (left > 0 || insideEnd < info.outWidth);
}

/** [kh, kw, ci, co] → [co, kh, kw, ci]. */
function transposeToOutputFirst(filter: Float32Array, out: Float32Array, outChannels: number): void {
  const rows = filter.length / outChannels;
  for (let o = 0; o < outChannels; o++) {
    for (let r = 0; r < rows; r++) {
      out[o * rows + r] = filter[r * outChannels + o];
    }
  }
}

/**
 * Where the SIMD loop for few output channels beats XNNPACK's convolution: stride and dilation 1, 1
 * to 4 output channels, input channels a multiple of 4 (its vectors). Such a convolution is the input
 * gradient of a first layer on grey or colour images, which tfjs computes though nothing uses it, or
 * a generator's last layer. CPU µs, SIMD vs XNNPACK (best of 5–7, column-padded input, blocks of 4
 * columns): 3×3, 28×28, 16 → 1, batch 32: 341 vs 2039, batch 8: 102 vs 520; 8 → 1, batch 32: 208
 * vs 1133; 16 → 2, batch 8: 160 vs 504; 3×3, 32×32, batch 8, 12 → 3: 249 vs 523; 32 → 4: 685 vs
 * 1244; 5×5, 64×64, 64 → 3: 10694 vs 26676. (Its one-column loop before lost at 3 and 4 channels.)
 */
export function simdNarrowConvolutionPays(info: backend_util.Conv2DInfo): boolean {
  const unit = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  return unit && info.outChannels >= 1 && info.outChannels <= 4 && info.inChannels % 4 === 0;
}
