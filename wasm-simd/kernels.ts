// SIMD kernels for tfjs-backend-wasm's training step, compiled with AssemblyScript by
// scripts/build-wasm-simd.mjs. The module imports the backend's own memory (env.memory) and every
// pointer is a byte offset in it, so the kernels read and write tensors where they lie. It has no
// heap, no allocations and no static data: nothing of it lives in that memory (a unit test checks
// the compiled module has no data segment and no globals).
//
// The batch-norm, MaxPoolGrad, per-channel sum and bias-add kernels do the same float operations in the same order as the
// JavaScript kernels they replace, so the results are equal bit for bit; the convolution's filter
// gradient sums in its own order (float32, as XNNPACK's). SIMD runs four channels (channels last)
// at a time; channels past the last multiple of four take a scalar loop.

export { channelAffine, channelSums } from './batch-norm';
export { maxPoolGrad2x2 } from './max-pool';
export { conv2dFilterGrad } from './convolution';
export { conv2dForward, padColumns } from './convolution-forward';
export { adamUpdate } from './adam';
export { conv2dForwardNarrow } from './convolution-narrow';
export { channelTotals } from './channel-sum';
export { addChannelVector } from './bias-add';
export { matMul, transpose2d } from './mat-mul';
