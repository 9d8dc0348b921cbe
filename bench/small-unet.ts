import type * as tfjs from '@tensorflow/tfjs';

/**
 * A U-Net-sized segmentation model (written for the benches): 64×64×1 in, three down blocks (two 3×3
 * conv + relu, 2×2 max pool) of 16-32-64 filters, a 128-filter bottom, three up blocks (upSampling2d,
 * concatenate with the skip, two 3×3 convs), a 1×1 sigmoid mask out. About 0.47 M parameters, with the
 * large activations and skip connections that make U-Nets heavier per parameter than classifiers.
 */
export function createSmallUnet(tf: typeof tfjs, seed = 1): tfjs.LayersModel {
  let offset = 0;
  const conv = (filters: number, x: tfjs.SymbolicTensor) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed * 100 + ++offset }) }).apply(x) as tfjs.SymbolicTensor;
  const block = (filters: number, x: tfjs.SymbolicTensor) => conv(filters, conv(filters, x));
  const input = tf.input({ shape: [64, 64, 1] });
  const skips: tfjs.SymbolicTensor[] = [];
  let x = input;
  for (const filters of [16, 32, 64]) {
    x = block(filters, x);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfjs.SymbolicTensor;
  }
  x = block(128, x);
  for (const filters of [64, 32, 16]) {
    const up = tf.layers.upSampling2d({ size: [2, 2] }).apply(x) as tfjs.SymbolicTensor;
    x = block(filters, tf.layers.concatenate().apply([up, skips.pop() as tfjs.SymbolicTensor]) as tfjs.SymbolicTensor);
  }
  const mask = tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(x) as tfjs.SymbolicTensor;
  return tf.model({ inputs: input, outputs: mask });
}
