/**
 * Held-out scores kept per example, for a Compare's one-seed bootstrap: 1/0 for a right/wrong class,
 * or the example's squared error averaged over its outputs. Their mean is the run's accuracy or MSE,
 * computed as `evaluate` in train-run.ts computes them.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { TrainingData } from '../data/training-data';
import { scoped } from '../training/tensor-scope';

export interface ExampleScores {
  accuracy: number | null;
  error: number | null;
  scores: number[];
}

/** Scores a single-output model's held-out examples in inference mode. */
export function scoreExamples(tf: typeof tfjs, model: tfjs.LayersModel, data: TrainingData): ExampleScores {
  const scores = scoped(tf, () => {
    const predicted = model.predict(data.testXs, { batchSize: 128 }) as tfjs.Tensor;
    const truth = data.testYs as tfjs.Tensor;
    if (data.task === 'regression') {
      const perExample = predicted.sub(truth.reshape(predicted.shape)).square().reshape([predicted.shape[0], -1]).mean(1);
      return Array.from(perExample.dataSync());
    }
    const units = predicted.shape[predicted.shape.length - 1];
    const guess = units === 1 ? predicted.greater(0.5).toInt().reshape([-1]) : predicted.argMax(-1);
    const labels = units === 1 || truth.shape[truth.shape.length - 1] === 1 ? truth.reshape([-1]).toInt() : truth.argMax(-1);
    return Array.from(guess.equal(labels).dataSync());
  });
  const mean = scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
  return data.task === 'regression' ? { accuracy: null, error: mean, scores } : { accuracy: mean, error: null, scores };
}
