import { createRandom } from '../core/training/seeded-random';

/** Small seeded PRNG (mulberry32): the worker's data order and initial weights repeat for one seed. */
export { createRandom };

/** A standard normal sample (Box-Muller). */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, random: () => number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = i;
  }
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Makes tfjs initializers repeatable: they draw their seeds from Math.random when no seed is given.
 * Safe only in a process of our own (the worker, a benchmark), never in the extension host.
 */
export function seedMathRandom(seed: number): void {
  Math.random = createRandom(seed ^ 0x9e3779b9);
}
