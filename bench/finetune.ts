/**
 * Fine-tuning at small batch sizes (issue 10): a CNN with tfjs BatchNormalization is pretrained at
 * batch 32 on digits 0–4 (mnist package, the fixed split of bench/quality.ts), then fine-tuned on
 * digits 5–9 at batch 2 and 8 with a new classifier: the model as is, the model after runningBatchNormify, and both with the
 * convolutional base frozen (`trainable: false` on every layer but the classifier). Prints one JSON
 * line per run on stderr, then the JSON summary and a markdown table of held-out accuracy on 5–9.
 *
 *   npm run bench:finetune -- [--seeds 1,2,3] [--batch-sizes 2,8] [--steps 300] [--pretrain-epochs 2]
 *     [--variants bn,rbn,bn-frozen,rbn-frozen] [--backend auto|cpu|wasm]
 */
import type * as tfjs from '@tensorflow/tfjs';
import { chooseTrainingBackend, type BackendPreference } from '../src/worker/backends';
import { loadMnistSplit } from '../src/worker/data/mnist-data';
import { accuracyOf, flag, list, meanAndStd } from './bench-common';
import { createRandom, permutation, seedMathRandom } from '../src/worker/random';
import { runningBatchNormify } from '../src/layer/running-batch-norm';

type Variant = 'bn' | 'rbn' | 'bn-frozen' | 'rbn-frozen';

const VARIANT_TITLES: Record<Variant, string> = {
  bn: 'BatchNorm, as is',
  rbn: 'after runningBatchNormify',
  'bn-frozen': 'BatchNorm, base frozen',
  'rbn-frozen': 'runningBatchNormify, base frozen',
};

interface Options {
  seeds: number[];
  batchSizes: number[];
  steps: number;
  pretrainEpochs: number;
  variants: Variant[];
  backend: BackendPreference;
}

interface RunResult {
  variant: Variant;
  batchSize: number;
  seed: number;
  steps: number;
  /** Held-out accuracy on digits 5–9 after fine-tuning (NaN when the run went NaN). */
  accuracy: number;
  nan: boolean;
  /** Held-out accuracy on 0–4 of the pretrained model, for reference. */
  pretrainedAccuracy: number;
  seconds: number;
}

/** Pretraining and fine-tuning use Adam; fine-tuning with a smaller rate, as is usual. */
const PRETRAIN_LR = 3e-3;
const FINETUNE_LR = 1e-3;

function parseOptions(): Options {
  return {
    seeds: list('seeds', [1, 2, 3], Number),
    batchSizes: list('batch-sizes', [2, 8], Number),
    steps: Number(flag('steps') ?? 300),
    pretrainEpochs: Number(flag('pretrain-epochs') ?? 2),
    variants: list('variants', ['bn', 'rbn', 'bn-frozen', 'rbn-frozen'] as Variant[], (s) => s as Variant),
    backend: (flag('backend') ?? 'auto') as BackendPreference,
  };
}

/**
 * The quality benchmark's CNN (fastai 07_batchnorm): conv 5×5 then four 3×3 stride-2 convs, 8-16-32-64-64
 * channels, conv → ReLU → BatchNorm, global average pooling, softmax. The last feature map is 1×1, so
 * a batch of 2 gives BatchNorm two values per channel there.
 */
function createCnn(tf: typeof tfjs): tfjs.Sequential {
  const model = tf.sequential();
  [8, 16, 32, 64, 64].forEach((filters, i) => {
    model.add(tf.layers.conv2d({ ...(i === 0 ? { inputShape: [28, 28, 1] } : {}), filters, kernelSize: i === 0 ? 5 : 3, strides: 2, padding: 'same', useBias: false, activation: 'relu', kernelInitializer: 'heNormal' }));
    model.add(tf.layers.batchNormalization());
  });
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'classifier' }));
  return model;
}

interface DigitTensors {
  x: tfjs.Tensor4D;
  y: tfjs.Tensor2D;
  labels: Int32Array;
}

