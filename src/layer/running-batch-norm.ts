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
 *
 * `inferenceMomentum` m (default 0.9; null: off, as in fastai's layer): at bs 8 a batch enters the state above with weight 0.66, so the state
 * an inference call would use is mostly the last batch or two. With m set, every training step that
 * recomputes the statistics also folds the running state's mean S/C and variance Q/C − (S/C)² (not
 * floored: the floor steadies the training output, it is no estimate of the population) into a slower,
 * debiased EMA: v_t = v_{t−1} + w_t·(stat − v_{t−1}), w_t = (1 − m)/(1 − m^t) for the t-th such step,
 * so the first step seeds it exactly and it never averages in its zero start. Inference then normalises
 * with y = (x − mean_t)/√(max(var_t, floor) + ε)·γ + β, the floor applying while the warm-up lasts as
 * in training (a batch of one dense sample has variance 0); training output is unchanged. So every
 * non-trainable weight but `count` (constant once it reaches a batch's element count) moves in every
 * training step that recomputes the statistics.
 *
 * Two defaults differ from fastai's layer because the quality grid (README) measured them better at
 * batch 8 and up: `inferenceMomentum` 0.9 and `epsilon` 1e-4 (fastai: 1e-5). `fastai: true` gives
 * fastai's exact layer (epsilon 1e-5, inference on the running state).
 *
 * A layer with `trainable: false` (its own, or a frozen parent's) normalises as in inference inside
 * fit and keeps its state (Keras 2). runningBatchNormify/batchNormify, at the end of the file, convert
 * whole models between BatchNormalization and this layer; they live here so every vendored copy has them.
 */
import * as tf from '@tensorflow/tfjs';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type InitializerArg = BatchNormalizationArgs['betaInitializer'] | tf.serialization.ConfigDict;
type RegularizerArg = BatchNormalizationArgs['betaRegularizer'] | tf.serialization.ConfigDict;
type ConstraintArg = BatchNormalizationArgs['betaConstraint'] | tf.serialization.ConfigDict;
// The instances, without the string identifiers (`Exclude<…, string>`, not `Extract<…, object>`: in the
// JavaScript copies' JSDoc, `object` is `any` unless strict, which would let the identifiers through).
type Initializer = NonNullable<Exclude<BatchNormalizationArgs['betaInitializer'], string>>;
type Regularizer = NonNullable<Exclude<BatchNormalizationArgs['betaRegularizer'], string>>;
type Constraint = NonNullable<Exclude<BatchNormalizationArgs['betaConstraint'], string>>;
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
  /** Small float added to the variance to avoid dividing by zero. Defaults to 1e-4 (1e-5 with `fastai`). */
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
  /**
   * Weight of the old value (Keras convention) in a slower, debiased moving average of the running
   * state's per-channel mean and variance (the variance not floored), which inference normalises with
   * instead of the running state, flooring the variance during the warm-up as training does (see the
   * file header); adds the weights inferenceMean, inferenceVariance and inferenceSteps. Before the first
   * training step inference falls back to the running state. Defaults to 0.9 (null with
   * `fastai`); `null` turns it off (inference uses the running state, as in fastai's layer).
   */
  inferenceMomentum?: number | null;
  /**
   * `true`: fastai's exact layer, i.e. the defaults epsilon 1e-5 and inferenceMomentum null; an
   * `epsilon` or `inferenceMomentum` given as well still wins. Not saved in the config: the values it
   * chose are.
   */
  fastai?: boolean;
  /** Accepted and ignored, so a config shared with `tf.layers.batchNormalization` keeps working. */
  movingMeanInitializer?: unknown;
  /** Accepted and ignored, so a config shared with `tf.layers.batchNormalization` keeps working. */
  movingVarianceInitializer?: unknown;
}

/**
 * Default `inferenceMomentum`: the quality grid (README) has RunningBatchNorm level with or ahead of
 * BatchNorm at batch 8 and 32 with it, where fastai's plain running state trails by about a point.
 */
const DEFAULT_INFERENCE_MOMENTUM = 0.9;
/**
 * Default `epsilon`: with fastai's 1e-5 RunningBatchNorm trailed BatchNorm by 0.9 points at SGD batch 8
 * over 10 seeds; 1e-4 puts it ahead in every cell at batch 8 and 32 and keeps batch 1 and 2 far ahead
 * (README, quality benchmark). tfjs BatchNormalization's 1e-3 wins batch 8 too but costs SGD batch 1.
 */
const DEFAULT_EPSILON = 1e-4;
/** fastai's epsilon, for `fastai: true`. */
const FASTAI_EPSILON = 1e-5;
/** Default `momentum`: fastai's mom 0.1 in the Keras convention. */
const DEFAULT_MOMENTUM = 0.9;
/** How many samples a state set by setStatistics stands for, unless told (tfjs fit's default batch). */
const DEFAULT_STATISTICS_SAMPLES = 32;

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
    typeof id === 'string' ? { className: CLASS_NAME_ALIASES[id] ?? id.charAt(0).toUpperCase() + id.slice(1), config: {} } : (id as tf.serialization.ConfigDict);
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[String(dict['className'])];
  if (entry === undefined) {
    throw new Error(`RunningBatchNorm: unknown ${kind} ${JSON.stringify(id)}`);
  }
  return entry[1](entry[0], (dict['config'] ?? {}) as tf.serialization.ConfigDict) as T;
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
  /** The fused kernels are registered for this backend (and x is float32): the steps use them. */
  fused?: boolean;
  /** weight·Σ over everything but the channel axis, as [C]. */
  sum(xv: tf.Tensor, view: ChannelView, weight?: number): tf.Tensor1D;
  /** Elementwise a·b of two tensors of the view's shape. */
  product(a: tf.Tensor, b: tf.Tensor): tf.Tensor;
  /** xv·f + o with per-channel f and o of shape [C] (xv·f without o). */
  affine(xv: tf.Tensor, f: tf.Tensor1D, o: tf.Tensor1D | undefined, view: ChannelView): tf.Tensor;
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
    affine: (xv, f, o, view) => {
      const scaled = tf.mul(xv, broadcastable(f, view));
      return o ? tf.add(scaled, broadcastable(o, view)) : scaled;
    },
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
    sum: (xv, view, weight = 1) => {
      const x2 = collapseInner(xv, view);
      return tf.reshape(tf.matMul(tf.fill([1, x2.shape[0]], weight), x2), [view.channels]);
    },
    product: (a, b) => fma(a, tf.reshape(b, [-1]), undefined),
    affine: (xv, f, o, view) => fma(xv, cyclic(f, view), o && cyclic(o, view)),
    affine2: (dy, f, x, b, a, view) => fma(dy, cyclic(f, view), tf.reshape(fma(x, cyclic(b, view), cyclic(a, view)), [-1])),
  };
}

