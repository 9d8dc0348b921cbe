/**
 * One training step of RunningBatchNorm vs tf.layers.batchNormalization: forward (training) plus the
 * gradients for x, gamma and beta, on the same backend and shape, interleaved in one process; median
 * of many runs. Also with statsInterval 2, and the bytes-moved floor of each shape. Prints JSON.
 *
 * Each backend is measured twice: `kernels: "tfjs"` with tfjs's own kernels only (what a user's
 * program gets), then `kernels: "extension"` with the extension's kernels registered as sanity-train
 * registers them (the wasm training kernels, and the layer's fused step on wasm and cpu).
 *
 *   npm run bench:layer              (all backends and shapes)
 *   npm run bench:layer -- cpu       (one backend)
 */
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningBatchNorm } from '../src/layer/running-batch-norm';
import { registerWasmTrainingKernels } from '../src/worker/backends/wasm-kernels/register';
import { unregisterLayerKernels } from '../src/worker/backends/layer-kernels/register';

const SHAPES = [[32, 28, 28, 16], [8, 14, 14, 64], [256, 512]];
const TARGET_RATIO = 0.3;
const KERNEL_SETS = ['tfjs', 'extension'] as const;
/** Passes over the activations a step needs at least: forward reads x for the sums, reads x and writes y; backward reads dy and x for the sums, reads both and writes dx. */
const MIN_PASSES = 8;

type Variant = { name: string; layer: tf.layers.Layer };

async function useBackend(name: string): Promise<void> {
  if (name === 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  }
  if (!(await tf.setBackend(name))) {
    throw new Error(`backend ${name} did not initialise`);
  }
  await tf.ready();
}

/** Seconds of one step pair (two steps, so statsInterval 2 gets one full and one reused step), in ms per step. */
function timeStepPair(variant: Variant, inputs: tf.Tensor[], dy: tf.Tensor): number {
  const params = variant.layer.trainableWeights.map((w) => w.read());
  const start = performance.now();
  for (const x of inputs) {
    const { value, grads } = tf.engine().gradients(() => variant.layer.apply(x, { training: true }) as tf.Tensor, [x, ...params], dy);
    tf.dispose([value, ...grads]);
  }
  return (performance.now() - start) / inputs.length;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Memory bandwidth of this machine as JS sees it (read + write of a 64 MiB copy), GB/s. */
function measureBandwidth(): number {
  const a = new Float32Array(16 << 20).fill(1);
  const b = new Float32Array(a.length);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    b.set(a);
    times.push(performance.now() - start);
  }
  return (2 * a.byteLength) / (median(times) / 1000) / 1e9;
}

async function benchShape(shape: number[], runs: number, bandwidth: number): Promise<Record<string, unknown>> {
  const variants: Variant[] = [
    { name: 'batchNormalization', layer: tf.layers.batchNormalization() },
    { name: 'runningBatchNorm', layer: new RunningBatchNorm() },
    { name: 'runningBatchNormInterval2', layer: new RunningBatchNorm({ statsInterval: 2 }) },
  ];
  const dy = tf.randomNormal(shape);
  const makeInputs = (): tf.Tensor[] => [tf.randomNormal(shape), tf.randomNormal(shape)];
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let run = -3; run < runs; run++) {
    // Rotate the order so no variant always runs first (caches, allocator state).
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(run + 3 + k) % variants.length];
      const inputs = makeInputs();
      const ms = timeStepPair(variant, inputs, dy);
      tf.dispose(inputs);
      if (run >= 0) {
        times.get(variant.name)!.push(ms);
      }
    }
  }
  const ms = Object.fromEntries([...times].map(([name, t]) => [name, median(t)]));
  const size = shape.reduce((p, d) => p * d, 1);
  const bytesMoved = MIN_PASSES * size * 4;
  const floorMs = (bytesMoved / (bandwidth * 1e9)) * 1000;
  tf.dispose(dy);
  variants.forEach((v) => v.layer.weights.forEach((w) => w.dispose()));
  const round = (x: number, d = 3): number => Number(x.toFixed(d));
  return {
    shape,
    runs,
    batchNormMs: round(ms.batchNormalization),
    runningBatchNormMs: round(ms.runningBatchNorm),
    ratio: round(ms.runningBatchNorm / ms.batchNormalization),
    runningBatchNormInterval2Ms: round(ms.runningBatchNormInterval2),
    ratioInterval2: round(ms.runningBatchNormInterval2 / ms.batchNormalization),
    bytesMoved,
    floorMs: round(floorMs, 4),
    floorMsAt24GBps: round((bytesMoved / 24e9) * 1000, 4),
    runningBatchNormOverFloor: round(ms.runningBatchNorm / floorMs, 1),
  };
}

async function main(): Promise<void> {
  const backends = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const bandwidth = measureBandwidth();
  const results: Array<Record<string, unknown>> = [];
  // tfjs's own kernels first: the extension's replace some of them for the rest of the process.
  unregisterLayerKernels();
  for (const kernels of KERNEL_SETS) {
    if (kernels === 'extension') {
      registerWasmTrainingKernels(wasmVersion());
    }
    for (const backend of backends.length > 0 ? backends : ['cpu', 'wasm']) {
      await useBackend(backend);
      for (const shape of SHAPES) {
        results.push({ backend, kernels, ...(await benchShape(shape, runs, bandwidth)) });
      }
    }
  }
  const worstOf = (set: string): number => Math.max(...results.filter((r) => r.kernels === set).map((r) => r.ratio as number));
  const worst = worstOf('extension');
  const report = JSON.stringify({
    bench: 'layer-speed: one training step (forward + dx, dgamma, dbeta), median ms per step',
    tfjs: tf.version.tfjs,
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    bandwidthGBps: Number(bandwidth.toFixed(1)),
    floor: `${MIN_PASSES} passes over the tensor (float32) at the measured single-thread copy bandwidth (floorMs) and at 24 GB/s`,
    kernels: {
      tfjs: "tfjs's own kernels only (a user's program)",
      extension: "the extension's kernels registered as sanity-train registers them: the wasm training kernels and the layer's fused step (wasm, cpu)",
    },
    target: `ratio <= ${TARGET_RATIO} at every shape and backend, with the extension's kernels`,
    worstRatio: worst,
    meetsTarget: worst <= TARGET_RATIO,
    worstRatioTfjsKernels: worstOf('tfjs'),
    results: [],
  }, null, 2);
  // One line per result keeps the table readable.
  console.log(report.replace('"results": []', `"results": [\n    ${results.map((r) => JSON.stringify(r)).join(',\n    ')}\n  ]`));
}

function wasmVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@tensorflow/tfjs-backend-wasm') as { version_wasm: string }).version_wasm;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
