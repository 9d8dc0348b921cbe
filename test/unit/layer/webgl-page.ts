/**
 * Runs in headless Chromium (bundled by webgl.test.ts): the layer's forward and gradients on a
 * backend, for cases the test passes in, so the test can compare webgl with cpu in the same page.
 */
import * as tf from '@tensorflow/tfjs';
import { RunningBatchNorm, RunningBatchNormArgs } from '../../../src/layer/running-batch-norm';

export interface PageCase {
  args: RunningBatchNormArgs;
  shapes: number[][];
  inputs: number[][];
  gamma?: number[];
  beta?: number[];
  dy: number[];
}

export interface PageResult {
  backend: string;
  outputs: number[][];
  inference: number[];
  grads: number[][];
  state: number[][];
}

async function runCase(backend: string, c: PageCase): Promise<PageResult> {
  if (!(await tf.setBackend(backend))) {
    throw new Error(`backend ${backend} did not initialise`);
  }
  const layer = new RunningBatchNorm(c.args);
  layer.build([null, ...c.shapes[0].slice(1)]);
  const trainable = [c.gamma, c.beta].filter((v): v is number[] => v !== undefined).map((v) => tf.tensor1d(v));
  layer.setWeights([...trainable, ...layer.getWeights().slice(trainable.length)]);
  // Read back with data(), not dataSync(): webgpu in Chromium loses its device on synchronous reads.
  const read = async (t: tf.Tensor): Promise<number[]> => Array.from(await t.data());
  const outputs: number[][] = [];
  for (const [i, shape] of c.shapes.slice(0, -1).entries()) {
    const y = tf.tidy(() => layer.apply(tf.tensor(c.inputs[i], shape), { training: true }) as tf.Tensor);
    outputs.push(await read(y));
    y.dispose();
  }
  const last = c.shapes.length - 1;
  const x = tf.tensor(c.inputs[last], c.shapes[last]);
  const inferred = tf.tidy(() => layer.apply(x, { training: false }) as tf.Tensor);
  const inference = await read(inferred);
  inferred.dispose();
  const params = layer.trainableWeights.map((w) => w.read());
  const { value, grads } = tf.engine().gradients(() => layer.apply(x, { training: true }) as tf.Tensor, [x, ...params], tf.tensor(c.dy, c.shapes[last]));
  const result = {
    backend: tf.getBackend(),
    outputs: [...outputs, await read(value)],
    inference,
    grads: await Promise.all(grads.map(read)),
    state: await Promise.all(layer.getWeights().map(read)),
  };
  tf.dispose([x, value, ...grads, ...trainable]);
  return result;
}

declare global {
  interface Window {
    runLayerCases(backend: string, cases: PageCase[]): Promise<PageResult[]>;
    webglInfo(): Promise<{ backend: string; version: number; float32: boolean }>;
  }
}

window.runLayerCases = async (backend, cases) => {
  const results: PageResult[] = [];
  for (const c of cases) {
    results.push(await runCase(backend, c));
  }
  return results;
};

window.webglInfo = async () => {
  await tf.setBackend('webgl');
  return { backend: tf.getBackend(), version: tf.env().getNumber('WEBGL_VERSION'), float32: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') };
};