/**
 * wasm: XNNPACK sums fastest with x as the transposed left operand (it re-packs a right operand), and
 * a 1×1 depthwise convolution with bias is one pass for x·f + o where mul and add are two.
 */
function wasmOps(): ChannelOps {
  const broadcast = broadcastOps((xv, view, weight = 1) => {
    const x2 = collapseInner(xv, view);
    return tf.reshape(tf.matMul(x2, tf.fill([x2.shape[0], 1], weight), true, false), [view.channels]);
  });
  const affine: ChannelOps['affine'] = (xv, f, o, view) => {
    if (view.inner !== 1) {
      return broadcast.affine(xv, f, o, view);
    }
    const x4 = tf.reshape(xv, [1, -1, 1, view.channels]) as tf.Tensor4D;
    const filter = tf.reshape(f, [1, 1, view.channels, 1]) as tf.Tensor4D;
    return tf.reshape(tf.fused.depthwiseConv2d({ x: x4, filter, strides: 1, pad: 'valid', ...(o ? { bias: o } : {}) }), xv.shape);
  };
  return {
    ...broadcast,
    affine,
    affine2: (dy, f, x, b, a, view) =>
      view.inner !== 1 ? broadcast.affine2(dy, f, x, b, a, view) : tf.add(tf.mul(dy, f), affine(x, b, a, view)),
  };
}

/** webgl, webgpu, tensorflow (tfjs-node): native reductions and broadcasting are fast already. */
function nativeSum(xv: tf.Tensor, view: ChannelView, weight = 1): tf.Tensor1D {
  const sum = tf.sum(xv, view.inner === 1 ? [0] : [0, 2]) as tf.Tensor1D;
  return weight === 1 ? sum : tf.mul(sum, weight);
}

/**
 * Optional fused kernels (the extension registers them for wasm and cpu while it trains a model): the
 * forward as one kernel (the batch's sums, the running and inference statistics, y) and the backward
 * as one (dx, dγ, dβ), each two passes over the data, where the ops below take about 70 kernels. Same
 * maths (their contract: inputs, attributes and outputs as passed in normalizeWithBatch and
 * gradients); where they are not registered the layer uses the ops.
 */
const FORWARD_KERNEL = 'RunningBatchNormForward';
const BACKWARD_KERNEL = 'RunningBatchNormBackward';

function hasFusedKernels(backend: string): boolean {
  return tf.getKernel(FORWARD_KERNEL, backend) !== undefined && tf.getKernel(BACKWARD_KERNEL, backend) !== undefined;
}

function opsForBackend(backend: string, dtype: tf.DataType): ChannelOps {
  const ops = opsWithoutKernels(backend);
  return dtype === 'float32' && hasFusedKernels(backend) ? { ...ops, fused: true } : ops;
}

function opsWithoutKernels(backend: string): ChannelOps {
  if (backend === 'cpu') {
    return cpuOps();
  }
  return backend === 'wasm' ? wasmOps() : broadcastOps(nativeSum);
}

// ---- The layer ----

/** Statistics of one normalisation, per channel; what the backward pass needs. */
interface Stats {
  mean: tf.Tensor1D;
  rstd: tf.Tensor1D;
  /** ∂mean/∂x of each element: mom1/C for this batch's statistics, 0 for stored ones. */
  meanWeight: number;
  /** meanWeight, zeroed where the variance floor holds (the variance is constant there). */
  varianceWeight: tf.Tensor1D | number;
}

/**
 * The scalar state (samples seen, element count, steps since the statistics were recomputed, steps
 * folded into the inference statistics).
 */
interface Schedule {
  dataIds: Array<object | null>;
  samples: number;
  count: number;
  age: number;
  inferenceSteps: number;
}

/** The slow inference statistics (only with `inferenceMomentum`). */
interface InferenceState {
  momentum: number;
  mean: tf.LayerVariable;
  variance: tf.LayerVariable;
  steps: tf.LayerVariable;
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
  private readonly inferenceMomentum: number | null;
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
  private inference: InferenceState | null = null;
  /**
   * JS copy of samplesSeen, count and statsAge, so the warm-up and the statistics interval decide in
   * JS without reading the GPU, and scalar maths stays off the tensor path. Valid while their tensors
   * are the ones this layer wrote.
   */
  private schedule: Schedule | null = null;
  /** Elements per sample in each channel (the product of the non-batch, non-channel dimensions). */
  private elementsPerSample = 1;

