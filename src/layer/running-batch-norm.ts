/**
 * RunningBatchNorm for TensorFlow.js: batch norm that normalises with running statistics in training
 * too (fastai course-v3 part 2, 07_batchnorm, final form), so it keeps working at batch size 1 or 2.
 *
 * Per channel on `axis` the layer keeps running sums S, sums of squares Q and an element count C. A
 * training batch of bs samples with per-channel sum s, sum of squares ss and c elements moves them by
 * mom1 = 1 − momentum/√(bs − 1) (1 − momentum when bs is 1): S ← S + mom1·(s − S), likewise Q and C.
 * The output, in training and inference alike, is y = (x − S/C)/√(Q/C − (S/C)² + ε)·γ + β, the
 * variance floored at `varianceFloor` while fewer than `warmupSamples` samples have been seen.
 * Gradients flow through this batch's s and ss, never through the history. The file has one import,
 * tfjs, so that it can be copied into any tfjs project.
 */
import * as tf from '@tensorflow/tfjs';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type InitializerArg = BatchNormalizationArgs['betaInitializer'] | tf.serialization.ConfigDict;
type RegularizerArg = BatchNormalizationArgs['betaRegularizer'] | tf.serialization.ConfigDict;
type ConstraintArg = BatchNormalizationArgs['betaConstraint'] | tf.serialization.ConfigDict;
type Initializer = NonNullable<Extract<BatchNormalizationArgs['betaInitializer'], object>>;
type Regularizer = NonNullable<Extract<BatchNormalizationArgs['betaRegularizer'], object>>;
type Constraint = NonNullable<Extract<BatchNormalizationArgs['betaConstraint'], object>>;
type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/** Arguments of {@link RunningBatchNorm}; the names and conventions of `tf.layers.batchNormalization`. */
export interface RunningBatchNormArgs extends LayerArgs {
  /** The axis of the channels (features) to normalise. Defaults to -1. */
  axis?: number;
  /**
   * Weight of the old value in the running statistics (Keras convention). Defaults to 0.9, which is
   * fastai's mom 0.1. The weight of a batch also grows with its size (see the file header).
   */
  momentum?: number;
  /** Small float added to the variance to avoid dividing by zero. Defaults to 1e-5. */
  epsilon?: number;
  /** If `true`, add the offset `beta`. Defaults to `true`. */
  center?: boolean;
  /** If `true`, multiply by `gamma`. Defaults to `true`. */
  scale?: boolean;
  /** Initializer for the beta weight. Defaults to 'zeros'. */
  betaInitializer?: InitializerArg;
  /** Initializer for the gamma weight. Defaults to 'ones'. */
  gammaInitializer?: InitializerArg;
  /** Regularizer for the beta weight. Defaults to none. */
  betaRegularizer?: RegularizerArg;
  /** Regularizer for the gamma weight. Defaults to none. */
  gammaRegularizer?: RegularizerArg;
  /** Constraint for the beta weight. Defaults to none. */
  betaConstraint?: ConstraintArg;
  /** Constraint for the gamma weight. Defaults to none. */
  gammaConstraint?: ConstraintArg;
  /** Lower bound of the variance while fewer than `warmupSamples` samples have been seen. Defaults to 0.01. */
  varianceFloor?: number;
  /** How many samples the variance stays floored for. Defaults to 20. */
  warmupSamples?: number;
  /**
   * Recompute the statistics only every `statsInterval`-th training step after the warm-up and reuse
   * the last ones in between (faster steps; gradients then flow through gamma and beta only).
   * Defaults to 1 (every step).
   */
  statsInterval?: number;
  /** Accepted and ignored, so a config shared with `tf.layers.batchNormalization` keeps working. */
  movingMeanInitializer?: unknown;
  /** Accepted and ignored, so a config shared with `tf.layers.batchNormalization` keeps working. */
  movingVarianceInitializer?: unknown;
}

// ---- Identifiers of initializers, regularizers and constraints (tfjs keeps its resolvers private) ----

/** tfjs identifiers are class names with a lower-case first letter, except this one. */
const CLASS_NAME_ALIASES: Record<string, string> = { l1l2: 'L1L2' };

