/**
 * The size of a model while it is being built: layers create their weights one by one, so the
 * count is known long before the build ends (a model of 150 M parameters takes most of a budget
 * just to initialise). The count feeds the progress a timeout reports, and for a model built from
 * guessed shapes a cap stops the build early (sized-build.ts then retries with smaller shapes).
 */
import { RETURNS_KEY } from '../../core/analysis/arguments/model-arguments';
import type * as tfjs from '@tensorflow/tfjs';
import { formatParams } from './model-size';

/** Past this many weights a model built from guessed shapes is not what the user meant to check. */
export const GUESSED_MODEL_CAP = 30_000_000;

export class ModelTooLargeError extends Error {
  constructor(
    readonly params: number,
    readonly cap: number,
  ) {
    super(`the model passed ${formatParams(cap)} while being built`);
  }
}

export interface BuildWatch {
  /** The weights created so far. */
  params(): number;
  restore(): void;
}

type AddWeight = (...args: unknown[]) => unknown;

/**
 * Counts the weights layers create from now on: `onGrow` hears the count each time it doubles past
 * a million; with a `cap`, the weight that would pass it throws ModelTooLargeError instead.
 */
export function watchBuild(tf: typeof tfjs, onGrow: (params: number) => void, cap?: number): BuildWatch {
  const proto = tf.layers.Layer.prototype as unknown as { addWeight: AddWeight };
  const original = proto.addWeight;
  let count = 0;
  let next = 1e6;
  proto.addWeight = function countedAddWeight(this: unknown, ...args: unknown[]) {
    const shape = Array.isArray(args[1]) ? (args[1] as number[]) : [];
    const size = shape.reduce((a, b) => a * b, 1);
    if (cap !== undefined && count + size > cap) {
      throw new ModelTooLargeError(count + size, cap);
    }
    count += size;
    if (count >= next) {
      onGrow(count);
      while (next <= count) {
        next *= 2;
      }
    }
    return original.apply(this, args);
  };
  return {
    params: () => count,
    restore: () => {
      proto.addWeight = original;
    },
  };
}

/** The first error in `err`'s chain of causes (the builder's failure wraps tfjs's) that passes `test`. */
function causeWhere<T>(err: unknown, test: (e: unknown) => e is T): T | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e)) {
      return e;
    }
  }
  return undefined;
}

/** The ModelTooLargeError behind `err`, if any. */
export function tooLargeIn(err: unknown): ModelTooLargeError | undefined {
  return causeWhere(err, (e): e is ModelTooLargeError => e instanceof ModelTooLargeError);
}

/** The smallest plausible image side a guessed shape is cut to. */
export const SMALL_SIDE = 8;

/**
 * `[28, 28, 1]` → `[8, 8, 1]` wherever an image shape (height, width, channels) sits in the arguments,
 * and a side (`boardSize: 19`, `imgRows`) or a number a stand-in's method returns (`getBoardSize()` →
 * `{ a: 10, b: 10 }`) cut to 8 as well; the rest as it is.
 */
export function withSmallShapes(value: unknown, key?: string, returned = false): unknown {
  if (typeof value === 'number') {
    const isSide = returned || (key !== undefined && SIDE_NAME.test(key));
    return isSide && Number.isInteger(value) && value > SMALL_SIDE ? SMALL_SIDE : value;
  }
  if (Array.isArray(value)) {
    const isImageShape = value.length === 3 && value.every((d) => Number.isInteger(d) && (d as number) > 0) && (value[0] as number) > SMALL_SIDE && (value[1] as number) > SMALL_SIDE;
    return isImageShape ? [SMALL_SIDE, SMALL_SIDE, value[2]] : value.map((v) => withSmallShapes(v, undefined, returned));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSmallShapes(v, k, returned || k === RETURNS_KEY)]));
  }
  return value;
}

/** tfjs's error when a guessed input is smaller than the layers' kernels and strides leave room for. */
const TOO_SMALL = /Negative dimension size caused by|is too small|Computed output size would be negative/;

export function inputTooSmallIn(err: unknown): boolean {
  return causeWhere(err, (e): e is Error => e instanceof Error && TOO_SMALL.test(e.message)) !== undefined;
}

/** A name for one side of an image or a board: `h`, `width`, `imgRows`, `boardSize`, `inputHeight`, `NUM_ROWS`, `nCols`. */
export const SIDE_NAME = /^(h|w|height|width|rows|cols|columns|size|side|resolution|(img|image|input|board|grid|map|frame|screen)_?(rows|cols|columns|height|width|size|side|dim)|(num|n)_?(rows|cols|columns))$/i;

/**
 * The guessed parameters' image and board sides times `factor`: a number whose parameter (or object
 * member) is named as a side, and the height and width of an image shape `[h, w, c]`. Parameters
 * not in `guessed` (the call site's or the user's) stay as they are.
 */
export function withLargerSides(args: readonly unknown[], names: readonly string[], guessed: readonly string[], factor: number): unknown[] {
  const scale = (value: unknown, name: string | undefined): unknown => {
    if (typeof value === 'number') {
      return name !== undefined && SIDE_NAME.test(name) && Number.isInteger(value) && value > 0 ? value * factor : value;
    }
    if (Array.isArray(value)) {
      const isImageShape = value.length === 3 && value.every((d) => Number.isInteger(d) && (d as number) > 0);
      return isImageShape ? [(value[0] as number) * factor, (value[1] as number) * factor, value[2]] : value;
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scale(v, k)]));
    }
    return value;
  };
  return args.map((value, i) => (guessed.includes(names[i] ?? '') ? scale(value, names[i]) : value));
}
