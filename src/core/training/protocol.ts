/**
 * Sanity-train's typed messages and report (design.md: defined once, shared by the worker, the CLI and
 * the VS Code adapter). The report's JSON is the `rbn sanity --json` contract: fields may be added,
 * never renamed.
 */
import type { SanityComparison } from './compare-protocol';
import type { SanityCapture, SanityCaptureRequest } from './capture';

/** What the user (or a setting) asks for; `tensorflow` means tfjs-node-gpu or tfjs-node. */
export type BackendPreference = 'auto' | 'cpu' | 'wasm' | 'tensorflow';

/** A backend better than the one that ran, and why it was not used. */
export interface SkippedBackend {
  name: string;
  reason: string;
}

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
}

/** The batch-norm flavour a run trained with: the model as written, or its in-memory swap. */
export type NormKind = 'batchNormalization' | 'runningBatchNorm' | 'none';

export interface NanFinding {
  step: number;
  /** The first layer whose output or gradient held NaN/Inf when the step was replayed layer by layer. */
  layer: string;
  className: string;
  /**
   * Where the non-finite value showed up first: the layer's `output` in the forward pass, a `gradient`
   * in its backward pass, its `weights` after the optimizer's update (forward and backward were
   * finite), or the `loss` itself overflowed while every output was finite (the layer is then the
   * first whose output exceeded 1e18, whose square overflows float32, else the output layer).
   */
  where: 'output' | 'gradient' | 'weights' | 'loss';
  /** What caused it, when it is known: "the learning rate is not a number (the optimizer got [object Object] …)". */
  cause?: string;
  /** The call that built the layer in the user's code, when the analysis could find it. */
  source: SourceLocation | null;
}

export interface ExplosionWarning {
  step: number;
  layer: string;
  className: string;
  /** The weight's name, e.g. 'conv2d_1/kernel'. */
  weight: string;
  /** Growth of the weight's largest magnitude within the window (e.g. 150 means 150x). */
  growth: number;
  source: SourceLocation | null;
  /**
   * What grew: the weight's largest magnitude (`weight`, the default when absent) or, from telemetry,
   * the L2 norm of the layer's gradient (`gradient`; `weight` then names the layer's weights).
   */
  measure?: 'weight' | 'gradient';
  /** What made it an explosion rather than growth: "reached 3.2e+4", "the loss rose from 0.4 to 9.8 in the steps after", "followed by NaN/Inf at step 12". */
  evidence?: string;
  /** The magnitude it grew to (the weight's largest element, or the gradient norm): it grew from `magnitude / growth`. */
  magnitude?: number;
  /** What confirmed it: the `magnitude` reached on its own, the `loss` rising, its layer's `weights` growing, or a `nonFinite` value. */
  confirmedBy?: 'magnitude' | 'loss' | 'weights' | 'nonFinite';
}

/** A 40-bin histogram per sampled step over a range fixed at the first sampled step. */
export interface LayerHistogram {
  min: number;
  max: number;
  bins: number;
  /** One row per sampled step (as `LayerTelemetry.steps`), `bins` counts each; values beyond the range count in the edge bins, NaN/Inf in none (they are in `nonFinite`). */
  counts: number[][];
}

/**
 * Per-layer statistics at the sampled steps of a run (ActivationStats-style): the layer's output in
 * training mode, and its trainable weights and their gradient in that step. Non-finite numbers are
 * written as null (JSON has no NaN); `nonFinite` counts the NaN/Inf elements of the output.
 */
export interface LayerTelemetry {
  name: string;
  className: string;
  source: SourceLocation | null;
  /** The sampled steps (1-based), at most 150 per run. */
  steps: number[];
  /** Mean and standard deviation of the finite output elements. */
  mean: (number | null)[];
  std: (number | null)[];
  /** Fraction of output elements with |x| ≤ 0.05. */
  nearZero: number[];
  /** L2 norm of all trainable weights after the step, and of their gradient in it; null for layers without trainable weights. */
  weightNorm: (number | null)[];
  gradNorm: (number | null)[];
  /** NaN/Inf elements in the output. */
  nonFinite: number[];
  /** For normalisation layers and the last hidden layer; null for the rest. */
  histogram: LayerHistogram | null;
}

/**
 * The model's graph as its topology defines it (issue 21): one node per layer (a shared layer called
 * several times is one node with the edges of every call), the edges from each layer to the layers it
 * feeds, and a model used as a layer as a node holding its own graph.
 */
