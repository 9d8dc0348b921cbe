/**
 * Targets of an output's full shape (a vector, an image, a per-pixel mask) that the model can learn.
 * Every output element gets K scores (K = the output's last axis), the target is read from them:
 * regression squashes each score into the activation's range, a sigmoid head takes score > 0 as its
 * 0/1 label, a softmax head the highest score's class (per pixel for an image). The scores come from
 * a teacher the model can imitate:
 * - aligned: when the output has the input's spatial shape (a U-Net, an image-to-image conv net),
 *   each pixel's scores are a fixed random mix of the input's channels at that pixel;
 * - otherwise per hidden class: a fixed random score map for each class, which the inputs reveal
 *   (a generator learns to draw its class's prototype image).
 */
import { gaussian } from '../random';
import type { OutputSpec } from './training-data';

/** How an output's targets are read: values, 0/1 per element, one-hot over the last axis, class indices. */
export type TargetKind = 'regression' | 'binary' | 'categorical' | 'sparse';

export function targetKindOf(output: OutputSpec): TargetKind {
  if (output.task === 'regression') {
    return 'regression';
  }
  if (output.units === 1 || output.binary) {
    return 'binary';
  }
  return output.sparse ? 'sparse' : 'categorical';
}

/** The values of one input, for the aligned teacher. */
export interface ReferenceInput {
  shape: number[];
  values: Float32Array;
}

export interface TargetContext {
  /** Each example's hidden class. */
  hidden: Int32Array;
  classes: number;
  random: () => number;
  /** The first real-valued input, when it has the output's spatial shape. */
  reference?: ReferenceInput;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Squashes a standard-normal score into the range the output activation can reach (tanh: inside [-1, 1]). */
export function squash(activation: string, value: number): number {
  if (/tanh|softsign/.test(activation)) {
    return 0.8 * Math.tanh(value);
  }
  if (/sigmoid/.test(activation)) {
    return 0.1 + 0.8 / (1 + Math.exp(-value));
  }
  return /^(relu|relu6|softplus|elu|selu)$/.test(activation) ? Math.abs(value) : value;
}

/** Whether `input` has the output's spatial shape (all axes but the last), for an image-shaped output. */
export function isAligned(output: OutputSpec, input: { shape: number[] } | undefined): boolean {
  if (!input || output.shape.length < 2 || input.shape.length !== output.shape.length) {
    return false;
  }
  return output.shape.slice(0, -1).every((d, i) => d === input.shape[i]);
}

/** The target shape without the batch axis: class indices and 0/1 labels of one unit keep a last axis of 1. */
export function targetShapeOf(output: OutputSpec): number[] {
  return targetKindOf(output) === 'sparse' ? [...output.shape.slice(0, -1), 1] : output.shape;
}

/** Every example's target values, flat, in the layout of `targetShapeOf(output)`. */
export function targetValues(output: OutputSpec, ctx: TargetContext): Float32Array {
  const kind = targetKindOf(output);
  const k = output.units;
  const positions = size(output.shape) / k;
  const scores = isAligned(output, ctx.reference) ? alignedScores(output, ctx) : prototypeScores(output, ctx);
  if (kind === 'regression') {
    return scores.map((s) => squash(output.activation, s));
  }
  if (kind === 'binary') {
    return scores.map((s) => (s > 0 ? 1 : 0));
  }
  const out = new Float32Array(ctx.hidden.length * positions * (kind === 'sparse' ? 1 : k));
  for (let p = 0; p < ctx.hidden.length * positions; p++) {
    let best = 0;
    for (let j = 1; j < k; j++) {
      best = scores[p * k + j] > scores[p * k + best] ? j : best;
    }
    if (kind === 'sparse') {
      out[p] = best;
    } else {
      out[p * k + best] = 1;
    }
  }
  return out;
}

/**
 * Per hidden class, a fixed score map; a vector head of a classification output keeps the plain
 * rule "class c mod k" (every class present, as the single-output data has it).
 */
function prototypeScores(output: OutputSpec, ctx: TargetContext): Float32Array {
  const n = size(output.shape);
  const k = output.units;
  const scores = new Float32Array(ctx.hidden.length * n);
  if (output.task === 'classification' && output.shape.length === 1) {
    ctx.hidden.forEach((c, i) => {
      if (k === 1) {
        scores[i] = c % 2 === 1 ? 1 : -1;
      } else {
        scores.fill(-1, i * n, (i + 1) * n);
        scores[i * n + (c % k)] = 1;
      }
    });
    return scores;
  }
  const prototypes = Float32Array.from({ length: ctx.classes * n }, () => gaussian(ctx.random));
  ctx.hidden.forEach((c, i) => scores.set(prototypes.subarray(c * n, (c + 1) * n), i * n));
  return scores;
}

/** Each pixel's scores: a fixed random mix of the reference input's channels at that pixel, about unit variance. */
function alignedScores(output: OutputSpec, ctx: TargetContext): Float32Array {
  const reference = ctx.reference!;
  const channels = reference.shape[reference.shape.length - 1];
  const k = output.units;
  const positions = size(output.shape) / k;
  const mix = Float32Array.from({ length: channels * k }, () => gaussian(ctx.random));
  const perPixel = new Float64Array(k);
  const raw = new Float32Array(ctx.hidden.length * positions * k);
  let sumSquares = 0;
  for (let p = 0; p < ctx.hidden.length * positions; p++) {
    perPixel.fill(0);
    for (let c = 0; c < channels; c++) {
      const x = reference.values[p * channels + c];
      for (let j = 0; j < k; j++) {
        perPixel[j] += x * mix[c * k + j];
      }
    }
    for (let j = 0; j < k; j++) {
      raw[p * k + j] = perPixel[j];
      sumSquares += perPixel[j] * perPixel[j];
    }
  }
  const scale = 1 / Math.sqrt(sumSquares / Math.max(raw.length, 1) || 1);
  return raw.map((v) => v * scale);
}
