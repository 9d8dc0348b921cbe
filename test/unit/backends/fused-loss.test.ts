import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { fuseLossFunctions } from '../../../src/worker/backends/fused-loss';
import { relativeError, randomValues, useWasmBackend } from './kernel-harness';

/** Predictions (softmax rows, rows that do not sum to 1, values clipped at ε and 1 − ε) and targets (one-hot, soft, int32). */
const cases: { name: string; rows: number; classes: number; pred: (v: number, i: number) => number; soft?: boolean; int?: boolean }[] = [
  { name: 'softmax output, one-hot float targets', rows: 8, classes: 10, pred: (v) => v },
  { name: 'rows that do not sum to 1, soft targets', rows: 5, classes: 4, pred: (v) => Math.abs(v) * 3 + 0.1, soft: true },
  { name: 'saturated outputs (clipped: no gradient there)', rows: 4, classes: 3, pred: (_, i) => (i % 3 === 0 ? 1 : 0), soft: true },
  { name: 'int32 one-hot targets (tf.oneHot)', rows: 6, classes: 5, pred: (v) => v, int: true },
];

/** The per-example loss and the gradients of Σ loss·w with respect to the predictions, on `backend`. */
async function lossAndGradient(backend: 'cpu' | 'wasm', c: (typeof cases)[number], fused: boolean) {
  await tf.setBackend(backend);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: c.classes, activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  if (fused) {
    assert.equal(fuseLossFunctions(model), 1);
  }
  // A Sequential keeps its compiled loss functions on its inner model.
  const lossFn = (model as unknown as { model: { lossFunctions: ((t: tf.Tensor, p: tf.Tensor) => tf.Tensor)[] } }).model.lossFunctions[0];
  const size = c.rows * c.classes;
  const raw = randomValues(size, 70 + c.classes);
  const logits = tf.tensor2d(Float32Array.from(raw, (v, i) => c.pred(v, i)), [c.rows, c.classes]);
  const pred = c.pred === cases[0].pred || c.int ? tf.softmax(logits) : logits;
  const labels = Array.from({ length: c.rows }, (_, r) => r % c.classes);
  const target = c.soft ? tf.tensor2d(Float32Array.from(randomValues(size, 90), Math.abs), [c.rows, c.classes]) : tf.oneHot(tf.tensor1d(labels, 'int32'), c.classes);
  const targetTyped = c.int || c.soft ? target : tf.cast(target, 'float32');
  const w = tf.tensor1d(Float32Array.from(randomValues(c.rows, 95), (v) => v + 2));
  const before = tf.memory().numTensors;
  const loss = lossFn(targetTyped, pred);
  const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(lossFn(targetTyped, p), w)))(pred);
  const result = { loss: loss.dataSync().slice(), grad: grad.dataSync().slice(), shape: loss.shape };
  tf.dispose([loss, grad]);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([logits, pred, target, targetTyped, w]);
  model.dispose();
  return { ...result, leaked };
}

describe('fused categorical cross-entropy on wasm', () => {
  before(() => useWasmBackend());

  for (const c of cases) {
    it(`${c.name}: loss and gradient equal tfjs-layers' on cpu`, async () => {
      const fused = await lossAndGradient('wasm', c, true);
      const reference = await lossAndGradient('cpu', c, false);
      assert.deepEqual(fused.shape, [c.rows]);
      assert.ok(relativeError(fused.loss, reference.loss) < 1e-6, `loss ${relativeError(fused.loss, reference.loss)}`);
      assert.ok(relativeError(fused.grad, reference.grad) < 1e-5, `gradient ${relativeError(fused.grad, reference.grad)}`);
      assert.equal(fused.leaked, 0);
    });
  }

  it('runs one kernel each way on wasm, and tfjs-layers’ own code on cpu; model.loss still names the loss', async () => {
    const kernelsOn = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3, activation: 'softmax' })] });
      model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      fuseLossFunctions(model);
      assert.equal(model.loss, 'categoricalCrossentropy');
      const x = tf.ones([2, 2]);
      const y = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
      const names = (await tf.profile(async () => {
        await model.trainOnBatch(x, y);
      })).kernelNames;
      tf.dispose([x, y]);
      model.dispose();
      return names;
    };
    const wasm = await kernelsOn('wasm');
    assert.ok(wasm.includes('RbnCategoricalCrossentropy') && wasm.includes('RbnCategoricalCrossentropyGrad') && !wasm.includes('ClipByValue'), wasm.join());
    const cpu = await kernelsOn('cpu');
    assert.ok(cpu.includes('ClipByValue') && !cpu.includes('RbnCategoricalCrossentropy'), cpu.join());
  });

  it('leaves other losses alone', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    assert.equal(fuseLossFunctions(model), 0);
    model.dispose();
  });
});
