// Helpers shared by the kernels (inlined by the compiler).

/** Positions per block: the JavaScript batch-norm kernels sum per block of 256 positions. */
export const BLOCK: i32 = 256;

@inline export function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline export function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1));
}

/** Two float64 pairs rounded to one float32 quadruple. */
@inline export function pack(lo: v128, hi: v128): v128 {
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

@inline export function at(base: usize, index: i32, shift: i32): usize {
  return base + (<usize>index << <usize>shift);
}

