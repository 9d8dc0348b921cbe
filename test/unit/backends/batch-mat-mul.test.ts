import assert from 'node:assert/strict';
import { simdMatMulPays } from '../../../src/worker/backends/wasm-kernels/batch-mat-mul';
import { randomValues, relativeError, runKernelOn, useWasmBackend } from './kernel-harness';

/** a·b in float64 for [batch, m, k]·[batch, k, n] (both already untransposed, batch broadcast from 1). */
function matMulReference(a: Float64Array, aShape: number[], b: Float64Array, bShape: number[], transposeA: boolean, transposeB: boolean): Float64Array {
  const [batchA, rowsA, colsA] = aShape.length === 2 ? [1, ...aShape] : aShape;
  const [batchB, rowsB, colsB] = bShape.length === 2 ? [1, ...bShape] : bShape;
  const [m, k] = transposeA ? [colsA, rowsA] : [rowsA, colsA];
  const n = transposeB ? rowsB : colsB;
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  const at = (p: number, i: number, l: number) => a[(batchA === 1 ? 0 : p) * rowsA * colsA + (transposeA ? l * colsA + i : i * colsA + l)];
  const bt = (p: number, l: number, j: number) => b[(batchB === 1 ? 0 : p) * rowsB * colsB + (transposeB ? j * colsB + l : l * colsB + j)];
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let l = 0; l < k; l++) {
          sum += at(p, i, l) * bt(p, l, j);
        }
        out[(p * m + i) * n + j] = sum;
      }
    }
  }
  return out;
}

const cases = [
  { name: 'plain (passes through)', a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { name: 'transposeA: a dense layer’s dW = xᵀ·dy', a: [8, 40], b: [8, 10], transposeA: true, transposeB: false },
  { name: 'transposeB: a dense layer’s dx = dy·Wᵀ', a: [8, 10], b: [40, 10], transposeA: false, transposeB: true },
  { name: 'both transposed', a: [6, 4], b: [5, 6], transposeA: true, transposeB: true },
  { name: 'rank 3, batch 1, transposeA', a: [1, 9, 4], b: [1, 9, 3], transposeA: true, transposeB: false },
  { name: 'rank 3, batch 3 (passes through)', a: [3, 4, 5], b: [3, 6, 5], transposeA: false, transposeB: true },
  { name: 'one row', a: [1, 12], b: [3, 12], transposeA: false, transposeB: true },
  // The SIMD module's product (simdMatMulPays): 16-, 4- and 1-column blocks of each row.
  { name: 'dx = dy·Wᵀ, 37 columns (16 + 16 + 4 + 1)', a: [3, 5], b: [37, 5], transposeA: false, transposeB: true },
  { name: 'dx = dy·Wᵀ, 1 column', a: [2, 7], b: [1, 7], transposeA: false, transposeB: true },
  { name: 'dx = dy·Wᵀ, 21 columns, k 1', a: [5, 1], b: [21, 1], transposeA: false, transposeB: true },
  { name: 'dW = xᵀ·dy, 3 columns', a: [7, 9], b: [7, 3], transposeA: true, transposeB: false },
  { name: 'dW = xᵀ·dy, 17 columns', a: [2, 11], b: [2, 17], transposeA: true, transposeB: false },
  { name: 'dW = xᵀ·dy, 33 rows of b (XNNPACK)', a: [33, 5], b: [33, 6], transposeA: true, transposeB: false },
  { name: 'both transposed, 19 columns', a: [9, 2], b: [19, 9], transposeA: true, transposeB: true },
  { name: 'rank 3, batch 1, transposeB', a: [1, 3, 8], b: [1, 13, 8], transposeA: false, transposeB: true },
];

describe('wasm BatchMatMul (transposed operands made explicit)', () => {
  before(() => useWasmBackend());

  cases.forEach(({ name, a, b, transposeA, transposeB }, n) => {
    it(`matches cpu and float64: ${name}`, async () => {
      const aValues = randomValues(a.reduce((x, y) => x * y), 300 + n);
      const bValues = randomValues(b.reduce((x, y) => x * y), 400 + n);
      const inputs = { a: { values: aValues, shape: a }, b: { values: bValues, shape: b } };
      const attrs = { transposeA, transposeB };
      const wasm = await runKernelOn('wasm', 'BatchMatMul', inputs, attrs);
      const cpu = await runKernelOn('cpu', 'BatchMatMul', inputs, attrs);
      assert.equal(wasm.leakedDataIds, 0);
      assert.deepEqual(wasm.shape, cpu.shape);
      assert.ok(relativeError(wasm.values, matMulReference(aValues, a, bValues, b, transposeA, transposeB)) < 1e-5);
      assert.ok(relativeError(wasm.values, cpu.values) < 1e-5);
    });
  });

  it('takes the SIMD product where it measured faster: b transposed always, a transposed while b is small', () => {
    const table: { k: number; n: number; transposeA: boolean; simd: boolean }[] = [
      { k: 10, n: 1568, transposeA: false, simd: true },
      { k: 512, n: 512, transposeA: false, simd: true },
      { k: 8, n: 10, transposeA: true, simd: true },
      { k: 32, n: 128, transposeA: true, simd: true },
      { k: 33, n: 6, transposeA: true, simd: false },
      { k: 64, n: 512, transposeA: true, simd: false },
      { k: 16, n: 512, transposeA: true, simd: false },
    ];
    for (const row of table) {
      assert.equal(simdMatMulPays(row.k, row.n, row.transposeA), row.simd, JSON.stringify(row));
    }
  });
});
