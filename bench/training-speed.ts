/**
 * Training speed of the small MNIST CNN (bench/small-mnist-cnn.ts): one training step (Adam,
 * categorical cross-entropy, real digits) at batch 8 and 32 on the wasm backend with this project's
 * kernels vs tfjs's pure-JS cpu backend, measured side by side in one process (medians), and 300
 * steps at batch 8 on wasm (wall time). The README's BatchNorm CNN (examples/mnist-model) at batch 8
 * and 32, and the first and later steps of a DCGAN-shaped generator (bench/dcgan-generator.ts) at
 * batch 8, on wasm. PyTorch on one CPU thread is the outside anchor when importable: its rounds
 * alternate with the wasm rounds, and the ratios compare CPU time (medians over rounds), which
 * other jobs on a shared machine inflate far less than wall time.
 * Each timed round is a steady-state figure, by the same rule on both sides (STEADY, passed to the
 * PyTorch script): a fresh model is warmed up for at least a number of steps AND a stretch of time,
 * then timed over at least a number of steps AND a stretch of time. Right after a model is built, V8
 * still compiles tfjs's code in the background and collects the build's garbage, and the CPU time of
 * those threads counts in process.cpuUsage(): 10 warm-up and 10 timed steps of the small CNN at batch
 * 8 read 6.7 ms CPU per step, 200 and 300 read 3.9 ms. The step keeps getting faster for about
 * 2.5 s after the build (V8 moves tfjs's JavaScript and the wasm kernels to optimised code as they
 * get hot; 0.5 s windows of the bench CNN at batch 8 read 6.6, 4.2, 3.5, 3.2, 2.9, 2.5 ms of CPU a
 * step), hence a warm-up of at least 2.5 s (4 s without --quick).
 * Prints JSON. Run: npm run bench:training [-- --quick] [-- --no-dcgan]
 */
import type * as tfjs from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseTrainingBackend } from '../src/worker/backends';
import { type CompileChoice, compileForRun } from '../src/worker/training/compile';
import { createDcganGenerator } from './dcgan-generator';
import { loadMnistDigits } from './mnist-digits';
import { createSmallMnistCnn } from './small-mnist-cnn';

/**
 * Wall time per step (median, min), and this process's CPU time (user + system) per step, averaged
 * over all timed steps (the OS accounts CPU time too coarsely for one step): other jobs on a shared
 * machine inflate wall time far more than CPU time.
 */
interface StepTiming {
  medianMs: number;
  minMs: number;
  cpuMeanMs: number;
  steps: number;
  /** Wall time of the timed steps over their count (absent in older results): next to cpuMeanMs, the CPU other threads took. */
  wallMeanMs?: number;
  /** Warm-up steps run before the timed ones (absent in older results). */
  warmupSteps?: number;
}

const quick = process.argv.includes('--quick');

/**
 * How long a round warms up and how long it is timed: each phase runs at least `…Steps` steps and
 * at least `…S` seconds (wall), so a fast step is timed over many steps and a slow one over a second
 * or more, past the after-build compilation and garbage collection.
 */
interface SteadyPlan {
  warmupSteps: number;
  warmupS: number;
  timedSteps: number;
  timedS: number;
}

const STEADY: SteadyPlan = quick ? { warmupSteps: 50, warmupS: 2.5, timedSteps: 200, timedS: 2 } : { warmupSteps: 100, warmupS: 4, timedSteps: 400, timedS: 4 };
/** tfjs's pure-JS cpu backend takes 20–200 ms a step: a few steps, for the ≥ 10× ratio only. */
const CPU_BACKEND_PLAN: SteadyPlan = { warmupSteps: 1, warmupS: 0, timedSteps: quick ? 2 : 5, timedS: 0 };
const withDcgan = !process.argv.includes('--no-dcgan');
/** The most a CNN step may take, as a multiple of PyTorch's one-thread step by CPU time. */
const TORCH_RATIO_TARGET = 2;

