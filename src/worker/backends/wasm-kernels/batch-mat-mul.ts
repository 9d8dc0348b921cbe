import type { BatchMatMulAttrs, KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import { composeKernel } from './kernel-composer';

/**
 * BatchMatMul for wasm around tfjs-backend-wasm's own kernel: a product that asks for a transposed
 * operand gets that operand transposed explicitly first. wasm ≤ 4.22 runs an unbatched transposeA or
 * transposeB product as a scalar loop, 10–30× slower than a transpose plus its plain XNNPACK product
 * (dense layers: x [32, 784], W [784, 128]: 6.8 ms vs 0.3 ms), and every dense layer's gradient asks
 * for one (dW = xᵀ·dy, dx = dy·Wᵀ). Batched products (no gain measured) and plain ones pass through.
 * `native` keeps its setup, which the engine runs when the backend starts.
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