function resolveSerializable<T>(id: unknown, fallback: T | null, kind: string): T | null {
  if (id === undefined || id === null) {
    return fallback;
  }
  if (typeof id === 'object' && typeof (id as { getClassName?: unknown }).getClassName === 'function') {
    return id as T;
  }
  const dict: tf.serialization.ConfigDict =
    typeof id === 'string' ? { className: CLASS_NAME_ALIASES[id] ?? id[0].toUpperCase() + id.slice(1), config: {} } : (id as tf.serialization.ConfigDict);
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[String(dict.className)];
  if (entry === undefined) {
    throw new Error(`RunningBatchNorm: unknown ${kind} ${JSON.stringify(id)}`);
  }
  return entry[1](entry[0], (dict.config ?? {}) as tf.serialization.ConfigDict) as T;
}

function serialize(value: { getClassName(): string; getConfig(): tf.serialization.ConfigDict } | null): tf.serialization.ConfigDictValue {
  return value === null ? null : { className: value.getClassName(), config: value.getConfig() };
}

// ---- Per-backend compositions of tfjs ops (each measured faster than the obvious op there) ----

/** x viewed as [P, C] (channels last) or [P, C, Q] (channels followed by Q elements). */
interface ChannelView {
  readonly channels: number;
  readonly inner: number;
  readonly viewShape: number[];
}

interface ChannelOps {
  /** Σ over everything but the channel axis, as [C]. */
  sum(xv: tf.Tensor, view: ChannelView): tf.Tensor1D;
  /** Elementwise a·b of two tensors of the view's shape. */
  product(a: tf.Tensor, b: tf.Tensor): tf.Tensor;
  /** xv·f + o with per-channel f and o of shape [C]. */
  affine(xv: tf.Tensor, f: tf.Tensor1D, o: tf.Tensor1D, view: ChannelView): tf.Tensor;
  /** dy·f + x·b + a with per-channel f, b, a (the closed-form input gradient). */
  affine2(dy: tf.Tensor, f: tf.Tensor1D, x: tf.Tensor, b: tf.Tensor1D, a: tf.Tensor1D, view: ChannelView): tf.Tensor;
}

/** Collapses the trailing Q elements of each channel with one batched matMul: [P, C, Q] → [P, C]. */
function collapseInner(xv: tf.Tensor, view: ChannelView): tf.Tensor2D {
  if (view.inner === 1) {
    return xv as tf.Tensor2D;
  }
  const summed = tf.matMul(xv as tf.Tensor3D, tf.ones([view.inner, 1]));
  return tf.reshape(summed, [-1, view.channels]);
}

function broadcastable(v: tf.Tensor1D, view: ChannelView): tf.Tensor {
  return view.inner === 1 ? v : tf.reshape(v, [view.channels, 1]);
}

/** Mul and add broadcast per channel; sums with the op the backend does best. */
function broadcastOps(sum: ChannelOps['sum']): ChannelOps {
  return {
    sum,
    product: (a, b) => tf.mul(a, b),
    affine: (xv, f, o, view) => tf.add(tf.mul(xv, broadcastable(f, view)), broadcastable(o, view)),
    affine2: (dy, f, x, b, a, view) =>
      tf.add(tf.add(tf.mul(dy, broadcastable(f, view)), tf.mul(x, broadcastable(b, view))), broadcastable(a, view)),
  };
}

/**
 * cpu: tf.sum over leading axes is ~20× a matMul with a ones row, and broadcasting mul/add are ~4×
 * tf.batchNorm, whose kernel walks its parameters cyclically over the flat tensor. Parameters are
 * therefore laid out flat with the period of the channel pattern (C, or C·Q when Q elements follow).
 */
