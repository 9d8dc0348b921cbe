// Sum per channel: the bias gradient of conv and dense layers (src/worker/backends/wasm-kernels/channel-sum.ts).

import { at, BLOCK, high, low } from './common';

/**
 * out[j] = Σ_p x[p·c + j] over n values with c channels (channels last), summed in float64: per block
 * of BLOCK positions a float64 sum from 0, added to the float64 total in totals[j] (c float64 of
 * scratch), rounded to float32 at the end: the JavaScript loop's operations in its order.
 */
export function channelTotals(x: usize, n: i32, c: i32, totals: usize, out: usize): void {
  if (c <= 0) {
    return;
  }
  memory.fill(totals, 0, <usize>c << 3);
  const grouped = c & ~3;
  const blockValues = BLOCK * c;
  const stride = <usize>c << 2;
  for (let begin = 0; begin < n; begin += blockValues) {
    const rows = (min(n, begin + blockValues) - begin) / c;
    for (let j = 0; j < grouped; j += 4) {
      let s0 = f64x2.splat(0);
      let s1 = f64x2.splat(0);
      let p = at(x, begin + j, 2);
      for (let r = 0; r < rows; r++, p += stride) {
        const v = v128.load(p);
        s0 = f64x2.add(s0, low(v));
        s1 = f64x2.add(s1, high(v));
      }
      const t = at(totals, j, 3);
      v128.store(t, f64x2.add(v128.load(t), s0));
      v128.store(t, f64x2.add(v128.load(t, 16), s1), 16);
    }
    for (let j = grouped; j < c; j++) {
      let s: f64 = 0;
      let p = at(x, begin + j, 2);
      for (let r = 0; r < rows; r++, p += stride) {
        s += <f64>load<f32>(p);
      }
      const t = at(totals, j, 3);
      store<f64>(t, load<f64>(t) + s);
    }
  }
  for (let j = 0; j < c; j++) {
    store<f32>(at(out, j, 2), <f32>load<f64>(at(totals, j, 3)));
  }
}
