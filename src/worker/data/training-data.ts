/**
 * The data a sanity-train runs on, in this order of preference:
 * 1. the module's `sanityData()` export (see README "Sanity-train": `{ xs, ys }` of tensors or nested
 *    arrays, optionally `{ validation: { xs, ys } }`, or a `tf.data.Dataset` of `{ xs, ys }`, batched or
 *    not); without `validation` the last 20% is held out;
 * 2. real digits (`mnist` package) when the model takes 28×28×1 / 28×28 / 784 inputs and outputs 10 classes;
 * 3. a learnable synthetic task shaped to the model: noisy class prototypes for classification, a
 *    random linear teacher for regression.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { loadMnistSplit } from './mnist-data';
import { createRandom, gaussian } from '../random';
import { BadInputError } from '../errors';
import type { ConcreteShapes } from './variable-dims';

export type Task = 'classification' | 'regression';

/** One tensor per model input (or output); a single-input model's data is a plain tensor. */
export type Tensors = tfjs.Tensor | tfjs.Tensor[];

export interface TrainingData {
  xs: Tensors;
  ys: Tensors;
  testXs: Tensors;
  testYs: Tensors;
  source: 'custom' | 'mnist' | 'synthetic';
  /** The first output's task (the report's headline metric). */
  task: Task;
  /** Per output, for models with more than one (see multi-io-data.ts). */
  outputs?: OutputSpec[];
}

/** Data for a model with one input and one output. */
export interface SingleTrainingData extends TrainingData {
  xs: tfjs.Tensor;
  ys: tfjs.Tensor;
  testXs: tfjs.Tensor;
  testYs: tfjs.Tensor;
}

/** One model output: its shape (no batch axis), what kind of target it learns, and its loss when compiled. */
export interface OutputSpec {
  name: string;
  shape: number[];
  units: number;
  task: Task;
  activation: string;
  /** Class indices ([n, 1]) instead of one-hot targets: a sparse categorical loss. */
  sparse: boolean;
  /** 0/1 per element (a sigmoid over an image or mask, or one sigmoid unit): binary cross-entropy. */
  binary?: boolean;
  /** The compile()'s loss for this output, by name, when it has one. */
  loss?: string;
  /** Its values differ between two calls on the same input (a sampled latent): no loss, no score (random-outputs.ts). */
  random?: boolean;
}

/** Examples along the first axis of every tensor. */
export function rowCount(t: Tensors): number {
  return (Array.isArray(t) ? t[0] : t).shape[0];
}

/** The rows `indices` of every tensor. */
export function gatherRows(tf: typeof tfjs, t: Tensors, indices: tfjs.Tensor1D): Tensors {
  return Array.isArray(t) ? t.map((x) => tf.gather(x, indices)) : tf.gather(t, indices);
}

/** Rows [begin, begin + size) of every tensor. */
export function sliceRows(t: Tensors, begin: number, size: number): Tensors {
  const slice = (x: tfjs.Tensor) => x.slice([begin], [size]);
  return Array.isArray(t) ? t.map(slice) : slice(t);
}

export interface ModelShape {
  /** Input shape without the batch dimension. */
  input: number[];
  /** Output units (last dimension). */
  units: number;
  task: Task;
}

export const SYNTHETIC_TRAIN = 2048;
export const HELD_OUT = 512;
/**
 * Floats of synthetic data at most (inputs and targets of every example together): 64 MB, which
 * stays well inside memory and takes a second or two to make; large inputs get fewer examples.
 */
export const MAX_FLOATS = 1 << 24;

/** The fewest examples: enough for a held-out score. */
const MIN_EXAMPLES = 80;
/**
 * The fewest for an input so large that 80 examples would pass four times MAX_FLOATS (a stack of
 * 19 ultrasound frames, 4,864×256×3): making 80 of them took longer than a whole sanity budget.
 */
const MIN_EXAMPLES_HUGE = 20;

