/**
 * Where one wasm training step's time goes, for the bench CNN and the README's BatchNorm CNN at batch
 * 8 and 32, one thread, compiled as sanity-train compiles a run: the step's CPU time (mean of
 * `--steps` steps), and, from profiled steps (tf.profile), the kernels run per step by name with their
 * time, and the rest of the profiled step's wall time (tfjs's engine: tape, scopes, bookkeeping;
 * tfjs-layers; the optimizer's JavaScript), both on the same clock. Prints JSON.
 * Run: npx tsx bench/step-profile.ts [--steps 20]
 */
import type * as tfjs from '@tensorflow/tfjs';
import * as os from 'node:os';
import { chooseTrainingBackend } from '../src/worker/backends';
import { compileForRun } from '../src/worker/training/compile';
import { loadMnistDigits } from './mnist-digits';
import { createSmallMnistCnn } from './small-mnist-cnn';

const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 20;

function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

function build(tf: typeof tfjs, which: 'small' | 'readme'): tfjs.LayersModel {
  if (which === 'small') {
    const model = createSmallMnistCnn(tf);
    compileForRun(model, { optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', description: '' });
    return model;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JS example model
  const model = (require('../examples/mnist-model/model.js') as { createModel(): tfjs.LayersModel }).createModel();
  compileForRun(model, { optimizer: (model as unknown as { optimizer_: tfjs.Optimizer }).optimizer_, loss: 'categoricalCrossentropy', description: '' });
  return model;
}

async function profileStep(tf: typeof tfjs, which: 'small' | 'readme', batchSize: number) {
  const model = build(tf, which);
  const { images, labels } = loadMnistDigits(batchSize, 0);
  const x = tf.tensor4d(images, [batchSize, 28, 28, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10));
  for (let i = 0; i < 5; i++) {
    await model.trainOnBatch(x, y);
  }
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    await model.trainOnBatch(x, y);
  }
  const usage = process.cpuUsage(cpuStart);
  const stepCpuMs = (usage.user + usage.system) / 1000 / steps;
  const byKernel = new Map<string, { count: number; ms: number }>();
  let kernelMs = 0;
  let kernels = 0;
  let profiledMs = 0;
  const rounds = 3;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const profile = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
    });
    profiledMs += (performance.now() - start) / rounds;
    // An op run through customGrad (e.g. fusedConv2d__op) is listed as well as the kernel inside it.
    for (const k of profile.kernels.filter((entry) => !entry.name.endsWith('__op'))) {
      const entry = byKernel.get(k.name) ?? { count: 0, ms: 0 };
      entry.count += 1 / rounds;
      entry.ms += Number(k.kernelTimeMs) / rounds;
      byKernel.set(k.name, entry);
      kernelMs += Number(k.kernelTimeMs) / rounds;
      kernels += 1 / rounds;
    }
  }
  tf.dispose([x, y]);
  model.dispose();
  const top = [...byKernel].sort((a, b) => b[1].ms - a[1].ms).map(([name, e]) => [name, `${round(e.count, 0)}× ${round(e.ms, 2)} ms`]);
  return {
    stepCpuMs: round(stepCpuMs, 2), kernelsPerStep: Math.round(kernels),
    profiledStepMs: round(profiledMs, 2), kernelMs: round(kernelMs, 2), outsideKernelsMs: round(profiledMs - kernelMs, 2),
    byKernel: Object.fromEntries(top),
  };
}

async function main(): Promise<void> {
  const { tf } = await chooseTrainingBackend('wasm');
  const result: Record<string, unknown> = {
    bench: 'step-profile', date: new Date().toISOString(), loadAverage1m: round(os.loadavg()[0], 2),
    note: 'profiled steps are slower than plain ones (tf.profile times every kernel); kernel times are wall times',
  };
  for (const which of ['small', 'readme'] as const) {
    for (const batch of [8, 32]) {
      result[`${which}${batch}`] = await profileStep(tf, which, batch);
    }
  }
  console.log(JSON.stringify(result, null, 1));
}

void main();
