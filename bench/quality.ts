/**
 * Training quality, BatchNorm vs RunningBatchNorm (issue 6): the fastai course's CNN (07_batchnorm:
 * conv 5×5 then 3×3 convs, stride 2, 8-16-32-64-64 channels, conv → ReLU → norm, global average
 * pool, linear; Kaiming-normal init) on real digits from the `mnist` package with a fixed split
 * (the last 200 images of each digit held out), one epoch, at several batch sizes, with SGD lr 0.4
 * (the fastai setting) and Adam lr 3e-3, per seed. For a seed, both norms see the same initial
 * weights (where shapes match), the same data order and the same backend. Prints one JSON line per run
 * on stderr as it goes, then the JSON summary and a markdown table on stdout.
 *
 *   npm run bench:quality -- [--seeds 1,2,3] [--batch-sizes 1,2,8,32] [--optimizers sgd,adam]
 *     [--norms bn,rbn] [--train-size 7940] [--test-size 2000] [--backend auto|cpu|wasm]
 *     [--bn-args '{"momentum":0.9}'] [--rbn-args '{"inferenceMomentum":0.99}'] [--label text]
 *     [--precise-stats K]   (diagnostic: also score RBN with its state averaged over K batches)
 *   npm run bench:quality -- --from runs.jsonl [subset flags]   (table from saved run lines)
 */
import type * as tfjs from '@tensorflow/tfjs';
import { chooseTrainingBackend, type BackendPreference } from '../src/worker/backends';
import { loadMnistSplit } from '../src/worker/data/mnist-data';
import { accuracyOf, flag, list, meanAndStd } from './bench-common';
import { createRandom, permutation, seedMathRandom } from '../src/worker/random';
import { runningBatchNorm, type RunningBatchNormArgs } from '../src/layer/running-batch-norm';
import { copyMatchingWeights } from '../src/worker/training/norm-swap';

type Norm = 'bn' | 'rbn';
type OptimizerName = 'sgd' | 'adam';

interface Options {
  seeds: number[];
  batchSizes: number[];
  optimizers: OptimizerName[];
  norms: Norm[];
  trainSize: number;
  testSize: number;
  backend: BackendPreference;
  bnArgs: BatchNormArgs;
  rbnArgs: RunningBatchNormArgs;
  label: string;
  /** Diagnostic: after training, also score RBN with its running state averaged over this many batches. */
  preciseStats: number;
}

type BatchNormArgs = NonNullable<Parameters<typeof tfjs.layers.batchNormalization>[0]>;

interface RunResult {
  norm: Norm;
  optimizer: OptimizerName;
  batchSize: number;
  seed: number;
  steps: number;
  accuracy: number;
  /** RBN only, with --precise-stats: accuracy with the running state averaged over many batches. */
  accuracyPrecise?: number;
  nan: boolean;
  seconds: number;
  /** RBN only, when --rbn-args set any: the layer arguments of this run. */
  rbnArgs?: RunningBatchNormArgs;
}

const LEARNING_RATES: Record<OptimizerName, number> = { sgd: 0.4, adam: 3e-3 };

function parseOptions(): Options {
  return {
    seeds: list('seeds', [1, 2, 3], Number),
    batchSizes: list('batch-sizes', [1, 2, 8, 32], Number),
    optimizers: list('optimizers', ['sgd', 'adam'] as OptimizerName[], (s) => s as OptimizerName),
    norms: list('norms', ['bn', 'rbn'] as Norm[], (s) => s as Norm),
    trainSize: Number(flag('train-size') ?? 1e9),
    testSize: Number(flag('test-size') ?? 2000),
    backend: (flag('backend') ?? 'auto') as BackendPreference,
    bnArgs: JSON.parse(flag('bn-args') ?? '{}') as BatchNormArgs,
    rbnArgs: JSON.parse(flag('rbn-args') ?? '{}') as RunningBatchNormArgs,
    label: flag('label') ?? 'defaults',
    preciseStats: Number(flag('precise-stats') ?? 0),
  };
}