type Build = (tf: typeof tfjs) => tfjs.LayersModel;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function makeBatch(tf: typeof tfjs, batchSize: number, step: number): [tfjs.Tensor4D, tfjs.Tensor2D] {
  const { images, labels } = loadMnistDigits(batchSize, step * batchSize);
  return tf.tidy(() => [tf.tensor4d(images, [batchSize, 28, 28, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tfjs.Tensor2D]);
}

/** Compiled as sanity-train compiles a run: Adam fused (one kernel per variable on wasm), the loss fused. */
function compiledModel(tf: typeof tfjs): tfjs.Sequential {
  const model = createSmallMnistCnn(tf);
  compileForRun(model, { optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', description: 'Adam 1e-3' });
  return model;
}

/**
 * examples/mnist-model's createModel (conv-BatchNorm-relu-pool ×2, dense), compiled as sanity-train
 * compiles a run: its own optimizer and loss (no metrics), Adam and BatchNormalization fused on wasm.
 */
function readmeCnn(): tfjs.LayersModel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JS example model, as a user has it
  const model = (require('../examples/mnist-model/model.js') as { createModel(): tfjs.LayersModel }).createModel();
  const optimizer = (model as unknown as { optimizer_: tfjs.Optimizer }).optimizer_;
  compileForRun(model, { optimizer, loss: model.loss as CompileChoice['loss'], description: 'the model’s own compile()' });
  return model;
}

/**
 * Per-step wall times and CPU time of trainOnBatch on a fresh model, after a warm-up (the first step
 * compiles and packs weights), both phases as long as `plan` says (see SteadyPlan).
 */
async function timeSteps(tf: typeof tfjs, backend: string, batchSize: number, plan: SteadyPlan, build: Build = compiledModel): Promise<StepTiming> {
  await tf.setBackend(backend);
  const model = build(tf);
  const [x, y] = makeBatch(tf, batchSize, 0);
  let warmupSteps = 0;
  const warmStart = performance.now();
  while (warmupSteps < plan.warmupSteps || performance.now() - warmStart < plan.warmupS * 1000) {
    await model.trainOnBatch(x, y);
    warmupSteps++;
  }
  const times: number[] = [];
  const cpuStart = process.cpuUsage();
  const timedStart = performance.now();
  while (times.length < plan.timedSteps || performance.now() - timedStart < plan.timedS * 1000) {
    const start = performance.now();
    await model.trainOnBatch(x, y);
    times.push(performance.now() - start);
  }
  const cpuMeanMs = cpuMs(process.cpuUsage(cpuStart)) / times.length;
  const wallMeanMs = (performance.now() - timedStart) / times.length;
  tf.dispose([x, y]);
  model.dispose();
  return { medianMs: round(median(times)), minMs: round(Math.min(...times)), cpuMeanMs: round(cpuMeanMs), steps: times.length, wallMeanMs: round(wallMeanMs), warmupSteps };
}

/** The kernels that take the most time in one wasm step (tf.profile), to show where the time goes. */
async function topKernels(tf: typeof tfjs, batchSize: number, build: Build = compiledModel): Promise<Record<string, number>> {
  await tf.setBackend('wasm');
  const model = build(tf);
  const [x, y] = makeBatch(tf, batchSize, 0);
  await model.trainOnBatch(x, y);
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const byKernel = new Map<string, number>();
  for (const k of profile.kernels) {
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  }
  tf.dispose([x, y]);
  model.dispose();
  return Object.fromEntries([...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, ms]) => [name, round(ms)]));
}

/** 300 steps at batch 8 on wasm, a new batch of digits each step, as a sanity-train run does. */
async function timeRun(tf: typeof tfjs, steps: number): Promise<{ steps: number; wallS: number; cpuS: number; firstLoss: number; lastLoss: number }> {
  await tf.setBackend('wasm');
  const model = compiledModel(tf);
  const losses: number[] = [];
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let step = 0; step < steps; step++) {
    const [x, y] = makeBatch(tf, 8, step);
    losses.push((await model.trainOnBatch(x, y)) as number);
    tf.dispose([x, y]);
  }
  const wallS = (performance.now() - start) / 1000;
  const cpuS = cpuMs(process.cpuUsage(cpuStart)) / 1000;
  model.dispose();
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return { steps, wallS: round(wallS), cpuS: round(cpuS), firstLoss: round(mean(losses.slice(0, 20)), 3), lastLoss: round(mean(losses.slice(-20)), 3) };
}

/** Runs bench/training-speed-torch.py with Debian's python3 (where python3-torch installs) or the one on PATH. */
function runTorchAnchor(extraArgs: string[] = []): unknown {
  const script = path.join(__dirname, 'training-speed-torch.py');
  const reasons: string[] = [];
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      reasons.push(`${python}: ${probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? 'import torch failed')}`);
      continue;
    }
    const steady = ['--warmup-steps', STEADY.warmupSteps, '--warmup-s', STEADY.warmupS, '--timed-steps', STEADY.timedSteps, '--timed-s', STEADY.timedS].map(String);
    const args = [script, '--digits', path.dirname(require.resolve('mnist/package.json'))].concat(quick ? ['--quick'] : [], steady, extraArgs);
    const run = spawnSync(python, args, { encoding: 'utf8', timeout: 600_000 });
    if (run.status !== 0) {
      return { skipped: `${python} ${path.basename(script)} failed: ${run.stderr.trim().split('\n').pop() ?? ''}` };
    }
    return JSON.parse(run.stdout) as unknown;
  }
  return { skipped: `no python3 with torch (${reasons.join('; ')}); apt-get install python3-torch gives one` };
}

