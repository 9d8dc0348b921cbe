import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { describeStepFailure, failureAdvice } from '../../../src/worker/training/step-error';
import { untrainableNorms, gradientError } from '../../../src/worker/training/untrainable-norms';

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

  it("a layer whose backward pass needs an op tfjs has no gradient for: named, and said to fail in the program too", () => {
    const net = tf.sequential({ layers: [tf.layers.conv3dTranspose({ inputShape: [2, 2, 2, 1], filters: 1, kernelSize: 2, name: 'up' }), tf.layers.flatten()] });
    const volume = tf.ones([1, 2, 2, 2, 1]);
    const failure = describeStepFailure(tf, net, volume, new Error('Cannot compute gradient: gradient function not found for Conv3DBackpropInputV2.'), sources);
    assert.match(failure?.message ?? '', /^training failed in layer "up" \(Conv3DTranspose\), in its backward pass: tfjs said "Cannot compute gradient: gradient function not found for Conv3DBackpropInputV2\."; tfjs has no gradient for Conv3DBackpropInputV2, so this layer cannot train in your program either$/);
    tf.dispose([volume]);
    net.dispose();
  });

  it('a stacked GRU over a sequence of one step, whose backward pass tfjs cannot do: named, with the likely transposed shape', () => {
    const net = tf.sequential({ layers: [tf.layers.gru({ inputShape: [1, 6], units: 3, returnSequences: true }), tf.layers.gru({ units: 2, name: 'second' })] });
    const seq = tf.ones([2, 1, 6]);
    const failure = describeStepFailure(tf, net, seq, new Error('Argument tensors passed to stack must be a `Tensor[]` or `TensorLike[]`'), sources);
    assert.match(failure?.message ?? '', /^training failed in layer "gru_GRU\d+" \(GRU\), in its backward pass: tfjs said "Argument tensors passed to stack must be a `Tensor\[\]` or `TensorLike\[\]`"; its input is a sequence of one time step, .*inputShape \[60, 1\], not \[1, 60\]\)$/);
    tf.dispose([seq]);
    net.dispose();
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

describe('describeStepFailure in inference (the first forward pass)', () => {
  it('a rank-5 BatchNormalization that only inference fails on: named, with the rank limit and RunningBatchNorm as the fix', () => {
    const model = tf.sequential({ layers: [tf.layers.conv3d({ inputShape: [3, 3, 3, 1], filters: 2, kernelSize: 1 }), tf.layers.batchNormalization(), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
    const x = tf.ones([2, 3, 3, 3, 1]);
    let err: unknown;
    try {
      model.predict(x);
    } catch (e) {
      err = e;
    }
    const failure = describeStepFailure(tf, model, x, err, new Map(), 'inference');
    assert.match(failure?.message ?? '', /^running the model failed in layer "batch_normalization_BatchNormalization\d+" \(BatchNormalization\), in its forward pass: tfjs said "batchNormalization is not implemented for array of rank 5 yet"; tfjs implements BatchNormalization for inputs of rank 2 to 4 only/);
    tf.dispose([x]);
    model.dispose();
  });
});

describe('failureAdvice for a softmax off the last axis', () => {
  const rows = [
    { axis: 1, flagged: true },
    { axis: 3, flagged: false },
    { axis: -1, flagged: false },
  ];
  for (const row of rows) {
    it(`Softmax over axis ${row.axis} of a rank-4 input: ${row.flagged ? 'advice to move the axis last' : 'none'}`, () => {
      const model = tf.sequential({ layers: [tf.layers.softmax({ inputShape: [3, 3, 2], axis: row.axis })] });
      const advice = failureAdvice(model.layers[0]);
      assert.equal(advice !== undefined, row.flagged);
      if (advice) {
        assert.match(advice, /^tfjs computes softmax only along the last axis, in your program too/);
      }
      model.dispose();
    });
  }
});

describe('failureAdvice and untrainableNorms (BatchNormalization tfjs cannot train)', () => {
  const net = (axis: number, shape: number[]) => tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: shape, axis }), ...(shape.length > 1 ? [tf.layers.flatten()] : []), tf.layers.dense({ units: 2 })] });
  const rows: { title: string; axis: number; shape: number[]; flagged: boolean }[] = [
    { title: 'axis 1 of an image (channels-first)', axis: 1, shape: [2, 5, 5], flagged: true },
    { title: 'axis 2 of an image', axis: 2, shape: [2, 5, 5], flagged: true },
    { title: 'axis 1 of a sequence', axis: 1, shape: [3, 5], flagged: true },
    { title: 'the last axis named by number', axis: 3, shape: [5, 5, 2], flagged: false },
    { title: 'the last axis as -1', axis: -1, shape: [5, 5, 2], flagged: false },
    { title: 'axis 1 of a vector (its last)', axis: 1, shape: [4], flagged: false },
    { title: 'the last axis of a volume (rank 5)', axis: -1, shape: [3, 3, 3, 2], flagged: true },
    { title: 'axis 1 of a volume (rank 5)', axis: 1, shape: [2, 3, 3, 3], flagged: true },
  ];
  for (const row of rows) {
    it(`${row.title}: ${row.flagged ? 'flagged, with RunningBatchNorm as the fix' : 'trains'}`, () => {
      const model = net(row.axis, row.shape);
      const advice = failureAdvice(model.layers[0]);
      assert.equal(advice !== undefined, row.flagged);
      assert.deepEqual(untrainableNorms(model).map((n) => n.layer.name), row.flagged ? [model.layers[0].name] : []);
      if (advice && row.shape.length === 4) {
        assert.equal(advice, "tfjs implements BatchNormalization for inputs of rank 2 to 4 only, and this one's input has rank 5: convert it to RunningBatchNorm, which normalises inputs of any rank");
      } else if (advice) {
        assert.match(advice, /convert it to RunningBatchNorm, which normalises any axis, or use channels-last data with axis: -1$/);
      }
      model.dispose();
    });
  }

  it("a nested model's layer is found", () => {
    const inner = net(1, [2, 5, 5]);
    const outer = tf.sequential({ layers: [inner] });
    assert.deepEqual(untrainableNorms(outer).map((n) => n.layer.name), [inner.layers[0].name]);
    outer.dispose();
  });

  it("one gradient through the model: tfjs's error for axis 1 of an image, none for the last axis, and the moving statistics put back", () => {
    const bad = net(1, [2, 5, 5]);
    const good = net(-1, [5, 5, 2]);
    const before = bad.layers[0].getWeights().map((w) => Array.from(w.dataSync()));
    const x = tf.randomNormal([4, 2, 5, 5]);
    assert.match(gradientError(tf, bad, x)?.message ?? '', /must match the product of shape/);
    assert.deepEqual(bad.layers[0].getWeights().map((w) => Array.from(w.dataSync())), before);
    const y = tf.randomNormal([4, 5, 5, 2]);
    assert.equal(gradientError(tf, good, y), undefined);
    tf.dispose([x, y]);
    bad.dispose();
    good.dispose();
  });
});
