import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { checkLayerShapes } from '../../../src/worker/loading/model-checks';

describe('checkLayerShapes (a layer whose size tfjs computed as NaN from its config)', () => {
  const net = (size: unknown) => {
    const input = tf.input({ shape: [8, 8, 3] });
    const pooled = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(input) as tf.SymbolicTensor;
    const up = tf.layers.upSampling2d({ size: size as number[], name: 'up' }).apply(pooled) as tf.SymbolicTensor;
    const out = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'out' }).apply(up) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  };
  const sources = new Map([['up', { file: '/p/unet.js', line: 9 }]]);

  it('upSampling2d({ size: 2 }): the layer, its line, and the [rows, cols] tfjs wants', () => {
    assert.throws(() => checkLayerShapes(net(2), sources), {
      message: 'layer "up" (UpSampling2D) built at /p/unet.js:9 has output shape [NaN, NaN, 3]: tfjs\'s upSampling2d takes size as [rows, cols] (size: [2, 2]); the number 2 makes its sizes NaN, in your program too',
    });
  });

  it('upSampling2d({ size: [2, 2] }) passes', () => {
    assert.doesNotThrow(() => checkLayerShapes(net([2, 2]), sources));
  });

  it('a layer without a known line is still named', () => {
    assert.throws(() => checkLayerShapes(net(3), new Map()), /layer "up" \(UpSampling2D\) has output shape \[NaN, NaN, 3\]/);
  });
});
