/**
 * The batch size a run can afford, fitted before training instead of failing in it: the memory one
 * training step needs (estimated from the built model's layer output shapes and parameter count)
 * against what the backend and the worker may hold, and, with the probe's timing, the time one step
 * takes against the budget. Halving down to 1; below that, one line saying why it cannot run.
 * Pure: the session gathers the numbers (tf.memory(), the process's memory, the free memory).
 */
import type { SanityBatchFit } from '../../core/training/protocol';
import { SanityFailure } from '../errors';
import { formatParams } from './model-size';

/** tfjs-backend-wasm's heap grows to at most 4 GB less one 64 KB page (emscripten's getHeapMax in the bundled build). */
export const WASM_HEAP_MAX_BYTES = 4_294_901_760;

/** float32 everywhere. */
const BYTES_PER_VALUE = 4;

/**
 * What the backward pass holds per value of the layers' outputs: each layer keeps its inputs and
 * intermediates for the gradient (a conv with a fused activation: conv, bias-add and activation
 * outputs; a BatchNorm: its centred and normalised copies), plus the gradients flowing back.
 * Measured on wasm: 6.3 (a U-Net), 8.5 (a small CNN), 11.5 (an MLP); 10 errs on the safe side.
 */
export const BACKPROP_FACTOR = 10;

/**
 * The optimizer's update in weight-sized copies: the weights, their gradients, the optimizer's slots
 * and the temporaries of the update, plus one (what the measurement adds). Adam and Adamax update
 * every variable inside one tidy(), so all their temporaries live at once: Adam's step peaked at
 * 18.0x the weights' bytes (three models on wasm). The others free theirs per variable (SGD measured
 * 3.3x; the rest counted from tfjs-core's update code: weights, gradients, slots, one temporary, one).
 * An optimizer not listed counts as Adam.
 */
const UPDATE_COPIES: Record<string, { slots: number; copies: number }> = {
  Adam: { slots: 2, copies: 18 },
  Adamax: { slots: 2, copies: 16 },
  SGD: { slots: 0, copies: 4 },
  Momentum: { slots: 1, copies: 5 },
  Adagrad: { slots: 1, copies: 5 },
  Adadelta: { slots: 2, copies: 6 },
  RMSProp: { slots: 3, copies: 7 },
};

export interface StepShape {
  params: number;
  /** The trainable ones (the rest get no gradient, slots or update); all of them when absent. */
  trainableParams?: number;
  /** Sum over the layers of their output sizes for one example (the batch axis left out). */
  valuesPerExample: number;
  /** The optimizer's class name, e.g. 'Adam'. */
  optimizer: string;
}

/**
 * Output sizes per example of every layer, from `layer.outputShape` (one shape, or one per output).
 * A variable dimension (null) counts as `unknownDim`: the length the run fills the input's in with.
 */
export function valuesPerExample(outputShapes: unknown[], unknownDim = 1): number {
  let total = 0;
  for (const shape of outputShapes) {
    const shapes = Array.isArray(shape) && Array.isArray(shape[0]) ? (shape as unknown[][]) : [shape as unknown[]];
    for (const s of shapes) {
      total += s.slice(1).reduce<number>((n, d) => n * (typeof d === 'number' && d > 0 ? d : unknownDim), 1);
    }
  }
  return total;
}

/** What `modelValuesPerExample` reads of a tfjs model: its layers and the nodes of its own graph (a Sequential keeps them in its inner `model`). */
export interface ModelLike {
  layers: LayerLike[];
  containerNodes?: Set<string>;
  model?: ModelLike;
}

/** A layer, or a nested model (it has `layers`). */
export interface LayerLike extends Partial<ModelLike> {
  name: string;
  inboundNodes?: { outputShapes: unknown }[];
}

/**
 * Output sizes per example of every layer of `model`, each call of a layer in this model's graph
 * counted (a shared layer keeps one output per call; `outputShape` throws for one called with
 * different shapes; calls from other models, e.g. a discriminator trained on its own, do not count),
 * and a nested model (a GAN's generator inside the combined model) by its own layers, once per call.
 */
export function modelValuesPerExample(model: ModelLike, unknownDim = 1): number {
  const own = model.containerNodes?.size ? model.containerNodes : model.model?.containerNodes;
  let total = 0;
  for (const layer of model.layers) {
    const calls = (layer.inboundNodes ?? []).filter((_, i) => !own || own.has(`${layer.name}_ib-${i}`));
    total += Array.isArray(layer.layers) ? calls.length * modelValuesPerExample(layer as ModelLike, unknownDim) : valuesPerExample(calls.map((n) => n.outputShapes), unknownDim);
  }
  return total;
}

/**
 * Peak bytes of one training step at `batch`: the larger of the backward pass (weights, slots,
 * gradients and the layers' saved outputs) and the optimizer's update (weight-sized copies only).
 */
