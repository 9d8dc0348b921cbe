import type { KernelConfig } from '@tensorflow/tfjs';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-backprop-filter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-backprop-input';
import { maxPoolGradConfig } from './max-pool-grad';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/** The training kernels tfjs-backend-wasm 4.22 lacks, each composed from kernels it has. */
export const missingWasmKernelConfigs: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/**
 * Kernels tfjs-backend-wasm ≤ 4.22 has but that training should not use: Conv2DBackpropInput is a
 * scalar C++ loop, ~5× slower than the XNNPACK composition here; MaxPoolGrad credits the wrong element
 * of windows holding only negative values. Replaced only in those versions, so a later, fixed one wins.
 */
export const wasmKernelReplacements: readonly KernelConfig[] = [conv2DBackpropInputConfig, maxPoolGradConfig];

/** What `registerWasmTrainingKernels` did in one call (kernel names). */
export interface WasmKernelRegistration {
  added: string[];
  replaced: string[];
}

/**
 * Registers the training kernels tfjs-backend-wasm lacks (Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput, UnsortedSegmentSum), each
 * only when absent, and replaces the slow Conv2DBackpropInput and the wrong MaxPoolGrad of
 * tfjs-backend-wasm ≤ 4.22.
 * Idempotent. Call before or after `tf.setBackend('wasm')`: these kernels need no setup.
 */
export function registerWasmTrainingKernels(wasmVersion = installedWasmBackendVersion()): WasmKernelRegistration {
  const added: string[] = [];
  for (const config of missingWasmKernelConfigs) {
    if (getKernel(config.kernelName, config.backendName) === undefined) {
      registerKernel(config);
      added.push(config.kernelName);
    }
  }
  const replaced: string[] = [];
  if (isAtMost422(wasmVersion)) {
    for (const config of wasmKernelReplacements) {
      const current = getKernel(config.kernelName, config.backendName);
      if (current !== config) {
        if (current !== undefined) {
          unregisterKernel(config.kernelName, config.backendName);
        }
        registerKernel(config);
        replaced.push(config.kernelName);
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
