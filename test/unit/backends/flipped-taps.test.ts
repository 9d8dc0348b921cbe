import assert from 'node:assert/strict';
import { flippedTaps } from '../../../src/worker/backends/wasm-kernels/conv/input-gradient';

/**
 * flippedTaps against its definition: tap (i, j) of the result is filter tap (first + (count − 1 − i)·stride)
 * per axis, its [A, B] block as it is or transposed to [B, A].
 */
const cases: { shape: [number, number, number, number]; first: [number, number]; count: [number, number]; stride: [number, number] }[] = [
  { shape: [3, 3, 2, 5], first: [0, 0], count: [3, 3], stride: [1, 1] },
  { shape: [3, 3, 1, 8], first: [0, 0], count: [3, 3], stride: [1, 1] },
  { shape: [5, 4, 3, 1], first: [1, 0], count: [2, 2], stride: [2, 2] },
  { shape: [2, 5, 4, 3], first: [1, 2], count: [1, 1], stride: [2, 3] },
  { shape: [3, 2, 7, 6], first: [0, 1], count: [2, 1], stride: [2, 2] },
];

describe('flippedTaps: a filter\'s taps flipped, channels as they are or swapped', () => {
  for (const c of cases) {
    for (const swap of [false, true]) {
      it(`${c.shape.join('×')}, first ${c.first.join(',')}, count ${c.count.join(',')}, stride ${c.stride.join(',')}${swap ? ', channels swapped' : ''}`, () => {
        const [, kw, a, b] = c.shape;
        const values = Float32Array.from({ length: c.shape.reduce((x, y) => x * y, 1) }, (_, i) => i + 0.5);
        const result = flippedTaps(values, c.shape, c.first, c.count, c.stride, swap);
        assert.deepEqual(result.shape, [c.count[0], c.count[1], ...(swap ? [b, a] : [a, b])]);
        const expected: number[] = [];
        for (let i = 0; i < c.count[0]; i++) {
          for (let j = 0; j < c.count[1]; j++) {
            const [h, w] = [c.first[0] + (c.count[0] - 1 - i) * c.stride[0], c.first[1] + (c.count[1] - 1 - j) * c.stride[1]];
            const at = (p: number, q: number) => values[((h * kw + w) * a + p) * b + q];
            for (let u = 0; u < (swap ? b : a); u++) {
              for (let v = 0; v < (swap ? a : b); v++) {
                expected.push(swap ? at(v, u) : at(u, v));
              }
            }
          }
        }
        assert.deepEqual(Array.from(result.values), expected);
      });
    }
  }
});
