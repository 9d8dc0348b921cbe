import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import type { LayerTelemetry } from '../../../src/core/training/protocol';
import { createRandom, gaussian } from '../../../src/worker/random';
import { TelemetryCollector } from '../../../src/worker/telemetry/collector';
import { GradientExplosionDetector } from '../../../src/worker/telemetry/gradient-explosions';
import { chooseHistogramRange, HISTOGRAM_BINS, histogramCounts, NEAR_ZERO } from '../../../src/worker/telemetry/layer-stats';
import { isSampledStep, sampleStride } from '../../../src/worker/telemetry/sampling';
import { trainRun } from '../../../src/worker/training/train-run';
import { describeModel, syntheticData } from '../../../src/worker/data/training-data';

type Matrix = number[][];

const matmul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const transpose = (a: Matrix): Matrix => a[0].map((_, j) => a.map((row) => row[j]));
const addBias = (a: Matrix, b: number[]): Matrix => a.map((row) => row.map((v, j) => v + b[j]));
const sumSq = (values: number[]) => values.reduce((s, v) => s + v * v, 0);

/** mean, population std and near-zero fraction in float64 of the finite values. */
function reference(values: number[]): { mean: number; std: number; nearZero: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, nearZero: values.filter((v) => Math.abs(v) <= NEAR_ZERO).length / values.length };
}

/** Rows × cols standard normals from a seeded generator. */
function normals(rows: number, cols: number, seed: number): Matrix {
  const random = createRandom(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => gaussian(random)));
}

function close(actual: number | null, expected: number, what: string, rel = 2e-4): void {
  assert.ok(actual !== null, `${what}: null, expected ${expected}`);
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(Math.abs(expected), 1e-3), `${what}: ${actual} vs float64 ${expected}`);
}

