// A stride-1 convolution, channels last: the forward pass of Conv2D/FusedConv2D and, with the filter
// flipped and transposed, Conv2DBackpropInput (src/worker/backends/wasm-kernels/conv/simd-convolution.ts).

import { at } from './common';

/**
 * y[b,oh,ow,o] = act(bias[o] + Σ_{kh,kw,i} x[b, oh + kh − top, ow + kw − left, i] · w[kh,kw,i,o]),
 * taps in the padding adding nothing; stride and dilation 1; bias 0 for none; relu ≠ 0 applies
 * max(·, 0). Blocks of 8 output channels (two vectors) by 4 positions keep 8 sums in registers; each
 * filter row is loaded once for the 4 positions; the last 2 or 3 inside columns of a row take
 * blocks of their own. Columns whose taps leave the input (the padding), and output channels past the
 * last multiple of 8, take one-column loops, slower per column: callers pad the rows first
 * (padColumns) where they have scratch for it.
 */
export function conv2dForward(
  x: usize, w: usize, bias: usize, y: usize, batch: i32, inHeight: i32, inWidth: i32, ci: i32,
  outHeight: i32, outWidth: i32, co: i32, kHeight: i32, kWidth: i32, top: i32, left: i32, relu: i32,
): void {
  // Output columns whose every tap lies inside the input row.
  const insideFirst = min(max(0, left), outWidth);
  const insideEnd = max(insideFirst, min(outWidth, inWidth - kWidth + 1 + left));
  const co8 = co & ~7;
  const co4 = co & ~3;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const kh0 = max(0, top - oh);
      const kh1 = min(kHeight, inHeight + top - oh);
      // x at (b, oh − top, −left, 0): tap (kh, kw) of column ow reads x0 + ((kh·inWidth + ow + kw)·ci + i)·4.
      const x0 = at(x, ((b * inHeight + oh - top) * inWidth - left) * ci, 2);
      const yRow = at(y, (b * outHeight + oh) * outWidth * co, 2);
      let o = 0;
      for (; o < co8; o += 8) {
        let ow = 0;
        for (; ow < insideFirst; ow++) {
          one8(x0, w, bias, yRow, ow, o, ci, co, inWidth, kWidth, left, kh0, kh1, relu);
        }
        for (; ow + 4 <= insideEnd; ow += 4) {
          four8(x0, w, bias, yRow, ow, o, ci, co, inWidth, kWidth, kh0, kh1, relu);
        }
        if (insideEnd - ow === 3) {
          three8(x0, w, bias, yRow, ow, o, ci, co, inWidth, kWidth, kh0, kh1, relu);
          ow = insideEnd;
        } else if (insideEnd - ow === 2) {
          two8(x0, w, bias, yRow, ow, o, ci, co, inWidth, kWidth, kh0, kh1, relu);
          ow = insideEnd;
        }
        for (; ow < outWidth; ow++) {
          one8(x0, w, bias, yRow, ow, o, ci, co, inWidth, kWidth, left, kh0, kh1, relu);
        }
      }
      for (; o < co4; o += 4) {
        for (let ow = 0; ow < outWidth; ow++) {
          one4(x0, w, bias, yRow, ow, o, ci, co, inWidth, kWidth, left, kh0, kh1, relu);
        }
      }
      for (; o < co; o++) {
        for (let ow = 0; ow < outWidth; ow++) {
          one1(x0, w, bias, yRow, ow, o, ci, co, inWidth, kWidth, left, kh0, kh1, relu);
        }
      }
    }
  }
}

/**
 * Copies `rows` rows of `inWidth` positions × ci channels into rows of `outWidth` positions, input
 * column c at column c + left, the columns outside the input zero: the input of a convolution with
 * `left` columns of padding on the left and outWidth − inWidth − left on the right (negative: columns
 * dropped), which then runs with no column padding.
 */