export interface ModelGraph {
  nodes: GraphNode[];
  /** [from, to] by layer name, each pair once, in the order the model's layers are listed. */
  edges: [string, string][];
}

export interface GraphNode {
  name: string;
  className: string;
  /** With the batch axis as null; one shape per output for a layer with several outputs. */
  outputShape: (number | null)[] | (number | null)[][];
  /** Weights of the layer (trainable and not), as countParams() counts them. */
  params: number;
  /** The call that built the layer, when the analysis could find it. */
  source: SourceLocation | null;
  /** A model used as a layer: its own graph (an expandable group); null for a plain layer. */
  nested: ModelGraph | null;
}

/** One layer's statistics at one sampled step, as telemetry streams them while the run goes (LayerTelemetry's entries at that step). */
export interface LayerSample {
  name: string;
  mean: number | null;
  std: number | null;
  nearZero: number;
  weightNorm: number | null;
  gradNorm: number | null;
  nonFinite: number;
}

export interface RunReport {
  norm: NormKind;
  /** The run trained a copy with its norm layers swapped in memory (a Compare's second run, or a model that cannot train as written). */
  swapped?: boolean;
  steps: number;
  batchSize: number;
  finalLoss: number | null;
  /** Held-out accuracy (0..1) for classification, null for regression. */
  accuracy: number | null;
  /** Held-out mean squared error for regression, null for classification. */
  error?: number | null;
  stepsPerSecond: number;
  nan: NanFinding | null;
  exploding: ExplosionWarning[];
  /** Growth that looked like an explosion (100× within 50 steps) but reached no large magnitude and had no consequence: not a finding. */
  growthSeen?: ExplosionWarning[];
  /** Loss per step (for charts); non-finite values as null. */
  losses?: (number | null)[];
  /** Per-layer telemetry (absent when switched off). */
  layers?: LayerTelemetry[];
  /** The steps asked for (--steps); `steps` is what ran. */
  stepsRequested?: number;
  /** The steps the time budget allowed this run (every run gets the same plan; a later run may be cut to end in time). */
  stepsPlanned?: number;
  /** Per output, for models with more than one; `accuracy`/`error` above are the first output's. */
  outputs?: OutputScore[];
  /** The model's graph as this run trained it (the swap changes the normalisation layers' classes). */
  graph?: ModelGraph;
}

/** One output's held-out score. */
export interface OutputScore {
  name: string;
  task: 'classification' | 'regression';
  accuracy: number | null;
  error: number | null;
}

export interface SanityReport {
  /** The backend that ran, e.g. 'wasm'. */
  backend: string;
  /** Better backends that were not used, and why. */
  backendSkipped?: SkippedBackend[];
  /** The wasm backend's XNNPACK threads (absent on other backends). */
  threads?: number;
  /** Why fewer threads ran than were asked for (absent when all did). */
  threadsNote?: string;
  /** Whose tfjs ran the model: the workspace's installed package, or the extension's bundled one. */
  tfjs?: SanityTfjs;
  /** 'custom' (the module's sanityData export), 'mnist' or 'synthetic'. */
  data: 'custom' | 'mnist' | 'synthetic';
  task: 'classification' | 'regression';
  model?: string;
  file?: string;
  runs: RunReport[];
  /** The builder call that produced the model (issue 9). */
  call?: SanityCall;
  /** Held-out accuracy of always guessing the most frequent class (classification): what "chance" means here. */
  chanceAccuracy?: number;
  /** Held-out error of always predicting the mean training target (regression). */
  baselineError?: number;
  /** Things the user should know that are not findings, e.g. "no BatchNorm layer to swap for --compare". */
  notes?: string[];
  /** Browser-only globals the module touched while loading or building (e.g. 'OfflineAudioContext'), which got inert stand-ins. */
  browserStandIns?: string[];
  /** Trainable parameters of the model as built; 0 when every layer is frozen (trainable: false), so the steps only computed the loss. */
  trainableParams?: number;
  /** How the runs' batch size was chosen: the one asked for, or lower to fit the memory or the time budget. */
  batchFit?: SanityBatchFit;
  /** A Compare's result across paired seeds: the mean difference, its 90% interval and the verdict (docs/compare.md). */
  comparison?: SanityComparison;
  /** Where the model and data came from when captured from the user's program (`--from`). */
  capture?: SanityCapture;
  /** The model as written cannot train in this tfjs (a channels-first or rank-5 BatchNormalization): the runs used RunningBatchNorm in its place. */
  normSwapped?: NormSwapped;
}

