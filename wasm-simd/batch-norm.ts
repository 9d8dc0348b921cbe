// The fused batch norm's two passes (src/worker/backends/wasm-kernels/fused/batch-norm-train.ts).

import { at, BLOCK, high, low, pack } from './common';

/**
 * Per channel, over n values with c channels (channels last): Σ(a − m) into first[j] and, with b = 0,
 * Σ(a − m)² into second[j], else Σ a·(b − m). m is float64 per channel; first and second are float64
 * totals that each block's float64 sum is added to (the JavaScript kernels' order).
 */
export function channelSums(a: usize, b: usize, n: i32, c: i32, m: usize, first: usize, second: usize): void {
  if (c <= 0) {
    return;
  }
  const grouped = c & ~3;
  const blockValues = BLOCK * c;
  for (let begin = 0; begin < n; begin += blockValues) {
    const rows = (min(n, begin + blockValues) - begin) / c;
    for (let j = 0; j < grouped; j += 4) {
      const m0 = v128.load(at(m, j, 3));
      const m1 = v128.load(at(m, j, 3), 16);
      let s0 = f64x2.splat(0);
      let s1 = f64x2.splat(0);
      let q0 = f64x2.splat(0);
      let q1 = f64x2.splat(0);
      let pa = at(a, begin + j, 2);
      const stride = <usize>c << 2;
      if (b === 0) {
        for (let p = 0; p < rows; p++, pa += stride) {
          const v = v128.load(pa);
          const d0 = f64x2.sub(low(v), m0);
          const d1 = f64x2.sub(high(v), m1);
          s0 = f64x2.add(s0, d0);
          s1 = f64x2.add(s1, d1);
          q0 = f64x2.add(q0, f64x2.mul(d0, d0));
          q1 = f64x2.add(q1, f64x2.mul(d1, d1));
        }
      } else {
        let pb = at(b, begin + j, 2);
        for (let p = 0; p < rows; p++, pa += stride, pb += stride) {
          const g = v128.load(pa);
          const w = v128.load(pb);
          const g0 = low(g);
          const g1 = high(g);
          s0 = f64x2.add(s0, g0);
          s1 = f64x2.add(s1, g1);
          q0 = f64x2.add(q0, f64x2.mul(g0, f64x2.sub(low(w), m0)));
          q1 = f64x2.add(q1, f64x2.mul(g1, f64x2.sub(high(w), m1)));
        }
      }
      v128.store(at(first, j, 3), f64x2.add(v128.load(at(first, j, 3)), s0));
      v128.store(at(first, j, 3), f64x2.add(v128.load(at(first, j, 3), 16), s1), 16);
      v128.store(at(second, j, 3), f64x2.add(v128.load(at(second, j, 3)), q0));
      v128.store(at(second, j, 3), f64x2.add(v128.load(at(second, j, 3), 16), q1), 16);
    }
    for (let j = grouped; j < c; j++) {
      const mj = load<f64>(at(m, j, 3));
      let s: f64 = 0;
      let q: f64 = 0;
      for (let i = begin + j, end = begin + rows * c; i < end; i += c) {
        if (b === 0) {
          const d = <f64>load<f32>(at(a, i, 2)) - mj;
          s += d;
          q += d * d;
        } else {
          const g = <f64>load<f32>(at(a, i, 2));
          s += g;
          q += g * (<f64>load<f32>(at(b, i, 2)) - mj);
        }
      }
      store<f64>(at(first, j, 3), load<f64>(at(first, j, 3)) + s);
      store<f64>(at(second, j, 3), load<f64>(at(second, j, 3)) + q);
    }
  }
}

/**
 * out = a·f + h per channel (b = 0), else out = a·f + b·g + h; f, g, h float64 per channel; float64
 * maths rounded once to float32. Blocks of BLOCK positions, four channels a step.
 */
export function channelAffine(a: usize, b: usize, n: i32, c: i32, f: usize, g: usize, h: usize, out: usize): void {
  if (c <= 0) {
    return;
  }
  const grouped = c & ~3;
  const blockValues = BLOCK * c;
  const stride = <usize>c << 2;
  for (let begin = 0; begin < n; begin += blockValues) {
    const rows = (min(n, begin + blockValues) - begin) / c;
    for (let j = 0; j < grouped; j += 4) {
      const f0 = v128.load(at(f, j, 3));
      const f1 = v128.load(at(f, j, 3), 16);
      const h0 = v128.load(at(h, j, 3));
      const h1 = v128.load(at(h, j, 3), 16);
      const start = <usize>(begin + j) << 2;
      if (b === 0) {
        for (let p = 0, o = start; p < rows; p++, o += stride) {
          const v = v128.load(a + o);
          v128.store(out + o, pack(f64x2.add(f64x2.mul(low(v), f0), h0), f64x2.add(f64x2.mul(high(v), f1), h1)));
        }
      } else {
        const g0 = v128.load(at(g, j, 3));
        const g1 = v128.load(at(g, j, 3), 16);
        for (let p = 0, o = start; p < rows; p++, o += stride) {
          const v = v128.load(a + o);
          const w = v128.load(b + o);
          const lo = f64x2.add(f64x2.add(f64x2.mul(low(v), f0), f64x2.mul(low(w), g0)), h0);
          const hi = f64x2.add(f64x2.add(f64x2.mul(high(v), f1), f64x2.mul(high(w), g1)), h1);
          v128.store(out + o, pack(lo, hi));
        }
      }
    }
    for (let j = grouped; j < c; j++) {
      const fj = load<f64>(at(f, j, 3));
      const gj = b === 0 ? 0 : load<f64>(at(g, j, 3));
      const hj = load<f64>(at(h, j, 3));
      for (let i = begin + j, end = begin + rows * c; i < end; i += c) {
        const v = <f64>load<f32>(at(a, i, 2));
        const value = b === 0 ? v * fj + hj : v * fj + <f64>load<f32>(at(b, i, 2)) * gj + hj;
        store<f32>(at(out, i, 2), <f32>value);
      }
    }
  }
}

