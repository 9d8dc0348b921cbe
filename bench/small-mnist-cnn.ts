import type * as tfjs from '@tensorflow/tfjs';

/**
 * The small MNIST CNN of issue 5 (4 convs 8-16-32-32): the model the training-speed bench, the
 * PyTorch anchor (bench/training-speed-torch.py, same layers) and the wasm tests train.
 */
export function createSmallMnistCnn(tf: typeof tfjs, seed = 1): tfjs.Sequential {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed * 100 + offset });
  const conv = (filters: number, offset: number, inputShape?: number[]) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(offset), ...(inputShape ? { inputShape } : {}) });
  const model = tf.sequential();
  model.add(conv(8, 1, [28, 28, 1]));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(conv(16, 2));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(conv(32, 3));
  model.add(conv(32, 4));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(5) }));
  return model;
}