/** Examples of synthetic data for `floatsPerExample`, train and held out (80/20): at least 80 in all, 20 for huge inputs. */
export function syntheticCounts(floatsPerExample: number): { total: number; train: number } {
  const per = Math.max(floatsPerExample, 1);
  const fewest = Math.max(MIN_EXAMPLES_HUGE, Math.min(MIN_EXAMPLES, Math.floor((4 * MAX_FLOATS) / per)));
  const total = Math.max(fewest, Math.min(SYNTHETIC_TRAIN + HELD_OUT, Math.floor(MAX_FLOATS / per)));
  return { total, train: Math.round(total * (SYNTHETIC_TRAIN / (SYNTHETIC_TRAIN + HELD_OUT))) };
}

/** Input/output shape and task of the model's first input and output (multi-io-data.ts describes every one); `shapes` fills variable dimensions. */
export function describeModel(model: tfjs.LayersModel, shapes?: ConcreteShapes): ModelShape {
  const input = shapes?.inputs[0] ?? model.inputs[0].shape.slice(1);
  const output = shapes?.outputs[0] ?? model.outputs[0].shape;
  if (input.some((d) => d === null) || output[output.length - 1] === null) {
    throw new BadInputError(`the model's input shape [${input.join(', ')}] has unknown dimensions; give the first layer a full inputShape or export a sanityData()`);
  }
  const last = model.layers[model.layers.length - 1];
  const activation = String((last.getConfig() as { activation?: unknown }).activation ?? '');
  const loss = typeof model.loss === 'string' ? model.loss : '';
  const classification = /softmax|sigmoid/.test(activation) || /crossentropy|hinge/i.test(loss);
  return { input: input as number[], units: output[output.length - 1] as number, task: classification ? 'classification' : 'regression' };
}

export function isMnistShaped(shape: ModelShape): boolean {
  const input = shape.input.join('x');
  return shape.task === 'classification' && shape.units === 10 && ['28x28x1', '28x28', '784'].includes(input);
}

/** Digits reshaped to the model's input, labels one-hot (or indices for a sparse loss). */
export function mnistData(tf: typeof tfjs, shape: ModelShape, seed: number, trainCount: number, sparse: boolean): SingleTrainingData {
  const { train, test } = loadMnistSplit(seed, { trainLimit: Math.min(trainCount, 8000), testLimit: 1000 });
  const labels = (l: Int32Array) => (sparse ? tf.tensor2d(l, [l.length, 1], 'float32') : tf.oneHot(tf.tensor1d(l, 'int32'), 10).toFloat());
  return {
    xs: tf.tensor(train.images, [train.count, ...shape.input]),
    ys: labels(train.labels),
    testXs: tf.tensor(test.images, [test.count, ...shape.input]),
    testYs: labels(test.labels),
    source: 'mnist',
    task: 'classification',
  };
}

/**
 * Above this many teacher weights (inputs × outputs: a 32×32×3 image to a 512-wide feature vector)
 * a full linear teacher costs seconds per thousand examples, whatever the model's size; the targets
 * then go through a rank-`TEACHER_RANK` teacher instead, which is as learnable and costs a fraction.
 */
export const LOW_RANK_ABOVE = 1 << 18;
export const TEACHER_RANK = 16;

/** Targets `xs · A · B` with A (size × rank) and B (rank × units) random: a linear task of low rank. */
export function lowRankTeacher(xs: Float32Array, total: number, size: number, units: number, random: () => number): Float32Array {
  const a = Float32Array.from({ length: size * TEACHER_RANK }, () => gaussian(random) / Math.sqrt(size));
  const b = Float32Array.from({ length: TEACHER_RANK * units }, () => gaussian(random) / Math.sqrt(TEACHER_RANK));
  const ys = new Float32Array(total * units);
  const hidden = new Float64Array(TEACHER_RANK);
  for (let i = 0; i < total; i++) {
    hidden.fill(0);
    for (let j = 0; j < size; j++) {
      const x = xs[i * size + j];
      for (let k = 0; k < TEACHER_RANK; k++) {
        hidden[k] += x * a[j * TEACHER_RANK + k];
      }
    }
    for (let u = 0; u < units; u++) {
      let sum = 0;
      for (let k = 0; k < TEACHER_RANK; k++) {
        sum += hidden[k] * b[k * units + u];
      }
      ys[i * units + u] = sum;
    }
  }
  return ys;
}

