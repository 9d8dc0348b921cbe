import type { DataType, TensorInfo } from '@tensorflow/tfjs';

/**
 * The two methods of tfjs-backend-wasm's BackendWasm that let a kernel written in JavaScript work on
 * tensors in place in the wasm heap (as the backend's own JS kernels, e.g. Identity, do): no
 * readSync copy in, no write copy out.
 */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** The wasm backend's heap access; throws when `backend` is not tfjs-backend-wasm (≥ 2.x has both methods). */
export function wasmHeapOf(backend: unknown): WasmHeapBackend {
  const candidate = backend as Partial<WasmHeapBackend>;
  if (typeof candidate.makeOutput !== 'function' || typeof candidate.typedArrayFromHeap !== 'function') {
    throw new Error('this kernel needs tfjs-backend-wasm (makeOutput and typedArrayFromHeap)');
  }
  return candidate as WasmHeapBackend;
}

/** A fresh output tensor in the heap and a view on it (valid until the heap grows: use it at once). */
export function allocateOutput(backend: unknown, shape: number[], dtype: DataType): { info: TensorInfo; values: Float32Array | Int32Array | Uint8Array } {
  const heap = wasmHeapOf(backend);
  const info = heap.makeOutput(shape, dtype);
  return { info, values: heap.typedArrayFromHeap(info) };
}

/** A view on `info`'s data in the heap; take it after every allocation of the kernel (a growing heap detaches older views). */
export function heapView(backend: unknown, info: TensorInfo): Float32Array | Int32Array | Uint8Array {
  return wasmHeapOf(backend).typedArrayFromHeap(info);
}