/** fastai 07_batchnorm's get_cnn_layers with conv → ReLU → norm blocks, in tfjs. */
function createCnn(tf: typeof tfjs, norm: Norm, o: Pick<Options, 'bnArgs' | 'rbnArgs'>): tfjs.Sequential {
  const filters = [8, 16, 32, 64, 64];
  const model = tf.sequential();
  filters.forEach((f, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [28, 28, 1] } : {}),
        filters: f,
        kernelSize: i === 0 ? 5 : 3,
        strides: 2,
        padding: 'same',
        useBias: false,
        activation: 'relu',
        kernelInitializer: 'heNormal',
      }),
    );
    // Each layer with its own defaults, as a user gets them (tfjs BatchNorm: momentum 0.99, epsilon
    // 1e-3; RunningBatchNorm: 0.9, 1e-4) unless --bn-args / --rbn-args say otherwise.
    model.add(norm === 'bn' ? tf.layers.batchNormalization(o.bnArgs) : runningBatchNorm(o.rbnArgs));
  });
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

interface Digits {
  trainX: tfjs.Tensor4D;
  trainY: tfjs.Tensor2D;
  testX: tfjs.Tensor4D;
  testLabels: Int32Array;
}

/** Normalised with the training set's mean and standard deviation, as fastai does. */
function loadDigits(tf: typeof tfjs, o: Options): Digits {
  const { train, test } = loadMnistSplit(0, { trainLimit: o.trainSize, testLimit: o.testSize });
  const { mean, std } = meanAndStd(train.images);
  const norm = (a: Float32Array) => a.map((v) => (v - mean) / std);
  return {
    trainX: tf.tensor4d(norm(train.images), [train.count, 28, 28, 1]),
    trainY: tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10).toFloat() as tfjs.Tensor2D,
    testX: tf.tensor4d(norm(test.images), [test.count, 28, 28, 1]),
    testLabels: test.labels,
  };
}

/** Initial weights per seed: BN and RBN models of one seed start from the same kernels. */
function initialModel(tf: typeof tfjs, norm: Norm, seed: number, o: Options): tfjs.Sequential {
  seedMathRandom(seed);
  const reference = createCnn(tf, 'bn', o);
  if (norm === 'bn') {
    return reference;
  }
  const model = createCnn(tf, 'rbn', o);
  copyMatchingWeights(reference, model);
  reference.dispose();
  return model;
}

