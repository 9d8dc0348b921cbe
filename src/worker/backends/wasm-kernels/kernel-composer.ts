import type { DataType, KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { getKernel } from '@tensorflow/tfjs';
import { allocateOutput } from './heap';

/**
 * Runs kernels the wasm backend already registers, by name, on TensorInfos, and frees every
 * intermediate result when disposed. Composite kernels are built this way (as tfjs's own backends
 * build theirs) so that no tensor objects or tape entries are created inside a kernel, and so that
 * a kernel runs the backend's fastest native code (XNNPACK convolutions) for the heavy part.
 */
export class KernelComposer {
  private readonly intermediates: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName = 'wasm',
  ) {}

  /** Runs kernel `name`; its output is freed by `dispose()` unless passed to `keep()`. */
  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(name, this.backendName);
    if (kernel === undefined) {
      throw new Error(`Kernel '${name}' is not registered for backend '${this.backendName}'; a composite training kernel needs it.`);
    }
    const result = kernel.kernelFunc({ inputs, attrs, backend: this.backend });
    const output = Array.isArray(result) ? result[0] : result;
    this.intermediates.push(output);
    return output;
  }

  /**
   * A fresh tensor in the wasm heap and a view on it, freed by `dispose()` unless passed to `keep()`.
   * Allocate through here, never with heap.ts directly: `keep()` takes an untracked result for an input
   * passed through and adds a reference, which a fresh allocation would then never lose.
   */
  allocate(shape: number[], dtype: DataType = 'float32'): { info: TensorInfo; values: Float32Array | Int32Array | Uint8Array } {
    const output = allocateOutput(this.backend, shape, dtype);
    this.intermediates.push(output.info);
    return output;
  }

  /** Adds data the caller wrote to the backend, so that `dispose()` frees it too. */
  track(info: TensorInfo): TensorInfo {
    this.intermediates.push(info);
    return info;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    const isWhole = begin.every((b, i) => b === 0 && size[i] === x.shape[i]);
    return isWhole ? x : this.run('Slice', { x }, { begin, size });
  }

  /** Marks `output` as the kernel's result: `dispose()` leaves it alone. */
  keep(output: TensorInfo): TensorInfo {
    const index = this.intermediates.lastIndexOf(output);
    if (index >= 0) {
      this.intermediates.splice(index, 1);
    } else {
      // An input passed through unchanged: the engine will own one more reference to it.
      this.backend.incRef(output.dataId);
    }
    return output;
  }

  /** Frees every intermediate (reshapes share data with their input and hold their own reference). */
  dispose(): void {
    for (const info of this.intermediates) {
      this.backend.disposeData(info.dataId);
    }
    this.intermediates.length = 0;
  }
}

/** Runs `body` with a fresh composer and frees its intermediates, even when `body` throws. */
export function composeKernel(backend: object, body: (k: KernelComposer) => TensorInfo): TensorInfo {
  // KernelFunc types its backend as `{}`; every registered backend is a KernelBackend.
  const composer = new KernelComposer(backend as KernelBackend);
  try {
    return composer.keep(body(composer));
  } finally {
    composer.dispose();
  }
}
