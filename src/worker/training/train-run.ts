/**
 * One training run: `steps` steps of `batchSize` examples in a seeded order, every step checked for
 * a non-finite loss or weight (then the step is replayed layer by layer and the run stops) and for
 * exploding weights; afterwards the held-out set is scored in inference mode.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { ExplosionConfirmer } from '../telemetry/explosion-confirmation';
import type { ExplosionWarning, NanFinding, NormKind, RunReport, SourceLocation } from '../../core/training/protocol';
import { firstOverflowingLayer, nonFiniteDataCause, replayStep } from './nan-replay';
import type { StepObserver } from '../telemetry/collector';
import { scoped } from './tensor-scope';
import { createRandom, permutation, seedMathRandom } from '../random';
import { scoreOutputs } from './evaluation';
import { stepOnBatch } from './train-step';
import { checkRowsKept } from './batch-rows';
import { gatherRows, rowCount, sliceRows, type OutputSpec, type Tensors, type TrainingData } from '../data/training-data';
import { ExplosionDetector, measureWeights, trackWeights, type TrackedWeight } from './weight-monitor';
import { monotonicMs } from '../clock';

export interface RunOptions {
  tf: typeof tfjs;
  model: tfjs.LayersModel;
  data: TrainingData;
  norm: NormKind;
  steps: number;
  batchSize: number;
  seed: number;
  sources: Map<string, SourceLocation | null>;
  onStep?: (step: number, loss: number | null) => void;
  onNaN?: (finding: NanFinding) => void;
  /** Called every step; throwing stops the run (memory cap, deadline). */
  checkLimits?: () => void;
  /** Per-layer telemetry (worker/telemetry); it only observes, so the losses are the same without it. */
  telemetry?: StepObserver;
  /** After `done` steps: how many this run should have in all (the time budget; a Compare's granted steps, awaited); `steps` when absent. */
  plannedSteps?: (done: number) => number | Promise<number>;
  /** After the last step: how many of these held-out examples there is time to score (all when absent; 0 scores none). */
  scoringRows?: (rows: number) => number;
  /** Scores the held-out set instead of `evaluate` (a Compare keeps every example's score); single-output models only. */
  scoreHeldOut?: (model: tfjs.LayersModel, data: TrainingData) => { accuracy: number | null; error: number | null };
}

/** Batches of example indices, reshuffled every epoch by a seeded generator. */
function* batchIndices(count: number, batchSize: number, seed: number): Generator<Int32Array> {
  const random = createRandom(seed);
  let order = permutation(count, random);
  let at = 0;
  for (;;) {
    const batch = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) {
      if (at === count) {
        order = permutation(count, random);
        at = 0;
      }
      batch[i] = order[at++];
    }
    yield batch;
  }
}

