/**
 * Replays the step that produced the first non-finite loss or weight, layer by layer, to name the
 * layer where NaN/Inf first appears:
 * 1. forward in training mode: the first layer whose output is not finite;
 * 2. backward: gradients of the loss with respect to every layer's output (Sequential models, via zero
 *    "probe" tensors added to each output) and every layer's weights; walking from the loss towards the
 *    input, the first layer whose backward pass turns finite gradients into non-finite ones.
 * Weights must hold their values from before the step. Random layers (dropout) redraw their masks.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { scoped } from './tensor-scope';
import type { Tensors } from '../data/training-data';

export interface ReplayResult {
  layerIndex: number;
  where: 'output' | 'gradient';
}

type LossFn = (yTrue: tfjs.Tensor, yPred: tfjs.Tensor) => tfjs.Tensor;

function isFiniteTensor(tf: typeof tfjs, t: tfjs.Tensor): boolean {
  return tf.tidy(() => Number.isFinite(t.sum().dataSync()[0]));
}

/** Replays one batch; undefined when forward and backward are finite (the optimizer's update broke it). */
export function replayStep(tf: typeof tfjs, model: tfjs.LayersModel, x: Tensors, y: Tensors): ReplayResult | undefined {
  // A Sequential compiles its inner functional model, which holds the loss functions.
  const inner = (model as unknown as { model?: tfjs.LayersModel }).model;
  const lossFn = (model.lossFunctions?.[0] ?? inner?.lossFunctions?.[0]) as LossFn | undefined;
  return scoped(tf, () => {
    const sequential = model.getClassName() === 'Sequential';
    const forward = sequential ? forwardSequential(model, x as tfjs.Tensor) : forwardFunctional(tf, model, x);
    const badOutput = forward.findIndex((out) => out !== undefined && !isFiniteTensor(tf, out));
    if (badOutput >= 0) {
      return { layerIndex: badOutput, where: 'output' as const };
    }
    if (!lossFn) {
      return undefined;
    }
    return sequential ? backwardSequential(tf, model, x as tfjs.Tensor, y as tfjs.Tensor, lossFn) : backwardByWeights(tf, model, x, y, lossFn);
  });
}

/**
 * Beyond this magnitude a float32 activation overflows once squared (MSE, variances): when a loss is
 * non-finite while every output and gradient is finite, the first layer past it is where things broke.
 */
export const OVERFLOW_RISK = 1e18;

/** The first layer (forward order) whose training-mode output exceeds OVERFLOW_RISK in magnitude. */
export function firstOverflowingLayer(tf: typeof tfjs, model: tfjs.LayersModel, x: Tensors): number | undefined {
  return scoped(tf, () => {
    const forward = model.getClassName() === 'Sequential' ? forwardSequential(model, x as tfjs.Tensor) : forwardFunctional(tf, model, x);
    const index = forward.findIndex((out) => out !== undefined && out.abs().max().dataSync()[0] > OVERFLOW_RISK);
    return index >= 0 ? index : undefined;
  });
}

function forwardSequential(model: tfjs.LayersModel, x: tfjs.Tensor): tfjs.Tensor[] {
  const outputs: tfjs.Tensor[] = [];
  let a = x;
  for (const layer of model.layers) {
    a = layer.apply(a, { training: true }) as tfjs.Tensor;
    outputs.push(a);
  }
  return outputs;
}

/** One pass through a model whose outputs are every layer's output (layers with several outputs are skipped). */
function forwardFunctional(tf: typeof tfjs, model: tfjs.LayersModel, x: Tensors): (tfjs.Tensor | undefined)[] {
  const probes: { index: number; output: tfjs.SymbolicTensor }[] = [];
  model.layers.forEach((layer, index) => {
    try {
      const output = layer.output;
      if (!Array.isArray(output) && layer.getClassName() !== 'InputLayer') {
        probes.push({ index, output });
      }
    } catch {
      // A shared layer has several outputs; it is checked through the layers after it.
    }
  });
  const probe = tf.model({ inputs: model.inputs, outputs: probes.map((p) => p.output) });
  const results = probe.apply(x, { training: true }) as tfjs.Tensor | tfjs.Tensor[];
  const list = Array.isArray(results) ? results : [results];
  const byLayer: (tfjs.Tensor | undefined)[] = model.layers.map(() => undefined);
  probes.forEach((p, i) => (byLayer[p.index] = list[i]));
  return byLayer;
}

