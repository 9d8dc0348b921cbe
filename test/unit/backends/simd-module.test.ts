import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SIMD_MODULE_PLAIN, SIMD_MODULE_SHARED } from '../../../src/worker/backends/wasm-kernels/simd/simd-module.generated';
import { bind, simdKernelsOf, SIMD_SWITCH_VARIABLE, type SimdKernels } from '../../../src/worker/backends/wasm-kernels/simd/simd-module';
import { randomValues } from './kernel-harness';

// Loads an ES module without the test transpiler turning import() into require().
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<{ simdSourceHash(): string }>;

/** The ids of a WebAssembly binary's sections, in order (0 custom, 1 type, 2 import, 3 function, 7 export, 10 code …). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    ids.push(id);
    at += size;
  }
  return ids;
}

/** A fake emscripten module over `memory` with a bump allocator from `base`. */
function fakeModule(memory: WebAssembly.Memory, base = 1024) {
  let next = base;
  return {
    asm: { memory },
    _malloc: (bytes: number) => {
      const pointer = next;
      next += (bytes + 15) & ~15;
      return pointer;
    },
    _free: () => undefined,
  };
}

const variants = [
  { name: 'plain memory', base64: SIMD_MODULE_PLAIN, memory: () => new WebAssembly.Memory({ initial: 8 }) },
  { name: 'shared memory (threaded build)', base64: SIMD_MODULE_SHARED, memory: () => new WebAssembly.Memory({ initial: 8, maximum: 65536, shared: true }) },
];

/** Byte ranges [begin, end) a call may write. */
type Ranges = [number, number][];

/** Fills the whole memory with a seeded pattern, runs `call`, and returns the bytes it changed outside `allowed`. */
function bytesChangedOutside(memory: WebAssembly.Memory, allowed: Ranges, prepare: () => void, call: () => void): number {
  const bytes = new Uint8Array(memory.buffer);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = (i * 2654435761) >>> 24;
  }
  prepare();
  const before = bytes.slice();
  call();
  let changed = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== before[i] && !allowed.some(([b, e]) => i >= b && i < e)) {
      changed++;
    }
  }
  return changed;
}

function floats(kernels: SimdKernels, pointer: number, count: number): Float32Array {
  return new Float32Array(kernels.memory.buffer, pointer, count);
}

function doubles(kernels: SimdKernels, pointer: number, count: number): Float64Array {
  return new Float64Array(kernels.memory.buffer, pointer, count);
}