/** Why the model as written cannot train, and the BatchNormalization layers RunningBatchNorm replaced for the runs. */
export interface NormSwapped {
  reason: string;
  layers: string[];
}

/** The batch size fitted to the machine before training (runs[i].batchSize is the one used). */
export interface SanityBatchFit {
  /** --batch-size. */
  requested: number;
  batchSize: number;
  /** What did not fit at a larger batch; absent when the requested one ran. */
  reason?: 'memory' | 'time';
  /** The estimated peak bytes of one training step at the requested and at the chosen batch size. */
  stepBytesRequested: number;
  stepBytes: number;
  /** Bytes a step could use, and the limit that set them, e.g. "the wasm heap (4.0 GB at most)". */
  memoryRoomBytes: number;
  memoryLimit: string;
  /** The one line saying why the batch is lower (also in `notes`). */
  note?: string;
}

/** Whose tfjs ran the model, its version, and why the bundled one ran in a workspace that has its own. */
export interface SanityTfjs {
  source: 'workspace' | 'bundled';
  version: string;
  /** E.g. "the bundled wasm backend 4.22.0 needs tfjs-core 4.22.x and the workspace has 3.21.0: …". */
  reason?: string;
}

/** Which tfjs and backend ran, or were about to run, the model: in reports, and in failures once tfjs is loaded. */
export interface SanityRuntime {
  backend: string;
  backendSkipped: SkippedBackend[];
  tfjs: SanityTfjs;
  /** The wasm backend's XNNPACK threads (absent on other backends). */
  threads?: number;
  threadsNote?: string;
}

/** How the model was built: the builder's id, the arguments it got, and where they came from. */
export interface SanityCall {
  model: string;
  args: unknown[];
  ctorArgs?: unknown[];
  /** E.g. 'given with --args', 'call in dqn_test.js:25', 'defaults in the signature', 'no parameters'. */
  argsSource: string;
  /** What the builder is (ModelBuilder.kind): 'constructor' means `model` is a class built with `new`. */
  builderKind?: 'function' | 'method' | 'property' | 'constructor';
  /** Module variables the worker filled before the call (top-level lets only another function sets), by name. */
  moduleVars?: Record<string, unknown>;
  /** Where they came from, e.g. 'given with --module-vars', 'numberOfClasses from classes: 10 in core.ts:21'. */
  moduleVarsSource?: string;
  /** Instance fields (`this.numClasses`) the worker set on the instance before calling a method builder, by name. */
  instanceVars?: Record<string, unknown>;
  /** Where they came from, e.g. 'given with --instance-vars', 'numClasses from the name numClasses'. */
  instanceVarsSource?: string;
}

/** The values a builder is called with, and where they came from (the request's, the prompt's, the worker's). */
export interface BuilderCallValues {
  /** Arguments for the builder (JSON values); parameters that receive tfjs are not counted: the worker passes tf. */
  args?: unknown[];
  /** Constructor arguments for 'Class' and 'Class.method' builders. */
  ctorArgs?: unknown[];
  /** Where `args` came from, copied into the report's `call.argsSource`. */
  argsSource?: string;
  /**
   * Values for the builder's module variables (JSON), each set when still undefined after the module
   * loaded; absent: the worker proposes them from the file (ModuleVariablesProposal).
   */
  moduleVars?: Record<string, unknown>;
  /** Where `moduleVars` came from, copied into the report's `call.moduleVarsSource`. */
  moduleVarsSource?: string;
  /**
   * Values for a method builder's instance fields (JSON, names without `this.`), each set on the
   * instance when still null or undefined after construction; absent: the worker proposes them.
   */
  instanceVars?: Record<string, unknown>;
  /** Where `instanceVars` came from, copied into the report's `call.instanceVarsSource`. */
  instanceVarsSource?: string;
  /**
   * The names among `instanceVars` the user typed or chose (the CLI's flag, an edited box, Run Again with
   * Smaller Input): a size or shape among them replaces one the constructor set. The rest (proposals,
   * which may miss what a base class in another file sets) only fill fields still empty.
   */
  instanceVarsTyped?: string[];
}

