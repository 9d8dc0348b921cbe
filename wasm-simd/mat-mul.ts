// Unbatched matrix products with a transposed operand: a dense layer's gradients
// (src/worker/backends/wasm-kernels/batch-mat-mul.ts).

import { at } from './common';

/** dst[j·rows + i] = src[i·cols + j]: a rows × cols matrix transposed. */
export function transpose2d(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    let ps = at(src, i * cols, 2);
    let pd = at(dst, i, 2);
    const step = <usize>rows << 2;
    for (let j = 0; j < cols; j++, ps += 4, pd += step) {
      store<f32>(pd, load<f32>(ps));
    }
  }
}

/**
 * c[i, j] = Σ_p a'[i, p]·b[p, j] (m × n, float32 sums in order of p), b row-major k × n, a' = a
 * (m × k) or, with transposeA ≠ 0, aᵀ (a is k × m). Each row of c goes in blocks of 16 columns (four
 * sums in registers, one splat of a' and four loads of b per p), then 4, then one.
 */
export function matMul(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transposeA: i32): void {
  const aRowStep: usize = transposeA !== 0 ? 4 : <usize>k << 2;
  const aStep: usize = transposeA !== 0 ? <usize>m << 2 : 4;
  const bStep = <usize>n << 2;
  const n16 = n & ~15;
  const n4 = n & ~3;
  for (let i = 0; i < m; i++) {
    const rowA = a + <usize>i * aRowStep;
    const rowC = at(c, i * n, 2);
    let j = 0;
    for (; j < n16; j += 16) {
      let s0 = f32x4.splat(0);
      let s1 = s0;
      let s2 = s0;
      let s3 = s0;
      let pa = rowA;
      let pb = at(b, j, 2);
      for (let p = 0; p < k; p++, pa += aStep, pb += bStep) {
        const x = v128.load32_splat(pa);
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(pb)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(pb, 16)));
        s2 = f32x4.add(s2, f32x4.mul(x, v128.load(pb, 32)));
        s3 = f32x4.add(s3, f32x4.mul(x, v128.load(pb, 48)));
      }
      const pc = at(rowC, j, 2);
      v128.store(pc, s0);
      v128.store(pc, s1, 16);
      v128.store(pc, s2, 32);
      v128.store(pc, s3, 48);
    }
    for (; j < n4; j += 4) {
      let s = f32x4.splat(0);
      let pa = rowA;
      let pb = at(b, j, 2);
      for (let p = 0; p < k; p++, pa += aStep, pb += bStep) {
        s = f32x4.add(s, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
      }
      v128.store(at(rowC, j, 2), s);
    }
    for (; j < n; j++) {
      let s: f32 = 0;
      let pa = rowA;
      let pb = at(b, j, 2);
      for (let p = 0; p < k; p++, pa += aStep, pb += bStep) {
        s += load<f32>(pa) * load<f32>(pb);
      }
      store<f32>(at(rowC, j, 2), s);
    }
  }
}