/** dense(3→4, relu) → dense(4→2), MSE, plain SGD: small enough to differentiate by hand. */
function tinyModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.randomNormal({ seed: 3 }), biasInitializer: tf.initializers.constant({ value: 0.1 }) }));
  model.add(tf.layers.dense({ units: 2, name: 'out', kernelInitializer: tf.initializers.randomNormal({ seed: 4 }) }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  return model;
}

/** One sampled step through the collector; the weights before it, as float64 matrices. */
async function observedStep(model: tf.Sequential, x: Matrix, y: Matrix): Promise<{ layers: LayerTelemetry[]; w1: Matrix; b1: number[]; w2: Matrix; b2: number[] }> {
  const [w1, b1, w2, b2] = model.getWeights().map((w) => w.arraySync()) as [Matrix, number[], Matrix, number[]];
  const collector = new TelemetryCollector(tf, model, 1, new Map());
  const xs = tf.tensor2d(x);
  const ys = tf.tensor2d(y);
  collector.beforeStep(1);
  await model.trainOnBatch(xs, ys);
  collector.afterStep(1);
  tf.dispose([xs, ys]);
  return { layers: collector.finish(), w1, b1, w2, b2 };
}

describe('telemetry: per-layer statistics', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('output stats, weight and gradient norms match a float64 reference of the same step', async () => {
    const model = tinyModel();
    const x = normals(6, 3, 11);
    const y = normals(6, 2, 12);
    const { layers, w1, b1, w2, b2 } = await observedStep(model, x, y);
    // Forward and backward by hand, in float64.
    const z = addBias(matmul(x, w1), b1);
    const h = z.map((row) => row.map((v) => Math.max(0, v)));
    const out = addBias(matmul(h, w2), b2);
    const dOut = out.map((row, i) => row.map((v, j) => (2 * (v - y[i][j])) / (x.length * 2)));
    const dW2 = matmul(transpose(h), dOut);
    const db2 = transpose(dOut).map((col) => col.reduce((a, b) => a + b, 0));
    const dZ = matmul(dOut, transpose(w2)).map((row, i) => row.map((v, j) => (z[i][j] > 0 ? v : 0)));
    const dW1 = matmul(transpose(x), dZ);
    const db1 = transpose(dZ).map((col) => col.reduce((a, b) => a + b, 0));
    const after = model.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(layers.map((l) => [l.name, l.className, l.steps]), [['hidden', 'Dense', [1]], ['out', 'Dense', [1]]]);
    const [hidden, output] = layers;
    for (const [layer, values] of [[hidden, h.flat()], [output, out.flat()]] as const) {
      const r = reference(values);
      close(layer.mean[0], r.mean, `${layer.name} mean`);
      close(layer.std[0], r.std, `${layer.name} std`);
      assert.equal(layer.nearZero[0], Number(r.nearZero.toPrecision(5)), `${layer.name} near-zero`);
      assert.deepEqual(layer.nonFinite, [0]);
    }
    close(hidden.gradNorm[0], Math.sqrt(sumSq(dW1.flat()) + sumSq(db1)), 'hidden gradient norm');
    close(output.gradNorm[0], Math.sqrt(sumSq(dW2.flat()) + sumSq(db2)), 'out gradient norm');
    close(hidden.weightNorm[0], Math.sqrt(sumSq(after[0]) + sumSq(after[1])), 'hidden weight norm (after the step)');
    close(output.weightNorm[0], Math.sqrt(sumSq(after[2]) + sumSq(after[3])), 'out weight norm (after the step)');
    // The update really used those gradients: W1 after = W1 - 0.1 dW1.
    after[0].forEach((v, i) => close(v, w1.flat()[i] - 0.1 * dW1.flat()[i], 'updated kernel', 1e-5));
    // The last hidden layer (before the output) gets the histogram: one row, every element counted.
    assert.equal(output.histogram, null);
    assert.deepEqual(hidden.histogram?.counts.map((row) => row.reduce((a, b) => a + b, 0)), [24]);
    model.dispose();
  });

  it('counts NaN/Inf elements and takes mean and std over the finite rest', async () => {
    const model = tinyModel();
    const x = normals(6, 3, 21);
    x[0][1] = NaN; // row 0 of every layer's output becomes NaN
    const { layers, w1, b1 } = await observedStep(model, x, normals(6, 2, 22));
    const [hidden, output] = layers;
    assert.deepEqual(hidden.nonFinite, [4]);
    assert.deepEqual(output.nonFinite, [2]);
    const finiteRows = x.slice(1);
    const h = addBias(matmul(finiteRows, w1), b1).map((row) => row.map((v) => Math.max(0, v)));
    const r = reference(h.flat());
    close(hidden.mean[0], r.mean, 'mean of the finite elements');
    close(hidden.std[0], r.std, 'std of the finite elements');
    assert.equal(hidden.nearZero[0], Number(((r.nearZero * 20) / 24).toPrecision(5)), 'near-zero is a share of all elements');
    // The gradient and the updated weights are NaN: recorded as null, never dropped.
    assert.deepEqual([hidden.gradNorm, hidden.weightNorm, output.gradNorm], [[null], [null], [null]]);
    model.dispose();
  });

  it('the same losses and weights with telemetry on and off (fixed seed, BatchNorm and dropout)', async () => {
    const build = () => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ inputShape: [5], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }));
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.dropout({ rate: 0.3 }));
      model.add(tf.layers.dense({ units: 6, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }));
      model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }));
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      return model;
    };
    const probe = build();
    const data = syntheticData(tf, describeModel(probe), 1, false);
    probe.dispose();
    const run = async (telemetry: boolean) => {
      const model = build();
      const sources = new Map();
      const report = await trainRun({ tf, model, data, norm: 'batchNormalization', steps: 40, batchSize: 4, seed: 1, sources, telemetry: telemetry ? new TelemetryCollector(tf, model, 40, sources) : undefined });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return { report, weights };
    };
    const before = tf.memory().numTensors;
    const off = await run(false);
    const between = tf.memory().numTensors;
    const on = await run(true);
    assert.deepEqual(on.report.losses, off.report.losses);
    assert.deepEqual(on.weights, off.weights);
    assert.equal(off.report.layers, undefined);
    const layers = on.report.layers ?? [];
    assert.deepEqual(layers.map((l) => l.className), ['Dense', 'BatchNormalization', 'Dropout', 'Dense', 'Dense']);
    assert.deepEqual(layers[0].steps, Array.from({ length: 40 }, (_, i) => i + 1));
    // Histograms: the normalisation layer and the last hidden layer (the tanh dense), every count accounted for.
    assert.deepEqual(layers.map((l) => l.histogram !== null), [false, true, false, true, false]);
    for (const l of layers.filter((x) => x.histogram)) {
      assert.equal(l.histogram?.counts.length, 40);
      l.histogram?.counts.forEach((row, i) => assert.equal(row.reduce((a, b) => a + b, 0) + l.nonFinite[i], 4 * (l.name.includes('batch') ? 8 : 6)));
    }
    // Each run leaves its optimizer's state behind (model.dispose() keeps it); telemetry adds nothing.
    assert.equal(tf.memory().numTensors - between, between - before, 'telemetry leaks no tensor');
    tf.dispose([data.xs, data.ys, data.testXs, data.testYs]);
  });

  it('names the first layer whose gradient norm grew more than 100x within 50 steps, before any NaN', async () => {
    // Linear regression with SGD past its stability limit: every step multiplies the error (and the
    // gradient) by about |1 - lr·2| = 2.2, so the gradient explodes long before anything overflows.
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [4], units: 1, name: 'linear', kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) }));
    model.compile({ optimizer: tf.train.sgd(1.6), loss: 'meanSquaredError' });
    const data = syntheticData(tf, describeModel(model), 2, false);
    assert.equal(data.task, 'regression');
    const sources = new Map([['linear', { file: '/p/model.ts', line: 7 }]]);
    const report = await trainRun({ tf, model, data, norm: 'none', steps: 40, batchSize: 16, seed: 1, sources, telemetry: new TelemetryCollector(tf, model, 40, sources) });
    const gradient = report.exploding.filter((e) => e.measure === 'gradient');
    assert.equal(gradient.length, 1, JSON.stringify(report.exploding));
    const { evidence, magnitude, confirmedBy, ...finding } = gradient[0];
    assert.deepEqual({ ...finding, growth: 0, step: 0 }, { step: 0, layer: 'linear', className: 'Dense', weight: 'linear/kernel, linear/bias', growth: 0, source: { file: '/p/model.ts', line: 7 }, measure: 'gradient' });
    // Reported because it is one: the norm grew to a large value (or its consequences followed).
    assert.match(evidence ?? '', /^the gradient norm of linear reached |^the largest weight of linear|^the loss rose|^followed by NaN/);
    assert.ok(gradient[0].growth > 100);
    assert.ok(report.nan === null || gradient[0].step < report.nan.step, 'before any NaN');
    // The growth it reports is the recorded series': the norm at that step over the median of the 50 steps before.
    const norms = report.layers?.[0].gradNorm ?? [];
    const at = gradient[0].step - 1;
    const before = norms.slice(Math.max(0, at - 50), at).filter((n): n is number => n !== null).sort((a, b) => a - b);
    const median = before.length % 2 === 1 ? before[before.length >> 1] : (before[before.length / 2 - 1] + before[before.length / 2]) / 2;
    assert.ok(Math.abs(gradient[0].growth - (norms[at] ?? 0) / Math.max(median, 1e-3)) <= 1e-3 * gradient[0].growth, `${gradient[0].growth} vs the series`);
    // What it grew to is the recorded norm at that step; what confirmed it matches the evidence.
    assert.ok(magnitude !== undefined && Math.abs(magnitude - (norms[at] ?? 0)) <= 1e-3 * magnitude, `${magnitude} vs ${norms[at]}`);
    const byEvidence = /reached/.test(evidence ?? '') && /^the gradient norm/.test(evidence ?? '') ? 'magnitude' : /^the largest weight/.test(evidence ?? '') ? 'weights' : /^the loss rose/.test(evidence ?? '') ? 'loss' : 'nonFinite';
    assert.equal(confirmedBy, byEvidence);
    tf.dispose([data.xs, data.ys, data.testXs, data.testYs]);
    model.dispose();
  });

  it('samples by the run’s current plan (the time budget), never more than 150 steps', () => {
    const sampledSteps = (plan: (step: number) => number, steps: number) => {
      const model = tinyModel();
      const collector = new TelemetryCollector(tf, model, 1000, new Map());
      for (let step = 1; step <= steps; step++) {
        collector.beforeStep(step, plan(step));
        collector.afterStep(step);
      }
      const layers = collector.finish();
      model.dispose();
      return layers[0]?.steps ?? [];
    };
    assert.deepEqual(sampledSteps(() => 100, 100), Array.from({ length: 100 }, (_, i) => i + 1), 'a budget of 100 steps: every step');
    const shrinking = sampledSteps((step) => (step < 100 ? 1000 : 400), 400);
    assert.ok(shrinking.length <= 150, `${shrinking.length} samples`);
    assert.deepEqual(shrinking.slice(0, 3), [1, 8, 15], 'stride 7 while 1000 steps were planned');
    assert.deepEqual(shrinking.slice(-3), [394, 397, 400], 'then every third step of the 400 planned');
  });

  it('removes its probes when finished', () => {
    const model = tinyModel();
    const collector = new TelemetryCollector(tf, model, 10, new Map());
    assert.ok(Object.prototype.hasOwnProperty.call(model.layers[0], 'apply'));
    collector.finish();
    assert.ok(!Object.prototype.hasOwnProperty.call(model.layers[0], 'apply'));
    assert.ok(!Object.prototype.hasOwnProperty.call(model.optimizer, 'applyGradients'));
    model.dispose();
  });
});