  constructor(args: RunningBatchNormArgs = {}) {
    // The moving-statistics initializers of a shared batchNormalization config have no meaning here.
    const { movingMeanInitializer: _m, movingVarianceInitializer: _v, fastai, ...layerArgs } = args;
    super(layerArgs);
    this.supportsMasking = true;
    this.axis = args.axis ?? -1;
    this.momentum = checkRange('momentum', args.momentum ?? DEFAULT_MOMENTUM, 0, 1);
    this.epsilon = checkRange('epsilon', args.epsilon ?? (fastai === true ? FASTAI_EPSILON : DEFAULT_EPSILON), 0, Infinity);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.varianceFloor = checkRange('varianceFloor', args.varianceFloor ?? 0.01, 0, Infinity);
    this.warmupSamples = checkRange('warmupSamples', args.warmupSamples ?? 20, 0, Infinity);
    this.statsInterval = checkRange('statsInterval', args.statsInterval ?? 1, 1, Infinity);
    if (!Number.isInteger(this.statsInterval)) {
      throw new Error(`RunningBatchNorm: statsInterval must be a whole number ≥ 1, got ${this.statsInterval}`);
    }
    // undefined takes the default; null, written by the user or saved in a config, turns it off.
    const inferenceMomentum = args.inferenceMomentum === undefined ? (fastai === true ? null : DEFAULT_INFERENCE_MOMENTUM) : args.inferenceMomentum;
    this.inferenceMomentum = inferenceMomentum === null ? null : checkRange('inferenceMomentum', inferenceMomentum, 0, 1);
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
    // A loop rather than reduce<number>(): the vendored JavaScript has no type arguments to carry.
    let elements = 1;
    shape.forEach((d, i) => {
      if (i !== 0 && i !== axis) {
        elements *= d ?? 1;
      }
    });
    this.elementsPerSample = elements;
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
    if (this.inferenceMomentum !== null) {
      this.inference = {
        momentum: this.inferenceMomentum,
        mean: this.addWeight('inferenceMean', [channels], 'float32', zeros, undefined, false),
        variance: this.addWeight('inferenceVariance', [channels], 'float32', tf.initializers.ones(), undefined, false),
        steps: this.addWeight('inferenceSteps', [1], 'float32', zeros, undefined, false),
      };
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) {
        throw new Error('RunningBatchNorm: called without an input tensor');
      }
      const batchSize = x.shape[0] ?? 1;
      const axis = this.axis < 0 ? this.axis + x.rank : this.axis;
      const view = channelView(x.shape, axis);
      const ops = opsForBackend(tf.getBackend(), x.dtype);
      const params = [this.gamma, this.beta].filter((v): v is tf.LayerVariable => v !== null).map((v) => v.read());
      const schedule = this.readSchedule();
      // Frozen (Keras 2): in fit a non-trainable layer normalises as in inference and keeps its state.
      if (kwargs['training'] !== true || this.isFrozen()) {
        const stats = this.inference !== null && schedule.inferenceSteps > 0 ? () => this.inferenceStats(schedule) : () => this.runningStats(schedule);
        return this.normalizeWithState(ops, view, stats, params)(x, ...params);
      }
      // During the warm-up, and every statsInterval-th step after it, the statistics are recomputed.
      const { samples, count, age, inferenceSteps } = schedule;
      if (this.statsAge !== null && samples >= Math.max(this.warmupSamples, 1) && age < this.statsInterval - 1) {
        const reused = this.normalizeWithState(ops, view, () => this.runningStats(schedule), params)(x, ...params);
        this.writeSchedule({ ...schedule, age: age + 1 });
        return reused;
      }
      const mom1 = batchSize > 1 ? 1 - this.momentum / Math.sqrt(batchSize - 1) : 1 - this.momentum;
      // Math.fround: the mirror holds what the float32 weight holds, so a reloaded copy computes the same.
      const next = {
        samples: samples + batchSize,
        count: Math.fround(count + mom1 * (x.size / view.channels - count)),
        age: 0,
        inferenceSteps: this.inference === null ? 0 : inferenceSteps + 1,
      };
      const y = this.normalizeWithBatch(ops, view, mom1, next, params)(x, ...params);
      this.writeSchedule(next);
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
      inferenceMomentum: this.inferenceMomentum,
    };
    return { ...super.getConfig(), ...config };
  }

  /**
   * Starts the state from per-channel statistics, e.g. a BatchNormalization's moving mean and
   * variance: inference then normalises with exactly them (y = (x − mean)/√(variance + ε)·γ + β), and
   * training goes on from them as if they came from `samples` samples, past the warm-up. The layer
   * must be built.
   * @param samples how much evidence the statistics carry against new batches. Defaults to 32.
   */
  setStatistics(mean: ArrayLike<number>, variance: ArrayLike<number>, samples: number = DEFAULT_STATISTICS_SAMPLES): void {
    if (!this.built) {
      throw new Error('RunningBatchNorm: setStatistics needs a built layer (apply it to an input, or build it, first)');
    }
    const channels = this.sums.shape[0] ?? 0;
    if (mean.length !== channels || variance.length !== channels) {
      throw new Error(`RunningBatchNorm: setStatistics needs ${channels} means and variances, got ${mean.length} and ${variance.length}`);
    }
    // Float64 here, one rounding to float32 per value: S/C and Q/C − (S/C)² give back mean and variance.
    const count = samples * this.elementsPerSample;
    const means = Array.from(mean, Number);
    const variances = Array.from(variance, (v) => Math.max(Number(v), 0));
    this.sums.write(tf.tensor1d(means.map((m) => m * count)));
    this.sqrs.write(tf.tensor1d(means.map((m, i) => (variances[i]! + m * m) * count)));
    this.count.write(tf.tensor1d([count]));
    this.samplesSeen.write(tf.tensor1d([Math.max(samples, this.warmupSamples)]));
    this.statsAge?.write(tf.tensor1d([0]));
    if (this.inference !== null) {
      this.inference.mean.write(tf.tensor1d(means));
      this.inference.variance.write(tf.tensor1d(variances));
      this.inference.steps.write(tf.tensor1d([settledSteps(this.inference.momentum)]));
    }
  }

  /**
   * The per-channel mean and variance inference normalises with now (the variance before ε is added),
   * in float64: what a BatchNormalization's moving mean and variance must be to give the same output.
   */
  getStatistics(): { mean: number[]; variance: number[] } {
    const values = (v: tf.LayerVariable): number[] => Array.from(v.read().dataSync());
    const schedule = this.readSchedule();
    const floor = this.floorAt(schedule.samples);
    if (this.inference !== null && schedule.inferenceSteps > 0) {
      return { mean: values(this.inference.mean), variance: values(this.inference.variance).map((v) => Math.max(v, floor)) };
    }
    const sums = values(this.sums);
    if (schedule.count <= 0) {
      // Untrained: the layer computes γ·x + β, i.e. mean 0 and 1/√(variance + ε) = 1.
      return { mean: sums.map(() => 0), variance: sums.map(() => Math.max(1 - this.epsilon, 0)) };
    }
    const sqrs = values(this.sqrs);
    const mean = sums.map((s) => s / schedule.count);
    return { mean, variance: sqrs.map((q, i) => Math.max(q / schedule.count - mean[i]! ** 2, floor)) };
  }

  /**
   * Frozen: `trainable: false` on the layer, or on a parent model (tfjs marks the layer's gamma and
   * beta non-trainable then, but not the layer itself).
   */
  private isFrozen(): boolean {
    if (!this.trainable) {
      return true;
    }
    const params = [this.gamma, this.beta].filter((v): v is tf.LayerVariable => v !== null);
    return params.length > 0 && params.every((v) => !v.trainable);
  }

  /** Mean and 1/std of the running state. */
  private runningStats(schedule: Schedule): { mean: tf.Tensor1D; rstd: tf.Tensor1D } {
    // Before any training (count 0): mean 0, rstd 1, so the layer starts as γ·x + β, never NaN.
    const scale = schedule.count > 0 ? 1 / schedule.count : 0;
    const mean = tf.mul(this.sums.read(), scale) as tf.Tensor1D;
    const variance = tf.sub(tf.mul(this.sqrs.read(), scale), tf.square(mean));
    const floor = this.floorAt(schedule.samples);
    const rstd = schedule.count > 0 ? (tf.rsqrt(tf.add(tf.maximum(variance, floor), this.epsilon)) as tf.Tensor1D) : tf.onesLike(mean);
    return { mean, rstd };
  }

  /** The variance floor after `samples` samples: varianceFloor during the warm-up, 0 after it. */
  private floorAt(samples: number): number {
    return samples < this.warmupSamples ? this.varianceFloor : 0;
  }

  /**
   * Mean and 1/std of the slow inference average (only once it has seen a training step), the variance
   * floored during the warm-up as the training output's is.
   */
  private inferenceStats(schedule: Schedule): { mean: tf.Tensor1D; rstd: tf.Tensor1D } {
    const { mean, variance } = this.inference!;
    const floor = this.floorAt(schedule.samples);
    const floored = floor > 0 ? tf.maximum(variance.read(), floor) : variance.read();
    return { mean: mean.read() as tf.Tensor1D, rstd: tf.rsqrt(tf.add(floored, this.epsilon)) as tf.Tensor1D };
  }

  /**
   * Folds the statistics a training output used into the inference average: debiased, so the first
   * fold (steps 1, weight 1) seeds it with them exactly.
   */
  private foldInferenceStats(mean: tf.Tensor1D, variance: tf.Tensor, steps: number): void {
    if (this.inference === null) {
      return;
    }
    const m = this.inference.momentum;
    const weight = (1 - m) / (1 - Math.pow(m, steps));
    const lerp = (v: tf.LayerVariable, target: tf.Tensor): void => {
      v.write(tf.add(tf.mul(v.read(), 1 - weight), tf.mul(target, weight)));
    };
    lerp(this.inference.mean, mean);
    lerp(this.inference.variance, variance);
  }

  /** y from stored statistics; gradients reach gamma and beta, and x through the affine map only. */
  private normalizeWithState(ops: ChannelOps, view: ChannelView, storedStats: () => { mean: tf.Tensor1D; rstd: tf.Tensor1D }, params: tf.Tensor[]): (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor {
    return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const { x, save } = splitCustomGradArgs(args);
      const { mean, rstd } = storedStats();
      const stats: Stats = { mean, rstd, meanWeight: 0, varianceWeight: 0 };
      save([x, mean, rstd]);
      return { value: this.project(ops, view, x, stats, params), gradFunc: (dy, saved) => this.gradients(ops, view, dy, restore(saved, stats), params, false) };
    }) as (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor;
  }

  /** y with this batch folded into the running statistics; gradients flow through the batch's sums. */
  private normalizeWithBatch(ops: ChannelOps, view: ChannelView, mom1: number, next: Omit<Schedule, 'dataIds'>, params: tf.Tensor[]): (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor {
    return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const { x, save } = splitCustomGradArgs(args);
      if (ops.fused === true) {
        return this.fusedForward(ops, view, x, save, mom1, next, params);
      }
      const xv = tf.reshape(x, view.viewShape);
      // S ← S + mom1·(s − S) = (1 − mom1)·S + mom1·s, with mom1 folded into the summing matMul.
      const sums = tf.add(tf.mul(this.sums.read(), 1 - mom1), ops.sum(xv, view, mom1));
      const sqrs = tf.add(tf.mul(this.sqrs.read(), 1 - mom1), ops.sum(tf.square(xv), view, mom1));
      const mean = tf.mul(sums, 1 / next.count) as tf.Tensor1D;
      const variance = tf.sub(tf.mul(sqrs, 1 / next.count), tf.square(mean));
      const floor = this.floorAt(next.samples);
      const flooredVariance = tf.maximum(variance, floor);
      const rstd = tf.rsqrt(tf.add(flooredVariance, this.epsilon)) as tf.Tensor1D;
      const meanWeight = mom1 / next.count;
      // Without a floor only rounding can take the variance below 0; its gradient is kept there.
      const varianceWeight = floor > 0 ? (tf.mul(tf.cast(tf.greaterEqual(variance, floor), 'float32'), meanWeight) as tf.Tensor1D) : meanWeight;
      this.sums.write(sums);
      this.sqrs.write(sqrs);
      // The inference average takes the variance before the floor, so it moves in the warm-up too
      // (where the floored one is often the constant floor) and estimates the population's.
      this.foldInferenceStats(mean, floor > 0 ? tf.relu(variance) : flooredVariance, next.inferenceSteps);
      const stats: Stats = { mean, rstd, meanWeight, varianceWeight };
      save(typeof varianceWeight === 'number' ? [x, mean, rstd] : [x, mean, rstd, varianceWeight]);
      return { value: this.project(ops, view, x, stats, params), gradFunc: (dy, saved) => this.gradients(ops, view, dy, restore(saved, stats), params, true) };
    }) as (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor;
  }

  /**
   * normalizeWithBatch's forward as one kernel: the same maths, in the order the ops above compute it
   * (running sums, mean and variance, floor, rstd, the inference fold of the unfloored variance, y).
   */
  private fusedForward(ops: ChannelOps, view: ChannelView, x: tf.Tensor, save: tf.GradSaveFunc, mom1: number, next: Omit<Schedule, 'dataIds'>, params: tf.Tensor[]): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] } {
    const { gamma, beta } = this.splitParams(params);
    const inference = this.inference;
    const inputs: tf.NamedTensorMap = { x, sums: this.sums.read(), sqrs: this.sqrs.read() };
    if (gamma) {
      inputs['gamma'] = gamma;
    }
    if (beta) {
      inputs['beta'] = beta;
    }
    if (inference !== null) {
      inputs['inferenceMean'] = inference.mean.read();
      inputs['inferenceVariance'] = inference.variance.read();
    }
    const m = inference?.momentum ?? 0;
    const attrs = {
      channels: view.channels,
      inner: view.inner,
      mom1,
      count: next.count,
      floor: this.floorAt(next.samples),
      epsilon: this.epsilon,
      inferenceWeight: inference === null ? 0 : (1 - m) / (1 - Math.pow(m, next.inferenceSteps)),
    };
    const [y, sums, sqrs, mean, rstd, varianceWeight, inferenceMean, inferenceVariance] = tf.engine().runKernel(FORWARD_KERNEL, inputs, attrs) as tf.Tensor[];
    this.sums.write(sums!);
    this.sqrs.write(sqrs!);
    if (inference !== null) {
      inference.mean.write(inferenceMean!);
      inference.variance.write(inferenceVariance!);
    }
    const stats: Stats = { mean: mean as tf.Tensor1D, rstd: rstd as tf.Tensor1D, meanWeight: mom1 / next.count, varianceWeight: varianceWeight as tf.Tensor1D };
    save([x, stats.mean, stats.rstd, varianceWeight!]);
    return { value: y!, gradFunc: (dy, saved) => this.gradients(ops, view, dy, restore(saved, stats), params, true) };
  }

  /** gradients' closed form as one kernel (same maths; the stored-statistics case with zero weights). */
  private fusedGradients(view: ChannelView, dy: tf.Tensor, saved: Stats & { x: tf.Tensor }, params: tf.Tensor[], throughBatch: boolean): tf.Tensor[] {
    const { x, mean, rstd, meanWeight, varianceWeight } = saved;
    const { gamma } = this.splitParams(params);
    const inputs: tf.NamedTensorMap = { dy, x, mean, rstd };
    if (gamma) {
      inputs['gamma'] = gamma;
    }
    if (throughBatch && typeof varianceWeight !== 'number') {
      inputs['varianceWeight'] = varianceWeight;
    }
    const attrs = {
      channels: view.channels,
      inner: view.inner,
      meanWeight: throughBatch ? meanWeight : 0,
      varianceWeight: throughBatch && typeof varianceWeight === 'number' ? varianceWeight : 0,
    };
    const [dx, dgamma, dbeta] = tf.engine().runKernel(BACKWARD_KERNEL, inputs, attrs) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const grads = [dx];
    if (this.scale) {
      grads.push(dgamma);
    } else {
      dgamma.dispose();
    }
    if (this.center) {
      grads.push(dbeta);
    } else {
      dbeta.dispose();
    }
    return grads;
  }

  /** y = x·f + o with f = γ·rstd and o = β − mean·f. */
  private project(ops: ChannelOps, view: ChannelView, x: tf.Tensor, stats: Stats, params: tf.Tensor[]): tf.Tensor {
    const { gamma, beta } = this.splitParams(params);
    const f = gamma ? (tf.mul(gamma, stats.rstd) as tf.Tensor1D) : stats.rstd;
    const meanShift = tf.mul(stats.mean, f);
    const o = (beta ? tf.sub(beta, meanShift) : tf.neg(meanShift)) as tf.Tensor1D;
    return tf.reshape(ops.affine(tf.reshape(x, view.viewShape), f, o, view), x.shape);
  }

  /**
   * Closed-form backward: with A = Σdy and B = Σdy·x per channel, dβ = A, dγ = rstd·(B − mean·A) and
   * dx = dy·f + x·b + a, where b and a carry the gradient through this batch's mean and variance.
   * x must be saved: the forward's own tensors are gone by then (on wasm that save is one copy of x).
   * gamma is a variable, alive until the optimizer has used these gradients.
   */
  private gradients(ops: ChannelOps, view: ChannelView, dy: tf.Tensor, saved: Stats & { x: tf.Tensor }, params: tf.Tensor[], throughBatch: boolean): tf.Tensor[] {
    if (ops.fused === true) {
      return this.fusedGradients(view, dy, saved, params, throughBatch);
    }
    const { x, mean, rstd, meanWeight, varianceWeight } = saved;
    const { gamma } = this.splitParams(params);
    const xv = tf.reshape(x, view.viewShape);
    const dyv = tf.reshape(dy, view.viewShape);
    const sumDy = ops.sum(dyv, view);
    const centred = tf.sub(ops.sum(ops.product(dyv, xv), view), tf.mul(mean, sumDy)) as tf.Tensor1D;
    const f = gamma ? (tf.mul(gamma, rstd) as tf.Tensor1D) : rstd;
    let dx: tf.Tensor;
    if (throughBatch) {
      const b = tf.mul(tf.mul(f, tf.square(rstd)), tf.mul(centred, tf.neg(varianceWeight))) as tf.Tensor1D;
      const a = tf.neg(tf.add(tf.mul(f, tf.mul(sumDy, meanWeight)), tf.mul(b, mean))) as tf.Tensor1D;
      dx = ops.affine2(dyv, f, xv, b, a, view);
    } else {
      dx = ops.affine(dyv, f, undefined, view);
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

  private splitParams(params: tf.Tensor[]): { gamma: tf.Tensor1D | undefined; beta: tf.Tensor1D | undefined } {
    const gamma = this.scale ? (params[0] as tf.Tensor1D) : undefined;
    const beta = this.center ? (params[this.scale ? 1 : 0] as tf.Tensor1D) : undefined;
    return { gamma, beta };
  }

  /** samplesSeen, count, statsAge and inferenceSteps, the last two where the layer has them. */
  private scheduleVariables(): Array<tf.LayerVariable | null> {
    return [this.samplesSeen, this.count, this.statsAge, this.inference?.steps ?? null];
  }

  private readSchedule(): Schedule {
    const dataIds = this.scheduleDataIds();
    const known = this.schedule;
    if (known !== null && dataIds.every((id, i) => id === known.dataIds[i])) {
      return known;
    }
    // First call, or the weights were set from outside (setWeights, loading): read them once.
    const [samples = 0, count = 0, age = 0, inferenceSteps = 0] = this.scheduleVariables().map((v) => (v === null ? 0 : (v.read().dataSync()[0] ?? 0)));
    this.schedule = { dataIds, samples, count, age, inferenceSteps };
    return this.schedule;
  }

  private writeSchedule(next: Omit<Schedule, 'dataIds'>): void {
    const previous = this.schedule;
    if (next.samples !== previous?.samples) {
      this.samplesSeen.write(tf.tensor1d([next.samples]));
    }
    if (next.count !== previous?.count) {
      this.count.write(tf.tensor1d([next.count]));
    }
    if (next.age !== previous?.age) {
      this.statsAge?.write(tf.tensor1d([next.age]));
    }
    if (next.inferenceSteps !== previous?.inferenceSteps) {
      this.inference?.steps.write(tf.tensor1d([next.inferenceSteps]));
    }
    this.schedule = { ...next, dataIds: this.scheduleDataIds() };
  }

  /** Identities of the schedule's tensors (null for a variable the layer lacks). */
  private scheduleDataIds(): Array<object | null> {
    return this.scheduleVariables().map((v) => (v === null ? null : v.read().dataId));
  }
}
tf.serialization.registerClass(RunningBatchNorm);

/** The input x and the save function among the arguments tf.customGrad passes. */
function splitCustomGradArgs(args: Array<tf.Tensor | tf.GradSaveFunc>): { x: tf.Tensor; save: tf.GradSaveFunc } {
  return { x: args[0] as tf.Tensor, save: args[args.length - 1] as tf.GradSaveFunc };
}

/** The statistics the backward pass needs: tensors from `saved` (kept alive by tf), numbers as they were. */
function restore(saved: tf.Tensor[], stats: Stats): Stats & { x: tf.Tensor } {
  const [x, mean, rstd, varianceWeight] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D?];
  return { x, mean, rstd, meanWeight: stats.meanWeight, varianceWeight: varianceWeight ?? stats.varianceWeight };
}

