import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { composeKernel, type KernelComposer } from '../wasm-kernels/kernel-composer';
import { wasmHeapOf } from '../wasm-kernels/heap';
import { SimdChannelPasses } from '../wasm-kernels/simd/channel-passes';
import { simdKernelsOf } from '../wasm-kernels/simd/simd-module';
import { backwardChannels, channelSums, forwardChannels, type BackwardAttrs, type ChannelLayout, type ForwardAttrs } from './maths';

/**
 * The layer's fused step on wasm with channels last: the per-channel sums in one pass over the heap
 * (the SIMD module's with channels last where it runs, else JavaScript; as fast as XNNPACK's products
 * here in JavaScript already, and one pass for both sums where those take two), the
 * per-channel maths in JavaScript, and each full-size output from XNNPACK's 1×1 depthwise convolution
 * with bias (y = x·f + o in one pass, several times faster than a JavaScript loop).
 */

type Optional = TensorInfo | undefined;

const DEPTHWISE_ATTRS: NamedAttrMap = { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC', activation: 'linear' };

/** Per-channel outputs made in the heap and filled from `fill` (views taken after every allocation). */
function perChannelOutputs(backend: object, channels: number, count: number, fill: (views: Float32Array[]) => void): TensorInfo[] {
  const heap = wasmHeapOf(backend);
  const infos = Array.from({ length: count }, () => heap.makeOutput([channels], 'float32'));
  fill(infos.map((info) => heap.typedArrayFromHeap(info) as Float32Array));
  return infos;
}

/** out = a·f + o per channel (a channels last), as a [1, P, 1, C] depthwise convolution. */
function depthwiseAffine(k: KernelComposer, backend: object, a: TensorInfo, f: Float64Array, o: Float64Array | null, layout: ChannelLayout): TensorInfo {
  const channels = layout.channels;
  const [filter, bias] = perChannelOutputs(backend, channels, o === null ? 1 : 2, (views) => {
    views[0]!.set(f);
    if (o !== null) {
      views[1]!.set(o);
    }
  }).map((info) => k.track(info));
  const a4 = k.reshape(a, [1, layout.outer, 1, channels]);
  const filter4 = k.reshape(filter!, [1, 1, channels, 1]);
  const out = k.run('FusedDepthwiseConv2D', bias === undefined ? { x: a4, filter: filter4 } : { x: a4, filter: filter4, bias }, DEPTHWISE_ATTRS);
  return k.reshape(out, a.shape);
}

/**
 * Per channel Σa and Σa·b (b null: Σa²), in float64: the SIMD module's pass (Σ(a − 0), Σa·(b − 0))
 * for channels last, else channelSums. The two differ by float64 rounding only (their order of sums).
 */
function sumsPerChannel(backend: object, a: TensorInfo, b: TensorInfo | null, layout: ChannelLayout, first: Float64Array, second: Float64Array): void {
  const simd = layout.inner === 1 ? simdKernelsOf(backend) : undefined;
  if (simd === undefined) {
    channelSums(view(backend, a), b === null ? null : view(backend, b), layout, first, second);
    return;
  }
  // Constructed before the views are taken: its scratch allocation may grow the heap.
  const passes = new SimdChannelPasses(simd, layout.channels);
  try {
    first.fill(0);
    second.fill(0);
    passes.sums(view(backend, a), b === null ? null : view(backend, b), new Float64Array(layout.channels), first, second);
  } finally {
    passes.release();
  }
}

function view(backend: object, info: TensorInfo): Float32Array {
  return wasmHeapOf(backend).typedArrayFromHeap(info) as Float32Array;
}

function optionalView(backend: object, info: Optional): Float32Array | null {
  return info === undefined ? null : view(backend, info);
}

export function wasmForward(backend: object, inputs: Record<string, Optional>, attrs: ForwardAttrs, layout: ChannelLayout): TensorInfo[] {
  const { x, sums, sqrs, gamma, beta, inferenceMean, inferenceVariance } = inputs as Record<string, TensorInfo> & Record<string, Optional>;
  const s = new Float64Array(layout.channels);
  const ss = new Float64Array(layout.channels);
  sumsPerChannel(backend, x, null, layout, s, ss);
  const inference = inferenceMean !== undefined && inferenceVariance !== undefined;
  let map: { f: Float64Array; o: Float64Array } | undefined;
  const perChannel = perChannelOutputs(backend, layout.channels, inference ? 7 : 5, (v) => {
    map = forwardChannels(
      s, ss,
      { sums: view(backend, sums), sqrs: view(backend, sqrs), gamma: optionalView(backend, gamma), beta: optionalView(backend, beta), inferenceMean: optionalView(backend, inferenceMean), inferenceVariance: optionalView(backend, inferenceVariance) },
      attrs,
      { sums: v[0]!, sqrs: v[1]!, mean: v[2]!, rstd: v[3]!, varianceWeight: v[4]!, inferenceMean: v[5] ?? null, inferenceVariance: v[6] ?? null },
    );
  });
  const y = composeKernel(backend, (k) => depthwiseAffine(k, backend, x, map!.f, map!.o, layout));
  return [y, ...perChannel];
}

export function wasmBackward(backend: object, inputs: Record<string, Optional>, attrs: BackwardAttrs, layout: ChannelLayout): TensorInfo[] {
  const { dy, x, mean, rstd, gamma, varianceWeight } = inputs as Record<string, TensorInfo> & Record<string, Optional>;
  const sumDy = new Float64Array(layout.channels);
  const sumDyX = new Float64Array(layout.channels);
  sumsPerChannel(backend, dy, x, layout, sumDy, sumDyX);
  let map: ReturnType<typeof backwardChannels> | undefined;
  const [dgamma, dbeta] = perChannelOutputs(backend, layout.channels, 2, (v) => {
    map = backwardChannels(
      sumDy, sumDyX,
      { mean: view(backend, mean), rstd: view(backend, rstd), gamma: optionalView(backend, gamma), varianceWeight: optionalView(backend, varianceWeight) },
      attrs,
      { dgamma: v[0]!, dbeta: v[1]! },
    );
  });
  const { f, b, a, throughBatch } = map!;
  const dx = composeKernel(backend, (k) => {
    if (!throughBatch) {
      return depthwiseAffine(k, backend, dy, f, a, layout);
    }
    return k.run('Add', { a: depthwiseAffine(k, backend, dy, f, null, layout), b: depthwiseAffine(k, backend, x, b, a, layout) });
  });
  return [dx, dgamma!, dbeta!];
}
