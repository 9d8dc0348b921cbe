/**
 * The program's captured batches as the session's training data: concatenated in the order the
 * program fed them, the last 20% held out for scoring. Labels stay as the program gave them (its
 * loss was written for them); a rank-1 target becomes a column.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelIO } from '../../data/multi-io-data';
import type { ModelShape, TrainingData } from '../../data/training-data';
import type { CapturedBatch } from '../hook/batch-collector';

/** Fewer examples than this cannot give both a training set and a held-out one worth scoring. */
export const MIN_CAPTURED_EXAMPLES = 5;

export interface CapturedData {
  data: TrainingData;
  examples: number;
  heldOut: number;
}

/** Undefined when the program fed fewer than MIN_CAPTURED_EXAMPLES examples. */
export function capturedTrainingData(tf: typeof tfjs, batches: CapturedBatch[], shape: ModelShape, io: ModelIO, perOutput: boolean): CapturedData | undefined {
  const examples = batches.reduce((n, b) => n + (b.xs[0]?.shape[0] ?? 0), 0);
  if (batches.length === 0 || examples < MIN_CAPTURED_EXAMPLES) {
    return undefined;
  }
  const train = Math.floor(examples * 0.8);
  const joined = (pick: (b: CapturedBatch) => tfjs.Tensor[], column: boolean) =>
    pick(batches[0]).map((_, i) => {
      const all = batches.length === 1 ? pick(batches[0])[i].clone() : tf.concat(batches.map((b) => pick(b)[i]));
      return column && all.rank === 1 ? all.expandDims(1) : all;
    });
  const split = (list: tfjs.Tensor[]) => list.map((t) => tf.split(t, [train, examples - train]));
  const [xParts, yParts] = [split(joined((b) => b.xs, false)), split(joined((b) => b.ys, true))];
  const one = (list: tfjs.Tensor[]) => (list.length === 1 ? list[0] : list);
  const data: TrainingData = {
    xs: one(xParts.map((p) => p[0])),
    ys: one(yParts.map((p) => p[0])),
    testXs: one(xParts.map((p) => p[1])),
    testYs: one(yParts.map((p) => p[1])),
    source: 'custom',
    task: shape.task,
    ...(perOutput ? { outputs: io.outputs } : {}),
  };
  return { data, examples, heldOut: examples - train };
}
