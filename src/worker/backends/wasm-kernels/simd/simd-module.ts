import { SIMD_MODULE_PLAIN, SIMD_MODULE_SHARED } from './simd-module.generated';

/**
 * The SIMD kernels of wasm-simd/kernels.ts (AssemblyScript, built by scripts/build-wasm-simd.mjs),
 * instantiated on tfjs-backend-wasm's own memory: pointers are byte offsets of tensors in the heap,
 * so the kernels work in place. Every pointer argument is a byte offset; n counts float32 values.
 */
export interface SimdExports {
  channelSums(a: number, b: number, n: number, c: number, m: number, first: number, second: number): void;
  channelAffine(a: number, b: number, n: number, c: number, f: number, g: number, h: number, out: number): void;
  maxPoolGrad2x2(x: number, dy: number, dx: number, batch: number, inHeight: number, inWidth: number, c: number, outHeight: number, outWidth: number): void;
  /** Stride and dilation 1, channels last; dw [kHeight, kWidth, ci, co] is overwritten. */
  conv2dFilterGrad(
    x: number, dy: number, dw: number, batch: number, inHeight: number, inWidth: number, ci: number,
    outHeight: number, outWidth: number, co: number, kHeight: number, kWidth: number, top: number, left: number,
  ): void;
  /** y = act(bias + x ⊛ w), stride and dilation 1, channels last; bias 0 for none, relu 1 for max(·, 0). */
  conv2dForward(
    x: number, w: number, bias: number, y: number, batch: number, inHeight: number, inWidth: number, ci: number,
    outHeight: number, outWidth: number, co: number, kHeight: number, kWidth: number, top: number, left: number, relu: number,
  ): void;
  /** dst = srcᵀ, src rows × cols. */
  transpose2d(src: number, dst: number, rows: number, cols: number): void;
  /** c (m × n) = a'·b, b row-major k × n, a' = a (m × k) or aᵀ (a k × m) where transposeA ≠ 0. */
  matMul(a: number, b: number, c: number, m: number, k: number, n: number, transposeA: number): void;
  /** out[p·c + j] = x[p·c + j] + v[j] (n values, c channels), float32. */
  addChannelVector(x: number, v: number, n: number, c: number, out: number): void;
  /** out[j] = Σ x[p·c + j] (n values, c channels) in float64; totals: c float64 of scratch. */
  channelTotals(x: number, n: number, c: number, totals: number, out: number): void;
  /** rows × inWidth × ci → rows × outWidth × ci, input column c at c + left, the other columns zero. */
  padColumns(x: number, out: number, rows: number, inWidth: number, ci: number, outWidth: number, left: number): void;
  /** As conv2dForward for co < 8 and ci a multiple of 4, the filter transposed to [co, kHeight, kWidth, ci]. */
  conv2dForwardNarrow(
    x: number, wt: number, bias: number, y: number, batch: number, inHeight: number, inWidth: number, ci: number,
    outHeight: number, outWidth: number, co: number, kHeight: number, kWidth: number, top: number, left: number, relu: number,
  ): void;
  /** Adam's update of n values (fused/adam-update.ts), float32 scalars. */
  adamUpdate(
    value: number, m: number, v: number, g: number, newValue: number, newM: number, newV: number, n: number,
    beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number, c1: number, c2: number, epsilon: number, minusLr: number,
  ): void;
}

/** The kernels bound to one backend's heap, and that heap's allocator for per-channel scratch. */
export interface SimdKernels {
  exports: SimdExports;
  memory: WebAssembly.Memory;
  /** The threaded build's shared heap: XNNPACK runs its kernels on several threads there. */
  shared: boolean;
  malloc(bytes: number): number;
  free(pointer: number): void;
}

/** The parts of tfjs-backend-wasm's emscripten module read here. */
interface EmscriptenModule {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
  _malloc?: (bytes: number) => number;
  _free?: (pointer: number) => void;
}

/** Set to `off` to run the JavaScript kernels (benches compare the two in one process). */
export const SIMD_SWITCH_VARIABLE = 'RBN_SIMD_KERNELS';

const bound = new WeakMap<object, SimdKernels | null>();
let reported = false;

/**
 * The SIMD kernels on `backend`'s heap, or undefined where they cannot run (not tfjs-backend-wasm,
 * its memory not reachable, a WebAssembly without SIMD, or switched off): callers then run their
 * JavaScript loops. The first failure is written to the log (stderr) once; results are cached per backend.
 */
export function simdKernelsOf(backend: unknown): SimdKernels | undefined {
  if (process.env[SIMD_SWITCH_VARIABLE] === 'off' || typeof backend !== 'object' || backend === null) {
    return undefined;
  }
  const module = (backend as { wasm?: EmscriptenModule }).wasm;
  if (module === undefined) {
    return undefined;
  }
  let kernels = bound.get(module);
  if (kernels === undefined) {
    kernels = bindOrReport(module);
    bound.set(module, kernels);
  }
  return kernels ?? undefined;
}

function bindOrReport(module: EmscriptenModule): SimdKernels | null {
  try {
    return bind(module);
  } catch (err) {
    if (!reported) {
      reported = true;
      process.stderr.write(`rbn: SIMD training kernels unavailable (${err instanceof Error ? err.message : String(err)}); using the JavaScript kernels\n`);
    }
    return null;
  }
}

/** Instantiates the variant matching the heap (plain or shared) with the heap as its env.memory. */
export function bind(module: EmscriptenModule): SimdKernels {
  const memory = module.asm?.memory ?? module.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error('the wasm backend\'s memory is not reachable');
  }
  const { _malloc: malloc, _free: free } = module;
  if (typeof malloc !== 'function' || typeof free !== 'function') {
    throw new Error('the wasm backend exports no allocator');
  }
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = Buffer.from(shared ? SIMD_MODULE_SHARED : SIMD_MODULE_PLAIN, 'base64');
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  // Emscripten's malloc returns a signed i32: past 2 GB of heap a pointer reads negative (tfjs takes `>>> 0` too).
  return { exports: instance.exports as unknown as SimdExports, memory, shared, malloc: (bytes) => malloc(bytes) >>> 0, free };
}