export async function trainRun(o: RunOptions): Promise<RunReport> {
  const { tf, model, data } = o;
  seedMathRandom(o.seed + 7); // dropout masks repeat across runs
  const tracked = trackWeights(model);
  const explosions = new ExplosionDetector(tracked.map((t) => t.trainable));
  const exploding: ExplosionWarning[] = [];
  const confirmer = new ExplosionConfirmer();
  const weightIndex = new Map(tracked.map((t, i) => [`${t.layer}/${t.weight}`, i]));
  // The initial weights are the first point of comparison: a blow-up in step 1 counts too.
  explosions.observe(measureWeights(tf, tracked).maxAbs);
  const losses: (number | null)[] = [];
  const batches = batchIndices(rowCount(data.xs), o.batchSize, o.seed);
  let nan: NanFinding | null = null;
  let planned = (await o.plannedSteps?.(0)) ?? o.steps;
  const started = monotonicMs();
  for (let step = 1; step <= planned && nan === null; step++) {
    o.checkLimits?.();
    const indices = tf.tensor1d(batches.next().value as Int32Array, 'int32');
    const x = gatherRows(tf, data.xs, indices);
    const y = gatherRows(tf, data.ys, indices);
    indices.dispose();
    const before = tracked.map((t) => t.variable.read().clone());
    o.telemetry?.beforeStep(step, planned);
    const result = await stepOnBatch(model, x, y);
    const gradientExplosion = o.telemetry?.afterStep(step) ?? null;
    const loss = Array.isArray(result) ? result[0] : result;
    const stats = measureWeights(tf, tracked);
    losses.push(Number.isFinite(loss) ? loss : null);
    if (!Number.isFinite(loss) || stats.finite.includes(false)) {
      nan = findNaN(o, tracked, before, stats.finite, x, y, step, Number.isFinite(loss));
      exploding.push(...confirmer.nanAt(step));
      o.onNaN?.(nan);
    } else {
      // Growth is a candidate; it is reported when it is large or its consequences follow (explosion-confirmation.ts).
      const candidates = explosions.observe(stats.maxAbs).map((e) => {
        const t = tracked[e.index];
        return { warning: { step, layer: t.layer, className: t.className, weight: t.weight, growth: Math.round(e.growth), source: o.sources.get(t.layer) ?? null }, magnitude: stats.maxAbs[e.index] };
      });
      if (gradientExplosion) {
        candidates.push({ warning: gradientExplosion, magnitude: o.telemetry?.latestGradientNorm?.(gradientExplosion.layer) ?? 0 });
      }
      const weightOf = (w: ExplosionWarning) => (w.measure === 'gradient' ? largestWeightOfLayer(tracked, stats.maxAbs, w.layer) : (stats.maxAbs[weightIndex.get(`${w.layer}/${w.weight}`) ?? -1] ?? null));
      exploding.push(...confirmer.observe(step, losses[losses.length - 1], candidates, weightOf));
    }
    tf.dispose([x, y, ...before].flat());
    o.onStep?.(step, losses[losses.length - 1]);
    planned = (await o.plannedSteps?.(step)) ?? o.steps;
  }
  const seconds = (monotonicMs() - started) / 1000;
  // The last step's memory counts too, before the evaluation adds to it.
  o.checkLimits?.();
  const held = nan === null ? heldOutWithinTime(data, o.scoringRows) : null;
  const outputs = held && held.outputs ? scoreOutputs(tf, model, held as TrainingData & { outputs: OutputSpec[] }) : undefined;
  const score = !held ? { accuracy: null, error: null } : outputs ? { accuracy: outputs[0].accuracy, error: outputs[0].error } : (o.scoreHeldOut ?? ((m, d) => evaluate(tf, m, d)))(model, held);
  return {
    norm: o.norm,
    steps: losses.length,
    batchSize: o.batchSize,
    finalLoss: finalLoss(losses),
    ...score,
    stepsPerSecond: Math.round((losses.length / Math.max(seconds, 1e-6)) * 10) / 10,
    nan,
    exploding,
    ...growthSeenOf(confirmer),
    losses,
    ...(o.telemetry ? { layers: o.telemetry.finish() } : {}),
    stepsRequested: o.steps,
    stepsPlanned: planned,
    ...(outputs ? { outputs } : {}),
  };
}

/**
 * A cause the optimizer itself shows: a learning rate that is not a finite number. The usual origin is
 * an options object where tfjs takes positional arguments: tf.train.adam({ learningRate, beta1 }).
 */
export function nanCause(optimizer: tfjs.Optimizer | undefined): string | undefined {
  const lr = (optimizer as { learningRate?: unknown } | undefined)?.learningRate;
  if (optimizer === undefined || (typeof lr === 'number' && Number.isFinite(lr))) {
    return undefined;
  }
  const name = optimizer.getClassName().replace(/Optimizer$/, '').toLowerCase();
  const given = typeof lr === 'object' && lr !== null ? `an object (${Object.keys(lr).join(', ')})` : String(lr);
  const example = name === 'adam' || name === 'adamax' ? '(0.0002, 0.5)' : name === 'momentum' ? '(0.01, 0.9)' : '(0.01)';
  return `the learning rate is not a number: the optimizer got ${given}; tf.train.${name} takes positional arguments, e.g. tf.train.${name}${example}, not an options object`;
}

