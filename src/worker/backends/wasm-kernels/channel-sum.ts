import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import { util } from '@tensorflow/tfjs';
import { allocateOutput, heapView } from './heap';
import { simdKernelsOf } from './simd/simd-module';

/**
 * Sum for wasm when a float32 tensor is summed over every axis but the last: the bias gradient of
 * every conv and dense layer (dy summed to one value per channel). wasm 4.22 first transposes the
 * whole tensor so that the summed axes come last, then sums. Here one pass in the heap, per channel
 * over blocks that stay in cache, with float64 sums (tfjs's float32 sums differ from it by rounding
 * only). CPU µs per sum, this against wasm's: 8×28×28×8 79 vs 176, 8×7×7×32 35 vs 118,
 * 32×14×14×16 189 vs 236. The SIMD module's channelTotals runs the same sums in the same order
 * (equal bit for bit) where it is bound, 3–5× faster (CPU µs, best of 7, SIMD vs this JS loop:
 * 8×28×28×8 27 vs 69, 32×14×14×16 25 vs 133, 8×7×7×32 5 vs 17). Other sums keep the native kernel.
 */
export function createChannelSumConfig(native: KernelConfig): KernelConfig {
  const sum: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    if (x.dtype !== 'float32' || x.shape.length < 2 || !sumsLeadingAxes(util.parseAxisParam(axis, x.shape), x.shape.length)) {
      return native.kernelFunc(args);
    }
    const channels = x.shape[x.shape.length - 1];
    const outShape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
    const out = allocateOutput(args.backend, outShape, 'float32');
    const simd = simdKernelsOf(args.backend);
    if (simd === undefined) {
      sumPerChannel(heapView(args.backend, x) as Float32Array, channels, out.values as Float32Array);
      return out.info;
    }
    const totals = simd.malloc(8 * channels);
    try {
      // Views taken after the allocation (a heap that grew for it detaches older ones).
      const values = heapView(args.backend, x);
      simd.exports.channelTotals(values.byteOffset, values.length, channels, totals, heapView(args.backend, out.info).byteOffset);
    } finally {
      simd.free(totals);
    }
    return out.info;
  };
  return { kernelName: 'Sum', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc: sum };
}

/** True when `axes` are exactly 0 … rank − 2 (in any order). */
function sumsLeadingAxes(axes: number[], rank: number): boolean {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  return sorted.length === rank - 1 && sorted.every((a, i) => a === i);
}

/** Positions per block: each channel's strided loop stays in the L1 cache, its sum in a register. */
const BLOCK_POSITIONS = 256;

/** out[c] = Σ_p x[p·channels + c], in float64; exported for tests. */
export function sumPerChannel(x: Float32Array, channels: number, out: Float32Array): void {
  const sums = new Float64Array(channels);
  const n = x.length;
  const block = BLOCK_POSITIONS * channels;
  for (let begin = 0; begin < n; begin += block) {
    const end = Math.min(n, begin + block);
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let i = begin + c; i < end; i += channels) {
        sum += x[i];
      }
      sums[c] += sum;
    }
  }
  out.set(sums);
}
