/**
 * tfjs-layers' categorical cross-entropy as one kernel forward and one backward on wasm. tfjs-layers
 * computes it as 8 kernels (normalise, clip, cast, log, multiply, sum, negate) and about 25 more for
 * their gradients, each on a batch × classes tensor of a few dozen values: at batch 8 a step's engine
 * bookkeeping, not arithmetic. The model keeps its loss (`model.loss` still names it); only the
 * function tfjs-layers calls for it changes, with the same float32 maths.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { backend, cast, engine, getBackend, getKernel, tidy } from '@tensorflow/tfjs';
import { CATEGORICAL_CROSSENTROPY_KERNEL, type CrossentropyAttrs } from './wasm-kernels/fused/categorical-crossentropy';
import { replaceLossFunctions, type LossFunction } from '../training/loss-functions';

const fusedLosses = new WeakSet<LossFunction>();

/**
 * Replaces the loss function of every output whose loss is 'categoricalCrossentropy' in a compiled
 * `model` with the fused one (used on wasm with the kernels registered; elsewhere it calls
 * tfjs-layers' own). Returns how many it replaced.
 */
export function fuseLossFunctions(model: tfjs.LayersModel): number {
  const loss = model.loss as unknown;
  return replaceLossFunctions(model, (fn, i) => {
    const name = typeof loss === 'string' ? loss : Array.isArray(loss) ? (loss as unknown[])[i] : undefined;
    return name === 'categoricalCrossentropy' && !fusedLosses.has(fn) ? fusedCategoricalCrossentropy(fn) : undefined;
  });
}

function fusedCategoricalCrossentropy(own: LossFunction): LossFunction {
  const fused: LossFunction = (yTrue, yPred) => {
    if (getBackend() !== 'wasm' || getKernel(CATEGORICAL_CROSSENTROPY_KERNEL, 'wasm') === undefined
      || yPred.dtype !== 'float32' || yPred.rank < 1 || yTrue.shape.join() !== yPred.shape.join()) {
      return own(yTrue, yPred);
    }
    return tidy(() => {
      const target = yTrue.dtype === 'float32' ? yTrue : cast(yTrue, 'float32');
      // tfjs-layers' epsilon() is the backend's (1e-7 in float32).
      const attrs: CrossentropyAttrs = { epsilon: backend().epsilon() };
      return engine().runKernel(CATEGORICAL_CROSSENTROPY_KERNEL, { target, output: yPred } as unknown as tfjs.NamedTensorMap, attrs as unknown as tfjs.NamedAttrMap) as tfjs.Tensor;
    });
  };
  fusedLosses.add(fused);
  return fused;
}