export interface SanityRequest extends BuilderCallValues {
  /** Absolute path of the user's module. */
  file: string;
  /** The builder's id ('name', 'Class' or 'Class.method', see ModelBuilder.id); the first builder that can run when absent. */
  model?: string;
  steps: number;
  batchSize: number;
  learningRate?: number;
  compare: boolean;
  data?: 'mnist' | 'synthetic';
  backend: BackendPreference;
  /** Threads for the wasm backend: a positive number, or 0/absent for auto (half the logical cores available, 1 to 8). */
  threads?: number;
  timeoutMs: number;
  seed: number;
  /** Per-layer telemetry (runs[i].layers); on unless false. */
  telemetry?: boolean;
  /** Run this program and capture the model it trains instead of calling a builder (`file` is then the folder it runs in). */
  from?: SanityCaptureRequest;
}

export type WorkerMessage =
  | {
      type: 'progress';
      run: number;
      norm: NormKind;
      step: number;
      totalSteps: number;
      loss: number | null;
      /** On the first step of each run: the tfjs and backend, so a later timeout or crash can still say which ran. */
      runtime?: SanityRuntime;
      /** On the first step of each run: the model's parameter count, for a memory failure's message. */
      params?: number;
      /** A Compare's paired seed this step belongs to (absent: the request's seed). */
      seed?: number;
    }
  | { type: 'layerNaN'; run: number; finding: NanFinding }
  /** Before a run's first step: the graph of the model it trains. */
  | { type: 'graph'; run: number; norm: NormKind; graph: ModelGraph }
  /** At every step telemetry samples, right after it: each layer's statistics at that step. */
  | { type: 'layerStats'; run: number; norm: NormKind; step: number; layers: LayerSample[] }
  /** What the worker starts now, before the first training step (a timeout then says where the time went). */
  | {
      type: 'phase';
      phase: WorkerPhase;
      elapsedMs: number;
      params?: number;
      stepMs?: number;
      /** While the model builds, every few seconds: what the event loop waits on ("a network socket"); empty when nothing. */
      waitingOn?: string[];
      /** With `waitingOn`: the packages the code imports that are not installed and got an inert stand-in so far. */
      standIns?: string[];
    }
  | { type: 'done'; report: SanityReport }
  /** `batchSize`: the batch the worker was training at, on a memory failure (the launcher may retry at half of it). */
  | { type: 'error'; reason: WorkerErrorReason; message: string; runtime?: SanityRuntime; batchSize?: number; smallerInput?: SmallerInput };

/**
 * On a memory or time failure, where the model's input shape comes from in the call and the same run
 * with its sides halved: the CLI's advice names `flag`, the editor's button applies `change`.
 */
export interface SmallerInput {
  /** Where the shape comes from, in the user's words: "this.inputShape", "the builder's argument 1 (its inputShape)". */
  from: string;
  was: number[];
  now: number[];
  /** The request fields to run again with. */
  change: BuilderCallValues;
  /** The same as a CLI flag: `--instance-vars '{ inputShape: [112, 112, 3] }'`. */
  flag: string;
}

/**
 * The steps before training: loading the module and building the model, making the data, timing the
 * model, and the first training step (`stepMs`: the time the timing expects it to take).
 */
export type WorkerPhase = 'buildModel' | 'prepareData' | 'timeStep' | 'firstStep';

/** Why the worker could not produce a report. */
export type WorkerErrorReason = 'threw' | 'notAModel' | 'noFactory' | 'timeout' | 'badInput' | 'memory' | 'internal';

/**
 * How a sanity-train ended, as the launcher reports it: a report, or a failure with a one-line
 * message. `cancelled` (the caller aborted) and `crashed` (the child died without a word) come from
 * the launcher, as do `timeout` and `memory` when the child had to be killed; the rest from the worker.
 */
export type SanityOutcome =
  | { kind: 'report'; report: SanityReport }
  | {
      kind: 'error';
      reason: WorkerErrorReason | 'cancelled' | 'crashed';
      message: string;
      /** The tfjs and backend in use when it failed; absent when it failed before tfjs loaded. */
      runtime?: SanityRuntime;
      /** On a memory failure in training: the batch size it was training at. */
      batchSize?: number;
      /** On a memory or time failure: the same run with the input halved, where the worker found its source. */
      smallerInput?: SmallerInput;
      /** Where the worker was (its last phase message, or `training` after the first step; `loading` before any); set by the launcher. */
      phase?: WorkerPhase | 'training' | 'loading';
    };
