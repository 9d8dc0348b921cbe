import type { CastAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/**
 * Cast for wasm that shares its input's data when the dtype does not change, as the cpu backend's Cast
 * does; other casts keep the native kernel. tfjs-core runs a Cast for every `cast(x, 'float32')` of
 * a float32 tensor (ReLU's gradient casts a full-size step mask, the losses cast their inputs: a dozen
 * per step of the README's CNN), and wasm 4.22's Cast copies each one. Sharing is safe for the reason
 * Identity's is (identity.ts): no wasm kernel writes into its inputs.
 */
export function createCastConfig(native: KernelConfig): KernelConfig {
  const cast: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as unknown as CastAttrs;
    if (dtype !== x.dtype || dtype === 'string' || dtype === 'complex64') {
      return native.kernelFunc(args);
    }
    (args.backend as KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: 'Cast', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc: cast };
}
