/**
 * Per-layer telemetry for one run (issue 13): at up to 150 sampled steps, every layer's output mean,
 * std, near-zero fraction and NaN/Inf count, the L2 norm of its trainable weights and of their
 * gradient, and for normalisation layers and the last hidden layer a 40-bin histogram. The outputs and
 * gradients are the ones trainOnBatch computes anyway (see probes.ts); all reductions run on the
 * device after the step, with one read-back per sampled step (a second only on the first sampled step,
 * which fixes the histogram ranges, and on a step whose outputs hold NaN/Inf).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ExplosionWarning, LayerSample, LayerTelemetry, SourceLocation } from '../../core/training/protocol';
import { GradientExplosionDetector } from './gradient-explosions';
import { chooseHistogramRange, finiteRange, HISTOGRAM_BINS, histogramCounts, maskedStats, outputStats, sumOfSquares } from './layer-stats';
import { tapGradients, tapLayerOutput } from './probes';
import { isSampledStep, MAX_SAMPLED_STEPS } from './sampling';

/** What train-run calls around every step. */
export interface StepObserver {
  /** Before the step's trainOnBatch: arms the probes when the step is sampled; `plannedSteps` is the run's current plan (the time budget may shorten it). */
  beforeStep(step: number, plannedSteps?: number): void;
  /** After it: reads the sampled statistics back; a gradient explosion first seen in this step, else null. */
  afterStep(step: number): ExplosionWarning | null;
  /** Removes the probes and returns the collected series. */
  finish(): LayerTelemetry[];
  /** The layer's gradient norm at the last sampled step (null when never sampled or not finite). */
  latestGradientNorm?(layer: string): number | null;
}

