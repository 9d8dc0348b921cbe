/**
 * The `sanityData()` convention: a module may export `sanityData` (sync or async, no arguments)
 * returning either
 * - `{ xs, ys, validation?: { xs, ys } }` where each is a `tf.Tensor` or nested number arrays with the
 *   examples along the first axis; without `validation` the last 20% is held out; or
 * - a `tf.data.Dataset` whose elements are `{ xs, ys }`, single examples or batches (told apart by the
 *   rank of `xs` against the model's input); at most 20,000 examples are read, the last 20% held out.
 * Class labels may be one-hot or class indices.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { BadInputError, describeError, SanityFailure } from '../errors';
import type { ModelShape, SingleTrainingData } from './training-data';

const MAX_DATASET_EXAMPLES = 20_000;

interface XY {
  xs: unknown;
  ys: unknown;
}

type XYTensors = { xs: tfjs.Tensor; ys: tfjs.Tensor };

export async function customData(tf: typeof tfjs, provider: () => unknown, shape: ModelShape, sparse: boolean, file: string): Promise<SingleTrainingData> {
  let value: unknown;
  try {
    value = await provider();
  } catch (err) {
    throw new SanityFailure('threw', `sanityData() threw: ${describeError(err, file)}`);
  }
  const pair = isDataset(value) ? await readDataset(tf, value, shape) : value;
  if (!isXY(pair)) {
    throw new BadInputError('sanityData() must return { xs, ys } (tensors or arrays) or a tf.data.Dataset of { xs, ys }');
  }
  const xs = toTensor(tf, pair.xs, 'xs');
  const ys = labels(tf, toTensor(tf, pair.ys, 'ys'), shape, sparse);
  const validation = (value as { validation?: unknown }).validation;
  if (isXY(validation)) {
    return { xs, ys, testXs: toTensor(tf, validation.xs, 'validation.xs'), testYs: labels(tf, toTensor(tf, validation.ys, 'validation.ys'), shape, sparse), source: 'custom', task: shape.task };
  }
  const n = xs.shape[0];
  if (n !== ys.shape[0] || n < 2) {
    throw new BadInputError(`sanityData(): xs has ${n} examples and ys ${ys.shape[0]}; they must match and be at least 2`);
  }
  const train = Math.max(1, Math.floor(n * 0.8));
  const [trainXs, testXs] = tf.split(xs, [train, n - train]);
  const [trainYs, testYs] = tf.split(ys, [train, n - train]);
  return { xs: trainXs, ys: trainYs, testXs, testYs, source: 'custom', task: shape.task };
}

function isXY(value: unknown): value is XY {
  return typeof value === 'object' && value !== null && 'xs' in value && 'ys' in value;
}

function isDataset(value: unknown): value is tfjs.data.Dataset<XYTensors> {
  return typeof value === 'object' && value !== null && typeof (value as { iterator?: unknown }).iterator === 'function' && typeof (value as { take?: unknown }).take === 'function';
}

async function readDataset(tf: typeof tfjs, dataset: tfjs.data.Dataset<XYTensors>, shape: ModelShape): Promise<XY> {
  const xs: tfjs.Tensor[] = [];
  const ys: tfjs.Tensor[] = [];
  let count = 0;
  const iterator = await dataset.iterator();
  while (count < MAX_DATASET_EXAMPLES) {
    const next = await iterator.next();
    if (next.done) {
      break;
    }
    if (!isXY(next.value)) {
      throw new BadInputError('sanityData(): dataset elements must be { xs, ys }');
    }
    const x = toTensor(tf, next.value.xs, 'xs');
    const batched = x.rank === shape.input.length + 1;
    xs.push(batched ? x : x.expandDims(0));
    const y = toTensor(tf, next.value.ys, 'ys');
    ys.push(batched ? y : y.expandDims(0));
    count += batched ? x.shape[0] : 1;
  }
  if (xs.length === 0) {
    throw new BadInputError('sanityData(): the dataset is empty');
  }
  return { xs: tf.concat(xs), ys: tf.concat(ys) };
}

function toTensor(tf: typeof tfjs, value: unknown, what: string): tfjs.Tensor {
  if (value instanceof tf.Tensor) {
    return value.toFloat();
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    if (!isRectangular(value)) {
      throw new BadInputError(`sanityData(): ${what} is not a rectangular numeric array (rows of different lengths)`);
    }
    try {
      return tf.tensor(value as number[]).toFloat();
    } catch (err) {
      throw new BadInputError(`sanityData(): ${what} is not a rectangular numeric array (${describeError(err)})`);
    }
  }
  throw new BadInputError(`sanityData(): ${what} must be a tf.Tensor or a nested number array`);
}

/** Nested arrays whose siblings all have the same length (tf.tensor would silently pad or cut). */
function isRectangular(value: unknown): boolean {
  if (!Array.isArray(value)) {
    return true;
  }
  const lengths = new Set(value.map((v: unknown) => (Array.isArray(v) ? v.length : -1)));
  return lengths.size <= 1 && value.every(isRectangular);
}

/** Class indices become one-hot for a softmax head (or stay indices for a sparse loss). */
function labels(tf: typeof tfjs, ys: tfjs.Tensor, shape: ModelShape, sparse: boolean): tfjs.Tensor {
  const looksLikeIndices = ys.rank === 1 || (ys.rank === 2 && ys.shape[1] === 1);
  if (shape.task !== 'classification' || shape.units === 1) {
    return ys.rank === 1 ? ys.expandDims(1) : ys;
  }
  if (sparse) {
    return looksLikeIndices ? ys.reshape([ys.shape[0], 1]) : ys.argMax(-1).toFloat().expandDims(1);
  }
  return looksLikeIndices ? tf.oneHot(ys.reshape([ys.shape[0]]).toInt(), shape.units).toFloat() : ys;
}
