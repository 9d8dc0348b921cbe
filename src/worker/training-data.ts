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
import { createRandom, gaussian } from './random';
import { BadInputError } from './errors';

export type Task = 'classification' | 'regression';

export interface TrainingData {
  xs: tfjs.Tensor;
  ys: tfjs.Tensor;
  testXs: tfjs.Tensor;
  testYs: tfjs.Tensor;
  source: 'custom' | 'mnist' | 'synthetic';
  task: Task;
}

export interface ModelShape {
  /** Input shape without the batch dimension. */
  input: number[];
  /** Output units (last dimension). */
  units: number;
  task: Task;
}

const SYNTHETIC_TRAIN = 2048;
const HELD_OUT = 512;

/** Input/output shape and task of a single-input, single-output model. */
export function describeModel(model: tfjs.LayersModel): ModelShape {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new BadInputError(`the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; built-in data covers one of each, so export a sanityData() for it`);
  }
  const input = model.inputs[0].shape.slice(1);
  const output = model.outputs[0].shape;
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
export function mnistData(tf: typeof tfjs, shape: ModelShape, seed: number, trainCount: number, sparse: boolean): TrainingData {
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

/** A task any reasonable model can learn: classes are noisy copies of random prototypes. */
export function syntheticData(tf: typeof tfjs, shape: ModelShape, seed: number, sparse: boolean): TrainingData {
  const random = createRandom(seed + 1);
  const size = shape.input.reduce((a, b) => a * b, 1);
  const total = SYNTHETIC_TRAIN + HELD_OUT;
  const xs = new Float32Array(total * size);
  let ys: Float32Array;
  if (shape.task === 'classification') {
    const classes = Math.max(shape.units, 2);
    const prototypes = Float32Array.from({ length: classes * size }, () => gaussian(random));
    ys = new Float32Array(total * (sparse ? 1 : shape.units));
    for (let i = 0; i < total; i++) {
      const c = Math.floor(random() * classes);
      for (let j = 0; j < size; j++) {
        xs[i * size + j] = prototypes[c * size + j] + 0.7 * gaussian(random);
      }
      if (sparse) {
        ys[i] = c;
      } else if (shape.units === 1) {
        ys[i] = c;
      } else {
        ys[i * shape.units + c] = 1;
      }
    }
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
  const [xs1, testXs] = tf.split(x, [SYNTHETIC_TRAIN, HELD_OUT]);
  const [ys1, testYs] = tf.split(y, [SYNTHETIC_TRAIN, HELD_OUT]);
  x.dispose();
  y.dispose();
  return { xs: xs1, ys: ys1, testXs, testYs, source: 'synthetic', task: shape.task };
}
