import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { fuseAdamUpdates } from '../../../src/worker/backends/fused-adam';
import { randomValues, relativeError, useWasmBackend } from './kernel-harness';

const shapes = [[3, 3, 2, 4], [4], [10, 3]];

/** Variables of the given shapes with seeded values, and `steps` sets of seeded gradients for them. */
function problem(steps: number): { initial: Float32Array[]; gradients: Float32Array[][] } {
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b));
  return {
    initial: sizes.map((n, i) => Float32Array.from(randomValues(n, 500 + i))),
    gradients: Array.from({ length: steps }, (_, step) => sizes.map((n, i) => Float32Array.from(randomValues(n, 600 + 10 * step + i)))),
  };
}

/** Runs Adam for every step of `p` on `backend` and returns the final variables and the optimizer's weights. */
async function runAdam(backend: 'cpu' | 'wasm', fused: boolean, p: ReturnType<typeof problem>, config = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }) {
  await tf.setBackend(backend);
  const variables = p.initial.map((values, i) => tf.variable(tf.tensor(values, shapes[i])));
  const optimizer = tf.train.adam(config.lr, config.beta1, config.beta2, config.epsilon);
  if (fused) {
    fuseAdamUpdates(optimizer);
  }
  for (const step of p.gradients) {
    tf.tidy(() => optimizer.applyGradients(Object.fromEntries(variables.map((v, i) => [v.name, tf.tensor(step[i], shapes[i])])) as unknown as Parameters<typeof optimizer.applyGradients>[0]));
  }
  const weights = await optimizer.getWeights();
  const result = {
    values: variables.map((v) => v.dataSync().slice()),
    weightNames: weights.map((w) => w.name.replace(/^.*?(\/[mv])?$/, (_, suffix: string | undefined) => suffix ?? 'iter')),
    moments: weights.slice(1).map((w) => w.tensor.dataSync().slice()),
    iterations: optimizer.iterations,
  };
  optimizer.dispose();
  tf.dispose(variables);
  return result;
}

describe('fused Adam update on wasm (one kernel per variable)', () => {
  before(() => useWasmBackend());

  it('gives tfjs Adam’s variables and moments (cpu backend) over 5 steps, float32 to the last bits', async () => {
    const p = problem(5);
    const fused = await runAdam('wasm', true, p);
    const reference = await runAdam('cpu', false, p);
    fused.values.forEach((v, i) => assert.ok(relativeError(v, reference.values[i]) < 1e-6, `variable ${i}: ${relativeError(v, reference.values[i])}`));
    fused.moments.forEach((m, i) => assert.ok(relativeError(m, reference.moments[i]) < 1e-6, `moment ${i}`));
    assert.deepEqual(fused.weightNames, reference.weightNames, 'the optimizer keeps its state under tfjs’s names (iter, …/m, …/v)');
    assert.equal(fused.iterations, 5);
  });

  it('follows other settings too (beta1 0.5, beta2 0.9, epsilon 1e-3)', async () => {
    const p = problem(3);
    const config = { lr: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 };
    const fused = await runAdam('wasm', true, p, config);
    const reference = await runAdam('cpu', false, p, config);
    fused.values.forEach((v, i) => assert.ok(relativeError(v, reference.values[i]) < 1e-6));
  });

  it('runs one kernel per variable instead of tfjs’s ~13, and leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const variables = shapes.map((s, i) => tf.variable(tf.tensor(Float32Array.from(randomValues(s.reduce((a, b) => a * b), 700 + i)), s)));
    const optimizer = fuseAdamUpdates(tf.train.adam(0.01));
    const step = () => tf.tidy(() => optimizer.applyGradients(Object.fromEntries(variables.map((v) => [v.name, tf.onesLike(v)])) as unknown as Parameters<typeof optimizer.applyGradients>[0]));
    step();
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => step());
    assert.equal(profile.kernels.filter((k) => k.name === 'RbnAdamUpdate').length, shapes.length);
    assert.ok(profile.kernels.length <= 2 * shapes.length, `${profile.kernels.length} kernels`);
    assert.equal(tf.memory().numTensors, before);
    optimizer.dispose();
    tf.dispose(variables);
  });

  it('leaves other optimizers and Adam subclasses alone, and keeps tfjs’s update off wasm', async () => {
    const sgd = tf.train.sgd(0.1);
    const sgdUpdate = sgd.applyGradients;
    assert.equal(fuseAdamUpdates(sgd).applyGradients, sgdUpdate);
    class MyAdam extends tf.AdamOptimizer {}
    const mine = new MyAdam(0.1, 0.9, 0.999);
    const mineUpdate = mine.applyGradients;
    assert.equal(fuseAdamUpdates(mine).applyGradients, mineUpdate);
    const p = problem(2);
    const onCpu = await runAdam('cpu', true, p);
    const reference = await runAdam('cpu', false, p);
    onCpu.values.forEach((v, i) => assert.deepEqual(Array.from(v), Array.from(reference.values[i])));
  });
});
