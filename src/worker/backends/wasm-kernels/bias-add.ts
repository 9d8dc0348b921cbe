import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { allocateOutput, heapView } from './heap';
import { simdKernelsOf } from './simd/simd-module';

/**
 * Add for wasm when one float32 operand is a per-channel vector of the other's last axis (shape [c]
 * or [1, …, 1, c]; the other at least as many axes): every conv and dense layer's bias, which
 * tfjs-layers adds as such a broadcast. wasm 4.22's broadcasting Add walks every element's index; the
 * SIMD module adds the vector row by row (the same float32 additions, so equal bit for bit). CPU µs
 * (best of 5, native vs this), an activation plus its bias: 8×28×28×8 100 vs 23, 32×28×28×8 358
 * vs 55, 32×14×14×16 102 vs 24. Other adds, and all where the SIMD module is not bound, keep the
 * native kernel.
 */
export function createBiasAddConfig(native: KernelConfig): KernelConfig {
  const add: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const simd = simdKernelsOf(args.backend);
    const pair = simd === undefined ? undefined : tensorAndVector(a, b) ?? tensorAndVector(b, a);
    if (simd === undefined || pair === undefined) {
      return native.kernelFunc(args);
    }
    const [full, vector] = pair;
    const channels = full.shape[full.shape.length - 1];
    const out = allocateOutput(args.backend, full.shape, 'float32');
    // Views taken after the allocation (a heap that grew for it detaches older ones).
    const values = heapView(args.backend, full);
    simd.exports.addChannelVector(values.byteOffset, heapView(args.backend, vector).byteOffset, values.length, channels, heapView(args.backend, out.info).byteOffset);
    return out.info;
  };
  return { kernelName: 'Add', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc: add };
}

/** [full, vector] when `vector` is a per-channel vector of `full`'s last axis (both float32), else undefined. */
export function tensorAndVector(full: TensorInfo, vector: TensorInfo): [TensorInfo, TensorInfo] | undefined {
  const rank = full.shape.length;
  const channels = full.shape[rank - 1];
  const fits = full.dtype === 'float32' && vector.dtype === 'float32' && rank >= 2 && vector.shape.length >= 1 && vector.shape.length <= rank
    && vector.shape[vector.shape.length - 1] === channels && vector.shape.slice(0, -1).every((d) => d === 1) && full.shape.every((d) => d > 0);
  return fits ? [full, vector] : undefined;
}
