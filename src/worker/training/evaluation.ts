/**
 * Held-out scores of every output of a multi-output model, and the baseline the verdict compares the
 * headline score with: the accuracy of always guessing the most frequent class, or the error of always
 * predicting the mean training target.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { OutputScore } from '../../core/training/protocol';
import { scoped } from './tensor-scope';
import type { OutputSpec, Tensors, TrainingData } from '../data/training-data';

function list(t: Tensors): tfjs.Tensor[] {
  return Array.isArray(t) ? t : [t];
}

/**
 * Class indices of one-hot / probability rows, or of index and 0/1 targets, flattened: one per
 * pixel for an image output, one per element for 0/1 labels (`binary`).
 */
function classIndices(t: tfjs.Tensor, binary = false): tfjs.Tensor {
  const last = t.shape[t.shape.length - 1];
  return last === 1 || binary ? t.reshape([-1]).round().toInt() : t.argMax(-1).reshape([-1]);
}

function scoreOne(tf: typeof tfjs, spec: OutputSpec, truth: tfjs.Tensor, predicted: tfjs.Tensor): OutputScore {
  if (spec.task === 'regression') {
    return { name: spec.name, task: 'regression', accuracy: null, error: tf.losses.meanSquaredError(truth, predicted).dataSync()[0] };
  }
  const binary = spec.units === 1 || spec.binary === true;
  const guess = binary ? predicted.greater(0.5).toInt().reshape([-1]) : predicted.argMax(-1).reshape([-1]);
  const accuracy = guess.equal(classIndices(truth, binary)).toFloat().mean().dataSync()[0];
  return { name: spec.name, task: 'classification', accuracy, error: null };
}

/** Every output's held-out accuracy or mean squared error, in inference mode; a random output (no loss, no target worth the name) is left out. */
export function scoreOutputs(tf: typeof tfjs, model: tfjs.LayersModel, data: TrainingData & { outputs: OutputSpec[] }): OutputScore[] {
  return scoped(tf, () => {
    const predicted = list(model.predict(data.testXs, { batchSize: 128 }) as Tensors);
    const truth = list(data.testYs);
    return data.outputs.flatMap((spec, i) => (spec.random ? [] : [scoreOne(tf, spec, truth[i], predicted[i])]));
  });
}

/** The score that needs no learning, for the headline (first) output. */
export function baselineOf(tf: typeof tfjs, data: TrainingData): { chanceAccuracy?: number; baselineError?: number } {
  return scoped(tf, () => {
    const test = list(data.testYs)[0];
    if (data.task === 'classification') {
      const counts = new Map<number, number>();
      const indices = classIndices(test, data.outputs?.[0].binary === true).dataSync();
      indices.forEach((c) => counts.set(c, (counts.get(c) ?? 0) + 1));
      return { chanceAccuracy: Math.max(0, ...counts.values()) / Math.max(1, indices.length) };
    }
    const mean = list(data.ys)[0].mean(0);
    return { baselineError: tf.losses.meanSquaredError(test, tf.broadcastTo(mean, test.shape)).dataSync()[0] };
  });
}

/** Said when the steps ran slower than timed and left time to score only part of the held-out set, or none of it. */
export function scoringNote(scoring: { scored: number; of: number } | undefined): string[] {
  if (!scoring || scoring.scored >= scoring.of) {
    return [];
  }
  const slow = 'the steps ran slower than timed (a busy machine?)';
  return scoring.scored === 0
    ? [`${slow} and left no time to score the held-out examples, so the run has no accuracy or error; raise the timeout for one`]
    : [`${slow} and left time to score ${scoring.scored} of the ${scoring.of} held-out examples; raise the timeout to score them all`];
}
