import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { wasmHeapOf } from '../wasm-kernels/heap';
import { trainingBackward, trainingForward, type ChannelLayout } from './maths';
import { wasmBackward, wasmForward } from './wasm-step';

/**
 * The RunningBatchNorm layer's fused training kernels for wasm (JavaScript over the wasm heap, no
 * copies) and cpu. The layer (src/layer/running-batch-norm.ts) runs them where they are registered for
 * the active backend and its tfjs ops everywhere else; the names and the inputs, attributes and outputs
 * below are its contract with them (the layer file spells the names itself, as it imports only tfjs).
 */
export const FORWARD_KERNEL = 'RunningBatchNormForward';
export const BACKWARD_KERNEL = 'RunningBatchNormBackward';

/** How a kernel gets at tensor data and makes outputs on one backend. */
interface Storage {
  output(shape: number[]): TensorInfo;
  /** The data of `info`; on wasm only valid until the next allocation, so take views after every output is made. */
  view(info: TensorInfo): Float32Array;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface CpuLike {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  readSync(dataId: object): unknown;
}

function storageOf(backendName: 'wasm' | 'cpu', backend: unknown): Storage {
  if (backendName === 'wasm') {
    const heap = wasmHeapOf(backend) as unknown as WasmLike;
    return { output: (shape) => heap.makeOutput(shape, 'float32'), view: (info) => heap.typedArrayFromHeap(info) };
  }
  const cpu = backend as CpuLike;
  return {
    output: (shape) => cpu.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((p, d) => p * d, 1))),
    view: (info) => {
      const values = cpu.readSync(info.dataId);
      if (!(values instanceof Float32Array)) {
        throw new Error(`${FORWARD_KERNEL}: float32 tensors only`);
      }
      return values;
    },
  };
}

function layoutOf(x: TensorInfo, attrs: NamedAttrMap): ChannelLayout {
  const channels = Number(attrs['channels']);
  const inner = Number(attrs['inner']);
  const size = x.shape.reduce((p, d) => p * d, 1);
  return { outer: size / (channels * inner), channels, inner };
}

type Inputs = Record<string, TensorInfo | undefined>;

function forwardFor(backendName: 'wasm' | 'cpu'): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x, sums, sqrs, gamma, beta, inferenceMean, inferenceVariance } = inputs as Inputs;
    if (x === undefined || sums === undefined || sqrs === undefined) {
      throw new Error(`${FORWARD_KERNEL} needs x, sums and sqrs`);
    }
    const a = attrs as NamedAttrMap;
    const layout = layoutOf(x, a);
    const forwardAttrs = { mom1: Number(a['mom1']), count: Number(a['count']), floor: Number(a['floor']), epsilon: Number(a['epsilon']), inferenceWeight: Number(a['inferenceWeight'] ?? 0) };
    if (backendName === 'wasm' && layout.inner === 1) {
      return wasmForward(backend, inputs as Inputs, forwardAttrs, layout);
    }
    const storage = storageOf(backendName, backend);
    const inference = inferenceMean !== undefined && inferenceVariance !== undefined;
    const perChannel = [layout.channels];
    const infos = [x.shape, ...new Array<number[]>(inference ? 7 : 5).fill(perChannel)].map((shape) => storage.output(shape));
    // Views only now: an allocation may grow the wasm heap and detach older ones.
    const views = infos.map((info) => storage.view(info));
    const optional = (t: TensorInfo | undefined): Float32Array | null => (t === undefined ? null : storage.view(t));
    trainingForward(
      storage.view(x),
      { sums: storage.view(sums), sqrs: storage.view(sqrs), gamma: optional(gamma), beta: optional(beta), inferenceMean: optional(inferenceMean), inferenceVariance: optional(inferenceVariance) },
      forwardAttrs,
      layout,
      { y: views[0], sums: views[1], sqrs: views[2], mean: views[3], rstd: views[4], varianceWeight: views[5], inferenceMean: views[6] ?? null, inferenceVariance: views[7] ?? null },
    );
    return infos;
  };
}

function backwardFor(backendName: 'wasm' | 'cpu'): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { dy, x, mean, rstd, gamma, varianceWeight } = inputs as Inputs;
    if (dy === undefined || x === undefined || mean === undefined || rstd === undefined) {
      throw new Error(`${BACKWARD_KERNEL} needs dy, x, mean and rstd`);
    }
    const a = attrs as NamedAttrMap;
    const layout = layoutOf(x, a);
    const backwardAttrs = { meanWeight: Number(a['meanWeight']), varianceWeight: Number(a['varianceWeight'] ?? 0) };
    if (backendName === 'wasm' && layout.inner === 1) {
      return wasmBackward(backend, inputs as Inputs, backwardAttrs, layout);
    }
    const storage = storageOf(backendName, backend);
    const infos = [dy.shape, [layout.channels], [layout.channels]].map((shape) => storage.output(shape));
    const views = infos.map((info) => storage.view(info));
    trainingBackward(
      storage.view(dy),
      storage.view(x),
      { mean: storage.view(mean), rstd: storage.view(rstd), gamma: gamma === undefined ? null : storage.view(gamma), varianceWeight: varianceWeight === undefined ? null : storage.view(varianceWeight) },
      backwardAttrs,
      layout,
      { dx: views[0], dgamma: views[1], dbeta: views[2] },
    );
    return infos;
  };
}

/** The layer's kernels for wasm and cpu. */
export const layerKernelConfigs: readonly KernelConfig[] = (['wasm', 'cpu'] as const).flatMap((backendName) => [
  { kernelName: FORWARD_KERNEL, backendName, kernelFunc: forwardFor(backendName) },
  { kernelName: BACKWARD_KERNEL, backendName, kernelFunc: backwardFor(backendName) },
]);
