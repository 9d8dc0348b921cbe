import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { allocateOutput, heapView } from '../heap';
import { simdKernelsOf } from '../simd/simd-module';

/** The one kernel of a fused Adam update (see fused-adam.ts): this project's name, no tfjs kernel has it. */
export const ADAM_UPDATE_KERNEL = 'RbnAdamUpdate';

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ, the bias corrections of this step, as float32 (tfjs computes them so). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}

/**
 * Adam's update of one variable in one kernel, with tfjs's AdamOptimizer maths rounded to float32
 * after every operation as its 13 kernels are:
 * m' = β₁m + (1−β₁)g, v' = β₂v + (1−β₂)g², value' = value − lr·(m'/c₁) / (√(v'/c₂) + ε).
 * Outputs [value', m', v'] as new tensors (the variables are reassigned, never written in place).
 */
export const adamUpdate: KernelFunc = ({ inputs, backend, attrs }) => {
  const { value, m, v, gradient } = inputs as { value: TensorInfo; m: TensorInfo; v: TensorInfo; gradient: TensorInfo };
  const a = attrs as unknown as AdamUpdateAttrs;
  const outputs = [value, m, v].map((t) => allocateOutput(backend, t.shape, 'float32').info);
  // Views after every allocation (a grown heap detaches older views).
  const [newValue, newM, newV] = outputs.map((t) => heapView(backend, t) as Float32Array);
  const arrays = { value: heapView(backend, value) as Float32Array, m: heapView(backend, m) as Float32Array, v: heapView(backend, v) as Float32Array, gradient: heapView(backend, gradient) as Float32Array };
  const simd = simdKernelsOf(backend);
  if (simd === undefined) {
    applyAdam(arrays, { value: newValue, m: newM, v: newV }, a);
  } else {
    // The SIMD module's loop (wasm-simd/adam.ts): the same float32 operations, four values a step.
    const s = adamScalars(a);
    simd.exports.adamUpdate(
      arrays.value.byteOffset, arrays.m.byteOffset, arrays.v.byteOffset, arrays.gradient.byteOffset, newValue.byteOffset, newM.byteOffset, newV.byteOffset, newValue.length,
      s.beta1, s.beta2, s.oneMinusBeta1, s.oneMinusBeta2, s.c1, s.c2, s.epsilon, s.minusLr,
    );
  }
  return outputs;
};

interface AdamArrays {
  value: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** The update's scalars as float32, as tfjs's kernels hold them. */
function adamScalars(a: AdamUpdateAttrs) {
  return {
    beta1: Math.fround(a.beta1),
    beta2: Math.fround(a.beta2),
    oneMinusBeta1: Math.fround(1 - a.beta1),
    oneMinusBeta2: Math.fround(1 - a.beta2),
    c1: Math.fround(a.oneMinusAccBeta1),
    c2: Math.fround(a.oneMinusAccBeta2),
    epsilon: Math.fround(a.epsilon),
    minusLr: Math.fround(-a.learningRate),
  };
}

/** The update on plain arrays; exported for tests. */
export function applyAdam(input: AdamArrays & { gradient: Float32Array }, out: AdamArrays, a: AdamUpdateAttrs): void {
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, c1, c2, epsilon, minusLr } = adamScalars(a);
  const { value, m, v, gradient } = input;
  for (let i = 0; i < value.length; i++) {
    const g = gradient[i];
    const m1 = Math.fround(Math.fround(m[i] * beta1) + Math.fround(g * oneMinusBeta1));
    const v1 = Math.fround(Math.fround(v[i] * beta2) + Math.fround(Math.fround(g * g) * oneMinusBeta2));
    const step = Math.fround(Math.fround(m1 / c1) / Math.fround(Math.fround(Math.sqrt(Math.fround(v1 / c2))) + epsilon));
    out.m[i] = m1;
    out.v[i] = v1;
    out.value[i] = Math.fround(Math.fround(step * minusLr) + value[i]);
  }
}

export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE_KERNEL,
  backendName: 'wasm',
  kernelFunc: adamUpdate,
};
