import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { engine } from '@tensorflow/tfjs';
import { allocateOutput, heapView } from '../heap';

/** tfjs-layers' categorical cross-entropy of probabilities, per example, as one kernel (see fused-loss.ts). */
export const CATEGORICAL_CROSSENTROPY_KERNEL = 'RbnCategoricalCrossentropy';
/** Its gradient with respect to the target and the output. */
export const CATEGORICAL_CROSSENTROPY_GRAD_KERNEL = 'RbnCategoricalCrossentropyGrad';

export interface CrossentropyAttrs {
  /** tfjs-layers' epsilon: the output is clipped to [ε, 1 − ε] before the log. */
  epsilon: number;
}

/**
 * loss[b] = −Σ_k t[b,k]·log(clip(o[b,k]/Σ_j o[b,j], ε, 1 − ε)), over rows of `classes` values, with
 * tfjs-layers' float32 rounding of the normalised and clipped outputs and of each log (the row sums
 * in float64).
 */
export function crossentropyForward(target: Float32Array, output: Float32Array, classes: number, epsilon: number, loss: Float32Array): void {
  const low = Math.fround(epsilon);
  const high = Math.fround(1 - epsilon);
  for (let row = 0, base = 0; row < loss.length; row++, base += classes) {
    const sum = Math.fround(rowSum(output, base, classes));
    let total = 0;
    for (let k = 0; k < classes; k++) {
      const clipped = Math.min(high, Math.max(low, Math.fround(output[base + k] / sum)));
      total += Math.fround(target[base + k] * Math.fround(Math.log(clipped)));
    }
    loss[row] = -total;
  }
}

/**
 * The gradients of `crossentropyForward` scaled by dy[b]: with p = o/s (s the row's sum) and c the
 * clipped p, ∂/∂c_k = −t_k/c_k where ε ≤ p_k ≤ 1 − ε (clipping passes no gradient elsewhere, as tfjs's
 * clipByValue), ∂/∂o_j = g_j/s − Σ_k g_k·o_k/s²; ∂/∂t_k = −log(c_k).
 */
export function crossentropyBackward(
  input: { dy: Float32Array; target: Float32Array; output: Float32Array }, classes: number, epsilon: number,
  out: { dTarget: Float32Array; dOutput: Float32Array },
): void {
  const { dy, target, output } = input;
  const low = Math.fround(epsilon);
  const high = Math.fround(1 - epsilon);
  const g = new Float64Array(classes);
  for (let row = 0, base = 0; row < dy.length; row++, base += classes) {
    const sum = Math.fround(rowSum(output, base, classes));
    let weighted = 0;
    for (let k = 0; k < classes; k++) {
      const p = Math.fround(output[base + k] / sum);
      const clipped = Math.min(high, Math.max(low, p));
      g[k] = p >= low && p <= high ? -dy[row] * target[base + k] / clipped : 0;
      weighted += g[k] * output[base + k];
      out.dTarget[base + k] = -dy[row] * Math.log(clipped);
    }
    for (let j = 0; j < classes; j++) {
      out.dOutput[base + j] = g[j] / sum - weighted / (sum * sum);
    }
  }
}

function rowSum(values: Float32Array, base: number, count: number): number {
  let sum = 0;
  for (let k = 0; k < count; k++) {
    sum += values[base + k];
  }
  return sum;
}

const f32 = (backend: unknown, t: TensorInfo) => heapView(backend, t) as Float32Array;

const crossentropy: KernelFunc = ({ inputs, backend, attrs }) => {
  const { target, output } = inputs as { target: TensorInfo; output: TensorInfo };
  const classes = output.shape[output.shape.length - 1];
  const loss = allocateOutput(backend, output.shape.slice(0, -1), 'float32');
  crossentropyForward(f32(backend, target), f32(backend, output), classes, (attrs as unknown as CrossentropyAttrs).epsilon, loss.values as Float32Array);
  return loss.info;
};

const crossentropyGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, target, output } = inputs as { dy: TensorInfo; target: TensorInfo; output: TensorInfo };
  const outputs = [target.shape, output.shape].map((shape) => allocateOutput(backend, shape, 'float32').info);
  const [dTarget, dOutput] = outputs.map((t) => f32(backend, t));
  crossentropyBackward({ dy: f32(backend, dy), target: f32(backend, target), output: f32(backend, output) }, output.shape[output.shape.length - 1], (attrs as unknown as CrossentropyAttrs).epsilon, { dTarget, dOutput });
  return outputs;
};

export const crossentropyConfig: KernelConfig = { kernelName: CATEGORICAL_CROSSENTROPY_KERNEL, backendName: 'wasm', kernelFunc: crossentropy };
export const crossentropyGradConfig: KernelConfig = { kernelName: CATEGORICAL_CROSSENTROPY_GRAD_KERNEL, backendName: 'wasm', kernelFunc: crossentropyGrad };

/** One backward kernel for both inputs, run at once in the backward pass's scope (as batch-norm-train.ts's). */
export const crossentropyGradient: GradConfig = {
  kernelName: CATEGORICAL_CROSSENTROPY_KERNEL,
  inputsToSave: ['target', 'output'],
  gradFunc: (dy, saved, attrs) => {
    const [target, output] = saved;
    const [dTarget, dOutput] = engine().runKernel(CATEGORICAL_CROSSENTROPY_GRAD_KERNEL, { dy: dy as Tensor, target, output }, attrs as NamedAttrMap) as Tensor[];
    return { target: () => dTarget, output: () => dOutput };
  },
};
