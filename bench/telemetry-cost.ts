/**
 * What per-layer telemetry (issue 13) costs: the README's small MNIST CNN (bench/small-mnist-cnn.ts)
 * trained through sanity-train's own loop (trainRun) at batch 8 on wasm, 300 steps (150 sampled),
 * with and without telemetry, interleaved off/on/off/on in one process after a warm-up, so machine
 * load hits both alike. Prints JSON: per-step wall and CPU time (medians over rounds) and the ratio,
 * and whether the losses were identical. Target: at most 1.25× (25% slower).
 * Run: npm run bench:telemetry [-- --quick]
 */
import type * as tfjs from '@tensorflow/tfjs';
import { chooseTrainingBackend } from '../src/worker/backends';
import { TelemetryCollector } from '../src/worker/telemetry/collector';
import { trainRun } from '../src/worker/training/train-run';
import { describeModel, mnistData, type TrainingData } from '../src/worker/data/training-data';
import { createSmallMnistCnn } from './small-mnist-cnn';

const quick = process.argv.includes('--quick');
const STEPS = quick ? 100 : 300;
const ROUNDS = quick ? 2 : 3;
const BATCH = 8;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

async function oneRun(tf: typeof tfjs, data: TrainingData, telemetry: boolean): Promise<{ wallMs: number; cpuMs: number; losses: (number | null)[] }> {
  const model = createSmallMnistCnn(tf);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const sources = new Map();
  const collector = telemetry ? new TelemetryCollector(tf, model, STEPS, sources) : undefined;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const report = await trainRun({ tf, model, data, norm: 'none', steps: STEPS, batchSize: BATCH, seed: 1, sources, telemetry: collector });
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  model.dispose();
  return { wallMs, cpuMs: (used.user + used.system) / 1000, losses: report.losses ?? [] };
}

async function main(): Promise<void> {
  const { tf, name } = await chooseTrainingBackend('wasm');
  const probe = createSmallMnistCnn(tf);
  const data = mnistData(tf, describeModel(probe), 1, STEPS * BATCH, false);
  probe.dispose();
  await oneRun(tf, data, true); // warm-up: kernel compilation, weight packing
  const off: { wallMs: number; cpuMs: number }[] = [];
  const on: { wallMs: number; cpuMs: number }[] = [];
  let identical = true;
  for (let r = 0; r < ROUNDS; r++) {
    const a = await oneRun(tf, data, false);
    const b = await oneRun(tf, data, true);
    off.push(a);
    on.push(b);
    identical &&= JSON.stringify(a.losses) === JSON.stringify(b.losses);
  }
  const perStep = (runs: { wallMs: number; cpuMs: number }[], key: 'wallMs' | 'cpuMs') => median(runs.map((r) => r[key] / STEPS));
  const result = {
    bench: 'telemetry-cost',
    model: 'small MNIST CNN (conv 8-16-32-32, dense 10), Adam, real digits',
    backend: name,
    batchSize: BATCH,
    steps: STEPS,
    sampledSteps: Math.min(STEPS, 150),
    rounds: ROUNDS,
    off: { wallMsPerStep: round(perStep(off, 'wallMs')), cpuMsPerStep: round(perStep(off, 'cpuMs')) },
    on: { wallMsPerStep: round(perStep(on, 'wallMs')), cpuMsPerStep: round(perStep(on, 'cpuMs')) },
    ratio: { wall: round(perStep(on, 'wallMs') / perStep(off, 'wallMs')), cpu: round(perStep(on, 'cpuMs') / perStep(off, 'cpuMs')) },
    target: 1.25,
    identicalLosses: identical,
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
