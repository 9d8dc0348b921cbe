// A stride-1 convolution with few output channels and input channels a multiple of 4, channels last:
// the input gradient of a network's first layer on grey images (tfjs computes it though nothing uses
// it). The kernels call it for one output channel only, where it measured faster than XNNPACK.

import { at } from './common';

/**
 * y[b,oh,ow,o] = act(bias[o] + Σ_{kh,kw,i} x[b, oh + kh − top, ow + kw − left, i] · wt[o,kh,kw,i]),
 * taps in the padding adding nothing; stride and dilation 1; bias 0 for none; relu ≠ 0 applies
 * max(·, 0). The filter comes transposed (output channel first), so that each sum runs over the
 * input channels four at a time, in two interleaved sums where ci allows (a multiple of 8).
 */
export function conv2dForwardNarrow(
  x: usize, wt: usize, bias: usize, y: usize, batch: i32, inHeight: i32, inWidth: i32, ci: i32,
  outHeight: i32, outWidth: i32, co: i32, kHeight: i32, kWidth: i32, top: i32, left: i32, relu: i32,
): void {
  const ci8 = ci & ~7;
  const filterSize = kHeight * kWidth * ci;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const kh0 = max(0, top - oh);
      const kh1 = min(kHeight, inHeight + top - oh);
      const x0 = at(x, ((b * inHeight + oh - top) * inWidth - left) * ci, 2);
      let py = at(y, (b * outHeight + oh) * outWidth * co, 2);
      for (let ow = 0; ow < outWidth; ow++) {
        const kw0 = max(0, left - ow);
        const kw1 = min(kWidth, inWidth + left - ow);
        for (let o = 0; o < co; o++, py += 4) {
          const w0 = at(wt, o * filterSize, 2);
          let s0 = f32x4.splat(0);
          let s1 = f32x4.splat(0);
          for (let kh = kh0; kh < kh1; kh++) {
            for (let kw = kw0; kw < kw1; kw++) {
              const px = at(x0, (kh * inWidth + ow + kw) * ci, 2);
              const pw = at(w0, (kh * kWidth + kw) * ci, 2);
              let i = 0;
              for (; i < ci8; i += 8) {
                s0 = f32x4.add(s0, f32x4.mul(v128.load(at(px, i, 2)), v128.load(at(pw, i, 2))));
                s1 = f32x4.add(s1, f32x4.mul(v128.load(at(px, i, 2), 16), v128.load(at(pw, i, 2), 16)));
              }
              for (; i < ci; i += 4) {
                s0 = f32x4.add(s0, f32x4.mul(v128.load(at(px, i, 2)), v128.load(at(pw, i, 2))));
              }
            }
          }
          const s = f32x4.add(s0, s1);
          let sum = (f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1)) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
          if (bias !== 0) {
            sum += load<f32>(at(bias, o, 2));
          }
          store<f32>(py, relu !== 0 ? max(sum, 0) : sum);
        }
      }
    }
  }
}