/** Steps after which the debiased inference average weighs a new step as a plain EMA would (m^t ≤ 1e-3). */
function settledSteps(momentum: number): number {
  return momentum > 0 ? Math.max(1, Math.ceil(Math.log(1e-3) / Math.log(momentum))) : 1;
}

/** Throws a clear message unless min ≤ value < max. */
function checkRange(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value < max)) {
    throw new Error(`RunningBatchNorm: ${name} must be a number in [${min}, ${max}), got ${String(value)}`);
  }
  return value;
}

function channelView(shape: number[], axis: number): ChannelView {
  const channels = shape[axis] ?? 1;
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

// ---- Converting whole models: runningBatchNormify and batchNormify ----

/** Options of {@link runningBatchNormify}. */
export interface RunningBatchNormifyOptions {
  /**
   * Start each RunningBatchNorm from its BatchNormalization's moving mean and variance, so the new
   * model's inference output equals the original's. `false`: a fresh state, as a new layer has.
   * Defaults to `true`.
   */
  keepStatistics?: boolean;
  /** RunningBatchNorm arguments for every converted layer (not `name`), e.g. `{ statsInterval: 2 }`. */
  args?: Partial<RunningBatchNormArgs>;
}

/** Options of {@link batchNormify}. */
export interface BatchNormifyOptions {
  /** Set each BatchNormalization's moving mean and variance from the running state. Defaults to `true`. */
  keepStatistics?: boolean;
}

/** One entry of a model config's `layers` (camelCase, as `getConfig()` returns it). */
interface LayerEntry {
  className: string;
  config: tf.serialization.ConfigDict;
  [key: string]: tf.serialization.ConfigDictValue;
}

const BATCH_NORMALIZATION = 'BatchNormalization';
const RUNNING_BATCH_NORM = 'RunningBatchNorm';
/** tfjs BatchNormalization's default momentum; BatchNorm's and RunningBatchNorm's defaults differ on purpose. */
const BATCH_NORMALIZATION_MOMENTUM = 0.99;
/** Models that can be layers of another model: their config has `layers` of their own. */
const CONTAINER_CLASSES = new Set(['Sequential', 'Model', 'Functional']);
const BATCH_NORMALIZATION_ONLY_KEYS = ['movingMeanInitializer', 'movingVarianceInitializer'];
const RUNNING_BATCH_NORM_ONLY_KEYS = ['varianceFloor', 'warmupSamples', 'statsInterval', 'inferenceMomentum'];

/**
 * A copy of `model` in which every BatchNormalization layer, nested models' included, is a
 * {@link RunningBatchNorm} with the same name, axis, epsilon, center, scale, initializers,
 * regularizers, constraints and trainable flag (momentum too, where it is not tfjs's default 0.99).
 * Every other weight, and gamma and beta, are copied; with `keepStatistics` (the default) each running
 * state starts from the moving mean and variance, so inference gives the original's output. The copy
 * is not compiled, and the original is left as it was.
 * @example
 * const model = await tf.loadLayersModel('https://…/model.json');
 * const rbnModel = runningBatchNormify(model);
 * rbnModel.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
 */
export function runningBatchNormify(model: tf.LayersModel, options: RunningBatchNormifyOptions = {}): tf.LayersModel {
  const { name: _name, ...args } = options.args ?? {};
  const swap = (entry: LayerEntry): LayerEntry | null =>
    entry.className !== BATCH_NORMALIZATION ? null : { ...entry, className: RUNNING_BATCH_NORM, config: { ...withoutKeys(entry.config, BATCH_NORMALIZATION_ONLY_KEYS, BATCH_NORMALIZATION_MOMENTUM), ...(args as tf.serialization.ConfigDict) } };
  const copy = rebuildModel(model, swap);
  copyModelWeights(model, copy, (from, to) => {
    copyWeightsByName(from, to, ['gamma', 'beta']);
    if (options.keepStatistics !== false) {
      const [mean, variance] = ['moving_mean', 'moving_variance'].map((n) => Array.from(weightByName(from, n).read().dataSync()));
      (to as RunningBatchNorm).setStatistics(mean!, variance!);
    }
  });
  return copy;
}

/**
 * The reverse of {@link runningBatchNormify}: a copy of `model` in which every RunningBatchNorm is a
 * `tf.layers.batchNormalization` with the same name, axis, epsilon, center, scale, initializers,
 * regularizers, constraints and trainable flag (momentum where it is not RunningBatchNorm's default
 * 0.9); every other weight, and gamma and beta, copied; with `keepStatistics` (the default) the moving
 * mean and variance are the statistics the RunningBatchNorm's inference used, so the output is the same.
 */
export function batchNormify(model: tf.LayersModel, options: BatchNormifyOptions = {}): tf.LayersModel {
  const swap = (entry: LayerEntry): LayerEntry | null =>
    entry.className !== RUNNING_BATCH_NORM ? null : { ...entry, className: BATCH_NORMALIZATION, config: withoutKeys(entry.config, RUNNING_BATCH_NORM_ONLY_KEYS, DEFAULT_MOMENTUM) };
  const copy = rebuildModel(model, swap);
  copyModelWeights(model, copy, (from, to) => {
    copyWeightsByName(from, to, ['gamma', 'beta']);
    if (options.keepStatistics !== false) {
      const { mean, variance } = (from as RunningBatchNorm).getStatistics();
      weightByName(to, 'moving_mean').write(tf.tensor1d(mean));
      weightByName(to, 'moving_variance').write(tf.tensor1d(variance));
    }
  });
  return copy;
}

/** The layer config without `keys`, and without `momentum` where it is the source layer's default. */
function withoutKeys(config: tf.serialization.ConfigDict, keys: string[], defaultMomentum: number): tf.serialization.ConfigDict {
  const kept: tf.serialization.ConfigDict = {};
  for (const [key, value] of Object.entries(config)) {
    if (!keys.includes(key) && !(key === 'momentum' && value === defaultMomentum)) {
      kept[key] = value;
    }
  }
  return kept;
}

/** A new model from the original's config with `swap` applied to every layer, nested models' included. */
function rebuildModel(model: tf.LayersModel, swap: (entry: LayerEntry) => LayerEntry | null): tf.LayersModel {
  const className = model.getClassName();
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) {
    throw new Error(`runningBatchNormify: cannot rebuild a model of class ${className}`);
  }
  const config = swapLayers(model.getConfig(), swap);
  return withNamesKept(config, () => entry[1](entry[0], config) as unknown as tf.LayersModel);
}

