// A per-channel vector added to a channels-last tensor (src/worker/backends/wasm-kernels/bias-add.ts).

import { at } from './common';

/** out[p·c + j] = x[p·c + j] + v[j] over n values with c channels: float32 adds, four channels at a time. */
export function addChannelVector(x: usize, v: usize, n: i32, c: i32, out: usize): void {
  if (c <= 0) {
    return;
  }
  const grouped = c & ~3;
  const rowBytes = <usize>c << 2;
  const end = at(x, n, 2);
  let py = out;
  for (let px = x; px < end; px += rowBytes, py += rowBytes) {
    let j = 0;
    for (; j < grouped; j += 4) {
      v128.store(at(py, j, 2), f32x4.add(v128.load(at(px, j, 2)), v128.load(at(v, j, 2))));
    }
    for (; j < c; j++) {
      store<f32>(at(py, j, 2), load<f32>(at(px, j, 2)) + load<f32>(at(v, j, 2)));
    }
  }
}