function backwardSequential(tf: typeof tfjs, model: tfjs.LayersModel, x: tfjs.Tensor, y: tfjs.Tensor, lossFn: LossFn): ReplayResult | undefined {
  const layers = model.layers;
  const shapes = forwardSequential(model, x).map((t) => t.shape);
  const weights = layers.map((l) => l.trainableWeights.map((w) => w.read() as tfjs.Variable));
  const flatWeights = weights.flat();
  // Gradients w.r.t. zero tensors added to each layer's output are the gradients w.r.t. those outputs.
  const zeros = shapes.map((s) => tf.zeros(s));
  const f = (...args: tfjs.Tensor[]) => {
    let a = x;
    layers.forEach((layer, i) => {
      a = tf.add(layer.apply(a, { training: true }) as tfjs.Tensor, args[i]);
    });
    return lossFn(y, a).mean();
  };
  const outputGrads = tf.grads(f)(zeros);
  const weightGrads = flatWeights.length > 0 ? tf.variableGrads(() => f(...zeros) as tfjs.Scalar, flatWeights).grads : {};
  for (let i = layers.length - 1; i >= 0; i--) {
    const ownWeightsBad = weights[i].some((w) => weightGrads[w.name] !== undefined && !isFiniteTensor(tf, weightGrads[w.name]));
    if (!isFiniteTensor(tf, outputGrads[i])) {
      return { layerIndex: Math.min(i + 1, layers.length - 1), where: 'gradient' };
    }
    if (ownWeightsBad) {
      return { layerIndex: i, where: 'gradient' };
    }
  }
  return undefined;
}

/** Functional models: the layer nearest the loss whose weight gradient is not finite. */
function backwardByWeights(tf: typeof tfjs, model: tfjs.LayersModel, x: Tensors, y: Tensors, lossFn: LossFn): ReplayResult | undefined {
  const vars = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
  // Every output's loss, each with its own loss function (a multi-output model's total loss).
  const total = () => {
    const outputs = [model.apply(x, { training: true }) as tfjs.Tensor | tfjs.Tensor[]].flat();
    const targets = [y].flat();
    return tf.addN(outputs.map((out, i) => ((model.lossFunctions?.[i] as LossFn | undefined) ?? lossFn)(targets[i], out).mean())) as tfjs.Scalar;
  };
  const { grads } = tf.variableGrads(total, vars);
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const names = model.layers[i].trainableWeights.map((w) => (w.read() as tfjs.Variable).name);
    if (names.some((name) => grads[name] !== undefined && !isFiniteTensor(tf, grads[name]))) {
      return { layerIndex: i, where: 'gradient' };
    }
  }
  return undefined;
}

/** NaN/Inf elements, and all elements, of one or several tensors. */
function nonFiniteCount(tf: typeof tfjs, tensors: tfjs.Tensor | tfjs.Tensor[]): { bad: number; all: number } {
  const list = Array.isArray(tensors) ? tensors : [tensors];
  return list.reduce(
    (sum, t) => ({ bad: sum.bad + tf.tidy(() => tf.logicalNot(tf.isFinite(t.toFloat())).sum().dataSync()[0]!), all: sum.all + t.size }),
    { bad: 0, all: 0 },
  );
}

/**
 * A batch whose targets or inputs already hold NaN/Inf (labels parsed from text that is no number):
 * no model trains finitely on it, so that is the cause, in the program too; undefined when the batch is finite.
 */
export function nonFiniteDataCause(tf: typeof tfjs, x: tfjs.Tensor | tfjs.Tensor[], y: tfjs.Tensor | tfjs.Tensor[]): string | undefined {
  const parts = [['targets', nonFiniteCount(tf, y)], ['inputs', nonFiniteCount(tf, x)]] as const;
  const found = parts.filter(([, c]) => c.bad > 0).map(([what, c]) => `its ${what} (${c.bad} of ${c.all} values)`);
  return found.length === 0 ? undefined : `the batch held NaN/Inf before the model saw it, in ${found.join(' and ')}: the data fed to training has them, so the loss cannot be finite`;
}
