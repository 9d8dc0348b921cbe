import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs';
import { type AxisPadding, trimForPadding } from './conv-geometry';
import type { KernelComposer } from '../kernel-composer';
import { heapView } from '../heap';

/** Where a convolution's input and filter sit along the two spatial axes (from backend_util.Conv2DInfo). */
export interface InputGradientGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * One stride-1 correlation of (trimmed) dy with a flipped sub-filter (built by `flippedTaps`) and
 * explicit padding, returning [b, rows, cols, channels]: a full or a depthwise convolution.
 */
export type Correlate = (
  dy: TensorInfo, flippedFilter: TensorInfo, pad: [[number, number], [number, number], [number, number], [number, number]], dilations: [number, number],
) => TensorInfo;

/** One phase of an axis: the input positions ≡ phase (mod stride), fed by every stride-th filter tap from `firstTap`. */
interface AxisPhase {
  firstTap: number;
  tapCount: number;
  padding: AxisPadding;
}

interface AxisPlan {
  phases: AxisPhase[];
  /** Outputs per phase (the last ones past the input are cropped). */
  length: number;
  tapStride: number;
  dilation: number;
}

/**
 * Plans one axis of the input gradient dx[h] = Σ_t dy[(h + top − t·d)/s]·f[t] (exact divisions only).
 * Stride 1: one correlation of dy with the flipped filter. Stride s > 1 (tfjs then has d = 1): input
 * positions h = q·s + r only receive taps t ≡ r + top (mod s), so each phase r is a stride-1
 * correlation with those taps: no multiplications by the zeros a stride-spread dy would hold.
 */
export function planAxis(inSize: number, outSize: number, filterSize: number, stride: number, dilation: number, padBefore: number): AxisPlan {
  if (stride === 1) {
    const before = (filterSize - 1) * dilation - padBefore;
    const after = inSize + (filterSize - 1) * dilation - outSize - before;
    return { phases: [{ firstTap: 0, tapCount: filterSize, padding: { before, after } }], length: inSize, tapStride: 1, dilation };
  }
  if (dilation !== 1) {
    throw new Error(`convolution input gradient: strides (${stride}) and dilations (${dilation}) above 1 together are not supported`);
  }
  const length = Math.ceil(inSize / stride);
  const phases: AxisPhase[] = [];
  for (let r = 0; r < stride; r++) {
    const firstTap = (((r + padBefore) % stride) + stride) % stride;
    const tapCount = firstTap < filterSize ? Math.ceil((filterSize - firstTap) / stride) : 0;
    const offset = (r + padBefore - firstTap) / stride; // dy row of the first tap for q = 0
    const before = tapCount - 1 - offset;
    phases.push({ firstTap, tapCount, padding: { before, after: length + tapCount - 1 - outSize - before } });
  }
  return { phases, length, tapStride: stride, dilation: 1 };
}

/**
 * The input gradient of a convolution, [b, H, W, channels], from dy [b, oh, ow, C] and the filter
 * [kh, kw, …]: one `correlate` per phase (one in all for stride 1), interleaved back.
 */
export function inputGradient(
  k: KernelComposer, backend: KernelBackend, dy: TensorInfo, filter: TensorInfo, g: InputGradientGeometry, channels: number,
  swapFilterChannels: boolean, correlate: Correlate,
): TensorInfo {
  const rows = planAxis(g.inHeight, dy.shape[1], g.filterHeight, g.strideHeight, g.dilationHeight, g.padTop);
  const cols = planAxis(g.inWidth, dy.shape[2], g.filterWidth, g.strideWidth, g.dilationWidth, g.padLeft);
  // The filter is small (weights, not activations): its flipped sub-filters are cut in one JS pass
  // each, where StridedSlice + Reverse + Transpose kernels would cost three wasm calls per phase. It
  // is read in place in the heap (no readSync copy), the view taken per phase: a heap that grew for
  // the previous phase's tensors detaches older views.
  const phaseOutputs = rows.phases.flatMap((row) => cols.phases.map((col) => {
    if (row.tapCount === 0 || col.tapCount === 0) {
      return k.run('Fill', {}, { shape: [g.batchSize, rows.length, cols.length, channels], value: 0, dtype: 'float32' });
    }
    const filterValues = heapView(backend, filter) as Float32Array;
    const taps = flippedTaps(filterValues, filter.shape, [row.firstTap, col.firstTap], [row.tapCount, col.tapCount], [rows.tapStride, cols.tapStride], swapFilterChannels);
    const tapsInfo = k.track({ dataId: backend.write(taps.values, taps.shape, 'float32'), shape: taps.shape, dtype: 'float32' });
    const { trimmed, pad } = trimForPadding(k, dy, row.padding, col.padding);
    return correlate(trimmed, tapsInfo, pad, [rows.dilation, cols.dilation]);
  }));
  if (phaseOutputs.length === 1) {
    return phaseOutputs[0];
  }
  // Phases stacked on a new leading axis (a contiguous concat): [sh, sw, b·Qh, Qw, C]. Two transposes
  // interleave them, [sh, b·Qh, Qw, sw, C] then [b, Qh, sh, Qw·sw·C], i.e. [b, Qh·sh, Qw·sw, C]: wasm's
  // Transpose is fast for these and ~20× slower for the single rank-6 permutation that moves axis 0.
  const { batchSize: b, strideHeight: sh, strideWidth: sw } = g;
  const stacked = k.run('Concat', phaseOutputs.map((p) => k.reshape(p, [1, b, rows.length, cols.length, channels])) as unknown as Record<string, TensorInfo>, { axis: 0 });
  const columnsInterleaved = k.transpose(k.reshape(stacked, [sh, sw, b * rows.length, cols.length, channels]), [0, 2, 3, 1, 4]);
  const rowsInterleaved = k.transpose(k.reshape(columnsInterleaved, [sh, b, rows.length, cols.length * sw * channels]), [1, 2, 0, 3]);
  const interleaved = k.reshape(rowsInterleaved, [b, rows.length * sh, cols.length * sw, channels]);
  return k.slice(interleaved, [0, 0, 0, 0], [g.batchSize, g.inHeight, g.inWidth, channels]);
}

/**
 * Taps first + j·stride (j < count) of a [kh, kw, A, B] filter, flipped spatially, as
 * [countH, countW, A, B] (or [countH, countW, B, A] when `swapChannels`, the layout a full
 * convolution's input gradient needs).
 */
export function flippedTaps(
  values: Float32Array, shape: number[], first: [number, number], count: [number, number], stride: [number, number], swapChannels: boolean,
): { values: Float32Array; shape: number[] } {
  const [, kw, a, b] = shape;
  const block = a * b;
  const out = new Float32Array(count[0] * count[1] * block);
  let n = 0;
  for (let i = 0; i < count[0]; i++) {
    const row = first[0] + (count[0] - 1 - i) * stride[0];
    for (let j = 0; j < count[1]; j++) {
      const base = (row * kw + first[1] + (count[1] - 1 - j) * stride[1]) * block;
      if (!swapChannels) {
        out.set(values.subarray(base, base + block), n);
        n += block;
        continue;
      }
      // The tap's [a, b] block transposed to [b, a], in one pass (this runs every training step:
      // 15 µs for 3×3×32×32, 23 µs with the channel choice made per value).
      for (let p = 0; p < b; p++) {
        for (let q = base + p, end = base + block; q < end; q += b) {
          out[n++] = values[q];
        }
      }
    }
  }
  return { values: out, shape: [count[0], count[1], ...(swapChannels ? [b, a] : [a, b])] };
}
