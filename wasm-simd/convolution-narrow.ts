// A stride-1 convolution with few output channels and input channels a multiple of 4, channels last:
// the input gradient of a network's first layer on grey or colour images (tfjs computes it though
// nothing uses it), a generator's last layer. The kernels call it for 1 to 4 output channels, where it
// measured faster than XNNPACK.

import { at } from './common';

/**
 * y[b,oh,ow,o] = act(bias[o] + Σ_{kh,kw,i} x[b, oh + kh − top, ow + kw − left, i] · wt[o,kh,kw,i]),
 * taps in the padding adding nothing; stride and dilation 1; bias 0 for none; relu ≠ 0 applies
 * max(·, 0). The filter comes transposed (output channel first), so that each sum runs over the
 * input channels four at a time. Columns whose taps all lie inside the row go in blocks of 4 that
 * share each filter load, their taps of a filter row read as one run of kWidth·ci values (adjacent
 * in x and in wt with stride 1); the others (the padding, a row's last 1–3) one at a time: callers
 * pad the rows first (padColumns) where they have scratch for it.
 */
export function conv2dForwardNarrow(
  x: usize, wt: usize, bias: usize, y: usize, batch: i32, inHeight: i32, inWidth: i32, ci: i32,
  outHeight: i32, outWidth: i32, co: i32, kHeight: i32, kWidth: i32, top: i32, left: i32, relu: i32,
): void {
  const filterSize = kHeight * kWidth * ci;
  const insideFirst = min(max(0, left), outWidth);
  const insideEnd = max(insideFirst, min(outWidth, inWidth - kWidth + 1 + left));
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const kh0 = max(0, top - oh);
      const kh1 = min(kHeight, inHeight + top - oh);
      const x0 = at(x, ((b * inHeight + oh - top) * inWidth - left) * ci, 2);
      const yRow = at(y, (b * outHeight + oh) * outWidth * co, 2);
      for (let o = 0; o < co; o++) {
        const w0 = at(wt, o * filterSize, 2);
        let ow = 0;
        for (; ow < insideFirst; ow++) {
          oneColumn(x0, w0, bias, yRow, ow, o, ci, co, inWidth, kWidth, left, kh0, kh1, relu);
        }
        for (; ow + 4 <= insideEnd; ow += 4) {
          fourColumns(x0, w0, bias, yRow, ow, o, ci, co, inWidth, kWidth, kh0, kh1, relu);
        }
        for (; ow < outWidth; ow++) {
          oneColumn(x0, w0, bias, yRow, ow, o, ci, co, inWidth, kWidth, left, kh0, kh1, relu);
        }
      }
    }
  }
}

@inline function total(s: v128, bias: usize, o: i32, relu: i32): f32 {
  let sum = (f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1)) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
  if (bias !== 0) {
    sum += load<f32>(at(bias, o, 2));
  }
  return relu !== 0 ? max(sum, 0) : sum;
}

/** Columns ow..ow+3 of output channel o; every tap inside the row. */
@inline function fourColumns(
  x0: usize, w0: usize, bias: usize, yRow: usize, ow: i32, o: i32,
  ci: i32, co: i32, inWidth: i32, kWidth: i32, kh0: i32, kh1: i32, relu: i32,
): void {
  const xStep = <usize>ci << 2;
  const taps = kWidth * ci;
  let s0 = f32x4.splat(0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  for (let kh = kh0; kh < kh1; kh++) {
    let px = at(x0, (kh * inWidth + ow) * ci, 2);
    let pw = at(w0, kh * taps, 2);
    const end = px + (<usize>taps << 2);
    for (; px < end; px += 16, pw += 16) {
      const w = v128.load(pw);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(px), w));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(px + xStep), w));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(px + 2 * xStep), w));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(px + 3 * xStep), w));
    }
  }
  const py = at(yRow, ow * co + o, 2);
  const yStep = <usize>co << 2;
  store<f32>(py, total(s0, bias, o, relu));
  store<f32>(py + yStep, total(s1, bias, o, relu));
  store<f32>(py + 2 * yStep, total(s2, bias, o, relu));
  store<f32>(py + 3 * yStep, total(s3, bias, o, relu));
}

/** Column ow of output channel o; taps outside the row skipped. */
@inline function oneColumn(
  x0: usize, w0: usize, bias: usize, yRow: usize, ow: i32, o: i32,
  ci: i32, co: i32, inWidth: i32, kWidth: i32, left: i32, kh0: i32, kh1: i32, relu: i32,
): void {
  const kw0 = max(0, left - ow);
  const kw1 = min(kWidth, inWidth + left - ow);
  let s = f32x4.splat(0);
  for (let kh = kh0; kh < kh1; kh++) {
    for (let kw = kw0; kw < kw1; kw++) {
      const px = at(x0, (kh * inWidth + ow + kw) * ci, 2);
      const pw = at(w0, (kh * kWidth + kw) * ci, 2);
      for (let i = 0; i < ci; i += 4) {
        s = f32x4.add(s, f32x4.mul(v128.load(at(px, i, 2)), v128.load(at(pw, i, 2))));
      }
    }
  }
  store<f32>(at(yRow, ow * co + o, 2), total(s, bias, o, relu));
}
