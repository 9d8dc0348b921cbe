/**
 * Training backends: the chooser a training run calls, and the wasm training kernels it registers.
 * Importing this module loads no tfjs; the chosen backend's packages load inside the calls.
 */
export type { BackendChoice, BackendPreference, SkippedBackend } from './types';
export { chooseTrainingBackend } from './choose-backend';
export { getWasmBinaryDirectoryOrThrow } from './wasm-setup';

/**
 * Registers the training kernels tfjs-backend-wasm 4.22 lacks (Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput, UnsortedSegmentSum), each
 * only when absent, and in tfjs-backend-wasm ≤ 4.22 replaces its slow scalar Conv2DBackpropInput (with
 * XNNPACK convolutions), its MaxPoolGrad (wrong for windows of negative values), its Tile (block
 * copies) and Identity (shared data, no copy), and wraps its BatchMatMul (transposed operands made
 * explicit: 10–30× faster dense-layer gradients); adds the fused Adam update (fuseAdamUpdates) and
 * the RunningBatchNorm layer's fused training step (wasm and cpu). Idempotent. `chooseTrainingBackend` calls it; call it yourself when you set the wasm backend by hand.
 */
export function registerWasmTrainingKernels(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: keeps tfjs out of importers' load
  (require('./wasm-kernels/register') as typeof import('./wasm-kernels/register')).registerWasmTrainingKernels();
}

/**
 * Makes a tfjs Adam optimizer update each variable with one kernel on wasm (see fused-adam.ts); other
 * optimizers and backends keep tfjs's own update. Returns the same optimizer.
 */
export function fuseAdamUpdates<T extends object>(optimizer: T): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  return (require('./fused-adam') as typeof import('./fused-adam')).fuseAdamUpdates(optimizer as never) as T;
}

/**
 * Makes the plain BatchNormalization layers of `model` train with one kernel forward and one backward
 * on wasm (see fused-batch-norm.ts); other backends and inference keep tfjs-layers' own code.
 */
export function fuseBatchNormLayers(model: object): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  return (require('./fused-batch-norm') as typeof import('./fused-batch-norm')).fuseBatchNormLayers(model as never);
}

/**
 * Makes a compiled model's categorical cross-entropy run as one kernel each way on wasm (see
 * fused-loss.ts); `model.loss` is unchanged. Returns how many loss functions it replaced.
 */
export function fuseLossFunctions(model: object): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  return (require('./fused-loss') as typeof import('./fused-loss')).fuseLossFunctions(model as never);
}
