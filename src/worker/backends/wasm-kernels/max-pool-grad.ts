import type { KernelBackend, KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { composeKernel, type KernelComposer } from './kernel-composer';

/**
 * MaxPoolGrad for wasm: each window's first maximum (row-major, as TensorFlow and tfjs's cpu backend
 * pick it) gets the window's output gradient; windows that overlap add up. tfjs-backend-wasm 4.22's
 * own kernel credits the wrong element when a window holds only negative values (it credits none, or
 * the window's first element), which corrupts the gradients of every layer before a max pool whose
 * input can be negative (batch norm, linear or tanh activations), so `registerWasmTrainingKernels`
 * replaces it. Windows are gathered with a transpose (non-overlapping pools) or strided slices, the
 * maxima found with ArgMax, and the gradient placed with one ScatterNd.
 */
export const maxPoolGrad: KernelFunc = ({ inputs, backend: untypedBackend, attrs }) => {
  const backend = untypedBackend as KernelBackend;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  return composeKernel(backend, (k) => {
    const windows = gatherWindows(k, input, info); // [b·oh·ow·c, kh·kw]
    const firstMaxTap = k.run('ArgMax', { x: windows }, { axis: 1 });
    const indices = k.track(flatIndicesOfMaxima(backend, backend.readSync(firstMaxTap.dataId) as Int32Array, info));
    const updates = k.reshape(dy, [firstMaxTap.shape[0]]);
    const dx = k.run('ScatterNd', { indices, updates }, { shape: [input.shape.reduce((a, b) => a * b, 1)] });
    return k.reshape(dx, input.shape);
  });
};

/** Every pooling window as one row of kh·kw taps, padding read as −∞ so that it never wins. */
function gatherWindows(k: KernelComposer, x: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: b, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const kh = info.effectiveFilterHeight;
  const kw = info.effectiveFilterWidth;
  const rowsNeeded = (oh - 1) * sh + kh;
  const colsNeeded = (ow - 1) * sw + kw;
  const { top, left } = info.padInfo;
  const bottom = Math.max(0, rowsNeeded - info.inHeight - top);
  const right = Math.max(0, colsNeeded - info.inWidth - left);
  const padded = top + bottom + left + right === 0 ? x : k.run('PadV2', { x }, {
    paddings: [[0, 0], [top, bottom], [left, right], [0, 0]],
    constantValue: -Infinity,
  });
  if (sh === kh && sw === kw) {
    // Non-overlapping windows tile the (cropped) input: one transpose gathers them all.
    const tiled = k.slice(padded, [0, 0, 0, 0], [b, rowsNeeded, colsNeeded, c]);
    const split = k.reshape(tiled, [b, oh, kh, ow, kw, c]);
    return k.reshape(k.transpose(split, [0, 1, 3, 5, 2, 4]), [b * oh * ow * c, kh * kw]);
  }
  const taps: TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      taps.push(k.run('StridedSlice', { x: padded }, {
        begin: [0, i, j, 0], end: [b, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, c], strides: [1, sh, sw, 1],
        beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
      }));
    }
  }
  return k.reshape(k.run('Pack', taps as unknown as Record<string, TensorInfo>, { axis: 4 }), [b * oh * ow * c, kh * kw]);
}

/** The flat input index of each window's maximum, as ScatterNd indices ([n, 1] int32, written to the backend). */
function flatIndicesOfMaxima(backend: KernelBackend, firstMaxTap: Int32Array, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const kw = info.effectiveFilterWidth;
  const { top, left } = info.padInfo;
  const indices = new Int32Array(firstMaxTap.length);
  let n = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        for (let ch = 0; ch < c; ch++, n++) {
          const tap = firstMaxTap[n];
          const h = oh * strideHeight + Math.floor(tap / kw) - top;
          const w = ow * strideWidth + (tap % kw) - left;
          indices[n] = ((b * inHeight + h) * inWidth + w) * c + ch;
        }
      }
    }
  }
  return { dataId: backend.write(indices, [indices.length, 1], 'int32'), shape: [indices.length, 1], dtype: 'int32' };
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