function cpuOps(): ChannelOps {
  const cyclic = (v: tf.Tensor1D, view: ChannelView): tf.Tensor1D =>
    view.inner === 1 ? v : tf.reshape(tf.tile(tf.reshape(v, [view.channels, 1]), [1, view.inner]), [-1]);
  const fma = (x: tf.Tensor, scale: tf.Tensor1D, offset: tf.Tensor1D | undefined): tf.Tensor =>
    tf.reshape(tf.batchNorm(tf.reshape(x, [-1]), tf.zeros([1]), tf.ones([1]), offset, scale, 0), x.shape);
  return {
    sum: (xv, view) => {
      const x2 = collapseInner(xv, view);
      return tf.reshape(tf.matMul(tf.ones([1, x2.shape[0]]), x2), [view.channels]);
    },
    product: (a, b) => fma(a, tf.reshape(b, [-1]), undefined),
    affine: (xv, f, o, view) => fma(xv, cyclic(f, view), cyclic(o, view)),
    affine2: (dy, f, x, b, a, view) => fma(dy, cyclic(f, view), tf.reshape(fma(x, cyclic(b, view), cyclic(a, view)), [-1])),
  };
}

/** wasm: XNNPACK sums fastest with x as the transposed left operand (it re-packs a right operand). */
function wasmSum(xv: tf.Tensor, view: ChannelView): tf.Tensor1D {
  const x2 = collapseInner(xv, view);
  return tf.reshape(tf.matMul(x2, tf.ones([x2.shape[0], 1]), true, false), [view.channels]);
}

/** webgl, webgpu, tensorflow (tfjs-node): native reductions and broadcasting are fast already. */
function nativeSum(xv: tf.Tensor, view: ChannelView): tf.Tensor1D {
  return tf.sum(xv, view.inner === 1 ? [0] : [0, 2]) as tf.Tensor1D;
}

function opsForBackend(backend: string): ChannelOps {
  if (backend === 'cpu') {
    return cpuOps();
  }
  return broadcastOps(backend === 'wasm' ? wasmSum : nativeSum);
}

// ---- The layer ----

/** Statistics of one normalisation, per channel; what the backward pass needs. */
interface Stats {
  mean: tf.Tensor1D;
  rstd: tf.Tensor1D;
  /** ∂mean/∂x per element (mom1/C), zeroed where the variance floor holds: gradient of the variance. */
  varianceWeight: tf.Tensor1D;
  meanWeight: tf.Tensor1D;
}

/**
 * Batch normalisation with running statistics in training and inference (fastai's RunningBatchNorm).
 * Stable at tiny batch sizes; a drop-in for `tf.layers.batchNormalization`.
 */