describe('telemetry: histograms', () => {
  it('bins finite values over the fixed range, edges take what lies beyond, NaN/Inf go nowhere', () => {
    const values = [-5, -1, -0.99, -0.5, 0, 0.001, 0.5, 0.9999, 1, 7, NaN, Infinity, -Infinity];
    const counts = tf.tidy(() => Array.from(histogramCounts(tf, tf.tensor1d(values), -1, 1).dataSync()));
    const expected = new Array<number>(HISTOGRAM_BINS).fill(0);
    for (const v of values.filter(Number.isFinite)) {
      expected[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(((v + 1) / 2) * HISTOGRAM_BINS)))] += 1;
    }
    assert.deepEqual(counts, expected);
    assert.equal(counts.reduce((a, b) => a + b, 0), 10);
    // A tfjs before 3.0 (a captured program's own) has no bincount: the same counts.
    const old = new Proxy(tf, { get: (target, key) => (key === 'bincount' ? undefined : Reflect.get(target, key)) });
    const counted = tf.tidy(() => Array.from(histogramCounts(old, tf.tensor1d(values), -1, 1).dataSync()));
    assert.deepEqual(counted, expected);
  });

  const ranges: { min: number; max: number; mean?: number; std?: number; expected: { min: number; max: number } }[] = [
    { min: -2, max: 2, expected: { min: -3, max: 3 } },
    { min: 0, max: 4, expected: { min: 0, max: 5 } },
    { min: -2, max: 10, mean: 0, std: 1, expected: { min: -3.5, max: 5.5 } },
    { min: -3, max: 3, mean: 0, std: 1, expected: { min: -4.5, max: 4.5 } },
    { min: 0.5, max: 0.5, expected: { min: 0, max: 1 } },
    { min: Infinity, max: -Infinity, expected: { min: -1, max: 1 } },
  ];
  for (const r of ranges) {
    it(`range from the first step [${r.min}, ${r.max}], mean ${r.mean ?? '?'} ± ${r.std ?? '?'} → [${r.expected.min}, ${r.expected.max}]`, () => assert.deepEqual(chooseHistogramRange(r.min, r.max, r.mean, r.std), r.expected));
  }
});

