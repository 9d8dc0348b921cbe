/**
 * Entry point bundled by bundle.test.ts the way scripts/build.mjs bundles the worker (esbuild,
 * packages external): chooses a backend and takes a conv net's gradient, printing what it got.
 */
import { chooseTrainingBackend } from '../../../src/worker/backends';

async function main(): Promise<void> {
  const { tf, name, skipped } = await chooseTrainingBackend('auto');
  const filter = tf.variable(tf.ones([3, 3, 1, 2]));
  const { grads } = tf.variableGrads(() => tf.conv2d(tf.ones([2, 5, 5, 1]) as never, filter as never, 2, 'same').sum() as never, [filter]);
  console.log(JSON.stringify({ name, backend: tf.getBackend(), skipped, filterGradient: Array.from(await grads[filter.name].data()) }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
