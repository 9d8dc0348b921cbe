/**
 * Entry point bundled by bundle.test.ts the way scripts/build.mjs bundles the worker (esbuild,
 * packages external): chooses a backend and takes a conv net's gradient, printing what it got.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { chooseTrainingBackend } from '../../../src/worker/backends';

async function main(): Promise<void> {
  const { tf, name, skipped } = await chooseTrainingBackend('auto');
  const filter = tf.variable(tf.ones([3, 3, 1, 2])) as tfjs.Variable<tfjs.Rank.R4>;
  const input = tf.ones([2, 5, 5, 1]) as tfjs.Tensor4D;
  const { grads } = tf.variableGrads(() => tf.conv2d(input, filter, 2, 'same').sum(), [filter]);
  console.log(JSON.stringify({ name, backend: tf.getBackend(), skipped, filterGradient: Array.from(await grads[filter.name].data()) }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