export function padColumns(x: usize, out: usize, rows: i32, inWidth: i32, ci: i32, outWidth: i32, left: i32): void {
  const first = min(max(0, left), outWidth);
  const end = max(first, min(outWidth, inWidth + left));
  const rowBytes = <usize>ci << 2;
  // Rows are short (a few hundred bytes): inline loops, where memory.fill/copy are calls out of wasm.
  for (let r = 0; r < rows; r++) {
    const src = at(x, r * inWidth * ci, 2);
    const dst = at(out, r * outWidth * ci, 2);
    zero(dst, <usize>first * rowBytes);
    copy(dst + <usize>first * rowBytes, src + <usize>(first - left) * rowBytes, <usize>(end - first) * rowBytes);
    zero(dst + <usize>end * rowBytes, <usize>(outWidth - end) * rowBytes);
  }
}

/** `bytes` (a multiple of 4) zero bytes at p. */
@inline function zero(p: usize, bytes: usize): void {
  const end = p + bytes;
  for (; p + 16 <= end; p += 16) {
    v128.store(p, i32x4.splat(0));
  }
  for (; p < end; p += 4) {
    store<i32>(p, 0);
  }
}

/** `bytes` (a multiple of 4) from src to dst (not overlapping). */
@inline function copy(dst: usize, src: usize, bytes: usize): void {
  const end = dst + bytes;
  for (; dst + 16 <= end; dst += 16, src += 16) {
    v128.store(dst, v128.load(src));
  }
  for (; dst < end; dst += 4, src += 4) {
    store<i32>(dst, load<i32>(src));
  }
}

@inline function start(bias: usize, o: i32): v128 {
  return bias === 0 ? f32x4.splat(0) : v128.load(at(bias, o, 2));
}

@inline function finish(v: v128, relu: i32): v128 {
  return relu !== 0 ? f32x4.max(v, f32x4.splat(0)) : v;
}

// The blocks below read the taps of one filter row (kw, i) as one run of kWidth·ci values: with
// stride 1 they lie next to each other in x (columns ow + kw, channels i) and in w (rows kw·ci + i).

/** Columns ow..ow+3, channels o..o+7; every tap inside the row. */
@inline function four8(
  x0: usize, w: usize, bias: usize, yRow: usize, ow: i32, o: i32,
  ci: i32, co: i32, inWidth: i32, kWidth: i32, kh0: i32, kh1: i32, relu: i32,
): void {
  const xStep = <usize>ci << 2;
  const wStep = <usize>co << 2;
  const taps = kWidth * ci;
  let a0 = start(bias, o);
  let a1 = start(bias, o + 4);
  let b0 = a0;
  let b1 = a1;
  let c0 = a0;
  let c1 = a1;
  let d0 = a0;
  let d1 = a1;
  for (let kh = kh0; kh < kh1; kh++) {
    let px = at(x0, (kh * inWidth + ow) * ci, 2);
    let pw = at(w, kh * taps * co + o, 2);
    const end = px + (<usize>taps << 2);
    for (; px < end; px += 4, pw += wStep) {
      const w0 = v128.load(pw);
      const w1 = v128.load(pw, 16);
      const xa = v128.load32_splat(px);
      const xb = v128.load32_splat(px + xStep);
      const xc = v128.load32_splat(px + 2 * xStep);
      const xd = v128.load32_splat(px + 3 * xStep);
      a0 = f32x4.add(a0, f32x4.mul(xa, w0));
      a1 = f32x4.add(a1, f32x4.mul(xa, w1));
      b0 = f32x4.add(b0, f32x4.mul(xb, w0));
      b1 = f32x4.add(b1, f32x4.mul(xb, w1));
      c0 = f32x4.add(c0, f32x4.mul(xc, w0));
      c1 = f32x4.add(c1, f32x4.mul(xc, w1));
      d0 = f32x4.add(d0, f32x4.mul(xd, w0));
      d1 = f32x4.add(d1, f32x4.mul(xd, w1));
    }
  }
  const py = at(yRow, ow * co + o, 2);
  const yStep = <usize>co << 2;
  v128.store(py, finish(a0, relu));
  v128.store(py, finish(a1, relu), 16);
  v128.store(py + yStep, finish(b0, relu));
  v128.store(py + yStep, finish(b1, relu), 16);
  v128.store(py + 2 * yStep, finish(c0, relu));
  v128.store(py + 2 * yStep, finish(c1, relu), 16);
  v128.store(py + 3 * yStep, finish(d0, relu));
  v128.store(py + 3 * yStep, finish(d1, relu), 16);
}