describe('SIMD kernel module (wasm-simd/kernels.ts, imports tfjs-backend-wasm\'s memory)', () => {
  for (const variant of variants) {
    it(`${variant.name}: imports only env.memory, exports only the kernels, has no memory, globals, table, start or data of its own`, () => {
      const bytes = Buffer.from(variant.base64, 'base64');
      const module = new WebAssembly.Module(bytes);
      assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'env', name: 'memory', kind: 'memory' }]);
      assert.deepEqual(WebAssembly.Module.exports(module).map((e) => `${e.kind} ${e.name}`).sort(), ['function adamUpdate', 'function addChannelVector', 'function channelAffine', 'function channelSums', 'function channelTotals', 'function conv2dFilterGrad', 'function conv2dForward', 'function conv2dForwardNarrow', 'function matMul', 'function maxPoolGrad2x2', 'function padColumns', 'function transpose2d']);
      const forbidden = sectionIds(bytes).filter((id) => [4, 5, 6, 8, 9, 11, 12].includes(id));
      assert.deepEqual(forbidden, [], 'table, memory, global, start, element, data or data-count section');
    });

    it(`${variant.name}: every kernel writes only its outputs (the rest of the memory is unchanged, byte for byte)`, () => {
      const memory = variant.memory();
      const kernels = bind(fakeModule(memory));
      const c = 7;
      const n = c * 400;
      const [a, b, out, m, first, second] = [n * 4, n * 4, n * 4, c * 8, c * 8, c * 8].map((bytes) => kernels.malloc(bytes));
      const fill = () => {
        floats(kernels, a, n).set(randomValues(n, 1));
        floats(kernels, b, n).set(randomValues(n, 2));
        doubles(kernels, m, c).set(randomValues(c, 3));
        doubles(kernels, first, c).fill(0);
        doubles(kernels, second, c).fill(0);
        floats(kernels, out, n).fill(0);
      };
      const sums: Ranges = [[first, first + c * 8], [second, second + c * 8]];
      assert.equal(bytesChangedOutside(memory, sums, fill, () => kernels.exports.channelSums(a, 0, n, c, m, first, second)), 0);
      assert.equal(bytesChangedOutside(memory, sums, fill, () => kernels.exports.channelSums(a, b, n, c, m, first, second)), 0);
      const output: Ranges = [[out, out + n * 4]];
      assert.equal(bytesChangedOutside(memory, output, fill, () => kernels.exports.channelAffine(a, 0, n, c, m, m, m, out)), 0);
      assert.equal(bytesChangedOutside(memory, output, fill, () => kernels.exports.channelAffine(a, b, n, c, m, first, m, out)), 0);
      // x 2×8×6×7 pooled to 2×4×3×7 (dy at b): dx = out.
      assert.equal(bytesChangedOutside(memory, output, fill, () => kernels.exports.maxPoolGrad2x2(a, b, out, 2, 8, 6, c, 4, 3)), 0);
      // x (a) 2×10×10×7, dy (b) 2×10×10×3, 3×3 'same': dW = out, 3×3×7×3.
      const filter: Ranges = [[out, out + 9 * 7 * 3 * 4]];
      assert.equal(bytesChangedOutside(memory, filter, fill, () => kernels.exports.conv2dFilterGrad(a, b, out, 2, 10, 10, c, 10, 10, 3, 3, 3, 1, 1)), 0);
      // x (a) 2×10×10×7, filter (b) 3×3×7×11, bias (m), ReLU: y = out, 2×10×10×11.
      const convolution: Ranges = [[out, out + 2 * 10 * 10 * 11 * 4]];
      assert.equal(bytesChangedOutside(memory, convolution, fill, () => kernels.exports.conv2dForward(a, b, m, out, 2, 10, 10, c, 10, 10, 11, 3, 3, 1, 1, 1)), 0);
      // x (a) 2×10×10×4 (ci 4: the narrow loop's vectors), filter (b) 1×3×3×4: y = out, 2×10×10×1.
      const narrow: Ranges = [[out, out + 2 * 10 * 10 * 4]];
      assert.equal(bytesChangedOutside(memory, narrow, fill, () => kernels.exports.conv2dForwardNarrow(a, b, m, out, 2, 10, 10, 4, 10, 10, 1, 3, 3, 1, 1, 1)), 0);
      // x (a) 2×10×10×7 rows padded to 13 columns (2 on the left): out, 20×13×7.
      const paddedRows: Ranges = [[out, out + 20 * 13 * c * 4]];
      assert.equal(bytesChangedOutside(memory, paddedRows, fill, () => kernels.exports.padColumns(a, out, 20, 10, c, 13, 2)), 0);
      // Sums per channel of a: float64 totals at first, float32 sums at out.
      const totals: Ranges = [[first, first + c * 8], [out, out + c * 4]];
      assert.equal(bytesChangedOutside(memory, totals, fill, () => kernels.exports.channelTotals(a, n, c, first, out)), 0);
      // a (2·10·10 rows of 7) plus the vector at b: out.
      assert.equal(bytesChangedOutside(memory, output, fill, () => kernels.exports.addChannelVector(a, b, n, c, out)), 0);
      // b (20 × 35) transposed into out; a (20 × 7, transposed) times b (20 × 35): out, 7 × 35.
      const transposed: Ranges = [[out, out + 20 * 35 * 4]];
      assert.equal(bytesChangedOutside(memory, transposed, fill, () => kernels.exports.transpose2d(b, out, 20, 35)), 0);
      const product: Ranges = [[out, out + 7 * 35 * 4]];
      assert.equal(bytesChangedOutside(memory, product, fill, () => kernels.exports.matMul(a, b, out, 7, 20, 35, 1)), 0);
      // Adam on 701 values: value, m, v, g at a, b, a, b; new value, m and v in three thirds of out.
      const [third, count] = [900 * 4, 701];
      const adam: Ranges = [[out, out + count * 4], [out + third, out + third + count * 4], [out + 2 * third, out + 2 * third + count * 4]];
      assert.equal(bytesChangedOutside(memory, adam, fill, () => kernels.exports.adamUpdate(a, b, a, b, out, out + third, out + 2 * third, count, 0.9, 0.999, 0.1, 0.001, 0.5, 0.25, 1e-7, -0.01)), 0);
    });
  }

  it('was compiled from the current wasm-simd/kernels.ts (npm run build regenerates it)', async () => {
    const script = path.join(__dirname, '../../../scripts/build-wasm-simd.mjs');
    const { simdSourceHash } = await importModule(pathToFileURL(script).href);
    const generated = fs.readFileSync(path.join(__dirname, '../../../src/worker/backends/wasm-kernels/simd/simd-module.generated.ts'), 'utf8');
    assert.ok(generated.includes(`sha256: ${simdSourceHash()}`), 'simd-module.generated.ts is stale: run npm run build');
  });

  it('a pointer past 2 GB of heap, which Emscripten’s malloc returns as a negative i32, is read unsigned', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernels = bind({ asm: { memory }, _malloc: () => -2107270072, _free: () => undefined } as never);
    assert.equal(kernels.malloc(64), 2187697224);
  });

  describe('falls back to the JavaScript kernels', () => {
    let written: string[];
    const originalWrite = process.stderr.write.bind(process.stderr);
    beforeEach(() => {
      written = [];
      process.stderr.write = ((chunk: string) => {
        written.push(String(chunk));
        return true;
      }) as typeof process.stderr.write;
    });
    afterEach(() => {
      process.stderr.write = originalWrite;
      delete process.env[SIMD_SWITCH_VARIABLE];
    });

    const cases: { name: string; backend: unknown; logged: boolean }[] = [
      { name: 'a backend that is not tfjs-backend-wasm (no emscripten module)', backend: { numDataIds: () => 0 }, logged: false },
      { name: 'a module whose memory is not reachable', backend: { wasm: { _malloc: () => 0, _free: () => undefined } }, logged: true },
      { name: 'a module without an allocator', backend: { wasm: { asm: { memory: new WebAssembly.Memory({ initial: 1 }) } } }, logged: true },
    ];
    for (const c of cases) {
      it(`for ${c.name}${c.logged ? ', saying why in the log once' : ''}`, () => {
        assert.equal(simdKernelsOf(c.backend), undefined);
        assert.equal(simdKernelsOf(c.backend), undefined);
        assert.ok(written.length <= 1);
        if (c.logged) {
          // The first failure of the process is logged; a second backend's is not repeated.
          assert.ok(written.every((line) => /SIMD training kernels unavailable .*; using the JavaScript kernels/.test(line)), written.join(''));
        } else {
          assert.deepEqual(written, []);
        }
      });
    }

    it(`when ${SIMD_SWITCH_VARIABLE}=off, and binds again when it is unset`, () => {
      const backend = { wasm: fakeModule(new WebAssembly.Memory({ initial: 1 })) };
      process.env[SIMD_SWITCH_VARIABLE] = 'off';
      assert.equal(simdKernelsOf(backend), undefined);
      delete process.env[SIMD_SWITCH_VARIABLE];
      assert.notEqual(simdKernelsOf(backend), undefined);
      assert.deepEqual(written, []);
    });
  });
});
