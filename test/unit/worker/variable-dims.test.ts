import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { concreteShapes, VARIABLE_LENGTHS } from '../../../src/worker/data/variable-dims';

/** A conv net over [time, bins, 1] whose valid kernel spans `kernelTime` frames: shorter inputs cannot run. */
function timeConv(kernelTime: number, inputShape: (number | null)[] = [null, 6, 1]): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 2, kernelSize: [kernelTime, 3], padding: 'valid', inputShape }),
      tf.layers.reshape({ targetShape: [-1, 8] }),
      tf.layers.dense({ units: 3, activation: 'sigmoid' }),
    ],
  });
}

describe('concreteShapes (variable input dimensions)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('known shapes pass through without a note', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [5] })] });
    assert.deepEqual(concreteShapes(tf, model), { inputs: [[5]], outputs: [[2]] });
  });

  it('a variable time axis gets the first length that runs, and the outputs follow from it', () => {
    const rows: { kernel: number; input: number[]; output: number[] }[] = [
      { kernel: 3, input: [16, 6, 1], output: [14, 3] },
      // 20 frames do not fit in 16: the next length.
      { kernel: 20, input: [32, 6, 1], output: [13, 3] },
    ];
    for (const row of rows) {
      const shapes = concreteShapes(tf, timeConv(row.kernel));
      assert.deepEqual(shapes.inputs, [row.input], `kernel ${row.kernel}`);
      assert.deepEqual(shapes.outputs, [row.output], `kernel ${row.kernel}`);
      assert.equal(shapes.note, `ran the model's input [null, 6, 1] as [${row.input.join(', ')}]: a variable dimension needs one length for synthetic data (export sanityData() to train on your own lengths)`);
    }
  });

  it('no length works: one line that says which were tried and what to do', () => {
    const longest = VARIABLE_LENGTHS[VARIABLE_LENGTHS.length - 1];
    assert.throws(
      () => concreteShapes(tf, timeConv(longest + 1)),
      (err: Error) => /^the model's input shape \[null, 6, 1\] has variable dimensions and it runs at none of the lengths 16, 32, 64 \(.+\); give the first layer a full inputShape or export a sanityData\(\)$/.test(err.message) && !err.message.includes('\n'),
    );
  });
});