/** Columns ow..ow+2, channels o..o+7; every tap inside the row (a row's last 3 columns). */
@inline function three8(
  x0: usize, w: usize, bias: usize, yRow: usize, ow: i32, o: i32,
  ci: i32, co: i32, inWidth: i32, kWidth: i32, kh0: i32, kh1: i32, relu: i32,
): void {
  const xStep = <usize>ci << 2;
  const wStep = <usize>co << 2;
  const taps = kWidth * ci;
  let a0 = start(bias, o);
  let a1 = start(bias, o + 4);
  let b0 = a0;
  let b1 = a1;
  let c0 = a0;
  let c1 = a1;
  for (let kh = kh0; kh < kh1; kh++) {
    let px = at(x0, (kh * inWidth + ow) * ci, 2);
    let pw = at(w, kh * taps * co + o, 2);
    const end = px + (<usize>taps << 2);
    for (; px < end; px += 4, pw += wStep) {
      const w0 = v128.load(pw);
      const w1 = v128.load(pw, 16);
      const xa = v128.load32_splat(px);
      const xb = v128.load32_splat(px + xStep);
      const xc = v128.load32_splat(px + 2 * xStep);
      a0 = f32x4.add(a0, f32x4.mul(xa, w0));
      a1 = f32x4.add(a1, f32x4.mul(xa, w1));
      b0 = f32x4.add(b0, f32x4.mul(xb, w0));
      b1 = f32x4.add(b1, f32x4.mul(xb, w1));
      c0 = f32x4.add(c0, f32x4.mul(xc, w0));
      c1 = f32x4.add(c1, f32x4.mul(xc, w1));
    }
  }
  const py = at(yRow, ow * co + o, 2);
  const yStep = <usize>co << 2;
  v128.store(py, finish(a0, relu));
  v128.store(py, finish(a1, relu), 16);
  v128.store(py + yStep, finish(b0, relu));
  v128.store(py + yStep, finish(b1, relu), 16);
  v128.store(py + 2 * yStep, finish(c0, relu));
  v128.store(py + 2 * yStep, finish(c1, relu), 16);
}

/** Columns ow, ow+1, channels o..o+7; every tap inside the row (a row's last 2 columns). */
@inline function two8(
  x0: usize, w: usize, bias: usize, yRow: usize, ow: i32, o: i32,
  ci: i32, co: i32, inWidth: i32, kWidth: i32, kh0: i32, kh1: i32, relu: i32,
): void {
  const xStep = <usize>ci << 2;
  const wStep = <usize>co << 2;
  const taps = kWidth * ci;
  let a0 = start(bias, o);
  let a1 = start(bias, o + 4);
  let b0 = a0;
  let b1 = a1;
  for (let kh = kh0; kh < kh1; kh++) {
    let px = at(x0, (kh * inWidth + ow) * ci, 2);
    let pw = at(w, kh * taps * co + o, 2);
    const end = px + (<usize>taps << 2);
    for (; px < end; px += 4, pw += wStep) {
      const w0 = v128.load(pw);
      const w1 = v128.load(pw, 16);
      const xa = v128.load32_splat(px);
      const xb = v128.load32_splat(px + xStep);
      a0 = f32x4.add(a0, f32x4.mul(xa, w0));
      a1 = f32x4.add(a1, f32x4.mul(xa, w1));
      b0 = f32x4.add(b0, f32x4.mul(xb, w0));
      b1 = f32x4.add(b1, f32x4.mul(xb, w1));
    }
  }
  const py = at(yRow, ow * co + o, 2);
  const yStep = <usize>co << 2;
  v128.store(py, finish(a0, relu));
  v128.store(py, finish(a1, relu), 16);
  v128.store(py + yStep, finish(b0, relu));
  v128.store(py + yStep, finish(b1, relu), 16);
}

