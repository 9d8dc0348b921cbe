import type { SimdKernels } from './simd-module';

/**
 * The two passes a fused batch-norm kernel makes over an activation (channels last, c channels), in
 * float64 per channel. JavaScript loops (javascriptChannelPasses) or the SIMD module's
 * (SimdChannelPasses), equal bit for bit.
 */
export interface ChannelPasses {
  /**
   * Per channel, added to first[j] and second[j]: with b null, Σ(a − m) and Σ(a − m)²; else Σa and
   * Σa·(b − m). Sums per block of BLOCK_POSITIONS positions, each added to the totals.
   */
  sums(a: Float32Array, b: Float32Array | null, m: Float64Array, first: Float64Array, second: Float64Array): void;
  /** out = a·f + h per channel (b null), else a·f + b·g + h; float64 maths rounded to float32. */
  affine(a: Float32Array, f: Float64Array, b: Float32Array | null, g: Float64Array | null, h: Float64Array, out: Float32Array): void;
}

/**
 * Positions per block of the channel-outer loops: each channel's loop strides through a block that
 * stays in the L1 cache with its sums in registers, about twice as fast as a channel-inner loop that
 * loads and stores per-channel accumulators. wasm-simd/kernels.ts uses the same blocks.
 */
export const BLOCK_POSITIONS = 256;

export const javascriptChannelPasses: ChannelPasses = {
  sums(a, b, m, first, second) {
    const c = m.length;
    const n = a.length;
    const block = BLOCK_POSITIONS * c;
    for (let begin = 0; begin < n; begin += block) {
      const end = Math.min(n, begin + block);
      for (let j = 0; j < c; j++) {
        const mj = m[j];
        let s = 0;
        let q = 0;
        if (b === null) {
          for (let i = begin + j; i < end; i += c) {
            const d = a[i] - mj;
            s += d;
            q += d * d;
          }
        } else {
          for (let i = begin + j; i < end; i += c) {
            const g = a[i];
            s += g;
            q += g * (b[i] - mj);
          }
        }
        first[j] += s;
        second[j] += q;
      }
    }
  },
  affine(a, f, b, g, h, out) {
    const c = f.length;
    const n = a.length;
    const block = BLOCK_POSITIONS * c;
    for (let begin = 0; begin < n; begin += block) {
      const end = Math.min(n, begin + block);
      for (let j = 0; j < c; j++) {
        const fj = f[j];
        const hj = h[j];
        if (b === null || g === null) {
          for (let i = begin + j; i < end; i += c) {
            out[i] = a[i] * fj + hj;
          }
        } else {
          const gj = g[j];
          for (let i = begin + j; i < end; i += c) {
            out[i] = a[i] * fj + b[i] * gj + hj;
          }
        }
      }
    }
  },
};

/**
 * The SIMD module's passes on tensors in the wasm heap. The per-channel float64 arrays go through a
 * scratch block of the heap allocated up front (take the tensors' views after constructing this: an
 * allocation that grows the heap detaches older views); `release` frees it.
 */
export class SimdChannelPasses implements ChannelPasses {
  private readonly scratch: number;

  constructor(private readonly kernels: SimdKernels, private readonly channels: number) {
    this.scratch = kernels.malloc(3 * 8 * Math.max(1, channels));
  }

  sums(a: Float32Array, b: Float32Array | null, m: Float64Array, first: Float64Array, second: Float64Array): void {
    const [pm, pFirst, pSecond] = this.load([m, first, second]);
    this.kernels.exports.channelSums(this.pointer(a), b === null ? 0 : this.pointer(b), a.length, this.channels, pm, pFirst, pSecond);
    first.set(this.view(pFirst));
    second.set(this.view(pSecond));
  }

  affine(a: Float32Array, f: Float64Array, b: Float32Array | null, g: Float64Array | null, h: Float64Array, out: Float32Array): void {
    const [pf, pg, ph] = this.load([f, g ?? f, h]);
    this.kernels.exports.channelAffine(this.pointer(a), b === null || g === null ? 0 : this.pointer(b), a.length, this.channels, pf, pg, ph, this.pointer(out));
  }

  release(): void {
    this.kernels.free(this.scratch);
  }

  /** Copies per-channel arrays into the scratch block; their pointers. */
  private load(arrays: Float64Array[]): number[] {
    return arrays.map((values, index) => {
      const pointer = this.scratch + index * 8 * this.channels;
      this.view(pointer).set(values);
      return pointer;
    });
  }

  private view(pointer: number): Float64Array {
    return new Float64Array(this.kernels.memory.buffer, pointer, this.channels);
  }

  /** A tensor's byte offset; its view must be on the heap as it is now. */
  private pointer(view: Float32Array): number {
    if (view.buffer !== this.kernels.memory.buffer) {
      throw new Error('a tensor view is not on the current wasm heap (taken before an allocation that grew it)');
    }
    return view.byteOffset;
  }
}
