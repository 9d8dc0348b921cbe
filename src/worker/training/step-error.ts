/**
 * A training step that throws inside tfjs ("Size(288) must match the product of shape 1,2,1,1") is
 * the user's model failing, not sanity-train: replay the step one layer at a time, forward and then
 * each layer's own backward pass, and name the first layer that throws, with the line that built it
 * and, where the cause is known, what to do (a BatchNormalization over an axis other than the last,
 * which tfjs cannot train).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { SourceLocation } from '../../core/training/protocol';
import { isWasmAbort, SanityFailure } from '../errors';
import type { Tensors } from '../data/training-data';

/** The session's tfjs and layer sources, so a failing step anywhere (timing it, training) can name the layer. */
let known: { tf: typeof tfjs; sources: Map<string, SourceLocation | null> } | undefined;

export function rememberLayerSources(tf: typeof tfjs, sources: Map<string, SourceLocation | null>): void {
  known = { tf, sources };
}

/**
 * `describeStepFailure` with what the session remembered; undefined before it did. `mode`: what failed,
 * a training step or inference (timing the held-out pass): some layers fail in one mode only.
 */
export function explainStepFailure(model: tfjs.LayersModel, x: Tensors, err: unknown, mode: StepMode = 'training'): SanityFailure | undefined {
  return known === undefined ? undefined : describeStepFailure(known.tf, model, x, err, known.sources, mode);
}

export interface FailingLayer {
  index: number;
  phase: 'forward' | 'backward';
  /** What the layer threw on its own. */
  error: unknown;
}

export type StepMode = 'training' | 'inference';

/**
 * The first layer whose forward or (in training) backward pass throws on this batch; undefined when
 * none does alone. The mode matters: a layer may run one way and not the other (a rank-5
 * BatchNormalization trains with the fused wasm kernel and fails in inference).
 */
export function findFailingLayer(tf: typeof tfjs, model: tfjs.LayersModel, x: Tensors, mode: StepMode = 'training'): FailingLayer | undefined {
  const training = mode === 'training';
  const outputs = new Map<tfjs.layers.Layer, tfjs.Tensor>();
  const kept: tfjs.Tensor[] = [];
  try {
    let previous = Array.isArray(x) ? undefined : (x as tfjs.Tensor);
    for (const [index, layer] of model.layers.entries()) {
      if (layer.getClassName() === 'InputLayer') {
        // The batch's tensor for this input (the model's n-th input layer takes x[n]).
        const fed = Array.isArray(x) ? x[model.inputLayers.indexOf(layer)] : x;
        if (fed !== undefined) {
          outputs.set(layer, fed);
        }
        continue;
      }
      const input = inputOf(layer, outputs, previous);
      if (input === undefined) {
        return undefined;
      }
      let output: tfjs.Tensor;
      try {
        output = tf.tidy(() => layer.apply(input, { training }) as tfjs.Tensor);
      } catch (error) {
        return { index, phase: 'forward', error };
      }
      kept.push(output);
      outputs.set(layer, output);
      previous = output;
      if (!training) {
        continue;
      }
      try {
        tf.tidy(() => {
          const vars = layer.trainableWeights.map((w) => w.read() as tfjs.Variable);
          const f = (a: tfjs.Tensor | tfjs.Tensor[]) => (layer.apply(a, { training: true }) as tfjs.Tensor).square().mean() as tfjs.Scalar;
          if (!Array.isArray(input)) {
            tf.grad(f)(input);
          }
          if (vars.length > 0) {
            tf.variableGrads(() => f(input), vars);
          }
        });
      } catch (error) {
        return { index, phase: 'backward', error };
      }
    }
    return undefined;
  } finally {
    tf.dispose(kept);
  }
}

/**
 * What feeds `layer` in the replay: the output of its one inbound layer, or of each of several (a
 * merge: `add`, `concatenate`), an input layer's being the batch's tensor for it; the previous layer's
 * output in a sequential model; undefined when an inbound layer's output is unknown.
 */
function inputOf(layer: tfjs.layers.Layer, outputs: Map<tfjs.layers.Layer, tfjs.Tensor>, previous: tfjs.Tensor | undefined): tfjs.Tensor | tfjs.Tensor[] | undefined {
  const inbound = (layer as unknown as { inboundNodes?: { inboundLayers: tfjs.layers.Layer[] }[] }).inboundNodes?.[0]?.inboundLayers ?? [];
  const fed = inbound.map((l) => outputs.get(l));
  if (inbound.length > 1) {
    return fed.every((t) => t !== undefined) ? (fed as tfjs.Tensor[]) : undefined;
  }
  return fed[0] ?? previous;
}

/**
 * Why tfjs cannot train this BatchNormalization, where that is known: its kernels take inputs of rank
 * 2 to 4 only (a conv3d's rank-5 output fails, forward and backward), and its gradient exists only over
 * the last axis (channels-first code fails in the backward pass). Undefined for other layers.
 */
export function normLimitOf(layer: tfjs.layers.Layer): NormLimit | undefined {
  if (layer.getClassName() !== 'BatchNormalization') {
    return undefined;
  }
  const rank = inputRank(layer);
  if (rank !== undefined && rank > MAX_BATCH_NORM_RANK) {
    return { kind: 'rank', rank };
  }
  const axis = offLastAxis(layer);
  return axis === undefined ? undefined : { kind: 'axis', axis };
}

function inputRank(layer: tfjs.layers.Layer): number | undefined {
  return (layer.input as tfjs.SymbolicTensor | undefined)?.shape?.length;
}

