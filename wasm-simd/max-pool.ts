// MaxPoolGrad (src/worker/backends/wasm-kernels/max-pool-grad.ts).

import { at } from './common';

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