/** The largest magnitude among a layer's trainable weights; null when it has none. */
function largestWeightOfLayer(tracked: TrackedWeight[], maxAbs: Float32Array, layer: string): number | null {
  let largest: number | null = null;
  tracked.forEach((t, i) => {
    if (t.layer === layer && t.trainable && Number.isFinite(maxAbs[i])) {
      largest = Math.max(largest ?? 0, maxAbs[i]);
    }
  });
  return largest;
}

/** The candidates nothing confirmed, for the report (absent when none). */
function growthSeenOf(confirmer: ExplosionConfirmer): { growthSeen?: ExplosionWarning[] } {
  const seen = confirmer.unconfirmed();
  return seen.length > 0 ? { growthSeen: seen } : {};
}

/** The held-out examples there is time to score (the first ones, so that runs score the same rows); null when none. */
function heldOutWithinTime(data: TrainingData, scoringRows: RunOptions['scoringRows']): TrainingData | null {
  const rows = rowCount(data.testXs);
  const fit = scoringRows ? scoringRows(rows) : rows;
  if (fit <= 0) {
    return null;
  }
  return fit < rows ? { ...data, testXs: sliceRows(data.testXs, 0, fit), testYs: sliceRows(data.testYs, 0, fit) } : data;
}

/** Restores the weights from before the step, replays it, and names the layer. */
function findNaN(o: RunOptions, tracked: TrackedWeight[], before: tfjs.Tensor[], finiteAfter: boolean[], x: Tensors, y: Tensors, step: number, lossFinite: boolean): NanFinding {
  tracked.forEach((t, i) => t.variable.write(before[i]));
  let layerIndex: number;
  let where: NanFinding['where'];
  const replay = replayStep(o.tf, o.model, x, y);
  if (replay) {
    ({ layerIndex, where } = replay);
  } else if (!lossFinite) {
    // Forward and backward are finite on replay, so the loss itself overflowed: blame the first layer
    // whose output is already huge, else the output layer.
    layerIndex = firstOverflowingLayer(o.tf, o.model, x) ?? o.model.layers.length - 1;
    where = 'loss';
  } else {
    // The loss was fine but the update was not: the optimizer wrote NaN/Inf into these weights.
    layerIndex = tracked[finiteAfter.indexOf(false)].layerIndex;
    where = 'weights';
  }
  const layer = o.model.layers[layerIndex];
  const cause = nanCause(o.model.optimizer) ?? nonFiniteDataCause(o.tf, x, y);
  return { step, layer: layer.name, className: layer.getClassName(), where, source: o.sources.get(layer.name) ?? null, ...(cause ? { cause } : {}) };
}

/** Mean of the last ten finite losses (single batch losses are noisy at small batch sizes). */
function finalLoss(losses: (number | null)[]): number | null {
  const finite = losses.filter((l): l is number => l !== null).slice(-10);
  return finite.length === 0 ? null : finite.reduce((a, b) => a + b, 0) / finite.length;
}

/** Held-out accuracy for classification, mean squared error for regression, in inference mode. */
export function evaluate(tf: typeof tfjs, model: tfjs.LayersModel, data: TrainingData): { accuracy: number | null; error: number | null } {
  return scoped(tf, () => {
    const predicted = model.predict(data.testXs, { batchSize: 128 }) as tfjs.Tensor;
    checkRowsKept(tf, model, data.testXs, predicted);
    const testYs = data.testYs as tfjs.Tensor;
    if (data.task === 'regression') {
      return { accuracy: null, error: tf.losses.meanSquaredError(testYs, predicted).dataSync()[0] };
    }
    const units = predicted.shape[predicted.shape.length - 1];
    const guess = units === 1 ? predicted.greater(0.5).toInt().reshape([-1]) : predicted.argMax(-1);
    const truth = units === 1 || testYs.shape[testYs.shape.length - 1] === 1 ? testYs.reshape([-1]).toInt() : testYs.argMax(-1);
    return { accuracy: guess.equal(truth).toFloat().mean().dataSync()[0], error: null };
  });
}
