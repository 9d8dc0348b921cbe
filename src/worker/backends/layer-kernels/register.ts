import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import { layerKernelConfigs } from './kernels';

/**
 * Registers the RunningBatchNorm layer's fused training kernels for wasm and cpu, each only when absent
 * (idempotent). Optional: without them the layer computes the same maths with tfjs ops.
 */
export function registerLayerKernels(): string[] {
  const added: string[] = [];
  for (const config of layerKernelConfigs) {
    if (getKernel(config.kernelName, config.backendName) === undefined) {
      registerKernel(config);
      added.push(`${config.kernelName}/${config.backendName}`);
    }
  }
  return added;
}

/** Removes them again (tests and benches compare the layer with and without them); whether any was registered. */
export function unregisterLayerKernels(): boolean {
  let removed = false;
  for (const config of layerKernelConfigs) {
    if (getKernel(config.kernelName, config.backendName) !== undefined) {
      unregisterKernel(config.kernelName, config.backendName);
      removed = true;
    }
  }
  return removed;
}
