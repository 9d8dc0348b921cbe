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
 * many). Conv2DBackpropInput's stride-1 convolution of dy with the flipped filter (input-gradient.ts)
 * runs through Conv2D, so it gains the same. `native` keeps its setup.
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
  const perChannelBias = bias === undefined || (bias.dtype === 'float32' && bias.shape.reduce((a, b) => a * b, 1) === info.outChannels && info.outChannels > 1);
  if (!simdConvolutionPays(info) || !perChannelBias) {
    return undefined;
  }
  const y = allocateOutput(backend, info.outShape, 'float32');
  // Views taken after the allocation (a heap that grew for it detaches older ones).
  simd.exports.conv2dForward(
    heapView(backend, x).byteOffset, heapView(backend, filter).byteOffset, bias === undefined ? 0 : heapView(backend, bias).byteOffset, heapView(backend, y.info).byteOffset,
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.padInfo.top, info.padInfo.left, relu ? 1 : 0,
  );
  return y.info;
}
