/**
 * What per-layer telemetry (issue 13) and its live stream (issue 21) cost: the README's small MNIST CNN
 * (bench/small-mnist-cnn.ts) trained through sanity-train's own loop (trainRun) at batch 8 on wasm, 300
 * steps (150 sampled), with neither, with telemetry, and with telemetry streaming every sample as the
 * worker does (a `layerStats` message sent over IPC to a child process, as the worker sends to its
 * parent), interleaved off/on/streamed in each round in one process after a warm-up, so machine load
 * hits all alike. Prints JSON: per-step wall and CPU time of this process (medians over rounds) and the
 * ratios, and whether the losses were identical. Target: at most 1.25× (25% slower).
 * Run: npm run bench:telemetry [-- --quick]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type * as tfjs from '@tensorflow/tfjs';
import type { LayerSample, WorkerMessage } from '../src/core/training/protocol';
import { chooseTrainingBackend } from '../src/worker/backends';
import { TelemetryCollector } from '../src/worker/telemetry/collector';
import { trainRun } from '../src/worker/training/train-run';
import { describeModel, mnistData, type TrainingData } from '../src/worker/data/training-data';
import { createSmallMnistCnn } from './small-mnist-cnn';

const quick = process.argv.includes('--quick');
const STEPS = quick ? 100 : 300;
const ROUNDS = quick ? 2 : 5;
const BATCH = 8;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

type Mode = 'off' | 'on' | 'streamed';

/** A child that takes IPC messages and drops them: the parent's side of the stream costs what it costs in the worker. */
function startSink(): ChildProcess {
  return spawn(process.execPath, ['-e', 'process.on("message", () => undefined)'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
}

async function oneRun(tf: typeof tfjs, data: TrainingData, mode: Mode, sink: ChildProcess): Promise<{ wallMs: number; cpuMs: number; losses: (number | null)[]; messages: number }> {
  const model = createSmallMnistCnn(tf);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const sources = new Map();
  let messages = 0;
  const stream = (step: number, layers: LayerSample[]) => {
    const message: WorkerMessage = { type: 'layerStats', run: 0, norm: 'none', step, layers };
    sink.send(message);
    messages += 1;
  };
  const collector = mode === 'off' ? undefined : new TelemetryCollector(tf, model, STEPS, sources, mode === 'streamed' ? stream : undefined);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const report = await trainRun({ tf, model, data, norm: 'none', steps: STEPS, batchSize: BATCH, seed: 1, sources, telemetry: collector });
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  model.dispose();
  return { wallMs, cpuMs: (used.user + used.system) / 1000, losses: report.losses ?? [], messages };
}

async function main(): Promise<void> {
  const { tf, name } = await chooseTrainingBackend('wasm');
  const probe = createSmallMnistCnn(tf);
  const data = mnistData(tf, describeModel(probe), 1, STEPS * BATCH, false);
  probe.dispose();
  const sink = startSink();
  await oneRun(tf, data, 'streamed', sink); // warm-up: kernel compilation, weight packing
  const off: { wallMs: number; cpuMs: number }[] = [];
  const on: { wallMs: number; cpuMs: number }[] = [];
  const streamed: { wallMs: number; cpuMs: number }[] = [];
  let identical = true;
  let messages = 0;
  for (let r = 0; r < ROUNDS; r++) {
    // The order rotates each round, so no mode always runs right after the warm machine's best moment.
    const order: Mode[] = (['off', 'on', 'streamed'] as Mode[]).map((_, i, all) => all[(i + r) % all.length]);
    const results = new Map<Mode, Awaited<ReturnType<typeof oneRun>>>();
    for (const mode of order) {
      results.set(mode, await oneRun(tf, data, mode, sink));
    }
    const [a, b, c] = (['off', 'on', 'streamed'] as Mode[]).map((m) => results.get(m)!);
    off.push(a);
    on.push(b);
    streamed.push(c);
    messages = c.messages;
    identical &&= JSON.stringify(a.losses) === JSON.stringify(b.losses) && JSON.stringify(a.losses) === JSON.stringify(c.losses);
  }
  sink.disconnect();
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
    streamed: { wallMsPerStep: round(perStep(streamed, 'wallMs')), cpuMsPerStep: round(perStep(streamed, 'cpuMs')), messagesPerRun: messages },
    ratio: { wall: round(perStep(on, 'wallMs') / perStep(off, 'wallMs')), cpu: round(perStep(on, 'cpuMs') / perStep(off, 'cpuMs')) },
    ratioStreamed: { wall: round(perStep(streamed, 'wallMs') / perStep(off, 'wallMs')), cpu: round(perStep(streamed, 'cpuMs') / perStep(off, 'cpuMs')) },
    target: 1.25,
    identicalLosses: identical,
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