/** The layer's configured `axis` when it is one number and not its input's last; undefined otherwise. */
function offLastAxis(layer: tfjs.layers.Layer): number | undefined {
  const axis = (layer.getConfig() as { axis?: number | number[] }).axis;
  const rank = inputRank(layer);
  return typeof axis === 'number' && axis !== -1 && rank !== undefined && axis !== rank - 1 ? axis : undefined;
}

/** The largest input rank tfjs's batchNormalization kernels take (batchNorm2d to batchNorm4d). */
const MAX_BATCH_NORM_RANK = 4;

export type NormLimit = { kind: 'rank'; rank: number } | { kind: 'axis'; axis: number };

/** What is known about why a layer of this kind fails to train. */
export function failureAdvice(layer: tfjs.layers.Layer): string | undefined {
  if (layer.getClassName() === 'Softmax' && offLastAxis(layer) !== undefined) {
    return 'tfjs computes softmax only along the last axis, in your program too: transpose the tensor so that axis comes last (tf.layers.permute), or apply softmax with axis: -1';
  }
  const limit = normLimitOf(layer);
  if (limit?.kind === 'rank') {
    return `tfjs implements BatchNormalization for inputs of rank 2 to 4 only, and this one's input has rank ${limit.rank}: convert it to RunningBatchNorm, which normalises inputs of any rank`;
  }
  if (limit?.kind === 'axis') {
    return `tfjs trains BatchNormalization only over the last axis; this one has axis: ${limit.axis} (channels-first): convert it to RunningBatchNorm, which normalises any axis, or use channels-last data with axis: -1`;
  }
  return undefined;
}

/**
 * The SanityFailure for a step that threw `err`: names the layer and its line when a replay finds it
 * throwing the same error, else (a layer threw something else) says that the model failed without
 * naming one; undefined when no layer throws on its own, and for failures that are not the model's
 * (out of memory, our own SanityFailure).
 */
export function describeStepFailure(tf: typeof tfjs, model: tfjs.LayersModel, x: Tensors, err: unknown, sources: Map<string, SourceLocation | null>, mode: StepMode = 'training'): SanityFailure | undefined {
  if (err instanceof SanityFailure || isWasmAbort(err) || !(err instanceof Error)) {
    return undefined;
  }
  let failing: FailingLayer | undefined;
  try {
    failing = findFailingLayer(tf, model, x, mode);
  } catch {
    failing = undefined;
  }
  if (failing === undefined) {
    return missingGradient(err);
  }
  // A layer that throws something else on its own (a tfjs bug the step itself got past) is not the one;
  // the same error may carry other sizes (the replay's batch is not the step's).
  if (sizesAside(firstLine(failing.error)) !== sizesAside(firstLine(err))) {
    return new SanityFailure('threw', `your model failed in ${mode === 'training' ? 'a training step' : 'its first forward pass'}: tfjs said "${firstLine(err)}" (replaying the step layer by layer did not show which layer)`, err);
  }
  const layer = model.layers[failing.index];
  const source = sources.get(layer.name);
  const at = source ? ` built at ${source.file}:${source.line}` : '';
  const advice = failureAdvice(layer) ?? missingGradientAdvice(err) ?? singleStepRnnAdvice(layer, err);
  const message = `${mode === 'training' ? 'training' : 'running the model'} failed in layer "${layer.name}" (${layer.getClassName()})${at}, in its ${failing.phase} pass: tfjs said "${firstLine(err)}"${advice ? `; ${advice}` : ''}`;
  return new SanityFailure('threw', message, err);
}

const RNN_LAYERS = new Set(['GRU', 'LSTM', 'SimpleRNN', 'RNN']);

/**
 * An RNN over a sequence of one step fed by another layer (a stacked GRU): tfjs's gradient of the
 * step's unstack fails in `stack`, in the program's fit() too. A one-step sequence is often a
 * transposed shape (`inputShape: [1, 60]` for 60 prices of one feature, which is `[60, 1]`).
 */
function singleStepRnnAdvice(layer: tfjs.layers.Layer, err: Error): string | undefined {
  const steps = (layer.input as tfjs.SymbolicTensor | undefined)?.shape?.[1];
  if (!RNN_LAYERS.has(layer.getClassName()) || steps !== 1 || !/passed to stack/.test(err.message)) {
    return undefined;
  }
  return 'its input is a sequence of one time step, and tfjs cannot backpropagate through a recurrent layer over one step that another layer feeds, in your program too: give the sequence its steps (for 60 values of one feature, inputShape [60, 1], not [1, 60])';
}

/** A layer whose backward pass needs an op tfjs has no gradient for (Conv3DBackpropInputV2 of a conv3dTranspose). */
function missingGradientAdvice(err: Error): string | undefined {
  const op = /gradient function not found for (\w+)/.exec(err.message)?.[1];
  return op === undefined ? undefined : `tfjs has no gradient for ${op}, so this layer cannot train in your program either`;
}

/**
 * "Cannot compute gradient: gradient function not found for Less" with no layer failing on its own:
 * the loss (a custom loss that counts with tf.less, tf.round or tf.argMax) has no gradient in tfjs,
 * so fit() fails the same way in the program.
 */
function missingGradient(err: Error): SanityFailure | undefined {
  const op = /gradient function not found for (\w+)/.exec(err.message)?.[1];
  return op === undefined ? undefined : new SanityFailure('threw', `your model's loss needs the gradient of ${op}, which tfjs does not have (tfjs said "${firstLine(err)}"): a custom loss that uses tf.${op[0].toLowerCase()}${op.slice(1)} (or a comparison, rounding or argMax) cannot be trained, in your program either; write it with differentiable ops`, err);
}

function sizesAside(message: string): string {
  return message.replace(/\d+/g, '#');
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