type ClassEntry = [tf.serialization.SerializableConstructor<tf.serialization.Serializable>, tf.serialization.FromConfigMethod<tf.serialization.Serializable>];

/**
 * Runs `rebuild` with every layer class of `config` made to keep the name its config gives: a custom
 * layer whose fromConfig does not pass the name on (`new cls(factor)`) would otherwise get a fresh
 * one. The name is set before the model applies the layer, so its weights are scoped under it too.
 * tfjs's Sequential.fromConfig ignores customObjects, hence the registry's entries are wrapped for the
 * (synchronous) rebuild and restored after it.
 */
function withNamesKept<T>(config: tf.serialization.ConfigDict, rebuild: () => T): T {
  const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, ClassEntry>;
  const originals = new Map<string, ClassEntry>();
  for (const className of layerClassNames(config)) {
    const original = map[className];
    if (original !== undefined && !originals.has(className)) {
      originals.set(className, original);
      // tfjs calls fromConfig with customObjects and fastWeightInit as well: they are passed on.
      const fromConfig = original[1] as unknown as (...args: unknown[]) => tf.serialization.Serializable;
      const keepingName = (cls: unknown, layerConfig: tf.serialization.ConfigDict, ...rest: unknown[]): tf.serialization.Serializable => {
        const layer = fromConfig(cls, layerConfig, ...rest);
        const name = layerConfig['name'];
        if (typeof name === 'string' && layer instanceof tf.layers.Layer && layer.name !== name) {
          (layer as { name: string }).name = name;
        }
        return layer;
      };
      map[className] = [original[0], keepingName as unknown as ClassEntry[1]];
    }
  }
  try {
    return rebuild();
  } finally {
    for (const [className, original] of originals) {
      map[className] = original;
    }
  }
}

