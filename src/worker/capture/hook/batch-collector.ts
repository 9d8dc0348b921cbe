/**
 * Keeps a bounded copy of what the program feeds to training: the examples of a `fit(x, y)` (a
 * seeded sample when there are more than the bound, shuffled as fit shuffles them), the batches a
 * `fitDataset` dataset yields, or the batches of successive `trainOnBatch` calls. Tensors are copied,
 * so the program may dispose its own.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { CAPTURE_MAX_BATCHES, CAPTURE_MAX_BYTES, CAPTURE_MAX_EXAMPLES } from '../../../core/training/capture';
import { createRandom, permutation } from '../../random';

/** One tensor per model input (`xs`) and output (`ys`), examples along the first axis. */
export interface CapturedBatch {
  xs: tfjs.Tensor[];
  ys: tfjs.Tensor[];
}

export interface CollectorLimits {
  maxExamples: number;
  maxBytes: number;
  maxBatches: number;
}

const DEFAULT_LIMITS: CollectorLimits = { maxExamples: CAPTURE_MAX_EXAMPLES, maxBytes: CAPTURE_MAX_BYTES, maxBatches: CAPTURE_MAX_BATCHES };

export class BatchCollector {
  readonly batches: CapturedBatch[] = [];
  examples = 0;
  private bytes = 0;

  constructor(
    private readonly tf: typeof tfjs,
    private readonly model: tfjs.LayersModel,
    private readonly limits: CollectorLimits = DEFAULT_LIMITS,
  ) {}

  get full(): boolean {
    return this.examples >= this.limits.maxExamples || this.bytes >= this.limits.maxBytes || this.batches.length >= this.limits.maxBatches;
  }

  /** Adds the rows of one call (all of them, or the sample that fits); `shuffle` draws the sample at random. */
  add(x: unknown, y: unknown, shuffle = false, seed = 1): void {
    const xs = tensorList(this.tf, x, this.model.inputNames, 'x');
    const ys = tensorList(this.tf, y, this.model.outputNames, 'y');
    const rows = xs[0]?.shape[0] ?? 0;
    if (rows === 0 || [...xs, ...ys].some((t) => t.shape[0] !== rows)) {
      throw new Error(`the training call's inputs and targets do not have the same number of examples (${[...xs, ...ys].map((t) => t.shape[0]).join(', ')})`);
    }
    const rowBytes = [...xs, ...ys].reduce((sum, t) => sum + (t.size / rows) * 4, 0);
    const room = Math.max(1, Math.min(this.limits.maxExamples - this.examples, Math.floor((this.limits.maxBytes - this.bytes) / rowBytes)));
    const take = Math.min(rows, room);
    const copy = (t: tfjs.Tensor) => this.tf.tidy(() => (take === rows && !shuffle ? t.clone() : this.tf.gather(t, this.tf.tensor1d(pick(rows, take, shuffle, seed), 'int32'))));
    this.batches.push({ xs: xs.map(copy), ys: ys.map(copy) });
    this.examples += take;
    this.bytes += take * rowBytes;
  }

  /** Reads batches (or single examples) from a tf.data.Dataset of `{ xs, ys }` (or `[xs, ys]`) until the bound. */
  async addDataset(dataset: { iterator(): Promise<{ next(): Promise<{ done: boolean; value: unknown }> }> }): Promise<void> {
    const iterator = await dataset.iterator();
    while (!this.full) {
      const next = await iterator.next();
      if (next.done) {
        return;
      }
      const { x, y } = elementOf(next.value);
      const batched = (first(x)?.rank ?? 0) === (this.model.inputs[0]?.shape.length ?? 0);
      this.add(batched ? x : expand(this.tf, x), batched ? y : expand(this.tf, y));
    }
  }

  dispose(): void {
    for (const b of this.batches) {
      this.tf.dispose([...b.xs, ...b.ys]);
    }
  }
}

/** `take` row indices: the first ones in order, or a seeded random choice in random order. */
function pick(rows: number, take: number, shuffle: boolean, seed: number): Int32Array {
  return shuffle ? permutation(rows, createRandom(seed)).slice(0, take) : Int32Array.from({ length: take }, (_, i) => i);
}

/** A tensor, an array of tensors (in model order), or an object of tensors by input/output name. */
export function tensorList(tf: typeof tfjs, value: unknown, names: string[], what: string): tfjs.Tensor[] {
  if (value instanceof tf.Tensor) {
    return [value];
  }
  if (Array.isArray(value) && value.every((v) => v instanceof tf.Tensor)) {
    return value as tfjs.Tensor[];
  }
  if (typeof value === 'object' && value !== null) {
    const byName = value as Record<string, unknown>;
    const list = names.map((n) => byName[n]);
    if (list.every((v) => v instanceof tf.Tensor)) {
      return list as tfjs.Tensor[];
    }
  }
  throw new Error(`the training call's ${what} is not a tensor, an array of tensors or an object of tensors by ${what === 'x' ? 'input' : 'output'} name`);
}

function elementOf(value: unknown): { x: unknown; y: unknown } {
  if (Array.isArray(value) && value.length === 2) {
    return { x: value[0], y: value[1] };
  }
  const v = value as { xs?: unknown; ys?: unknown } | null;
  if (typeof v === 'object' && v !== null && 'xs' in v && 'ys' in v) {
    return { x: v.xs, y: v.ys };
  }
  throw new Error('the dataset given to fitDataset() yields neither { xs, ys } nor [xs, ys]');
}

function first(value: unknown): tfjs.Tensor | undefined {
  const v = Array.isArray(value) ? value[0] : typeof value === 'object' && value !== null && !('rank' in value) ? Object.values(value)[0] : value;
  return v as tfjs.Tensor | undefined;
}

function expand(tf: typeof tfjs, value: unknown): unknown {
  if (value instanceof tf.Tensor) {
    return value.expandDims(0);
  }
  if (Array.isArray(value)) {
    return value.map((v: tfjs.Tensor) => v.expandDims(0));
  }
  return Object.fromEntries(Object.entries(value as Record<string, tfjs.Tensor>).map(([k, v]) => [k, v.expandDims(0)]));
}
