/**
 * One thread count in one process (wasm's thread pool is sized once per process), for
 * bench/wasm-threads.ts: starts wasm with THREADS threads, trains MODEL (small-cnn | unet) for STEPS
 * steps after a warm-up, prints the wall and CPU time per step as JSON.
 */
import * as tf from '@tensorflow/tfjs';
import { activateWasmBackend } from '../src/worker/backends/wasm-setup';
import { fuseAdamUpdates } from '../src/worker/backends/fused-adam';
import { createSmallMnistCnn } from './small-mnist-cnn';
import { createSmallUnet } from './small-unet';

async function main(): Promise<void> {
  const threads = await activateWasmBackend(tf, { threads: Number(process.env.THREADS) });
  const unet = process.env.MODEL === 'unet';
  const batch = Number(process.env.BATCH ?? (unet ? 4 : 32));
  const model = unet ? createSmallUnet(tf) : createSmallMnistCnn(tf);
  model.compile({ optimizer: fuseAdamUpdates(tf.train.adam(1e-3)), loss: unet ? 'binaryCrossentropy' : 'categoricalCrossentropy' });
  const [x, y] = tf.tidy(() => unet
    ? [tf.randomUniform([batch, 64, 64, 1], 0, 1, 'float32', 1), tf.randomUniform([batch, 64, 64, 1], 0, 1, 'float32', 2).round()]
    : [tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1), tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10)]);
  for (let i = 0; i < 3; i++) {
    await model.trainOnBatch(x, y);
  }
  const steps = Number(process.env.STEPS ?? 10);
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    await model.trainOnBatch(x, y);
  }
  const wallMs = (performance.now() - start) / steps;
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({ threads: threads.count, batch, wallMs, cpuMs: (used.user + used.system) / 1000 / steps, parameters: model.countParams() }));
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error));
  process.exitCode = 1;
});
