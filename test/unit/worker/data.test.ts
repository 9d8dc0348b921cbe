import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { customData } from '../../../src/worker/data/custom-data';
import { SanityFailure } from '../../../src/worker/errors';
import { describeModel, isMnistShaped, syntheticCounts, syntheticData, type ModelShape } from '../../../src/worker/data/training-data';

const CLASSIFY3: ModelShape = { input: [2], units: 3, task: 'classification' };

function examples(n: number): { xs: number[][]; ys: number[] } {
  return { xs: Array.from({ length: n }, (_, i) => [i, 2 * i]), ys: Array.from({ length: n }, (_, i) => i % 3) };
}

describe('sanityData convention', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('takes { xs, ys } arrays, one-hots class indices and holds out the last 20%', async () => {
    const data = await customData(tf, () => examples(10), CLASSIFY3, false, 'm.ts');
    assert.deepEqual([data.xs.shape, data.ys.shape, data.testXs.shape, data.testYs.shape], [[8, 2], [8, 3], [2, 2], [2, 3]]);
    assert.deepEqual(Array.from(data.testYs.argMax(-1).dataSync()), [8 % 3, 9 % 3]);
    assert.equal(data.source, 'custom');
  });

  it('keeps class indices for a sparse loss', async () => {
    const data = await customData(tf, () => examples(10), CLASSIFY3, true, 'm.ts');
    assert.deepEqual(data.ys.shape, [8, 1]);
  });

  it('uses an explicit validation set', async () => {
    const data = await customData(tf, async () => ({ ...examples(6), validation: examples(4) }), CLASSIFY3, false, 'm.ts');
    assert.deepEqual([data.xs.shape[0], data.testXs.shape[0]], [6, 4]);
  });

  it('reads a tf.data.Dataset of single examples and of batches alike', async () => {
    const { xs, ys } = examples(10);
    const single = tf.data.array(xs.map((x, i) => ({ xs: tf.tensor1d(x), ys: tf.oneHot(ys[i], 3) })));
    const batched = single.batch(4);
    for (const dataset of [single, batched]) {
      const data = await customData(tf, () => dataset, CLASSIFY3, false, 'm.ts');
      assert.deepEqual([data.xs.shape, data.testXs.shape], [[8, 2], [2, 2]]);
      assert.deepEqual(Array.from(data.xs.dataSync().slice(0, 4)), [0, 0, 1, 2]);
    }
  });

  const bad: { title: string; provider: () => unknown; reason: string; message: RegExp }[] = [
    { title: 'a provider that throws', provider: () => { throw new Error('no data'); }, reason: 'threw', message: /sanityData\(\) threw: Error: no data/ },
    { title: 'the wrong shape of value', provider: () => [1, 2, 3], reason: 'badInput', message: /must return \{ xs, ys \}/ },
    { title: 'ragged arrays', provider: () => ({ xs: [[1, 2], [3]], ys: [0, 1] }), reason: 'badInput', message: /xs is not a rectangular numeric array/ },
    { title: 'mismatched counts', provider: () => ({ xs: [[1, 2], [3, 4], [5, 6]], ys: [0, 1] }), reason: 'badInput', message: /xs has 3 examples and ys 2/ },
  ];
  for (const b of bad) {
    it(`rejects ${b.title} with a clear message`, async () => {
      await assert.rejects(customData(tf, b.provider, CLASSIFY3, false, 'm.ts'), (err: unknown) => err instanceof SanityFailure && err.reason === b.reason && b.message.test(err.message));
    });
  }
});

describe('built-in data', () => {
  it('recognises MNIST-shaped models only', () => {
    const rows: [ModelShape, boolean][] = [
      [{ input: [28, 28, 1], units: 10, task: 'classification' }, true],
      [{ input: [784], units: 10, task: 'classification' }, true],
      [{ input: [28, 28], units: 10, task: 'classification' }, true],
      [{ input: [28, 28, 3], units: 10, task: 'classification' }, false],
      [{ input: [784], units: 10, task: 'regression' }, false],
      [{ input: [784], units: 2, task: 'classification' }, false],
    ];
    for (const [shape, expected] of rows) {
      assert.equal(isMnistShaped(shape), expected, JSON.stringify(shape));
    }
  });

  it('reads the task from the output activation', () => {
    const softmax = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: 'softmax' })] });
    const linear = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [5] })] });
    assert.deepEqual(describeModel(softmax), { input: [3], units: 4, task: 'classification' });
    assert.deepEqual(describeModel(linear), { input: [5], units: 2, task: 'regression' });
  });

  it('makes synthetic classification data with a held-out split and every class present', () => {
    const data = syntheticData(tf, { input: [6, 6, 1], units: 5, task: 'classification' }, 1, false);
    assert.deepEqual([data.xs.shape, data.ys.shape, data.testXs.shape], [[2048, 6, 6, 1], [2048, 5], [512, 6, 6, 1]]);
    assert.equal(new Set(data.ys.argMax(-1).dataSync()).size, 5);
  });

  it('is repeatable for a seed', () => {
    const shape: ModelShape = { input: [3], units: 1, task: 'regression' };
    const a = syntheticData(tf, shape, 7, false);
    const b = syntheticData(tf, shape, 7, false);
    assert.deepEqual(Array.from(a.ys.dataSync()), Array.from(b.ys.dataSync()));
  });
});

describe('how many synthetic examples an input gets', () => {
  const rows: [string, number, { total: number; train: number }][] = [
    ['a small vector: the full 2,048 + 512', 16, { total: 2560, train: 2048 }],
    ['an MNIST-sized image: 64 MB of floats', 28 * 28 + 10, { total: 2560, train: 2048 }],
    ['a 128×128×3 image: fewer, to stay in 64 MB', 128 * 128 * 3 + 2, { total: 341, train: 273 }],
    ['a 512×512×3 image: never fewer than 80', 512 * 512 * 3 + 2, { total: 80, train: 64 }],
    ['a stack of frames 4,864×256×3: 20, not 80 (80 took longer than a budget to make)', 4864 * 256 * 3 + 2, { total: 20, train: 16 }],
  ];
  for (const [title, floats, expected] of rows) {
    it(title, () => assert.deepEqual(syntheticCounts(floats), expected));
  }
});