/** The classes of a model config's layers, nested models' included (not the containers themselves). */
function layerClassNames(config: tf.serialization.ConfigDict): string[] {
  const layers = config['layers'] as unknown as LayerEntry[];
  return layers.flatMap((entry) => (CONTAINER_CLASSES.has(entry.className) ? layerClassNames(entry.config) : [entry.className]));
}

function swapLayers(config: tf.serialization.ConfigDict, swap: (entry: LayerEntry) => LayerEntry | null): tf.serialization.ConfigDict {
  const layers = config['layers'] as unknown as LayerEntry[];
  const swapped = layers.map((entry) =>
    CONTAINER_CLASSES.has(entry.className) ? { ...entry, config: swapLayers(entry.config, swap) } : (swap(entry) ?? entry),
  );
  return { ...config, layers: swapped as unknown as tf.serialization.ConfigDictArray };
}

/**
 * Walks both models layer by layer (into nested models): layers whose class changed go to `convert`,
 * every other layer gets the original's weights by name.
 */
function copyModelWeights(from: tf.LayersModel, to: tf.LayersModel, convert: (from: tf.layers.Layer, to: tf.layers.Layer) => void): void {
  for (const [index, target] of to.layers.entries()) {
    const source = counterpart(from, target, index);
    if (CONTAINER_CLASSES.has(target.getClassName()) && source instanceof tf.LayersModel) {
      copyModelWeights(source, target as tf.LayersModel, convert);
    } else if (source.getClassName() !== target.getClassName()) {
      convert(source, target);
    } else {
      copyWeightsByName(source, target, target.weights.map((w) => shortName(w.originalName)));
    }
  }
}

