// SIMD kernels for tfjs-backend-wasm's training step, compiled with AssemblyScript by
// scripts/build-wasm-simd.mjs. The module imports the backend's own memory (env.memory) and every
// pointer is a byte offset in it, so the kernels read and write tensors where they lie. It has no
// heap, no allocations and no static data: nothing of it lives in that memory (a unit test checks
// the compiled module has no data segment and no globals).
//
// Each kernel does the same float operations in the same order as the JavaScript kernel it
// replaces, so the results are equal bit for bit; SIMD runs four channels (channels last) or four
// lanes at a time, and channels past the last multiple of four take a scalar loop.

/** Positions per block: the JavaScript batch-norm kernels sum per block of 256 positions. */
const BLOCK: i32 = 256;

@inline function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1));
}

/** Two float64 pairs rounded to one float32 quadruple. */
@inline function pack(lo: v128, hi: v128): v128 {
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

@inline function at(base: usize, index: i32, shift: i32): usize {
  return base + (<usize>index << <usize>shift);
}

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

/**
 * MaxPoolGrad of a 2×2, stride-2 pool without padding whose windows lie inside the input (windows
 * do not overlap): dx = dy at each window's first maximum (row-major; past a NaN or −∞ to the next
 * value, as the JavaScript kernel), 0 elsewhere. dx must hold zeros outside the windows (the caller
 * fills it); inside them every value is written.
 */
export function maxPoolGrad2x2(x: usize, dy: usize, dx: usize, batch: i32, inHeight: i32, inWidth: i32, c: i32, outHeight: i32, outWidth: i32): void {
  const grouped = c & ~3;
  const rowStride = inWidth * c;
  const minusInfinity = f32x4.splat(-Infinity);
  const zero = f32x4.splat(0);
  let out = 0;
  for (let bi = 0; bi < batch; bi++) {
    for (let oh = 0; oh < outHeight; oh++) {
      let corner = (bi * inHeight + 2 * oh) * rowStride;
      for (let ow = 0; ow < outWidth; ow++, corner += 2 * c) {
        let ch = 0;
        for (; ch < grouped; ch += 4, out += 4) {
          const i0 = corner + ch;
          const i1 = i0 + c;
          const i2 = i0 + rowStride;
          const i3 = i2 + c;
          const x0 = v128.load(at(x, i0, 2));
          const x1 = v128.load(at(x, i1, 2));
          const x2 = v128.load(at(x, i2, 2));
          const x3 = v128.load(at(x, i3, 2));
          let value = x0;
          const c1 = v128.or(f32x4.gt(x1, value), v128.not(f32x4.gt(value, minusInfinity)));
          value = v128.bitselect(x1, value, c1);
          const c2 = v128.or(f32x4.gt(x2, value), v128.not(f32x4.gt(value, minusInfinity)));
          value = v128.bitselect(x2, value, c2);
          const c3 = v128.or(f32x4.gt(x3, value), v128.not(f32x4.gt(value, minusInfinity)));
          value = v128.bitselect(x3, value, c3);
          const g = v128.and(v128.load(at(dy, out, 2)), f32x4.gt(value, minusInfinity));
          const from2 = v128.andnot(c2, c3);
          const from1 = v128.andnot(c1, v128.or(c2, c3));
          const from0 = v128.not(v128.or(c1, v128.or(c2, c3)));
          v128.store(at(dx, i0, 2), f32x4.add(zero, v128.and(g, from0)));
          v128.store(at(dx, i1, 2), f32x4.add(zero, v128.and(g, from1)));
          v128.store(at(dx, i2, 2), f32x4.add(zero, v128.and(g, from2)));
          v128.store(at(dx, i3, 2), f32x4.add(zero, v128.and(g, c3)));
        }
        for (; ch < c; ch++, out++) {
          const i0 = corner + ch;
          const i1 = i0 + c;
          const i2 = i0 + rowStride;
          const i3 = i2 + c;
          let best = i0;
          let value = load<f32>(at(x, i0, 2));
          if (load<f32>(at(x, i1, 2)) > value || !(value > -Infinity)) {
            best = i1;
            value = load<f32>(at(x, i1, 2));
          }
          if (load<f32>(at(x, i2, 2)) > value || !(value > -Infinity)) {
            best = i2;
            value = load<f32>(at(x, i2, 2));
          }
          if (load<f32>(at(x, i3, 2)) > value || !(value > -Infinity)) {
            best = i3;
            value = load<f32>(at(x, i3, 2));
          }
          if (value > -Infinity) {
            store<f32>(at(dx, best, 2), load<f32>(at(dx, best, 2)) + load<f32>(at(dy, out, 2)));
          }
        }
      }
    }
  }
}
