import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { fullCorrelationPadding, spreadByStride, trimForPadding } from './conv-geometry';
import { composeKernel } from './kernel-composer';

/**
 * Conv2DBackpropInput for wasm as one forward convolution (XNNPACK) of the output gradient, spread
 * out by the stride, with the filter flipped spatially and its channel axes swapped:
 * dx[b,h,w,ci] = Σ_{kh,kw,co} dy[b, (h + top − kh)/s, (w + left − kw)/s, co] · f[kh,kw,ci,co].
 * tfjs-backend-wasm 4.22 has this kernel only as a scalar loop, about 5× slower than this on the convs
 * of a small CNN (see bench/training-speed.ts), so `registerWasmTrainingKernels` replaces that one.
 */
export const conv2DBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  return composeKernel(backend, (k) => {
    const channelsFirst = backend_util.convertConv2DDataFormat(dataFormat) === 'channelsFirst';
    const dyNhwc = channelsFirst ? k.transpose(dy, [0, 2, 3, 1]) : dy;
    const [b, c, h, w] = inputShape;
    const inShapeNhwc: [number, number, number, number] = channelsFirst ? [b, h, w, c] : inputShape;
    const info = backend_util.computeConv2DInfo(
      inShapeNhwc, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast',
    );
    const { inHeight, inWidth, filterHeight: kh, filterWidth: kw } = info;
    const spread = spreadByStride(k, dyNhwc, info.strideHeight, info.strideWidth);
    const rows = fullCorrelationPadding(inHeight, spread.shape[1], kh, 1, info.padInfo.top);
    const cols = fullCorrelationPadding(inWidth, spread.shape[2], kw, 1, info.padInfo.left);
    const { trimmed, pad: explicitPad } = trimForPadding(k, spread, rows, cols);
    const flipped = k.transpose(k.run('Reverse', { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
    const dx = k.run('Conv2D', { x: trimmed, filter: flipped }, { strides: [1, 1], dilations: [1, 1], pad: explicitPad, dataFormat: 'NHWC' });
    return channelsFirst ? k.transpose(dx, [0, 3, 1, 2]) : dx;
  });
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