/** Above this many prototype values (classes × inputs) the prototypes are made of low rank (lowRankPrototypes). */
export const FULL_PROTOTYPES_UP_TO = 1 << 24;

/**
 * Each class's prototype input: random, one value per input. A model with very many classes of a large
 * input (21,125 output units over a 416×416×3 image: 11 billion values) gets prototypes of rank
 * `TEACHER_RANK` instead (a class's code times a shared projection), made one at a time, as learnable.
 */
export function prototypes(classes: number, size: number, random: () => number): (c: number) => Float32Array {
  if (classes * size <= FULL_PROTOTYPES_UP_TO) {
    const full = Float32Array.from({ length: classes * size }, () => gaussian(random));
    return (c) => full.subarray(c * size, (c + 1) * size);
  }
  const codes = Float32Array.from({ length: classes * TEACHER_RANK }, () => gaussian(random));
  const projection = Float32Array.from({ length: TEACHER_RANK * size }, () => gaussian(random) / Math.sqrt(TEACHER_RANK));
  const prototype = new Float32Array(size);
  return (c) => {
    prototype.fill(0);
    for (let k = 0; k < TEACHER_RANK; k++) {
      const code = codes[c * TEACHER_RANK + k];
      for (let j = 0; j < size; j++) {
        prototype[j] += code * projection[k * size + j];
      }
    }
    return prototype;
  };
}

/** A task any reasonable model can learn: classes are noisy copies of random prototypes. */
export function syntheticData(tf: typeof tfjs, shape: ModelShape, seed: number, sparse: boolean): SingleTrainingData {
  const random = createRandom(seed + 1);
  const size = shape.input.reduce((a, b) => a * b, 1);
  const { total, train } = syntheticCounts(size + shape.units);
  const xs = new Float32Array(total * size);
  let ys: Float32Array;
  if (shape.task === 'classification') {
    const classes = Math.max(shape.units, 2);
    const prototypeOf = prototypes(classes, size, random);
    ys = new Float32Array(total * (sparse ? 1 : shape.units));
    for (let i = 0; i < total; i++) {
      const c = Math.floor(random() * classes);
      const prototype = prototypeOf(c);
      for (let j = 0; j < size; j++) {
        xs[i * size + j] = prototype[j] + 0.7 * gaussian(random);
      }
      if (sparse) {
        ys[i] = c;
      } else if (shape.units === 1) {
        ys[i] = c;
      } else {
        ys[i * shape.units + c] = 1;
      }
    }
  } else if (size * shape.units > LOW_RANK_ABOVE) {
    for (let i = 0; i < total * size; i++) {
      xs[i] = gaussian(random);
    }
    ys = lowRankTeacher(xs, total, size, shape.units, random);
  } else {
    const teacher = Float32Array.from({ length: size * shape.units }, () => gaussian(random) / Math.sqrt(size));
    ys = new Float32Array(total * shape.units);
    for (let i = 0; i < total; i++) {
      for (let j = 0; j < size; j++) {
        xs[i * size + j] = gaussian(random);
      }
      for (let u = 0; u < shape.units; u++) {
        let sum = 0;
        for (let j = 0; j < size; j++) {
          sum += xs[i * size + j] * teacher[j * shape.units + u];
        }
        ys[i * shape.units + u] = sum;
      }
    }
  }
  const x = tf.tensor(xs, [total, ...shape.input]);
  const y = tf.tensor(ys, sparse || (shape.task === 'classification' && shape.units === 1) ? [total, 1] : [total, shape.units]);
  const [xs1, testXs] = tf.split(x, [train, total - train]);
  const [ys1, testYs] = tf.split(y, [train, total - train]);
  x.dispose();
  y.dispose();
  return { xs: xs1, ys: ys1, testXs, testYs, source: 'synthetic', task: shape.task };
}
