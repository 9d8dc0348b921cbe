/**
 * Child process of wasm-threads.test.ts: starts the wasm backend with THREADS threads (the thread
 * count is fixed once per process), trains the small MNIST CNN two steps on fixed data, and prints
 * the thread count, which memory the SIMD kernels run on and the trained weights as JSON.
 */
import * as tf from '@tensorflow/tfjs';
import { activateWasmBackend } from '../../../src/worker/backends/wasm-setup';
import { fuseAdamUpdates } from '../../../src/worker/backends/fused-adam';
import { createSmallMnistCnn } from '../../../bench/small-mnist-cnn';
import { simdKernelsOf } from '../../../src/worker/backends/wasm-kernels/simd/simd-module';
import { randomValues } from './kernel-harness';

async function main(): Promise<void> {
  const threads = await activateWasmBackend(tf, { threads: Number(process.env.THREADS) });
  const model = createSmallMnistCnn(tf, 3);
  model.compile({ optimizer: fuseAdamUpdates(tf.train.adam(1e-2)), loss: 'categoricalCrossentropy' });
  const x = tf.tensor4d(Float32Array.from(randomValues(16 * 28 * 28, 9)), [16, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10), 'int32'), 10);
  const losses: number[] = [];
  for (let step = 0; step < 2; step++) {
    losses.push((await model.trainOnBatch(x, y)) as number);
  }
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  const simd = simdKernelsOf(tf.backend());
  const simdMemory = simd === undefined ? 'none' : simd.memory.buffer instanceof SharedArrayBuffer ? 'shared' : 'plain';
  process.stdout.write(JSON.stringify({ threads, simdMemory, losses, weights }));
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error));
  process.exitCode = 1;
});
