/**
 * Adam with one kernel per variable on wasm. tfjs's AdamOptimizer.applyGradients runs 13 kernels per
 * variable (mul, add, square, div, sqrt …), about 170 of a small CNN's 300 kernels per step, and each
 * kernel costs tens of microseconds of engine bookkeeping whatever its size: at batch 8 that is a
 * large part of a step. The fused update keeps the optimizer's state exactly where tfjs keeps it
 * (accBeta1/2, the `name/m` and `name/v` moments), so getWeights, setWeights, dispose and a later
 * unfused step all see the same optimizer.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { engine, getBackend, getKernel, scalar, tidy, zerosLike } from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from './wasm-kernels/fused/adam-update';

type NamedTensor = { name: string; tensor: tfjs.Tensor };

/** The fields of tfjs's AdamOptimizer that its update reads and writes. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tfjs.Variable;
  accBeta2: tfjs.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tfjs.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tfjs.Variable } | undefined)[];
  applyGradients(grads: tfjs.NamedTensorMap | NamedTensor[]): void;
  incrementIterations(): void;
}

/**
 * Makes `optimizer` update with the fused kernel whenever the wasm backend runs and has it registered
 * (registerWasmTrainingKernels registers it); any other backend, or an optimizer that is not tfjs's own
 * Adam (a subclass may change the maths), keeps tfjs's update. Returns the same optimizer.
 */
export function fuseAdamUpdates<T extends tfjs.Optimizer>(optimizer: T): T {
  if (!isPlainTfjsAdam(optimizer)) {
    return optimizer;
  }
  const adam = optimizer as unknown as AdamState;
  const unfused = adam.applyGradients.bind(adam);
  adam.applyGradients = (grads) => {
    if (getBackend() !== 'wasm' || getKernel(ADAM_UPDATE_KERNEL, 'wasm') === undefined) {
      unfused(grads);
      return;
    }
    applyFusedAdam(adam, grads);
  };
  return optimizer;
}

/** tfjs's AdamOptimizer itself: class name 'Adam' declared on its own class, the fields its update uses. */
function isPlainTfjsAdam(optimizer: tfjs.Optimizer): boolean {
  const cls = Object.getPrototypeOf(optimizer)?.constructor as { className?: string } | undefined;
  const state = optimizer as unknown as Partial<AdamState>;
  return cls !== undefined && Object.getOwnPropertyDescriptor(cls, 'className') !== undefined && cls.className === 'Adam'
    && Array.isArray(state.accumulatedFirstMoment) && Array.isArray(state.accumulatedSecondMoment)
    && state.accBeta1 !== undefined && typeof state.beta1 === 'number' && typeof state.epsilon === 'number';
}

function applyFusedAdam(adam: AdamState, grads: tfjs.NamedTensorMap | NamedTensor[]): void {
  const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
  const f = Math.fround;
  const accBeta1 = adam.accBeta1.dataSync()[0];
  const accBeta2 = adam.accBeta2.dataSync()[0];
  const attrs: AdamUpdateAttrs = {
    learningRate: adam.learningRate, beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon,
    oneMinusAccBeta1: f(1 - accBeta1), oneMinusAccBeta2: f(1 - accBeta2),
  };
  tidy(() => {
    names.forEach((name, i) => {
      const value = engine().registeredVariables[name];
      adam.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tidy(() => zerosLike(value).variable(false)) };
      adam.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tidy(() => zerosLike(value).variable(false)) };
      const gradient = Array.isArray(grads) ? grads[i].tensor : grads[name];
      if (gradient === undefined || gradient === null) {
        return;
      }
      const m = adam.accumulatedFirstMoment[i].variable;
      const v = adam.accumulatedSecondMoment[i].variable;
      const inputs = { value, m, v, gradient } as unknown as tfjs.NamedTensorMap;
      const [newValue, newM, newV] = engine().runKernel(ADAM_UPDATE_KERNEL, inputs, attrs as unknown as tfjs.NamedAttrMap) as tfjs.Tensor[];
      m.assign(newM);
      v.assign(newV);
      value.assign(newValue);
    });
    adam.accBeta1.assign(scalar(f(accBeta1 * f(adam.beta1))));
    adam.accBeta2.assign(scalar(f(accBeta2 * f(adam.beta2))));
  });
  adam.incrementIterations();
}
