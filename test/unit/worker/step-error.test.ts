import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { describeStepFailure } from '../../../src/worker/training/step-error';

/** A layer that throws when it runs, as a layer tfjs cannot run does. */
class Broken extends tf.layers.Layer {
  static get className(): string {
    return 'Broken';
  }
  override call(): tf.Tensor {
    throw new Error('layer broke');
  }
}

/** Throws tfjs's channels-first error, its size that of the batch it got (as BatchNormalization over axis 1 does). */
class SizeMismatch extends tf.layers.Layer {
  static get className(): string {
    return 'SizeMismatch';
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    throw new Error(`Size(${input.size * 16}) must match the product of shape 1,2,1,1`);
  }
}

describe('describeStepFailure (which layer a failing step failed in)', () => {
  const x = tf.zeros([2, 4]);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, name: 'first' }), new Broken({ name: 'broken' }), tf.layers.dense({ units: 2 })] });
  const sources = new Map([['broken', { file: '/p/net.js', line: 12 }]]);
  after(() => tf.dispose([x]));

  it('the layer that throws the same error on its own: named, with its line and the pass', () => {
    const failure = describeStepFailure(tf, model, x, new Error('layer broke'), sources);
    assert.equal(failure?.message, 'training failed in layer "broken" (Broken) built at /p/net.js:12, in its forward pass: tfjs said "layer broke"');
  });

  it('the same error with other sizes (the replay batch is not the step batch) still names the layer', () => {
    const sized = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 }), new SizeMismatch({ name: 'broken' })] });
    const failure = describeStepFailure(tf, sized, x, new Error('Size(448) must match the product of shape 1,2,1,1'), sources);
    assert.equal(failure?.message, 'training failed in layer "broken" (SizeMismatch) built at /p/net.js:12, in its forward pass: tfjs said "Size(448) must match the product of shape 1,2,1,1"');
    sized.dispose();
  });

  it('a layer that throws something else on its own is not named: the model failed, no layer said', () => {
    const failure = describeStepFailure(tf, model, x, new Error('Total size of new array must be unchanged.'), sources);
    assert.equal(failure?.message, 'your model failed in a training step: tfjs said "Total size of new array must be unchanged." (replaying the step layer by layer did not show which layer)');
  });

  it("a loss with no gradient in tfjs (tf.less in a custom loss): the loss is named as the cause", () => {
    const healthy = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
    const failure = describeStepFailure(tf, healthy, x, new Error('Cannot compute gradient: gradient function not found for Less.'), sources);
    assert.equal(failure?.message, 'your model\'s loss needs the gradient of Less, which tfjs does not have (tfjs said "Cannot compute gradient: gradient function not found for Less."): a custom loss that uses tf.less (or a comparison, rounding or argMax) cannot be trained, in your program either; write it with differentiable ops');
    healthy.dispose();
  });

  it('no layer throws on its own (the loss or the targets): not explained here', () => {
    const healthy = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
    assert.equal(describeStepFailure(tf, healthy, x, new Error('Error when checking target'), sources), undefined);
    healthy.dispose();
  });
});