/**
 * The original's layer that `target` was rebuilt from: the one of the same name or, when a custom
 * layer's fromConfig does not pass its name on (`new cls(size)`), the one at the same position, as
 * the copy has the original's graph and so its layer order.
 */
function counterpart(from: tf.LayersModel, target: tf.layers.Layer, index: number): tf.layers.Layer {
  const named = from.layers.find((l) => l.name === target.name);
  const positional = from.layers[index];
  const source = named ?? (positional?.getClassName() === target.getClassName() ? positional : undefined);
  if (source === undefined) {
    throw new Error(`model conversion: the copy's layer '${target.name}' (${target.getClassName()}) has no counterpart in the original`);
  }
  return source;
}

function copyWeightsByName(from: tf.layers.Layer, to: tf.layers.Layer, names: string[]): void {
  for (const name of names) {
    const source = from.weights.find((w) => shortName(w.originalName) === name);
    const target = to.weights.find((w) => shortName(w.originalName) === name);
    if (source !== undefined && target !== undefined) {
      target.write(source.read());
    }
  }
}

function weightByName(layer: tf.layers.Layer, name: string): tf.LayerVariable {
  const weight = layer.weights.find((w) => shortName(w.originalName) === name);
  if (weight === undefined) {
    throw new Error(`runningBatchNormify: layer ${layer.name} has no weight ${name}`);
  }
  return weight;
}

/** A weight's name within its layer: 'conv1/kernel' → 'kernel'. */
function shortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
