/**
 * Runs in headless Chromium (bundled by gpu-backends.test.ts): webgl-page.ts's layer cases, plus the
 * webgpu backend, and a small conv + RunningBatchNorm model's training steps on any backend, so the
 * test can compare webgpu and webgl with cpu in the same page.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { runningBatchNorm } from '../../../src/layer/running-batch-norm';
import './webgl-page';

export interface StepSpec {
  /** Values of the model's trainable weights, in order; the running state starts as the layer makes it. */
  weights: number[][];
  x: number[];
  labels: number[];
  steps: number;
}

export interface StepResult {
  backend: string;
  losses: number[];
  weights: number[][];
}

/** conv 3×3 (4 filters) → RunningBatchNorm → relu → max pool → dense 3 softmax, on 6×6×2 inputs. */
function buildModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', useBias: false }));
  model.add(runningBatchNorm({}));
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}

async function runTrainingSteps(backend: string, spec: StepSpec): Promise<StepResult> {
  if (!(await tf.setBackend(backend))) {
    throw new Error(`backend ${backend} did not initialise`);
  }
  const model = buildModel();
  model.trainableWeights.forEach((w, i) => w.write(tf.tensor(spec.weights[i], w.shape as number[])));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const batch = spec.labels.length;
  const x = tf.tensor4d(spec.x, [batch, 6, 6, 2]);
  const y = tf.oneHot(tf.tensor1d(spec.labels, 'int32'), 3);
  const losses: number[] = [];
  for (let step = 0; step < spec.steps; step++) {
    losses.push((await model.trainOnBatch(x, y)) as number);
  }
  const weights = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
  tf.dispose([x, y]);
  model.dispose();
  return { backend: tf.getBackend(), losses, weights };
}

/** The trainable weights' shapes, for the test to fill with seeded values. */
function weightShapes(): number[][] {
  const model = buildModel();
  const shapes = model.trainableWeights.map((w) => w.shape.map((d) => d ?? 1));
  model.dispose();
  return shapes;
}

declare global {
  interface Window {
    runTrainingSteps(backend: string, spec: StepSpec): Promise<StepResult>;
    weightShapes(): number[][];
    webgpuInfo(): Promise<{ backend: string; adapter: string }>;
  }
}

window.runTrainingSteps = runTrainingSteps;
window.weightShapes = weightShapes;
window.webgpuInfo = async () => {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  // Without WebGPU, tfjs-backend-webgpu registers no backend and setBackend throws.
  const ok = await tf.setBackend('webgpu').catch(() => false);
  return { backend: ok ? tf.getBackend() : 'none', adapter: adapter ? `${adapter.info?.vendor ?? '?'} ${adapter.info?.architecture ?? '?'}` : gpu ? 'requestAdapter returned null' : 'no navigator.gpu' };
};
