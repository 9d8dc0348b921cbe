import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/**
 * Identity for wasm that shares its input's data (one more reference), as the cpu backend's Identity
 * and wasm's own Reshape do. tfjs-core saves every tensor a gradient needs through Identity (80 calls
 * in one step of a two-conv BatchNorm CNN), and wasm 4.22's Identity copies each one. Sharing is safe
 * because no wasm kernel writes into its inputs: every result goes to a freshly allocated output.
 * Strings keep the native kernel.
 */
export function createIdentityConfig(native: KernelConfig | undefined): KernelConfig {
  const identity: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string' && native !== undefined) {
      return native.kernelFunc(args);
    }
    (args.backend as KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: 'Identity', backendName: 'wasm', setupFunc: native?.setupFunc, kernelFunc: identity };
}
