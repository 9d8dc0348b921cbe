import type { DepthwiseConv2dNativeBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { paddingForFilterGradient } from './conv2d-backprop-filter';
import { composeKernel } from '../kernel-composer';

/**
 * DepthwiseConv2dNativeBackpropFilter for wasm as one depthwise convolution (XNNPACK):
 * dW[kh,kw,c,q] = Σ_{b,oh,ow} x[b, oh·s + kh·d − top, …, c] · dy[b,oh,ow,c·m+q].
 * Batch moves into channels (x → [1,H,W,b·c], dy → kernel [oh,ow,b·c,m]); stride and dilation swap;
 * the per-batch results are then summed.
 */
export const depthwiseConv2dNativeBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true,
  );
  const { batchSize: b, inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight: kh, filterWidth: kw } = info;
  const m = info.outChannels / c;
  return composeKernel(backend, (k) => {
    const rows = paddingForFilterGradient(inHeight, outHeight, info.strideHeight, kh, info.dilationHeight, info.padInfo.top);
    const cols = paddingForFilterGradient(inWidth, outWidth, info.strideWidth, kw, info.dilationWidth, info.padInfo.left);
    const xMerged = b === 1 ? x : k.reshape(k.transpose(x, [1, 2, 0, 3]), [1, inHeight, inWidth, b * c]);
    const dyMerged = b === 1 ? dy : k.transpose(dy, [1, 2, 0, 3]);
    const kernel = k.reshape(dyMerged, [outHeight, outWidth, b * c, m]);
    const grad = k.run('DepthwiseConv2dNative', { x: xMerged, filter: kernel }, {
      strides: [info.dilationHeight, info.dilationWidth],
      dilations: [info.strideHeight, info.strideWidth],
      pad: [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]],
      dataFormat: 'NHWC',
    }); // [1, kh', kw', b·c·m] with kh' ≥ kh
    const cropped = k.slice(grad, [0, 0, 0, 0], [1, kh, kw, b * c * m]);
    if (b === 1) {
      return k.reshape(cropped, [kh, kw, c, m]);
    }
    const perBatch = k.reshape(cropped, [kh * kw, b, c * m]);
    return k.reshape(k.run('Sum', { x: perBatch }, { axis: [1], keepDims: false }), [kh, kw, c, m]);
  });
};

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
