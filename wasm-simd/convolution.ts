// The filter gradient of a stride-1 convolution, channels last
// (src/worker/backends/wasm-kernels/conv/conv2d-backprop-filter.ts).

import { at } from './common';

/**
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh + kh − top, ow + kw − left, ci] · dy[b,oh,ow,co] (stride and
 * dilation 1; taps that fall in the padding add nothing). dW is overwritten.
 *
 * For each output row, each tap and each block of 4 input × 8 output channels, the block's 32 sums
 * stay in eight registers while the row's positions stream past (one load of 4 x values, two of dy,
 * 8 products a position), then go back to dW, which stays in the L1 cache (kh·kw·ci·co floats).
 * Channels past the last multiple of 4 (inputs) or 8 (outputs) take narrower loops.
 */
export function conv2dFilterGrad(
  x: usize, dy: usize, dw: usize, batch: i32, inHeight: i32, inWidth: i32, ci: i32,
  outHeight: i32, outWidth: i32, co: i32, kHeight: i32, kWidth: i32, top: i32, left: i32,
): void {
  memory.fill(dw, 0, <usize>(kHeight * kWidth * ci * co) << 2);
  const xStep = <usize>ci << 2;
  const dyStep = <usize>co << 2;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const dyRow = at(dy, (b * outHeight + oh) * outWidth * co, 2);
      for (let kh = 0; kh < kHeight; kh++) {
        const ih = oh + kh - top;
        if (ih < 0 || ih >= inHeight) {
          continue;
        }
        const xRow = at(x, (b * inHeight + ih) * inWidth * ci, 2);
        for (let kw = 0; kw < kWidth; kw++) {
          // Output columns whose tap kw lands inside the input row.
          const first = max(0, left - kw);
          const end = min(outWidth, inWidth + left - kw);
          if (end > first) {
            const tap = at(dw, (kh * kWidth + kw) * ci * co, 2);
            tapRow(at(xRow, (first + kw - left) * ci, 2), at(dyRow, first * co, 2), tap, end - first, ci, co, xStep, dyStep);
          }
        }
      }
    }
  }
}

/** tap[i, o] += Σ_n x[n, i]·dy[n, o] over `count` positions of one row. */
@inline function tapRow(x: usize, dy: usize, tap: usize, count: i32, ci: i32, co: i32, xStep: usize, dyStep: usize): void {
  const ci4 = ci & ~3;
  const co8 = co & ~7;
  const co4 = co & ~3;
  let i = 0;
  for (; i < ci4; i += 4) {
    const rows = at(tap, i * co, 2);
    let o = 0;
    for (; o < co8; o += 8) {
      const p0 = at(rows, o, 2);
      const p1 = p0 + dyStep;
      const p2 = p1 + dyStep;
      const p3 = p2 + dyStep;
      let a00 = v128.load(p0);
      let a01 = v128.load(p0, 16);
      let a10 = v128.load(p1);
      let a11 = v128.load(p1, 16);
      let a20 = v128.load(p2);
      let a21 = v128.load(p2, 16);
      let a30 = v128.load(p3);
      let a31 = v128.load(p3, 16);
      let px = at(x, i, 2);
      let pd = at(dy, o, 2);
      for (let n = 0; n < count; n++, px += xStep, pd += dyStep) {
        const d0 = v128.load(pd);
        const d1 = v128.load(pd, 16);
        const xv = v128.load(px);
        const x0 = v128.shuffle<i32>(xv, xv, 0, 0, 0, 0);
        const x1 = v128.shuffle<i32>(xv, xv, 1, 1, 1, 1);
        const x2 = v128.shuffle<i32>(xv, xv, 2, 2, 2, 2);
        const x3 = v128.shuffle<i32>(xv, xv, 3, 3, 3, 3);
        a00 = f32x4.add(a00, f32x4.mul(x0, d0));
        a01 = f32x4.add(a01, f32x4.mul(x0, d1));
        a10 = f32x4.add(a10, f32x4.mul(x1, d0));
        a11 = f32x4.add(a11, f32x4.mul(x1, d1));
        a20 = f32x4.add(a20, f32x4.mul(x2, d0));
        a21 = f32x4.add(a21, f32x4.mul(x2, d1));
        a30 = f32x4.add(a30, f32x4.mul(x3, d0));
        a31 = f32x4.add(a31, f32x4.mul(x3, d1));
      }
      v128.store(p0, a00);
      v128.store(p0, a01, 16);
      v128.store(p1, a10);
      v128.store(p1, a11, 16);
      v128.store(p2, a20);
      v128.store(p2, a21, 16);
      v128.store(p3, a30);
      v128.store(p3, a31, 16);
    }
    for (let ii = i; ii < i + 4; ii++) {
      narrowColumns(at(x, ii, 2), dy, at(tap, ii * co, 2), count, o, co, co4, xStep, dyStep);
    }
  }
  for (; i < ci; i++) {
    narrowColumns(at(x, i, 2), dy, at(tap, i * co, 2), count, 0, co, co4, xStep, dyStep);
  }
}

/** One input channel's row of the tap, output channels from..co: four at a time, then one. */
@inline function narrowColumns(x: usize, dy: usize, row: usize, count: i32, from: i32, co: i32, co4: i32, xStep: usize, dyStep: usize): void {
  let o = from;
  for (; o < co4; o += 4) {
    const p = at(row, o, 2);
    let sum = v128.load(p);
    let px = x;
    let pd = at(dy, o, 2);
    for (let n = 0; n < count; n++, px += xStep, pd += dyStep) {
      sum = f32x4.add(sum, f32x4.mul(v128.load32_splat(px), v128.load(pd)));
    }
    v128.store(p, sum);
  }
  for (; o < co; o++) {
    const p = at(row, o, 2);
    let sum = load<f32>(p);
    let px = x;
    let pd = at(dy, o, 2);
    for (let n = 0; n < count; n++, px += xStep, pd += dyStep) {
      sum += load<f32>(px) * load<f32>(pd);
    }
    store<f32>(p, sum);
  }
}
