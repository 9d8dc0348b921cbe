import type { Conv2DBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { inputGradient } from './input-gradient';
import { composeKernel } from '../kernel-composer';

/**
 * Conv2DBackpropInput for wasm as XNNPACK convolutions of the output gradient with the flipped filter,
 * its channel axes swapped: dx[b,h,w,ci] = Σ_{kh,kw,co} dy[b, (h + top − kh)/s, (w + left − kw)/s, co]·f[kh,kw,ci,co].
 * Stride 1 is one convolution; stride s is s_h·s_w smaller ones, one per output phase (see
 * input-gradient.ts). tfjs-backend-wasm 4.22 has this kernel only as a scalar loop, 2–20× slower on the
 * convs measured (strides 1–3, kernels 1×1 to 5×5, batch 8 and 32; see the README), so
 * `registerWasmTrainingKernels` replaces that one.
 */
export const conv2DBackpropInput: KernelFunc = ({ inputs, backend: untypedBackend, attrs }) => {
  const backend = untypedBackend as KernelBackend;
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
    const geometry = { ...info, padTop: info.padInfo.top, padLeft: info.padInfo.left };
    const dx = inputGradient(k, backend, dyNhwc, filter, geometry, info.inChannels, true, (x, flipped, explicitPad, dilations) =>
      k.run('Conv2D', { x, filter: flipped }, { strides: [1, 1], dilations, pad: explicitPad, dataFormat: 'NHWC' }),
    );
    return channelsFirst ? k.transpose(dx, [0, 3, 1, 2]) : dx;
  });
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
