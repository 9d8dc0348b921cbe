import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { allocateOutput, heapView } from './heap';
import { simdKernelsOf } from './simd/simd-module';

/**
 * MaxPoolGrad for wasm: each window's first maximum (row-major, as TensorFlow and tfjs's cpu backend
 * pick it) receives the window's output gradient; overlapping windows add up. tfjs-backend-wasm 4.22's
 * own kernel credits the wrong element when a window holds only negative values, which corrupts the
 * gradients of every layer before a max pool whose input can be negative (batch norm, linear or tanh
 * activations), so `registerWasmTrainingKernels` replaces it.
 *
 * One pass over the input, on the tensors where they lie in the wasm heap (no copies, no allocations
 * besides the output): for the common 2×2, stride-2 pool the SIMD module's loop where it runs, else
 * JavaScript, which V8 compiles to a tight loop (a composition of wasm kernels, rank-6 transpose +
 * ArgMax + ScatterNd, measured no faster for more code and copies).
 */
export const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const dx = allocateOutput(backend, input.shape, 'float32');
  // Views taken after the allocation: a heap that grew for it detaches views taken before.
  const dxValues = dx.values as Float32Array;
  const x = heapView(backend, input) as Float32Array;
  const dyValues = heapView(backend, dy) as Float32Array;
  const simd = simdKernelsOf(backend);
  const bySimd = simd !== undefined && isInside2x2(info);
  // The SIMD loop writes every value of its windows when they tile the input and the channels fill
  // its vectors; otherwise what no window covers (and its scalar channels' sums) start from zeros.
  const tiled = 2 * info.outHeight === info.inHeight && 2 * info.outWidth === info.inWidth && info.inChannels % 4 === 0;
  if (!bySimd || !tiled) {
    dxValues.fill(0);
  }
  if (simd !== undefined && bySimd) {
    // The SIMD module's pass (wasm-simd/kernels.ts), four channels a step; equal to addGradientAt2x2Maxima.
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
    simd.exports.maxPoolGrad2x2(x.byteOffset, dyValues.byteOffset, dxValues.byteOffset, batchSize, inHeight, inWidth, inChannels, outHeight, outWidth);
  } else {
    addGradientAtFirstMaxima(x, dyValues, dxValues, info);
  }
  return dx.info;
};

/** A 2×2, stride-2 pool without padding whose windows all lie inside the input. */
function isInside2x2(info: backend_util.Conv2DInfo): boolean {
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const windowsInside = 2 * info.outHeight <= info.inHeight && 2 * info.outWidth <= info.inWidth;
  return filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && top === 0 && left === 0 && windowsInside;
}

/** dx[argmax of window] += dy[window] for every window; a window of NaNs only (no maximum) adds nothing. */
export function addGradientAtFirstMaxima(x: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  if (isInside2x2(info)) {
    addGradientAt2x2Maxima(x, dy, dx, info);
    return;
  }
  addGradientAtWindowMaxima(x, dy, dx, info);
}

/**
 * The 2×2, stride 2 pool of most CNNs, every window inside the input: its four values compared in
 * row-major order, first maximum wins (as the general loop below, which took 1.4× as long).
 */
function addGradientAt2x2Maxima(x: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const rowStride = inWidth * c;
  let out = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      let corner = (b * inHeight + 2 * oh) * rowStride;
      for (let ow = 0; ow < outWidth; ow++, corner += 2 * c) {
        for (let ch = 0; ch < c; ch++, out++) {
          const i0 = corner + ch;
          const i1 = i0 + c;
          const i2 = i0 + rowStride;
          const i3 = i2 + c;
          let best = i0;
          let value = x[i0];
          // Past a NaN or −∞ to the next value, as the general loop's `x > best` from −∞ does.
          if (x[i1] > value || !(value > -Infinity)) {
            best = i1;
            value = x[i1];
          }
          if (x[i2] > value || !(value > -Infinity)) {
            best = i2;
            value = x[i2];
          }
          if (x[i3] > value || !(value > -Infinity)) {
            best = i3;
            value = x[i3];
          }
          if (value > -Infinity) {
            dx[best] += dy[out];
          }
        }
      }
    }
  }
}

/** Any window, stride and padding. */
function addGradientAtWindowMaxima(x: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
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