/** The digits whose label passes `keep`, normalised with the whole training set's mean and std. */
function loadDigits(tf: typeof tfjs, keep: (label: number) => boolean): { train: DigitTensors; test: DigitTensors } {
  const { train, test } = loadMnistSplit(0);
  const { mean, std } = meanAndStd(train.images);
  const pick = (set: typeof train): DigitTensors => {
    const rows = [...set.labels.keys()].filter((i) => keep(set.labels[i]!));
    const images = new Float32Array(rows.length * 784);
    rows.forEach((r, j) => images.set(set.images.subarray(r * 784, (r + 1) * 784).map((v) => (v - mean) / std), j * 784));
    const labels = Int32Array.from(rows, (r) => set.labels[r]!);
    return { x: tf.tensor4d(images, [rows.length, 28, 28, 1]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat() as tfjs.Tensor2D, labels };
  };
  return { train: pick(train), test: pick(test) };
}

/** Trains `steps` batches (cycling through a seeded order); returns false when the loss went NaN. */
async function train(tf: typeof tfjs, model: tfjs.LayersModel, data: DigitTensors, batchSize: number, steps: number, seed: number): Promise<boolean> {
  const count = data.labels.length;
  let order = permutation(count, createRandom(seed));
  let at = 0;
  for (let step = 0; step < steps; step++) {
    if (at + batchSize > count) {
      order = permutation(count, createRandom(seed + step));
      at = 0;
    }
    const idx = tf.tensor1d(order.subarray(at, at + batchSize), 'int32');
    at += batchSize;
    const x = tf.gather(data.x, idx);
    const y = tf.gather(data.y, idx);
    const loss = (await model.trainOnBatch(x, y)) as number;
    tf.dispose([idx, x, y]);
    if (!Number.isFinite(loss)) {
      return false;
    }
  }
  return true;
}

function score(tf: typeof tfjs, model: tfjs.LayersModel, data: DigitTensors): number {
  return accuracyOf(tf, model, data.x, data.labels);
}

/** A copy with the same topology and weights (through memory, as a save and load would). */
async function cloneModel(tf: typeof tfjs, model: tfjs.LayersModel): Promise<tfjs.LayersModel> {
  let artifacts: tfjs.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  }));
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}

async function fineTune(tf: typeof tfjs, pretrained: tfjs.LayersModel, data: { train: DigitTensors; test: DigitTensors }, variant: Variant, batchSize: number, seed: number, o: Options): Promise<Omit<RunResult, 'pretrainedAccuracy'>> {
  const model = variant.startsWith('rbn') ? runningBatchNormify(pretrained) : await cloneModel(tf, pretrained);
  // A new classifier, as in transfer learning: the pretrained one has learnt to say 0–4.
  const classifier = model.getLayer('classifier');
  classifier.setWeights(classifier.getWeights().map((w, i) => (i === 0 ? tf.randomNormal(w.shape, 0, Math.sqrt(2 / (w.shape[0]! + w.shape[1]!)), 'float32', seed * 17) : tf.zerosLike(w))));
  if (variant.endsWith('frozen')) {
    model.layers.filter((l) => l.name !== 'classifier').forEach((l) => (l.trainable = false));
  }
  model.compile({ optimizer: tf.train.adam(FINETUNE_LR), loss: 'categoricalCrossentropy' });
  const started = performance.now();
  const finite = await train(tf, model, data.train, batchSize, o.steps, seed * 31 + batchSize);
  const accuracy = finite ? score(tf, model, data.test) : NaN;
  model.dispose();
  return { variant, batchSize, seed, steps: o.steps, accuracy, nan: !finite, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function table(results: RunResult[], o: Options): string {
  const lines = [`| fine-tuning | ${o.batchSizes.map((bs) => `batch ${bs} %`).join(' | ')} |`, `|---|${o.batchSizes.map(() => '---|').join('')}`];
  for (const variant of o.variants) {
    const cells = o.batchSizes.map((bs) => {
      const runs = results.filter((r) => r.variant === variant && r.batchSize === bs);
      const each = runs.map((r) => (r.nan ? 'NaN' : (r.accuracy * 100).toFixed(1))).join(' / ');
      return runs.some((r) => r.nan) ? each : `**${(mean(runs.map((r) => r.accuracy)) * 100).toFixed(1)}** (${each})`;
    });
    lines.push(`| ${VARIANT_TITLES[variant]} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = parseOptions();
  const choice = await chooseTrainingBackend(o.backend);
  const tf = choice.tf;
  const before = loadDigits(tf, (d) => d <= 4);
  const after = loadDigits(tf, (d) => d >= 5);
  const results: RunResult[] = [];
  const started = Date.now();
  for (const seed of o.seeds) {
    seedMathRandom(seed);
    const pretrained = createCnn(tf);
    pretrained.compile({ optimizer: tf.train.adam(PRETRAIN_LR), loss: 'categoricalCrossentropy' });
    const pretrainSteps = Math.floor((before.train.labels.length * o.pretrainEpochs) / 32);
    await train(tf, pretrained, before.train, 32, pretrainSteps, seed);
    const pretrainedAccuracy = score(tf, pretrained, before.test);
    for (const batchSize of o.batchSizes) {
      for (const variant of o.variants) {
        const result = { ...(await fineTune(tf, pretrained, after, variant, batchSize, seed, o)), pretrainedAccuracy };
        results.push(result);
        process.stderr.write(`${JSON.stringify(result)}\n`);
      }
    }
    pretrained.dispose();
  }
  const summary = { bench: 'finetune', backend: choice.name, pretrainImages: before.train.labels.length, finetuneImages: after.train.labels.length, testImages: after.test.labels.length, minutes: Number(((Date.now() - started) / 60000).toFixed(1)), results };
  process.stdout.write(`${JSON.stringify(summary)}\n\n${table(results, o)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:finetune failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
