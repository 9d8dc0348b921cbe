import type { KernelConfig } from '@tensorflow/tfjs';
import { getGradient, getKernel, registerGradient, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv/conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv/conv2d-backprop-input';
import { depthwiseConv2dNativeBackpropFilterConfig } from './conv/depthwise-backprop-filter';
import { depthwiseConv2dNativeBackpropInputConfig } from './conv/depthwise-backprop-input';
import { createBatchMatMulConfig } from './batch-mat-mul';
import { maxPoolGradConfig } from './max-pool-grad';
import { createTileConfig } from './tile';
import { createIdentityConfig } from './identity';
import { createCastConfig } from './cast';
import { createChannelSumConfig } from './channel-sum';
import { createBiasAddConfig } from './bias-add';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';
import { createSimdConvolutionConfig } from './conv/simd-convolution';
import { adamUpdateConfig } from './fused/adam-update';
import { registerLayerKernels } from '../layer-kernels/register';
import { batchNormTrainConfig, batchNormTrainGradConfig, batchNormTrainGradient } from './fused/batch-norm-train';
import { crossentropyConfig, crossentropyGradConfig, crossentropyGradient } from './fused/categorical-crossentropy';

/**
 * The training kernels tfjs-backend-wasm 4.22 lacks, and this project's fused Adam update
 * (fused-adam.ts), BatchNormalization (fused-batch-norm.ts) and
 * categorical cross-entropy (fused-loss.ts). */
export const missingWasmKernelConfigs: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
  adamUpdateConfig,
  batchNormTrainConfig,
  batchNormTrainGradConfig,
  crossentropyConfig,
  crossentropyGradConfig,
];

/** A kernel tfjs-backend-wasm ≤ 4.22 has but that training should not use as it is. */
export interface WasmKernelReplacement {
  kernelName: string;
  /** The replacement, given the kernel registered now; undefined leaves it alone. */
  create(current: KernelConfig | undefined): KernelConfig | undefined;
}

/** Every config this module registered, so that a second call recognises its own. */
const ownConfigs = new WeakSet<KernelConfig>([conv2DBackpropInputConfig, maxPoolGradConfig]);

/**
 * Conv2DBackpropInput is a scalar C++ loop (2–20× slower than the XNNPACK composition here);
 * MaxPoolGrad credits the wrong element of windows holding only negative values; BatchMatMul runs
 * transposed operands as a scalar loop (10–30× slower); Tile computes each element's index with
 * divisions (slow where batch-norm gradients tile a vector to a full activation); Identity copies
 * every tensor tfjs saves for a gradient, and Cast a tensor cast to its own dtype; Sum transposes a
 * whole tensor before summing it to one value per channel (every bias gradient); Conv2D and
 * FusedConv2D of stride 1 run the SIMD module's loop on one thread; Add walks every element's index
 * where it broadcasts a layer's bias over an activation. Replaced only in
 * those versions, so that a later, fixed tfjs-backend-wasm wins.
 */
export const wasmKernelReplacements: readonly WasmKernelReplacement[] = [
  { kernelName: 'Conv2DBackpropInput', create: () => conv2DBackpropInputConfig },
  { kernelName: 'MaxPoolGrad', create: () => maxPoolGradConfig },
  { kernelName: 'BatchMatMul', create: (native) => (native === undefined ? undefined : own(createBatchMatMulConfig(native))) },
  { kernelName: 'Tile', create: (native) => own(createTileConfig(native)) },
  { kernelName: 'Identity', create: (native) => own(createIdentityConfig(native)) },
  { kernelName: 'Cast', create: (native) => (native === undefined ? undefined : own(createCastConfig(native))) },
  { kernelName: 'Sum', create: (native) => (native === undefined ? undefined : own(createChannelSumConfig(native))) },
  { kernelName: 'Conv2D', create: (native) => (native === undefined ? undefined : own(createSimdConvolutionConfig(native))) },
  { kernelName: 'FusedConv2D', create: (native) => (native === undefined ? undefined : own(createSimdConvolutionConfig(native))) },
  { kernelName: 'Add', create: (native) => (native === undefined ? undefined : own(createBiasAddConfig(native))) },
];

function own(config: KernelConfig): KernelConfig {
  ownConfigs.add(config);
  return config;
}

/** What `registerWasmTrainingKernels` did in one call (kernel names). */
export interface WasmKernelRegistration {
  added: string[];
  replaced: string[];
}

/**
 * Registers the training kernels tfjs-backend-wasm lacks (Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput, UnsortedSegmentSum), each
 * only when absent, and in tfjs-backend-wasm ≤ 4.22 replaces its slow Conv2DBackpropInput, its wrong
 * MaxPoolGrad, its slow transposed BatchMatMul, its slow Tile, its copying Identity and Cast, and its per-channel Sum. Idempotent. Works before or after
 * `tf.setBackend('wasm')`: the wrapped BatchMatMul keeps its native setup, the others need none.
 * Also registers the RunningBatchNorm layer's fused kernels (layer-kernels/), for wasm and cpu.
 */
export function registerWasmTrainingKernels(wasmVersion = installedWasmBackendVersion()): WasmKernelRegistration {
  // The RunningBatchNorm layer's fused step (wasm and cpu); new kernel names, so no version gate.
  registerLayerKernels();
  const added: string[] = [];
  for (const config of missingWasmKernelConfigs) {
    if (getKernel(config.kernelName, config.backendName) === undefined) {
      registerKernel(config);
      added.push(config.kernelName);
    }
  }
  for (const gradient of [batchNormTrainGradient, crossentropyGradient]) {
    if (getGradient(gradient.kernelName) === undefined) {
      registerGradient(gradient);
    }
  }
  const replaced: string[] = [];
  if (isAtMost422(wasmVersion)) {
    for (const replacement of wasmKernelReplacements) {
      const current = getKernel(replacement.kernelName, 'wasm');
      const config = current !== undefined && ownConfigs.has(current) ? undefined : replacement.create(current);
      if (config !== undefined) {
        if (current !== undefined) {
          unregisterKernel(replacement.kernelName, 'wasm');
        }
        registerKernel(config);
        replaced.push(replacement.kernelName);
      }
    }
  }
  return { added, replaced };
}

function installedWasmBackendVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: tfjs loads only when training
  return (require('@tensorflow/tfjs-backend-wasm') as { version_wasm: string }).version_wasm;
}

function isAtMost422(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major < 4 || (major === 4 && minor <= 22);
}