const NORMALISATION_CLASSES = new Set(['BatchNormalization', 'RunningBatchNorm', 'LayerNormalization']);
/** Layers that only reshape or mask what the layer before produced: not "the last hidden layer". */
const PASS_THROUGH_CLASSES = new Set(['Flatten', 'Reshape', 'Dropout', 'SpatialDropout1D', 'Permute', 'RepeatVector', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

interface Probe {
  layer: tfjs.layers.Layer;
  weights: tfjs.LayerVariable[];
  histogram: boolean;
  range: { min: number; max: number } | null;
  /** This step's output (kept until afterStep) and the squared norm of its gradient. */
  output: tfjs.Tensor | null;
  gradSq: tfjs.Tensor | null;
  series: LayerTelemetry;
}

/** What the first read-back said about one probe. */
interface FirstPass {
  mean: number;
  deviations: number;
  nearZero: number;
  weightSq: number;
  gradSq: number;
  counts: number[] | null;
  range: [number, number] | null;
}

/** The last layer before the output that computes something (not a reshape or dropout). */
function lastHiddenIndex(layers: tfjs.layers.Layer[]): number {
  for (let i = layers.length - 2; i >= 0; i--) {
    if (!PASS_THROUGH_CLASSES.has(layers[i].getClassName())) {
      return i;
    }
  }
  return -1;
}

/** Five significant digits: float32 carries about seven, and the report stays small. */
function rounded(value: number): number | null {
  return Number.isFinite(value) ? Number(value.toPrecision(5)) : null;
}

/** A layer's entries at its latest sampled step. */
function latestSample(s: LayerTelemetry): LayerSample {
  const last = s.steps.length - 1;
  return { name: s.name, mean: s.mean[last], std: s.std[last], nearZero: s.nearZero[last], weightNorm: s.weightNorm[last], gradNorm: s.gradNorm[last], nonFinite: s.nonFinite[last] };
}

/** Tensors that share storage (a Flatten's output is its input, reshaped) are reduced once. */
function storageOf(t: tfjs.Tensor): unknown {
  return (t as unknown as { dataId: unknown }).dataId;
}

export class TelemetryCollector implements StepObserver {
  private readonly probes: Probe[];
  private readonly restores: (() => void)[] = [];
  private readonly explosions = new GradientExplosionDetector();
  private armed = false;
  private sampled = 0;

  constructor(
    private readonly tf: typeof tfjs,
    model: tfjs.LayersModel,
    private readonly totalSteps: number,
    sources: Map<string, SourceLocation | null>,
    /** Called after every sampled step with each layer's statistics at it: the live stream (issue 21). */
    private readonly onSample?: (step: number, layers: LayerSample[]) => void,
  ) {
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    const lastHidden = lastHiddenIndex(layers);
    this.probes = layers.map((layer, i) => ({
      layer,
      weights: layer.trainableWeights,
      histogram: NORMALISATION_CLASSES.has(layer.getClassName()) || i === lastHidden,
      range: null,
      output: null,
      gradSq: null,
      series: { name: layer.name, className: layer.getClassName(), source: sources.get(layer.name) ?? null, steps: [], mean: [], std: [], nearZero: [], weightNorm: [], gradNorm: [], nonFinite: [], histogram: null },
    }));
    const armed = () => this.armed;
    for (const probe of this.probes) {
      this.restores.push(
        tapLayerOutput(probe.layer, armed, (output) => {
          // A shared layer applied twice in one step: its first application counts.
          probe.output ??= tf.keep(output.clone());
        }),
      );
    }
    this.restores.push(tapGradients(model.optimizer, armed, (byName) => this.captureGradients(byName)));
  }

  beforeStep(step: number, plannedSteps = this.totalSteps): void {
    // The plan can change while the run goes; the cap keeps the promise of at most 150 samples anyway.
    this.armed = this.sampled < MAX_SAMPLED_STEPS && isSampledStep(step, Math.max(plannedSteps, step));
    if (this.armed) {
      this.sampled += 1;
    }
  }

  afterStep(step: number): ExplosionWarning | null {
    if (!this.armed) {
      return null;
    }
    this.armed = false;
    try {
      const first = this.readFirstPass();
      const second = this.readSecondPass(first);
      this.probes.forEach((p, i) => this.record(p, step, first[i], second.get(i)));
    } finally {
      this.releaseAll();
    }
    this.onSample?.(step, this.probes.map((p) => latestSample(p.series)));
    return this.gradientExplosion(step);
  }

  finish(): LayerTelemetry[] {
    this.armed = false;
    this.releaseAll();
    while (this.restores.length > 0) {
      this.restores.pop()?.();
    }
    return this.probes.filter((p) => p.series.steps.length > 0).map((p) => p.series);
  }

  private captureGradients(byName: Map<string, tfjs.Tensor>): void {
    for (const probe of this.probes) {
      const gradients = probe.weights.map((w) => byName.get(w.name)).filter((g): g is tfjs.Tensor => g !== undefined);
      if (gradients.length > 0 && !probe.gradSq) {
        probe.gradSq = this.tf.keep(sumOfSquares(this.tf, gradients));
      }
    }
  }

  /** Per probe: output stats (3), weight and gradient sums of squares, and histogram counts (40) or, on its first step, the range (2). One read-back. */
  private readFirstPass(): FirstPass[] {
    const { tf } = this;
    const values = tf.tidy(() => {
      const nan = (n: number) => tf.fill([n], NaN);
      const byStorage = new Map<unknown, tfjs.Tensor>();
      const parts: tfjs.Tensor[] = [];
      for (const p of this.probes) {
        if (p.output) {
          const key = storageOf(p.output);
          const stats = byStorage.get(key) ?? outputStats(tf, p.output);
          byStorage.set(key, stats);
          parts.push(stats);
        } else {
          parts.push(nan(3));
        }
        parts.push(p.weights.length > 0 ? sumOfSquares(tf, p.weights.map((w) => w.read())).reshape([1]) : nan(1));
        parts.push(p.gradSq ? p.gradSq.reshape([1]) : nan(1));
        if (p.histogram && p.output) {
          parts.push(p.range ? histogramCounts(tf, p.output, p.range.min, p.range.max) : finiteRange(tf, p.output));
        }
      }
      return tf.concat(parts).dataSync();
    });
    let at = 0;
    const take = (n: number) => Array.from(values.slice(at, (at += n)));
    return this.probes.map((p) => {
      const [mean, deviations, nearZero, weightSq, gradSq] = take(5);
      const extra = p.histogram && p.output ? take(p.range ? HISTOGRAM_BINS : 2) : null;
      return { mean, deviations, nearZero, weightSq, gradSq, counts: p.range ? extra : null, range: p.range || !extra ? null : [extra[0], extra[1]] };
    });
  }

  /**
   * Only where needed: stats over the finite elements of outputs that hold NaN/Inf, and the first
   * histogram of a layer once its range is fixed. Keyed by probe index.
   */
  private readSecondPass(first: FirstPass[]): Map<number, { masked: number[] | null; counts: number[] | null }> {
    const { tf } = this;
    const wanted: { index: number; masked: boolean; counts: boolean }[] = [];
    this.probes.forEach((p, i) => {
      const f = first[i];
      const masked = p.output !== null && (!Number.isFinite(f.mean) || !Number.isFinite(f.deviations));
      if (f.range) {
        const [min, max] = f.range;
        const size = p.output?.size ?? 0;
        p.range = chooseHistogramRange(min, max, f.mean, size > 0 ? Math.sqrt(f.deviations / size) : NaN);
        p.series.histogram = { min: rounded(p.range.min) ?? p.range.min, max: rounded(p.range.max) ?? p.range.max, bins: HISTOGRAM_BINS, counts: [] };
      }
      if (masked || f.range) {
        wanted.push({ index: i, masked, counts: f.range !== null });
      }
    });
    const out = new Map<number, { masked: number[] | null; counts: number[] | null }>();
    if (wanted.length === 0) {
      return out;
    }
    const values = tf.tidy(() =>
      tf
        .concat(
          wanted.flatMap((w) => {
            const p = this.probes[w.index];
            const output = p.output as tfjs.Tensor;
            return [...(w.masked ? [maskedStats(tf, output)] : []), ...(w.counts && p.range ? [histogramCounts(tf, output, p.range.min, p.range.max)] : [])];
          }),
        )
        .dataSync(),
    );
    let at = 0;
    for (const w of wanted) {
      const masked = w.masked ? Array.from(values.slice(at, (at += 4))) : null;
      const counts = w.counts ? Array.from(values.slice(at, (at += HISTOGRAM_BINS))) : null;
      out.set(w.index, { masked, counts });
    }
    return out;
  }

  private record(p: Probe, step: number, f: FirstPass, extra: { masked: number[] | null; counts: number[] | null } | undefined): void {
    const s = p.series;
    const size = p.output?.size ?? 0;
    s.steps.push(step);
    if (extra?.masked) {
      const [count, mean, deviations, nearZero] = extra.masked;
      s.mean.push(count > 0 ? rounded(mean) : null);
      s.std.push(count > 0 ? rounded(Math.sqrt(deviations / count)) : null);
      s.nearZero.push(rounded(nearZero / size) ?? 0);
      s.nonFinite.push(size - count);
    } else {
      s.mean.push(p.output ? rounded(f.mean) : null);
      s.std.push(p.output ? rounded(Math.sqrt(f.deviations / size)) : null);
      s.nearZero.push(size > 0 ? (rounded(f.nearZero / size) ?? 0) : 0);
      s.nonFinite.push(0);
    }
    s.weightNorm.push(p.weights.length > 0 ? rounded(Math.sqrt(f.weightSq)) : null);
    s.gradNorm.push(p.gradSq ? rounded(Math.sqrt(f.gradSq)) : null);
    const counts = f.counts ?? extra?.counts ?? null;
    if (s.histogram && counts) {
      s.histogram.counts.push(counts.map((c) => Math.round(c)));
    }
  }

  private releaseAll(): void {
    for (const p of this.probes) {
      this.tf.dispose([p.output, p.gradSq].filter((t): t is tfjs.Tensor => t !== null));
      p.output = p.gradSq = null;
    }
  }

  latestGradientNorm(layer: string): number | null {
    const norms = this.probes.find((p) => p.layer.name === layer)?.series.gradNorm;
    return norms && norms.length > 0 ? (norms[norms.length - 1] ?? null) : null;
  }

  private gradientExplosion(step: number): ExplosionWarning | null {
    const found = this.explosions.observe(step, this.probes.map((p) => p.series.gradNorm[p.series.gradNorm.length - 1] ?? null));
    if (!found) {
      return null;
    }
    const p = this.probes[found.layerIndex];
    const weight = p.weights.map((w) => w.originalName ?? w.name).join(', ');
    return { step, layer: p.layer.name, className: p.layer.getClassName(), weight, growth: Math.round(found.growth), source: p.series.source, measure: 'gradient' };
  }
}
