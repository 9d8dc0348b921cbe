import type { KernelConfig, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs';
import { allocateOutput, heapView } from './heap';

/**
 * Tile for wasm as block copies in the heap: each axis, innermost first, is filled once and then
 * doubled with `copyWithin` until it holds its repetitions. tfjs-backend-wasm 4.22's Tile computes
 * every output index with divisions (~65 ns an element here), and tfjs-core's batch-norm gradient
 * tiles a per-channel vector to the activation's full shape: 39 ms of a 80 ms BatchNorm CNN step at
 * batch 32 went there. This is memcpy speed. Strings keep the native kernel.
 */
export function createTileConfig(native: KernelConfig | undefined): KernelConfig {
  const tile: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { reps } = args.attrs as unknown as TileAttrs;
    if (x.dtype === 'string') {
      if (native === undefined) {
        throw new Error('Tile of strings is not supported on wasm');
      }
      return native.kernelFunc(args);
    }
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const out = allocateOutput(args.backend, outShape, x.dtype);
    tileInto(heapView(args.backend, x), x.shape, reps, out.values);
    return out.info;
  };
  return { kernelName: 'Tile', backendName: 'wasm', setupFunc: native?.setupFunc, kernelFunc: tile };
}

/** out = tile(x, reps) for row-major arrays; exported for tests. */
export function tileInto(x: ArrayLike<number>, shape: readonly number[], reps: readonly number[], out: Float32Array | Int32Array | Uint8Array): void {
  const rank = shape.length;
  if (rank === 0 || out.length === 0) {
    if (out.length > 0) {
      out[0] = x[0];
    }
    return;
  }
  // outBlock[a]: elements of one output slice below axis a (the product of the output dims after a).
  const outBlock = new Array<number>(rank + 1).fill(1);
  const inBlock = new Array<number>(rank + 1).fill(1);
  for (let a = rank - 1; a >= 0; a--) {
    outBlock[a] = outBlock[a + 1] * shape[a] * reps[a];
    inBlock[a] = inBlock[a + 1] * shape[a];
  }
  fillAxis(x, shape, reps, out, outBlock, inBlock, 0, 0, 0);
}

/** Writes the output slice at `outOffset` for the input slice at `inOffset`, along axes from `axis` on. */
function fillAxis(
  x: ArrayLike<number>, shape: readonly number[], reps: readonly number[], out: Float32Array | Int32Array | Uint8Array,
  outBlock: number[], inBlock: number[], axis: number, inOffset: number, outOffset: number,
): void {
  const once = shape[axis] * outBlock[axis + 1];
  if (axis === shape.length - 1) {
    for (let i = 0; i < shape[axis]; i++) {
      out[outOffset + i] = x[inOffset + i];
    }
  } else {
    for (let i = 0; i < shape[axis]; i++) {
      fillAxis(x, shape, reps, out, outBlock, inBlock, axis + 1, inOffset + i * inBlock[axis + 1], outOffset + i * outBlock[axis + 1]);
    }
  }
  const total = once * reps[axis];
  for (let filled = once; filled < total; filled *= 2) {
    out.copyWithin(outOffset + filled, outOffset, outOffset + Math.min(filled, total - filled));
  }
}
