import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { inputGradient } from './input-gradient';
import { composeKernel } from '../kernel-composer';

/**
 * DepthwiseConv2dNativeBackpropInput for wasm as depthwise convolutions (XNNPACK) of the output
 * gradient with the spatially flipped filter, one per output phase when strided (see input-gradient.ts):
 * dx[b,h,w,c] = Σ_{kh,kw,q} dy[b, (h + top − kh·d)/s, …, c·m+q]·f[kh,kw,c,q], the sum over the
 * multiplier q taken last.
 */
export const depthwiseConv2dNativeBackpropInput: KernelFunc = ({ inputs, backend: untypedBackend, attrs }) => {
  const backend = untypedBackend as KernelBackend;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true,
  );
  const { batchSize: b, inHeight, inWidth, inChannels: c } = info;
  const m = info.outChannels / c;
  return composeKernel(backend, (k) => {
    const geometry = { ...info, padTop: info.padInfo.top, padLeft: info.padInfo.left };
    const grad = inputGradient(k, backend, dy, filter, geometry, c * m, false, (x, flipped, explicitPad, dilationPair) => {
      const [jh, jw] = flipped.shape;
      return k.run('DepthwiseConv2dNative', { x, filter: k.reshape(flipped, [jh, jw, c * m, 1]) }, {
        strides: [1, 1], dilations: dilationPair, pad: explicitPad, dataFormat: 'NHWC',
      });
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
