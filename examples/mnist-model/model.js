// A small CNN for 28x28 MNIST digits. Its BatchNormalization layers normalise each batch with that
// batch's own statistics, which breaks down at small batch sizes. Right-click a batchNormalization line
// and choose "Convert to RunningBatchNorm", or press Ctrl+. on it. Click "Sanity-train" above
// createModel to train it briefly and compare the two.
const tf = require('@tensorflow/tfjs');

function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same', useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: false }));
  model.add(tf.layers.batchNormalization({ momentum: 0.99 }));
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

module.exports = { createModel };
