// Adam's update of one variable (src/worker/backends/wasm-kernels/fused/adam-update.ts): the same
// float32 operations in the same order as the JavaScript kernel (each of its float64 operations on
// float32 values, rounded to float32, is the float32 operation), so the results are equal bit for bit.

import { at } from './common';

/**
 * m' = β₁m + (1−β₁)g, v' = β₂v + (1−β₂)g², value' = −lr·((m'/c₁) / (√(v'/c₂) + ε)) + value, over n
 * values, four at a time.
 */
export function adamUpdate(
  value: usize, m: usize, v: usize, g: usize, newValue: usize, newM: usize, newV: usize, n: i32,
  beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, c1: f32, c2: f32, epsilon: f32, minusLr: f32,
): void {
  const n4 = n & ~3;
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(oneMinusBeta1);
  const ob2 = f32x4.splat(oneMinusBeta2);
  const k1 = f32x4.splat(c1);
  const k2 = f32x4.splat(c2);
  const eps = f32x4.splat(epsilon);
  const lr = f32x4.splat(minusLr);
  let i = 0;
  for (; i < n4; i += 4) {
    const gi = v128.load(at(g, i, 2));
    const m1 = f32x4.add(f32x4.mul(v128.load(at(m, i, 2)), b1), f32x4.mul(gi, ob1));
    const v1 = f32x4.add(f32x4.mul(v128.load(at(v, i, 2)), b2), f32x4.mul(f32x4.mul(gi, gi), ob2));
    const step = f32x4.div(f32x4.div(m1, k1), f32x4.add(f32x4.sqrt(f32x4.div(v1, k2)), eps));
    v128.store(at(newM, i, 2), m1);
    v128.store(at(newV, i, 2), v1);
    v128.store(at(newValue, i, 2), f32x4.add(f32x4.mul(step, lr), v128.load(at(value, i, 2))));
  }
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i, 2));
    const m1 = load<f32>(at(m, i, 2)) * beta1 + gi * oneMinusBeta1;
    const v1 = load<f32>(at(v, i, 2)) * beta2 + gi * gi * oneMinusBeta2;
    const step = (m1 / c1) / (sqrt<f32>(v1 / c2) + epsilon);
    store<f32>(at(newM, i, 2), m1);
    store<f32>(at(newV, i, 2), v1);
    store<f32>(at(newValue, i, 2), step * minusLr + load<f32>(at(value, i, 2)));
  }
}
