/**
 * Shared by the benches: command-line flags (`--name value`, comma-separated lists such as
 * `--seeds 1,2,3`), the digits' normalisation and the held-out accuracy.
 */
import type * as tfjs from '@tensorflow/tfjs';

export function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function list<T>(name: string, fallback: T[], parse: (s: string) => T): T[] {
  const value = flag(name);
  return value === undefined ? fallback : value.split(',').map((s) => parse(s.trim()));
}

/** Mean and standard deviation of the pixels, to normalise digits with the training set's, as fastai does. */
export function meanAndStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (const v of values) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sq / values.length - mean * mean) };
}

/** Share of `x`'s rows whose arg-max class is their label. */
export function accuracyOf(tf: typeof tfjs, model: tfjs.LayersModel, x: tfjs.Tensor, labels: ArrayLike<number>): number {
  const predicted = tf.tidy(() => (model.predict(x, { batchSize: 256 }) as tfjs.Tensor).argMax(-1).dataSync());
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    correct += predicted[i] === labels[i] ? 1 : 0;
  }
  return correct / labels.length;
}
