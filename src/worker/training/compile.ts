/**
 * Optimizer and loss for a run: the model's own compile() when it has one (with `--lr` overriding the
 * learning rate of the same optimizer), else Adam (lr 1e-3) with the loss the task calls for.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { defaultLossFor } from '../data/multi-io-data';
import type { ModelShape, OutputSpec } from '../data/training-data';
import { fuseAdamUpdates, fuseBatchNormLayers, fuseLossFunctions } from '../backends';
import { averageLossesPerExample } from './per-example-loss';

interface OptimizerClass {
  fromConfig(cls: unknown, config: Record<string, unknown>): tfjs.Optimizer;
}

type LossFunction = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor;

export interface CompileChoice {
  optimizer: tfjs.Optimizer;
  loss: string | LossFunction | (string | LossFunction)[];
  /** e.g. "adam (lr 0.001), categoricalCrossentropy (from compile())". */
  description: string;
}

function defaultLoss(shape: ModelShape): string {
  if (shape.task === 'regression') {
    return 'meanSquaredError';
  }
  return shape.units === 1 ? 'binaryCrossentropy' : 'categoricalCrossentropy';
}

/** A fresh optimizer of the same class and settings (runs must not share Adam's moments). */
export function cloneOptimizer(optimizer: tfjs.Optimizer, learningRate?: number): tfjs.Optimizer {
  const cls = optimizer.constructor as unknown as OptimizerClass;
  const config = { ...(optimizer.getConfig() as Record<string, unknown>) };
  if (learningRate !== undefined) {
    config.learningRate = learningRate;
  }
  return cls.fromConfig(cls, config);
}

/** Decides optimizer and loss for `model` once; every run compiles with a fresh copy of the optimizer. */
export function chooseCompile(tf: typeof tfjs, model: tfjs.LayersModel, shape: ModelShape, learningRate?: number, outputs?: OutputSpec[]): CompileChoice {
  const own = (model as unknown as { optimizer_?: tfjs.Optimizer }).optimizer_;
  if (own && model.loss !== undefined) {
    const optimizer = cloneOptimizer(own, learningRate);
    const lr = (optimizer.getConfig() as { learningRate?: number }).learningRate;
    const lossName = typeof model.loss === 'function' ? 'custom loss' : typeof model.loss === 'object' ? JSON.stringify(model.loss) : String(model.loss);
    return { optimizer, loss: model.loss as CompileChoice['loss'], description: `${optimizer.getClassName()} (lr ${lr}), ${lossName}, from the model's compile()` };
  }
  const lr = learningRate ?? 1e-3;
  // One loss per output for a multi-output model, each from that output's task (an image output's too).
  const perOutput = outputs !== undefined && (outputs.length > 1 || outputs[0].shape.length > 1);
  const loss = !perOutput ? defaultLoss(shape) : outputs.length > 1 ? outputs.map((o) => (o.random ? noLoss(tf) : defaultLossFor(o))) : defaultLossFor(outputs[0]);
  const named = Array.isArray(loss) ? loss.map((l, i) => (typeof l === 'string' ? l : `no loss on ${outputs![i].name} (random)`)).join(' + ') : String(loss);
  return { optimizer: tf.train.adam(lr), loss, description: `Adam (lr ${lr}), ${named} (defaults: the model is not compiled)` };
}

/** A loss of 0 with no gradient, for an output whose synthetic target means nothing (a random one). */
function noLoss(tf: typeof tfjs): LossFunction {
  return (_yTrue, yPred) => tf.mul(yPred, 0).mean();
}

/**
 * Compiles `model` for one run with its own optimizer state; on wasm, Adam's update runs as one kernel
 * per variable, BatchNormalization's training pass and categorical cross-entropy as one kernel each way.
 */
export function compileForRun(model: tfjs.LayersModel, choice: CompileChoice): void {
  fuseBatchNormLayers(model);
  // tfjs resolves each entry of a loss list by itself (a name or a function): a mixed list works as typed here.
  model.compile({ optimizer: fuseAdamUpdates(cloneOptimizer(choice.optimizer)), loss: choice.loss as string[] });
  fuseLossFunctions(model);
  averageLossesPerExample(model);
}