/** Column ow, channels o..o+7; taps outside the row skipped. */
@inline function one8(
  x0: usize, w: usize, bias: usize, yRow: usize, ow: i32, o: i32,
  ci: i32, co: i32, inWidth: i32, kWidth: i32, left: i32, kh0: i32, kh1: i32, relu: i32,
): void {
  let a0 = start(bias, o);
  let a1 = start(bias, o + 4);
  const kw0 = max(0, left - ow);
  const kw1 = min(kWidth, inWidth + left - ow);
  for (let kh = kh0; kh < kh1; kh++) {
    for (let kw = kw0; kw < kw1; kw++) {
      let px = at(x0, (kh * inWidth + ow + kw) * ci, 2);
      let pw = at(w, ((kh * kWidth + kw) * ci) * co + o, 2);
      for (let i = 0; i < ci; i++, px += 4, pw += <usize>co << 2) {
        const xa = v128.load32_splat(px);
        a0 = f32x4.add(a0, f32x4.mul(xa, v128.load(pw)));
        a1 = f32x4.add(a1, f32x4.mul(xa, v128.load(pw, 16)));
      }
    }
  }
  const py = at(yRow, ow * co + o, 2);
  v128.store(py, finish(a0, relu));
  v128.store(py, finish(a1, relu), 16);
}

/** Column ow, channels o..o+3. */
@inline function one4(
  x0: usize, w: usize, bias: usize, yRow: usize, ow: i32, o: i32,
  ci: i32, co: i32, inWidth: i32, kWidth: i32, left: i32, kh0: i32, kh1: i32, relu: i32,
): void {
  let a0 = start(bias, o);
  const kw0 = max(0, left - ow);
  const kw1 = min(kWidth, inWidth + left - ow);
  for (let kh = kh0; kh < kh1; kh++) {
    for (let kw = kw0; kw < kw1; kw++) {
      let px = at(x0, (kh * inWidth + ow + kw) * ci, 2);
      let pw = at(w, ((kh * kWidth + kw) * ci) * co + o, 2);
      for (let i = 0; i < ci; i++, px += 4, pw += <usize>co << 2) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(px), v128.load(pw)));
      }
    }
  }
  v128.store(at(yRow, ow * co + o, 2), finish(a0, relu));
}

/** Column ow, channel o. */
@inline function one1(
  x0: usize, w: usize, bias: usize, yRow: usize, ow: i32, o: i32,
  ci: i32, co: i32, inWidth: i32, kWidth: i32, left: i32, kh0: i32, kh1: i32, relu: i32,
): void {
  let sum: f32 = bias === 0 ? 0 : load<f32>(at(bias, o, 2));
  const kw0 = max(0, left - ow);
  const kw1 = min(kWidth, inWidth + left - ow);
  for (let kh = kh0; kh < kh1; kh++) {
    for (let kw = kw0; kw < kw1; kw++) {
      let px = at(x0, (kh * inWidth + ow + kw) * ci, 2);
      let pw = at(w, ((kh * kWidth + kw) * ci) * co + o, 2);
      for (let i = 0; i < ci; i++, px += 4, pw += <usize>co << 2) {
        sum += load<f32>(px) * load<f32>(pw);
      }
    }
  }
  store<f32>(at(yRow, ow * co + o, 2), relu !== 0 ? max(sum, 0) : sum);
}
