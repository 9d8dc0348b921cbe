import type * as tfjs from '@tensorflow/tfjs';

/**
 * A DCGAN-shaped generator (the shape of public tfjs GAN examples, written here from scratch): a
 * 100-d code, dense to 4×4×512, then three blocks of upSampling2d + conv2dTranspose (5×5) +
 * batchNormalization + relu to 32×32×64, and a strided conv2dTranspose to a 64×64×3 tanh image
 * (5.1 M parameters). Its first training step on wasm used to take minutes: transposed convolutions
 * and their gradients, and up-sampling's gradient, are the kernels the bench watches.
 * The PyTorch twin is in bench/training-speed-torch.py.
 */
export function createDcganGenerator(tf: typeof tfjs, seed = 1): tfjs.Sequential {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed * 100 + offset });
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [100], units: 4 * 4 * 512, kernelInitializer: init(1) }));
  model.add(tf.layers.reshape({ targetShape: [4, 4, 512] }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  [256, 128, 64].forEach((filters, i) => {
    model.add(tf.layers.upSampling2d({ size: [2, 2] }));
    model.add(tf.layers.conv2dTranspose({ filters, kernelSize: 5, padding: 'same', kernelInitializer: init(2 + i) }));
    model.add(tf.layers.batchNormalization());
    model.add(tf.layers.activation({ activation: 'relu' }));
  });
  model.add(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 5, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: init(9) }));
  return model;
}