export function stepBytes(shape: StepShape, batch: number): number {
  const weights = shape.params * BYTES_PER_VALUE;
  const trainable = (shape.trainableParams ?? shape.params) * BYTES_PER_VALUE;
  const { slots, copies } = UPDATE_COPIES[shape.optimizer] ?? UPDATE_COPIES.Adam;
  const backward = weights + trainable * (1 + slots) + batch * shape.valuesPerExample * BYTES_PER_VALUE * BACKPROP_FACTOR;
  return Math.max(backward, weights + trainable * (copies - 1));
}

/** What the session measured of the worker's memory when it fits the batch. */
export interface MemoryState {
  backend: string;
  /** The worker's memory cap in MB (RBN_SANITY_MAX_MEMORY_MB); 0 or absent: none. */
  capMb?: number;
  /** The process's resident set, tfjs's tensor bytes (tf.memory().numBytes), the model's weight bytes, and the system's free memory. */
  rssBytes: number;
  tensorBytes: number;
  weightBytes: number;
  freeBytes: number;
}

export interface MemoryLimit {
  /** Bytes one step may use: the tightest limit, less a tenth (heap growth and fragmentation), less the tensors already held besides the weights (the data, a swapped copy). */
  stepRoomBytes: number;
  /** The limit in words, e.g. "the wasm heap (4.0 GB at most)". */
  name: string;
}

/** The tightest of the wasm heap, the worker's memory cap and the free memory. */
export function memoryLimit(m: MemoryState): MemoryLimit {
  const others = Math.max(0, m.tensorBytes - m.weightBytes);
  const overhead = Math.max(0, m.rssBytes - m.tensorBytes);
  const limits: { bytes: number; name: string }[] = [{ bytes: m.freeBytes + m.tensorBytes, name: `the free memory (${gigabytes(m.freeBytes)} free)` }];
  if (m.capMb !== undefined && m.capMb > 0) {
    limits.push({ bytes: m.capMb * 1024 * 1024 - overhead, name: `the worker's ${m.capMb} MB memory cap` });
  }
  if (m.backend === 'wasm') {
    limits.push({ bytes: WASM_HEAP_MAX_BYTES, name: `the wasm heap (${gigabytes(WASM_HEAP_MAX_BYTES)} at most)` });
  }
  const tightest = limits.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  return { stepRoomBytes: 0.9 * tightest.bytes - others, name: tightest.name };
}

/** `requested`, then halved (rounded down) to 1: the batch sizes tried, largest first. */
export function halvings(requested: number): number[] {
  const sizes = [Math.max(1, Math.floor(requested))];
  while (sizes[sizes.length - 1] > 1) {
    sizes.push(Math.floor(sizes[sizes.length - 1] / 2));
  }
  return sizes;
}

/** The largest of `halvings(requested)` that `fits`, or undefined when not even 1 does. */
export function largestFitting(requested: number, fits: (batch: number) => boolean): number | undefined {
  return halvings(requested).find(fits);
}

/** How the batch size was chosen: the JSON report's `batchFit`. */
export type BatchChoice = SanityBatchFit;

/** The batch that fits the memory, or a one-line 'memory' failure when one example does not. */
export function fitBatchToMemory(requested: number, shape: StepShape, limit: MemoryLimit): BatchChoice {
  const room = limit.stepRoomBytes;
  const batch = largestFitting(requested, (b) => stepBytes(shape, b) <= room);
  const atRequested = stepBytes(shape, requested);
  if (batch === undefined) {
    const need = `one training step needs about ${gigabytes(stepBytes(shape, 1))} even at batch size 1`;
    throw new SanityFailure('memory', `the model (${formatParams(shape.params)}) cannot train within ${limit.name}: ${need} and ${gigabytes(Math.max(0, room))} is free for it; pass a smaller input shape with --args or use a smaller model`);
  }
  const choice: BatchChoice = { requested, batchSize: batch, stepBytesRequested: atRequested, stepBytes: stepBytes(shape, batch), memoryRoomBytes: Math.max(0, room), memoryLimit: limit.name };
  if (batch === requested) {
    return choice;
  }
  const note = `batch size lowered from ${requested} to ${batch} to fit ${limit.name} (${formatParams(shape.params)}, ~${gigabytes(atRequested)} per step at batch size ${requested})`;
  return { ...choice, reason: 'memory', note };
}

/** The choice after the time budget lowered the batch further (`why`: e.g. "one step at batch size 8 would take about 48.0 s"). */
export function lowerForTime(choice: BatchChoice, batch: number, budgetSeconds: number, why: string, shape: StepShape): BatchChoice {
  if (batch >= choice.batchSize) {
    return choice;
  }
  const time = `to ${batch} to fit the ${budgetSeconds} s budget`;
  const note = choice.note ? `${choice.note}, then ${time} (${why})` : `batch size lowered from ${choice.requested} ${time} (${formatParams(shape.params)}; ${why})`;
  return { ...choice, batchSize: batch, reason: 'time', stepBytes: stepBytes(shape, batch), note };
}

/** Binary units, as the memory cap's MB. */
export function gigabytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.round(bytes / 2 ** 20)} MB`;
}