describe('telemetry: sampling and gradient explosions', () => {
  const rows: { steps: number; sampled: number; first: number[]; stride: number }[] = [
    { steps: 300, sampled: 150, first: [1, 3, 5], stride: 2 },
    { steps: 100, sampled: 100, first: [1, 2, 3], stride: 1 },
    { steps: 1000, sampled: 143, first: [1, 8, 15], stride: 7 },
    { steps: 1, sampled: 1, first: [1], stride: 1 },
  ];
  for (const r of rows) {
    it(`${r.steps} steps: ${r.sampled} sampled, stride ${r.stride}`, () => {
      const sampled = Array.from({ length: r.steps }, (_, i) => i + 1).filter((s) => isSampledStep(s, r.steps));
      assert.equal(sampled.length, r.sampled);
      assert.ok(sampled.length <= 150);
      assert.deepEqual(sampled.slice(0, r.first.length), r.first);
      assert.equal(sampleStride(r.steps), r.stride);
    });
  }

  /** Feeds per-step norms of two layers; returns [step, layer index] of the finding. */
  function firstExplosion(series: (number | null)[][], stride = 1): [number, number] | null {
    const detector = new GradientExplosionDetector(50, 100, 1e-3);
    for (const [i, norms] of series.entries()) {
      const found = detector.observe(1 + i * stride, norms);
      if (found) {
        return [1 + i * stride, found.layerIndex];
      }
    }
    return null;
  }
  const cases: { title: string; series: (number | null)[][]; stride?: number; expected: [number, number] | null }[] = [
    { title: 'steady norms are fine', series: Array.from({ length: 100 }, () => [0.5, 2]), expected: null },
    { title: 'the second layer jumps 1000x at step 4', series: [[1, 1], [1, 1], [1, 1], [1.5, 1000]], expected: [4, 1] },
    { title: 'exactly 100x is not more than 100x', series: [[1, 1], [100, 1]], expected: null },
    { title: 'a gradient leaving zero is measured from the floor', series: [[0, 1], [0.05, 1]], expected: null },
    { title: 'slow growth spread over more than 50 steps is not flagged', series: Array.from({ length: 150 }, (_, i) => [1.08 ** i, 1]), expected: null },
    { title: 'the window is 50 steps, not 50 samples (29x per 50 steps at every other step)', series: Array.from({ length: 80 }, (_, i) => [1.07 ** (2 * i), 1]), stride: 2, expected: null },
    { title: 'sampled every other step, a norm growing 1.69x a step: flagged once it is 100x its median (step 35)', series: Array.from({ length: 40 }, (_, i) => [1.3 ** (2 * i), 1]), stride: 2, expected: [35, 0] },
    { title: 'one batch with a tiny gradient, then ordinary ones: a healthy model is not flagged', series: [[1, 1], [0.8, 1], [0.004, 1], [1.2, 1], [0.9, 1]], expected: null },
    { title: 'layers without weights (null) and NaN are skipped', series: [[null, 1], [null, NaN], [null, 1]], expected: null },
    { title: 'only the first explosion is reported', series: [[1, 1], [1000, 1], [1000, 1e6]], expected: [2, 0] },
  ];
  for (const c of cases) {
    it(c.title, () => assert.deepEqual(firstExplosion(c.series, c.stride), c.expected));
  }
});
