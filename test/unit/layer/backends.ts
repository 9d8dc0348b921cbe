/** Test helpers: the tfjs backends the layer is checked on, and tensor comparisons with tolerances. */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { registerWasmTrainingKernels } from '../../../src/worker/backends';

export const BACKENDS = ['cpu', 'wasm'] as const;

let wasmRegistered = false;

/** Makes `name` the active backend (registering the bundled wasm one on first use). */
export async function useBackend(name: string): Promise<void> {
  if (name === 'wasm' && !wasmRegistered) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
    wasm.setWasmPaths(dist);
    // tfjs-backend-wasm 4.22 lacks Conv2DBackpropFilter and friends; the worker's kernels fill them in.
    registerWasmTrainingKernels();
    wasmRegistered = true;
  }
  assert.ok(await tf.setBackend(name), `tfjs backend ${name} did not initialise`);
  await tf.ready();
  assert.equal(tf.getBackend(), name);
}

/** Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise, naming the worst element. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) {
    assert.fail(`${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Values of a tensor as plain numbers. */
export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}