async function trainOne(tf: typeof tfjs, data: Digits, norm: Norm, optimizer: OptimizerName, batchSize: number, seed: number, o: Options): Promise<RunResult> {
  const model = initialModel(tf, norm, seed, o);
  const lr = LEARNING_RATES[optimizer];
  model.compile({ optimizer: optimizer === 'sgd' ? tf.train.sgd(lr) : tf.train.adam(lr), loss: 'categoricalCrossentropy' });
  const count = data.trainX.shape[0];
  const order = permutation(count, createRandom(seed * 7919));
  const steps = Math.floor(count / batchSize);
  let nan = false;
  const started = performance.now();
  for (let step = 0; step < steps; step++) {
    const idx = tf.tensor1d(order.subarray(step * batchSize, (step + 1) * batchSize), 'int32');
    const x = tf.gather(data.trainX, idx);
    const y = tf.gather(data.trainY, idx);
    const loss = (await model.trainOnBatch(x, y)) as number;
    tf.dispose([idx, x, y]);
    if (!Number.isFinite(loss)) {
      nan = true;
      break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const accuracy = nan ? NaN : score(tf, model, data);
  const result: RunResult = { norm, optimizer, batchSize, seed, steps, accuracy, nan, seconds: Number(seconds.toFixed(1)) };
  if (norm === 'rbn' && Object.keys(o.rbnArgs).length > 0) {
    // Run lines from several --rbn-args land in one results file; each says which it was.
    result.rbnArgs = o.rbnArgs;
  }
  if (norm === 'rbn' && o.preciseStats > 0 && !nan) {
    averageRunningState(tf, model, data, batchSize, o.preciseStats, seed);
    result.accuracyPrecise = score(tf, model, data);
  }
  model.dispose();
  return result;
}

function score(tf: typeof tfjs, model: tfjs.LayersModel, data: Digits): number {
  return accuracyOf(tf, model, data.testX, data.testLabels);
}

/**
 * PreciseBN-style diagnostic (Wu & Johnson, "Rethinking 'Batch' in BatchNorm"): runs `batches`
 * training-mode forward passes without weight updates and replaces every RunningBatchNorm's
 * sums, sums of squares and count by their averages over those passes. If accuracy recovers, the
 * gap came from noisy inference statistics, not from how the weights trained.
 */
function averageRunningState(tf: typeof tfjs, model: tfjs.LayersModel, data: Digits, batchSize: number, batches: number, seed: number): void {
  const state = model.layers
    .filter((l) => l.getClassName() === 'RunningBatchNorm')
    .flatMap((l) => l.weights.filter((w) => /\/(sums|sqrs|count)$/.test(w.originalName)));
  const totals = state.map((w) => new Float64Array(w.read().size));
  const order = permutation(data.trainX.shape[0], createRandom(seed + 1));
  const n = Math.min(batches, Math.floor(order.length / batchSize));
  for (let b = 0; b < n; b++) {
    tf.tidy(() => {
      const x = tf.gather(data.trainX, tf.tensor1d(order.subarray(b * batchSize, (b + 1) * batchSize), 'int32'));
      model.apply(x, { training: true });
    });
    state.forEach((w, i) => w.read().dataSync().forEach((v, j) => (totals[i][j] += v)));
  }
  state.forEach((w, i) => w.write(tf.tensor(Float32Array.from(totals[i], (v) => v / n), w.read().shape)));
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** One row per optimizer × batch size: mean accuracy per norm over the seeds that ran. */
function table(results: RunResult[], o: Options): string {
  const pct = (runs: RunResult[]) => {
    if (runs.length === 0) {
      return '–';
    }
    const finite = runs.filter((r) => !r.nan);
    const each = runs.map((r) => (r.nan ? 'NaN' : (r.accuracy * 100).toFixed(1))).join(' / ');
    return finite.length === runs.length ? `**${(mean(finite.map((r) => r.accuracy)) * 100).toFixed(1)}** (${each})` : each;
  };
  const precise = results.some((r) => r.accuracyPrecise !== undefined);
  const lines = [
    `| optimizer | batch | steps | BatchNorm % | RunningBatchNorm % | RBN − BN (points) |${precise ? ' RBN, averaged state % |' : ''}`,
    `|---|---|---|---|---|---|${precise ? '---|' : ''}`,
  ];
  for (const opt of o.optimizers) {
    for (const bs of o.batchSizes) {
      const bn = results.filter((r) => r.optimizer === opt && r.batchSize === bs && r.norm === 'bn');
      const rbn = results.filter((r) => r.optimizer === opt && r.batchSize === bs && r.norm === 'rbn');
      const paired = bn.filter((b) => !b.nan && rbn.some((r) => r.seed === b.seed && !r.nan));
      const diff = paired.length > 0 ? (mean(paired.map((b) => rbn.find((r) => r.seed === b.seed)!.accuracy - b.accuracy)) * 100).toFixed(1) : '–';
      const steps = (bn[0] ?? rbn[0])?.steps ?? '–';
      const averaged = rbn.filter((r) => r.accuracyPrecise !== undefined).map((r) => ((r.accuracyPrecise ?? 0) * 100).toFixed(1));
      lines.push(`| ${opt === 'sgd' ? 'SGD 0.4' : 'Adam 3e-3'} | ${bs} | ${steps} | ${pct(bn)} | ${pct(rbn)} | ${diff} |${precise ? ` ${averaged.join(' / ') || '–'} |` : ''}`);
    }
  }
  return lines.join('\n');
}

/** `--from runs.jsonl`: the table for run lines saved from stderr (an interrupted or merged grid). */
async function renderSaved(file: string, o: Options): Promise<void> {
  const fs = await import('node:fs');
  const results = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunResult)
    .filter((r) => o.seeds.includes(r.seed) && o.batchSizes.includes(r.batchSize) && o.optimizers.includes(r.optimizer));
  process.stdout.write(`${table(results, o)}\n`);
}

async function main(): Promise<void> {
  const o = parseOptions();
  const from = flag('from');
  if (from) {
    return renderSaved(from, o);
  }
  const choice = await chooseTrainingBackend(o.backend);
  const tf = choice.tf;
  const data = loadDigits(tf, o);
  const results: RunResult[] = [];
  const started = Date.now();
  for (const seed of o.seeds) {
    for (const optimizer of o.optimizers) {
      for (const batchSize of o.batchSizes) {
        for (const norm of o.norms) {
          const result = await trainOne(tf, data, norm, optimizer, batchSize, seed, o);
          results.push(result);
          process.stderr.write(`${JSON.stringify(result)}\n`);
        }
      }
    }
  }
  const summary = {
    bench: 'quality',
    label: o.label,
    backend: choice.name,
    trainImages: data.trainX.shape[0],
    testImages: data.testLabels.length,
    epochs: 1,
    bnArgs: o.bnArgs,
    rbnArgs: o.rbnArgs,
    minutes: Number(((Date.now() - started) / 60000).toFixed(1)),
    results,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n\n${table(results, o)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:quality failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
