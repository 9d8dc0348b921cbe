import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { fullCorrelationPadding, spreadByStride, trimForPadding } from './conv-geometry';
import { composeKernel } from './kernel-composer';

/**
 * DepthwiseConv2dNativeBackpropInput for wasm as one depthwise convolution (XNNPACK) of the output
 * gradient, spread out by the stride (zeros between rows and columns), with the spatially flipped
 * filter: dx[b,h,w,c] = Σ_{kh,kw,q} dy[b, (h + top − kh·d)/s, …, c·m+q] · f[kh,kw,c,q].
 */
export const depthwiseConv2dNativeBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true,
  );
  const { batchSize: b, inHeight, inWidth, inChannels: c, filterHeight: kh, filterWidth: kw } = info;
  const m = info.outChannels / c;
  return composeKernel(backend, (k) => {
    const spread = spreadByStride(k, dy, info.strideHeight, info.strideWidth);
    const rows = fullCorrelationPadding(inHeight, spread.shape[1], kh, info.dilationHeight, info.padInfo.top);
    const cols = fullCorrelationPadding(inWidth, spread.shape[2], kw, info.dilationWidth, info.padInfo.left);
    const { trimmed, pad } = trimForPadding(k, spread, rows, cols);
    const flipped = k.reshape(k.run('Reverse', { x: filter }, { dims: [0, 1] }), [kh, kw, c * m, 1]);
    const grad = k.run('DepthwiseConv2dNative', { x: trimmed, filter: flipped }, {
      strides: [1, 1],
      dilations: [info.dilationHeight, info.dilationWidth],
      pad,
      dataFormat: 'NHWC',
    }); // [b, H, W, c·m]
    if (m === 1) {
      return grad;
    }
    const perMultiplier = k.reshape(grad, [b * inHeight * inWidth, c, m]);
    return k.reshape(k.run('Sum', { x: perMultiplier }, { axis: [2], keepDims: false }), [b, inHeight, inWidth, c]);
  });
};

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