/** The DCGAN-shaped generator's first step (tfjs compiles and XNNPACK packs weights) and later steps, batch 8, MSE to random images. */
async function timeDcgan(tf: typeof tfjs): Promise<{ firstStepMs: number; firstStepCpuMs: number; batch8: StepTiming; parameters: number }> {
  await tf.setBackend('wasm');
  const model = createDcganGenerator(tf);
  compileForRun(model, { optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError', description: 'Adam 1e-3' });
  const [x, y] = tf.tidy(() => [tf.randomNormal([8, 100], 0, 1, 'float32', 1), tf.randomUniform([8, 64, 64, 3], -1, 1, 'float32', 2)]);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await model.trainOnBatch(x, y);
  const firstStepCpuMs = cpuMs(process.cpuUsage(cpuStart));
  const firstStepMs = performance.now() - start;
  const times: number[] = [];
  const steps = quick ? 2 : 4;
  const laterCpu = process.cpuUsage();
  for (let i = 0; i < steps; i++) {
    const stepStart = performance.now();
    await model.trainOnBatch(x, y);
    times.push(performance.now() - stepStart);
  }
  const batch8 = { medianMs: round(median(times)), minMs: round(Math.min(...times)), cpuMeanMs: round(cpuMs(process.cpuUsage(laterCpu)) / steps), steps };
  const parameters = model.countParams();
  tf.dispose([x, y]);
  model.dispose();
  return { firstStepMs: round(firstStepMs), firstStepCpuMs: round(firstStepCpuMs), batch8, parameters };
}

interface TorchAnchor {
  batch8?: StepTiming;
  batch32?: StepTiming;
  readmeCnn?: { batch8: StepTiming; batch32: StepTiming };
  dcganGenerator?: { batch8: StepTiming };
  skipped?: string;
}

/** The round whose CPU time per step is the median of the rounds (each round is one StepTiming). */
function medianRound(rounds: StepTiming[]): StepTiming {
  return [...rounds].sort((a, b) => a.cpuMeanMs - b.cpuMeanMs)[(rounds.length - 1) >> 1];
}

function ratio(a: StepTiming | undefined, b: StepTiming | undefined): number | undefined {
  return a && b ? round(a.cpuMeanMs / b.cpuMeanMs, 2) : undefined;
}

/**
 * wasm and PyTorch rounds alternate (wasm, torch, wasm, torch …) so that a change in the machine's
 * load hits both; each side's median round is reported.
 */
async function alternateWithTorch(tf: typeof tfjs, rounds: number) {
  const wasmRounds: Record<'small8' | 'small32' | 'readme8' | 'readme32', StepTiming[]> = { small8: [], small32: [], readme8: [], readme32: [] };
  const torchRounds: TorchAnchor[] = [];
  for (let r = 0; r < rounds; r++) {
    wasmRounds.small8.push(await timeSteps(tf, 'wasm', 8, STEADY));
    wasmRounds.small32.push(await timeSteps(tf, 'wasm', 32, STEADY));
    wasmRounds.readme8.push(await timeSteps(tf, 'wasm', 8, STEADY, readmeCnn));
    wasmRounds.readme32.push(await timeSteps(tf, 'wasm', 32, STEADY, readmeCnn));
    const torch = runTorchAnchor() as TorchAnchor;
    if (torch.skipped) {
      return { wasm: wasmRounds, torch, torchRounds: 0 };
    }
    torchRounds.push(torch);
  }
  const pick = (f: (t: TorchAnchor) => StepTiming | undefined) => {
    const found = torchRounds.map(f).filter((t): t is StepTiming => t !== undefined);
    return found.length > 0 ? medianRound(found) : undefined;
  };
  const torch: TorchAnchor = {
    ...torchRounds[0],
    batch8: pick((t) => t.batch8), batch32: pick((t) => t.batch32),
    readmeCnn: torchRounds[0].readmeCnn ? { batch8: pick((t) => t.readmeCnn?.batch8)!, batch32: pick((t) => t.readmeCnn?.batch32)! } : undefined,
  };
  return { wasm: wasmRounds, torch, torchRounds: torchRounds.length };
}

async function main(): Promise<void> {
  const { tf, name, skipped } = await chooseTrainingBackend('wasm');
  const alternated = await alternateWithTorch(tf, quick ? 2 : 3);
  const wasm8 = medianRound(alternated.wasm.small8);
  const wasm32 = medianRound(alternated.wasm.small32);
  const readme8 = medianRound(alternated.wasm.readme8);
  const readme32 = medianRound(alternated.wasm.readme32);
  const torch = alternated.torch;
  const cpu8 = await timeSteps(tf, 'cpu', 8, CPU_BACKEND_PLAN);
  const cpu32 = await timeSteps(tf, 'cpu', 32, { ...CPU_BACKEND_PLAN, timedSteps: quick ? 1 : 3 });
  const run = await timeRun(tf, quick ? 100 : 300);
  const dcgan = withDcgan ? await timeDcgan(tf) : undefined;
  const torchDcgan = withDcgan && !torch.skipped ? (runTorchAnchor(['--dcgan']) as TorchAnchor).dcganGenerator : undefined;
  const torchRatios = {
    smallCnnBatch8: ratio(wasm8, torch.batch8),
    smallCnnBatch32: ratio(wasm32, torch.batch32),
    readmeCnnBatch8: ratio(readme8, torch.readmeCnn?.batch8),
    readmeCnnBatch32: ratio(readme32, torch.readmeCnn?.batch32),
    dcganGeneratorBatch8: ratio(dcgan?.batch8, torchDcgan?.batch8),
  };
  const cnnRatios = [torchRatios.smallCnnBatch8, torchRatios.smallCnnBatch32, torchRatios.readmeCnnBatch8, torchRatios.readmeCnnBatch32];
  const report = {
    bench: 'training-speed',
    date: new Date().toISOString(),
    model: 'small MNIST CNN: conv 8-16-32-32 (3×3, relu, 2 max pools), dense 10 softmax; Adam 1e-3; real digits (mnist package)',
    machine: {
      cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadAverage1m: round(os.loadavg()[0]),
      note: 'wall times suffer when other jobs share the machine; the CPU-time figures suffer less',
    },
    backendChoice: { name, skipped },
    wasm: { batch8: wasm8, batch32: wasm32, topKernelsMsBatch8: await topKernels(tf, 8), topKernelsMsBatch32: await topKernels(tf, 32) },
    cpu: { batch8: cpu8, batch32: cpu32 },
    readmeCnn: {
      model: 'examples/mnist-model: conv 16 + BatchNorm + relu + pool, conv 32 + BatchNorm + relu + pool, dense 10; its own Adam 1e-3 and loss, compiled as sanity-train compiles a run (no metrics)',
      wasm: { batch8: readme8, batch32: readme32, topKernelsMsBatch32: await topKernels(tf, 32, readmeCnn) },
    },
    ...(dcgan ? { dcganGenerator: { model: 'bench/dcgan-generator.ts (dense → 4×4×512, 3× upSampling2d + conv2dTranspose 5×5 + BatchNorm, → 64×64×3); Adam, MSE', wasm: dcgan, torch: torchDcgan ?? null } } : {}),
    ratios: {
      cpuOverWasmBatch8: round(cpu8.medianMs / wasm8.medianMs, 1),
      cpuOverWasmBatch32: round(cpu32.medianMs / wasm32.medianMs, 1),
      cpuOverWasmBatch8ByCpuTime: round(cpu8.cpuMeanMs / wasm8.cpuMeanMs, 1),
      cpuOverWasmBatch32ByCpuTime: round(cpu32.cpuMeanMs / wasm32.cpuMeanMs, 1),
      ...(torch.batch8 && torch.batch32 ? {
        wasmOverTorchBatch8: round(wasm8.medianMs / torch.batch8.medianMs, 1),
        wasmOverTorchBatch32: round(wasm32.medianMs / torch.batch32.medianMs, 1),
        wasmOverTorchBatch8ByCpuTime: round(wasm8.cpuMeanMs / torch.batch8.cpuMeanMs, 1),
        wasmOverTorchBatch32ByCpuTime: round(wasm32.cpuMeanMs / torch.batch32.cpuMeanMs, 1),
      } : {}),
      wasmOverTorchByCpuTime: torchRatios,
    },
    alternatedRounds: { wasm: alternated.wasm.small8.length, torch: alternated.torchRounds },
    steadyPlan: { ...STEADY, rule: 'each round: a fresh model, warm-up ≥ warmupSteps steps and ≥ warmupS s, then timed ≥ timedSteps steps and ≥ timedS s; the same on the PyTorch side' },
    wasmRunBatch8: run,
    torch,
    targets: {
      wasmAtLeast10xCpu: cpu8.medianMs / wasm8.medianMs >= 10 && cpu32.medianMs / wasm32.medianMs >= 10,
      wasm300StepsUnder8s: quick ? 'not measured (--quick runs 100 steps)' : run.wallS < 8,
      cnnWithinTwiceTorchByCpuTime: cnnRatios.every((r) => r !== undefined) ? cnnRatios.every((r) => r! <= TORCH_RATIO_TARGET) : 'not measured (no PyTorch)',
    },
  };
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
