import type { KernelBackend, KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';

/**
 * MaxPoolGrad for wasm: each window's first maximum (row-major, as TensorFlow and tfjs's cpu backend
 * pick it) receives the window's output gradient; overlapping windows add up. tfjs-backend-wasm 4.22's
 * own kernel credits the wrong element when a window holds only negative values, which corrupts the
 * gradients of every layer before a max pool whose input can be negative (batch norm, linear or tanh
 * activations), so `registerWasmTrainingKernels` replaces it.
 *
 * One pass over the input in JavaScript: the work is a few compares per input value, and a
 * composition of wasm kernels (rank-6 transpose + ArgMax + ScatterNd) measured no faster (0.5 ms vs
 * 0.4–0.6 ms for an 8×28×28×8 input on this project's bench machine) for more code and copies.
 */
export const maxPoolGrad: KernelFunc = ({ inputs, backend: untypedBackend, attrs }) => {
  const backend = untypedBackend as KernelBackend;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const x = backend.readSync(input.dataId) as Float32Array;
  const dyValues = backend.readSync(dy.dataId) as Float32Array;
  const dx = new Float32Array(x.length);
  addGradientAtFirstMaxima(x, dyValues, dx, info);
  return { dataId: backend.write(dx, input.shape, 'float32'), shape: input.shape, dtype: 'float32' };
};

/** dx[argmax of window] += dy[window] for every window; a window of NaNs only (no maximum) adds nothing. */
export function addGradientAtFirstMaxima(x: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  let out = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const hStart = Math.max(0, oh * strideHeight - top);
      const hEnd = Math.min(inHeight, oh * strideHeight - top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const wStart = Math.max(0, ow * strideWidth - left);
        const wEnd = Math.min(inWidth, ow * strideWidth - left + filterWidth);
        for (let ch = 0; ch < c; ch++, out++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let h = hStart; h < hEnd; h++) {
            let index = ((b * inHeight + h) * inWidth + wStart) * c + ch;
            for (let w = wStart; w < wEnd; w++, index += c) {
              if (x[index] > best) {
                best = x[index];
                bestIndex = index;
              }
            }
          }
          if (bestIndex >= 0) {
            dx[bestIndex] += dy[out];
          }
        }
      }
    }
  }
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