export class RunningBatchNorm extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'RunningBatchNorm';
  private readonly axis: number;
  private readonly momentum: number;
  private readonly epsilon: number;
  private readonly center: boolean;
  private readonly scale: boolean;
  private readonly varianceFloor: number;
  private readonly warmupSamples: number;
  private readonly statsInterval: number;
  private readonly betaInitializer: Initializer;
  private readonly gammaInitializer: Initializer;
  private readonly betaRegularizer: Regularizer | null;
  private readonly gammaRegularizer: Regularizer | null;
  private readonly betaConstraint: Constraint | null;
  private readonly gammaConstraint: Constraint | null;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;
  private sums!: tf.LayerVariable;
  private sqrs!: tf.LayerVariable;
  private count!: tf.LayerVariable;
  private samplesSeen!: tf.LayerVariable;
  private statsAge: tf.LayerVariable | null = null;
  /** JS copy of samplesSeen and statsAge, valid while their tensors are the ones this layer wrote. */
  private schedule: { dataIds: object[]; samples: number; age: number } | null = null;

  constructor(args: RunningBatchNormArgs = {}) {
    // The moving-statistics initializers of a shared batchNormalization config have no meaning here.
    const { movingMeanInitializer: _m, movingVarianceInitializer: _v, ...layerArgs } = args;
    super(layerArgs);
    this.supportsMasking = true;
    this.axis = args.axis ?? -1;
    this.momentum = checkRange('momentum', args.momentum ?? 0.9, 0, 1);
    this.epsilon = checkRange('epsilon', args.epsilon ?? 1e-5, 0, Infinity);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.varianceFloor = checkRange('varianceFloor', args.varianceFloor ?? 0.01, 0, Infinity);
    this.warmupSamples = checkRange('warmupSamples', args.warmupSamples ?? 20, 0, Infinity);
    this.statsInterval = checkRange('statsInterval', args.statsInterval ?? 1, 1, Infinity);
    if (!Number.isInteger(this.statsInterval)) {
      throw new Error(`RunningBatchNorm: statsInterval must be a whole number ≥ 1, got ${this.statsInterval}`);
    }
    this.betaInitializer = resolveSerializable<Initializer>(args.betaInitializer, tf.initializers.zeros(), 'initializer')!;
    this.gammaInitializer = resolveSerializable<Initializer>(args.gammaInitializer, tf.initializers.ones(), 'initializer')!;
    this.betaRegularizer = resolveSerializable<Regularizer>(args.betaRegularizer, null, 'regularizer');
    this.gammaRegularizer = resolveSerializable<Regularizer>(args.gammaRegularizer, null, 'regularizer');
    this.betaConstraint = resolveSerializable<Constraint>(args.betaConstraint, null, 'constraint');
    this.gammaConstraint = resolveSerializable<Constraint>(args.gammaConstraint, null, 'constraint');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axis = this.axis < 0 ? this.axis + shape.length : this.axis;
    const channels = shape[axis];
    if (shape.length < 2 || axis < 1 || axis >= shape.length || channels === null || channels === undefined) {
      throw new Error(`RunningBatchNorm: axis ${this.axis} must name a defined, non-batch dimension of input shape ${JSON.stringify(shape)}`);
    }
    this.inputSpec = [new tf.InputSpec({ ndim: shape.length, axes: { [axis]: channels } })];
    const zeros = tf.initializers.zeros();
    if (this.scale) {
      this.gamma = this.addWeight('gamma', [channels], 'float32', this.gammaInitializer, this.gammaRegularizer ?? undefined, true, this.gammaConstraint ?? undefined);
    }
    if (this.center) {
      this.beta = this.addWeight('beta', [channels], 'float32', this.betaInitializer, this.betaRegularizer ?? undefined, true, this.betaConstraint ?? undefined);
    }
    this.sums = this.addWeight('sums', [channels], 'float32', zeros, undefined, false);
    this.sqrs = this.addWeight('sqrs', [channels], 'float32', zeros, undefined, false);
    this.count = this.addWeight('count', [1], 'float32', zeros, undefined, false);
    this.samplesSeen = this.addWeight('samplesSeen', [1], 'float32', zeros, undefined, false);
    if (this.statsInterval > 1) {
      this.statsAge = this.addWeight('statsAge', [1], 'float32', zeros, undefined, false);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axis = this.axis < 0 ? this.axis + x.rank : this.axis;
      const view = channelView(x.shape, axis);
      const ops = opsForBackend(tf.getBackend());
      const params = [this.gamma, this.beta].filter((v): v is tf.LayerVariable => v !== null).map((v) => v.read());
      if (kwargs['training'] !== true) {
        return this.normalizeWithState(ops, view)(x, ...params);
      }
      if (!this.recomputesStatsNow()) {
        const y = this.normalizeWithState(ops, view)(x, ...params);
        this.advanceSchedule(x.shape[0], false);
        return y;
      }
      const y = this.normalizeWithBatch(ops, view, x.shape[0])(x, ...params);
      this.advanceSchedule(x.shape[0], true);
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serialize(this.betaInitializer),
      gammaInitializer: serialize(this.gammaInitializer),
      betaRegularizer: serialize(this.betaRegularizer),
      gammaRegularizer: serialize(this.gammaRegularizer),
      betaConstraint: serialize(this.betaConstraint),
      gammaConstraint: serialize(this.gammaConstraint),
      varianceFloor: this.varianceFloor,
      warmupSamples: this.warmupSamples,
      statsInterval: this.statsInterval,
    };
    return { ...super.getConfig(), ...config };
  }

  /** y from the stored statistics; gradients reach gamma and beta, and x through the affine map only. */
  private normalizeWithState(ops: ChannelOps, view: ChannelView): (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor {
    return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const save = args.pop() as tf.GradSaveFunc;
      const [x, ...params] = args as tf.Tensor[];
      const count = this.count.read();
      const mean = tf.div(this.sums.read(), tf.maximum(count, 1e-30)) as tf.Tensor1D;
      const variance = tf.sub(tf.div(this.sqrs.read(), tf.maximum(count, 1e-30)), tf.square(mean));
      const floor = tf.where(tf.less(this.samplesSeen.read(), this.warmupSamples), this.varianceFloor, 0);
      // Before any training (count 0): mean 0, rstd 1, so the layer starts as γ·x + β, never NaN.
      const rstd = tf.where(tf.greater(count, 0), tf.rsqrt(tf.add(tf.maximum(variance, floor), this.epsilon)), 1) as tf.Tensor1D;
      const zero = tf.zerosLike(rstd);
      save([x, mean, rstd, zero, zero, ...params]);
      return { value: this.project(ops, view, x, { mean, rstd, meanWeight: zero, varianceWeight: zero }, params), gradFunc: (dy, saved) => this.gradients(ops, view, dy, saved, false) };
    }) as (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor;
  }

  /** y with this batch folded into the running statistics; gradients flow through the batch's sums. */
  private normalizeWithBatch(ops: ChannelOps, view: ChannelView, batchSize: number): (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor {
    return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const save = args.pop() as tf.GradSaveFunc;
      const [x, ...params] = args as tf.Tensor[];
      const xv = tf.reshape(x, view.viewShape);
      const mom = 1 - this.momentum;
      const mom1 = batchSize > 1 ? 1 - (1 - mom) / Math.sqrt(batchSize - 1) : mom;
      const lerp = (old: tf.Tensor, next: tf.Tensor | number): tf.Tensor =>
        tf.add(tf.mul(old, 1 - mom1), typeof next === 'number' ? next * mom1 : tf.mul(next, mom1));
      const sums = lerp(this.sums.read(), ops.sum(xv, view));
      const sqrs = lerp(this.sqrs.read(), ops.sum(tf.square(xv), view));
      const count = lerp(this.count.read(), x.size / view.channels);
      const samples = tf.add(this.samplesSeen.read(), batchSize);
      const mean = tf.div(sums, count) as tf.Tensor1D;
      const variance = tf.sub(tf.div(sqrs, count), tf.square(mean));
      const floor = tf.where(tf.less(samples, this.warmupSamples), this.varianceFloor, 0);
      const rstd = tf.rsqrt(tf.add(tf.maximum(variance, floor), this.epsilon)) as tf.Tensor1D;
      const meanWeight = tf.div(mom1, count) as tf.Tensor1D;
      const varianceWeight = tf.mul(meanWeight, tf.cast(tf.greaterEqual(variance, floor), 'float32')) as tf.Tensor1D;
      this.sums.write(sums);
      this.sqrs.write(sqrs);
      this.count.write(count);
      this.samplesSeen.write(samples);
      save([x, mean, rstd, meanWeight, varianceWeight, ...params]);
      const stats = { mean, rstd, meanWeight, varianceWeight };
      return { value: this.project(ops, view, x, stats, params), gradFunc: (dy, saved) => this.gradients(ops, view, dy, saved, true) };
    }) as (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor;
  }

  /** y = x·f + o with f = γ·rstd and o = β − mean·f. */
  private project(ops: ChannelOps, view: ChannelView, x: tf.Tensor, stats: Stats, params: tf.Tensor[]): tf.Tensor {
    const { gamma, beta } = this.splitParams(params);
    const f = gamma ? (tf.mul(gamma, stats.rstd) as tf.Tensor1D) : stats.rstd;
    const shifted = tf.neg(tf.mul(stats.mean, f)) as tf.Tensor1D;
    const o = beta ? (tf.add(beta, shifted) as tf.Tensor1D) : shifted;
    return tf.reshape(ops.affine(tf.reshape(x, view.viewShape), f, o, view), x.shape);
  }

  /**
   * Closed-form backward: with A = Σdy and B = Σdy·x per channel, dβ = A, dγ = rstd·(B − mean·A) and
   * dx = dy·f + x·b + a, where b and a carry the gradient through this batch's mean and variance.
   */
  private gradients(ops: ChannelOps, view: ChannelView, dy: tf.Tensor, saved: tf.Tensor[], throughBatch: boolean): tf.Tensor[] {
    const [x, mean, rstd, meanWeight, varianceWeight, ...params] = saved as [tf.Tensor, ...tf.Tensor1D[]];
    const { gamma } = this.splitParams(params);
    const xv = tf.reshape(x, view.viewShape);
    const dyv = tf.reshape(dy, view.viewShape);
    const sumDy = ops.sum(dyv, view);
    const centred = tf.sub(ops.sum(ops.product(dyv, xv), view), tf.mul(mean, sumDy)) as tf.Tensor1D;
    const f = gamma ? (tf.mul(gamma, rstd) as tf.Tensor1D) : rstd;
    let dx: tf.Tensor;
    if (throughBatch) {
      const b = tf.neg(tf.mul(tf.mul(f, tf.square(rstd)), tf.mul(varianceWeight, centred))) as tf.Tensor1D;
      const a = tf.sub(tf.neg(tf.mul(tf.mul(f, meanWeight), sumDy)), tf.mul(b, mean)) as tf.Tensor1D;
      dx = ops.affine2(dyv, f, xv, b, a, view);
    } else {
      dx = ops.affine(dyv, f, tf.zerosLike(f), view);
    }
    const grads = [tf.reshape(dx, x.shape)];
    if (this.scale) {
      grads.push(tf.mul(rstd, centred));
    }
    if (this.center) {
      grads.push(sumDy);
    }
    return grads;
  }

  private splitParams(params: tf.Tensor[]): { gamma?: tf.Tensor1D; beta?: tf.Tensor1D } {
    const gamma = this.scale ? (params[0] as tf.Tensor1D) : undefined;
    const beta = this.center ? (params[this.scale ? 1 : 0] as tf.Tensor1D) : undefined;
    return { gamma, beta };
  }

  /** During the warm-up, and every statsInterval-th step after it, the statistics are recomputed. */
  private recomputesStatsNow(): boolean {
    if (this.statsAge === null) {
      return true;
    }
    const ids = [this.samplesSeen.read().dataId, this.statsAge.read().dataId];
    if (this.schedule === null || ids.some((id, i) => id !== this.schedule!.dataIds[i])) {
      // The weights were set from outside (setWeights, loading): read them once.
      this.schedule = { dataIds: ids, samples: this.samplesSeen.read().dataSync()[0], age: this.statsAge.read().dataSync()[0] };
    }
    return this.schedule.samples < Math.max(this.warmupSamples, 1) || this.schedule.age >= this.statsInterval - 1;
  }

  private advanceSchedule(batchSize: number, recomputed: boolean): void {
    if (this.statsAge === null || this.schedule === null) {
      return;
    }
    const age = recomputed ? 0 : this.schedule.age + 1;
    this.statsAge.write(tf.tensor1d([age]));
    const samples = recomputed ? this.schedule.samples + batchSize : this.schedule.samples;
    this.schedule = { dataIds: [this.samplesSeen.read().dataId, this.statsAge.read().dataId], samples, age };
  }
}
tf.serialization.registerClass(RunningBatchNorm);

/** Throws a clear message unless min ≤ value < max. */
function checkRange(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value < max)) {
    throw new Error(`RunningBatchNorm: ${name} must be a number in [${min}, ${max}), got ${String(value)}`);
  }
  return value;
}

function channelView(shape: number[], axis: number): ChannelView {
  const channels = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return { channels, inner, viewShape: inner === 1 ? [-1, channels] : [-1, channels, inner] };
}

/**
 * Creates a {@link RunningBatchNorm} layer: batch normalisation with running statistics, stable at
 * batch size 1 or 2. Takes the arguments of `tf.layers.batchNormalization` (see {@link RunningBatchNormArgs}).
 */
export function runningBatchNorm(args?: RunningBatchNormArgs): RunningBatchNorm {
  return new RunningBatchNorm(args);
}
