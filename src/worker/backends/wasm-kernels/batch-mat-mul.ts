import type { BatchMatMulAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { composeKernel } from './kernel-composer';
import { allocateOutput, heapView } from './heap';
import { simdKernelsOf } from './simd/simd-module';

/**
 * BatchMatMul for wasm around tfjs-backend-wasm's own kernel: a product that asks for a transposed
 * operand gets that operand transposed explicitly first. wasm ≤ 4.22 runs an unbatched transposeA or
 * transposeB product as a scalar loop, 10–30× slower than a transpose plus its plain XNNPACK product
 * (dense layers: x [32, 784], W [784, 128]: 6.8 ms vs 0.3 ms), and every dense layer's gradient asks
 * for one (dW = xᵀ·dy, dx = dy·Wᵀ). Where the SIMD module is bound, such products of the shapes in
 * simdMatMulPays run its loop instead, with no transpose kernel and no XNNPACK operator set up per
 * call. Batched products (no gain measured) and plain ones pass through. `native` keeps its setup,
 * which the engine runs when the backend starts.
 */
export function createBatchMatMulConfig(native: KernelConfig): KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: native.setupFunc,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
      if ((!transposeA && !transposeB) || batchSize(a) > 1 || batchSize(b) > 1) {
        return native.kernelFunc(args);
      }
      const direct = simdProduct(args.backend, a, b, transposeA, transposeB);
      if (direct !== undefined) {
        return direct;
      }
      return composeKernel(args.backend, (k) => {
        const plainA = transposeA ? k.transpose(a, swapLastTwo(a.shape.length)) : a;
        const plainB = transposeB ? k.transpose(b, swapLastTwo(b.shape.length)) : b;
        const product = native.kernelFunc({ ...args, inputs: { a: plainA, b: plainB }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
        return k.track(product as TensorInfo);
      });
    },
  };
}

function batchSize(x: TensorInfo): number {
  return x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * The product by the SIMD module (mat-mul.ts): b transposed into scratch where asked, a read
 * transposed in place; undefined where it does not pay (simdMatMulPays), the module is not bound, in
 * the threaded build (whose XNNPACK spreads over the threads) or off float32.
 */
function simdProduct(backend: unknown, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | undefined {
  const simd = simdKernelsOf(backend);
  const [ra, rb] = [a.shape.length, b.shape.length];
  const [m, k] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (simd === undefined || simd.shared || a.dtype !== 'float32' || b.dtype !== 'float32' || !simdMatMulPays(k, n, transposeA)) {
    return undefined;
  }
  const leading = (ra >= rb ? a : b).shape.slice(0, -2);
  const out = allocateOutput(backend, [...leading, m, n], 'float32');
  const scratch = transposeB ? simd.malloc(4 * k * n) : 0;
  try {
    // Views taken after the allocations (a heap that grew for them detaches older ones).
    const [pa, pb, pc] = [heapView(backend, a).byteOffset, heapView(backend, b).byteOffset, heapView(backend, out.info).byteOffset];
    if (transposeB) {
      simd.exports.transpose2d(pb, scratch, n, k);
    }
    simd.exports.matMul(pa, transposeB ? scratch : pb, pc, m, k, n, transposeA ? 1 : 0);
  } finally {
    if (scratch !== 0) {
      simd.free(scratch);
    }
  }
  return out.info;
}

/**
 * Where the SIMD product beats a transpose plus XNNPACK's (CPU µs, best of 5, this vs that; x
 * [batch, in], W [in, out], dy [batch, out]). dx = dy·Wᵀ (b transposed) always: batch 8, 1568 → 10:
 * 19 vs 88; 32, 784 → 128: 320 vs 578; 64, 512 → 512: 2133 vs 2554; 8, 4096 → 256: 9444 vs 11460.
 * dW = xᵀ·dy (a transposed: k = batch, n = out) only while b (k × n) is small, its rows streamed once
 * per row of the product: 8, 1568 → 10: 40 vs 46; 8, 784 → 128: 69 vs 90; 32, 784 → 128: 214 vs
 * 250; 32, 1568 → 10: a tie; 64, 512 → 512: 2078 vs 1091 and 256, 128 → 10: 104 vs 95 stay with XNNPACK.
 */
export function simdMatMulPays(k: number, n: number, transposeA: boolean): boolean {
  return !transposeA || (k <= 32 && k * n <= 4096);
}
