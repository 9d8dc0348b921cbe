/**
 * The time budget shapes the run instead of failing it: every model is timed for a few steps first,
 * then all runs get the same number of steps, as many as fit before the deadline (startup already
 * spent, evaluation of every run reserved), and the plan is refined from the real step times as the
 * runs go. The launcher's kill at the full budget stays as the backstop.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { largestFitting } from './batch-fit';
import { SanityFailure } from '../errors';
import { formatParams } from './model-size';
import { gatherRows, rowCount, sliceRows, type TrainingData } from '../data/training-data';
import { stepOnBatch } from '../training/train-step';
import { explainStepFailure } from '../training/step-error';
import { monotonicMs } from '../clock';

/** Time kept free before the launcher's deadline: sending the report, exiting, a slow last step. */
export function safetyMarginMs(timeoutMs: number): number {
  return Math.max(1500, timeoutMs * 0.05);
}

/**
 * The worker's deadline on its own monotonic clock (clock.ts), which starts with the process: the
 * launcher starts its timer when it forks the process, so this errs on the early side.
 */
export function workerDeadlineMs(timeoutMs: number): number {
  return timeoutMs - safetyMarginMs(timeoutMs);
}

export interface PlanInput {
  requested: number;
  /** Milliseconds left until the deadline. */
  remainingMs: number;
  /** Index of the run in progress, and how many of its steps are done (0 before it starts). */
  run: number;
  done: number;
  /** Estimated milliseconds per step and per evaluation, one entry per run. */
  stepMs: number[];
  evalMs: number[];
}

/**
 * The evaluations' reserve over their estimate (a timed forward pass of at most 64 rows): on the real-code
 * bench a GAN generator that scores 512 images for 4 to 5 s after its steps overran the 60 s budget
 * once when the plan reserved the estimate alone, ending with no report.
 */
const EVAL_CAUTION = 1.5;

/**
 * Steps per run that fit: the rest of the current run, every later run in full and the evaluations
 * of the current and later runs (their estimate × EVAL_CAUTION) must end before the deadline. Never
 * more than requested, never fewer than the steps already done.
 */
export function planSteps(p: PlanInput): number {
  const later = p.stepMs.slice(p.run + 1).reduce((a, b) => a + b, 0);
  const evals = EVAL_CAUTION * p.evalMs.slice(p.run).reduce((a, b) => a + b, 0);
  const perStep = p.stepMs[p.run] + later;
  const fit = Math.floor((p.remainingMs - evals + p.done * p.stepMs[p.run]) / Math.max(perStep, 1e-3));
  return Math.max(p.done, Math.min(p.requested, fit));
}

export interface ProbeResult {
  stepMs: number;
  /** The step time is the forward-pass estimate, not a timed step (a step too long to spend on timing): the run's first step corrects it. */
  estimated?: boolean;
  /** A forward pass of one example, in milliseconds. */
  forwardMs?: number;
  /** Milliseconds to score every held-out example, and one. */
  evalMs: number;
  evalMsPerRow: number;
  /** The batch size timed: the one asked for, or lower when a step at that one could not fit the time left. */
  batchSize?: number;
  /** The step estimate at the batch size asked for, when it was lowered. */
  askedStepMs?: number;
}

/** What the one-line messages of a model too slow for the budget name. */
export interface BudgetContext {
  budgetMs: number;
  backend: string;
  params: number;
  /** False for the swapped copy: the model as written already ran its timing, so a slow copy is planned, not refused. */
  mayRefuse?: boolean;
  /** Runs that share the budget (2 with --compare): the batch is fitted so that each gets a step. */
  runs?: number;
  /** What ran before the timing, in words, when not loading a builder's module: "running the program up to the training call captured". */
  before?: string;
}

/** How much faster than the forward-pass estimate a step may turn out (a refusal must be sure). */
const OPTIMISM = 0.7;
/** How much slower it may turn out (the batch is lowered until a step fits even then). */
const CAUTION = 2.5;
/** At most this share of the budget goes to timed steps beyond the first (which is always taken). */
const PROBE_SHARE = 0.1;
/** Timing the evaluation: a forward pass of at most this share of the budget. */
const EVAL_TIMING_SHARE = 0.02;

/** "one training step takes about 48.0 s on wasm for this model (31.0 M parameters)". */
export function describeSlowStep(stepMs: number, ctx: BudgetContext, verb = 'takes', detail = ''): string {
  return `one training step ${verb} about ${(stepMs / 1000).toFixed(1)} s on ${ctx.backend} for this model (${formatParams(ctx.params)}${detail})`;
}

const RAISE = 'raise the time budget (--timeout) or pass a smaller input shape with --args';

/** A step at batch size 1 this small a share of the budget would fit a fresh one many times: when none fits, the budget went before it. */
const SMALL_STEP_SHARE = 0.05;

/**
 * Times `model`: a forward pass of one example first (a step far too long for the budget stops here,
 * before it starts), one warm-up step, then timed steps only while they stay within a tenth of the
 * budget, and a forward pass over a slice of the held-out set (scaled to all of it). The weights
 * (running state included) are put back, so the run that follows starts from the same point as it
 * would have without the probe.
 */
export async function probeModel(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  data: TrainingData,
  batchSize: number,
  remainingMs: () => number,
  compile: () => void,
  checkLimits: () => void = () => undefined,
  ctx?: BudgetContext,
): Promise<ProbeResult> {
  const saved = model.getWeights().map((w) => w.clone());
  compile();
  const held: tfjs.Tensor[] = [];
  try {
    // The first forward pass also pays for setting up every kernel (about as long again, as measured);
    // the second is what a step repeats.
    // The cold pass only refuses the hopeless (its kernel set-up would make a small model look slow);
    // the warm one picks the batch.
    const coldMs = timeForward(tf, model, data, 1);
    batchForTime(coldMs / 2, 1, remainingMs(), ctx, batchSize);
    const forwardMs = timeForward(tf, model, data, 1);
    const batch = batchForTime(forwardMs, batchSize, remainingMs(), ctx);
    const lowered = batch < batchSize ? { batchSize: batch, askedStepMs: stepEstimate(forwardMs, batchSize) } : { batchSize };
    const indices = tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => i % rowCount(data.xs)), 'int32');
    const x = gatherRows(tf, data.xs, indices);
    const y = gatherRows(tf, data.ys, indices);
    held.push(indices, ...[x, y].flat());
    const estimateMs = stepEstimate(forwardMs, batch);
    const rows = Math.max(1, Math.min(64, Math.floor((ctx ? EVAL_TIMING_SHARE * ctx.budgetMs : Infinity) / Math.max(forwardMs, 1e-3))));
    checkLimits();
    if (ctx && estimateMs > PROBE_SHARE * ctx.budgetMs) {
      // One step would eat more than the probe's share: the runs' own first step is the measurement.
      const evalMsPerRow = rows > 1 ? timeForward(tf, model, data, rows) / Math.min(rows, rowCount(data.testXs)) : forwardMs;
      return { stepMs: estimateMs, estimated: true, forwardMs, evalMs: evalMsPerRow * rowCount(data.testXs), evalMsPerRow, ...lowered };
    }
    const warm = await timeStep(model, x, y);
    // The memory cap holds from the first step: a model too big to train stops here, not later.
    checkLimits();
    const times: number[] = [];
    const share = ctx ? PROBE_SHARE * ctx.budgetMs : Infinity;
    // A slow model spends its budget on training, not on timing: one warm-up may have to do.
    while (times.length < 2 && (times.length + 1) * warm <= share && remainingMs() > (times.length === 0 ? 2 : 4) * warm) {
      times.push(await timeStep(model, x, y));
    }
    const stepMs = times.length > 0 ? Math.min(...times) : warm;
    const evalMsPerRow = timeForward(tf, model, data, rows) / Math.min(rows, rowCount(data.testXs));
    return { stepMs, forwardMs, evalMs: evalMsPerRow * rowCount(data.testXs), evalMsPerRow, ...lowered };
  } finally {
    model.setWeights(saved);
    (model as unknown as { optimizer?: tfjs.Optimizer }).optimizer?.dispose();
    tf.dispose([...held, ...saved]);
  }
}

/**
 * Held-out examples every run scores: all of them when their evaluation fits a fifth of the budget,
 * else as many as do, at least `floor` (the number a score needs to mean anything); but scoring
 * takes at most half of `roomMs`, the time left after one step of every run (at least one example):
 * a model that slow scores fewer rather than not training at all.
 */
export function heldOutRows(total: number, evalMsPerRow: number[], budgetMs: number, floor = 32, roomMs = Infinity): number {
  const perRow = Math.max(evalMsPerRow.reduce((a, b) => a + b, 0), 1e-6);
  const wanted = Math.max(Math.min(floor, total), Math.floor((0.2 * budgetMs) / perRow));
  return Math.min(total, Math.max(1, Math.min(wanted, Math.floor((0.5 * roomMs) / perRow))));
}

/** Backward costs about twice the forward pass: the step estimate from one example's forward pass (within ±30% as measured). */
function stepEstimate(forwardMs: number, batchSize: number): number {
  return 3 * forwardMs * batchSize;
}

/**
 * The batch to time: `batchSize`, or the largest of its halvings whose step takes at most half the
 * time left (the rest is for scoring and the steps' spread) even if CAUTION times slower than its
 * estimate (a U-Net's step on wasm took 1.8-2.5x it), per run sharing the budget. Only when
 * not even one example's step could fit, 30% faster than estimated, does it never start: one line
 * saying so. The swapped copy (`mayRefuse` false) keeps the batch the first model got.
 */
export function batchForTime(forwardMs: number, batchSize: number, remainingMs: number, ctx: BudgetContext | undefined, asked = batchSize): number {
  if (!ctx || ctx.mayRefuse === false) {
    return batchSize;
  }
  const batch = largestFitting(batchSize, (b) => CAUTION * stepEstimate(forwardMs, b) * (ctx.runs ?? 1) <= remainingMs / 2) ?? 1;
  if (OPTIMISM * stepEstimate(forwardMs, batch) > remainingMs) {
    const left = Math.max(0, Math.round(remainingMs / 1000));
    const budget = Math.round(ctx.budgetMs / 1000);
    if (stepEstimate(forwardMs, 1) <= SMALL_STEP_SHARE * ctx.budgetMs) {
      // The step is small: the time went before it (a module that prepares its data as it loads), and a smaller input would not give it back.
      const spent = Math.max(0, Math.round((ctx.budgetMs - remainingMs) / 1000));
      const before = ctx.before ?? 'loading the module and building the model (code the module runs as it loads counts)';
      throw new SanityFailure('timeout', `${before} took ${spent} s of the ${budget} s budget, leaving ${left} s, too little for one training step (about ${(stepEstimate(forwardMs, 1) / 1000).toFixed(1)} s at batch size 1); raise the time budget (--timeout)`);
    }
    const detail = `; a forward pass of one example takes ${(forwardMs / 1000).toFixed(1)} s`;
    const even = asked > 1 ? ' even at batch size 1' : '';
    throw new SanityFailure('timeout', `${describeSlowStep(stepEstimate(forwardMs, 1), ctx, 'would take', detail)}${even}, more than the ${left} s left of the ${budget} s budget; ${RAISE}`);
  }
  return batch;
}

async function timeStep(model: tfjs.LayersModel, x: tfjs.Tensor | tfjs.Tensor[], y: tfjs.Tensor | tfjs.Tensor[]): Promise<number> {
  const started = monotonicMs();
  await stepOnBatch(model, x, y);
  return monotonicMs() - started;
}

/** Milliseconds of a forward pass over the first `rows` held-out examples. */
function timeForward(tf: typeof tfjs, model: tfjs.LayersModel, data: TrainingData, rows: number): number {
  const n = Math.min(rows, rowCount(data.testXs));
  const started = monotonicMs();
  tf.tidy(() => {
    const x = sliceRows(data.testXs, 0, n);
    let out: tfjs.Tensor | tfjs.Tensor[];
    try {
      out = model.predict(x, { batchSize: 128 });
    } catch (err) {
      // The first forward pass is where a model that cannot run fails: name the layer (step-error.ts).
      throw explainStepFailure(model, x, err, 'inference') ?? err;
    }
    (Array.isArray(out) ? out : [out]).forEach((t) => t.dataSync());
  });
  return monotonicMs() - started;
}

/**
 * The live plan shared by the runs: created from the probes, asked after every step how many steps
 * the current run should have, and refined from that run's measured step time.
 */
export class StepBudget {
  /** Current estimates, refined as runs go. */
  private readonly stepMs: number[];
  /** The probes' step times, which the refinements start from. */
  private readonly probedMs: number[];
  private readonly evalMs: number[];
  /** When the current run finished its first step (which compiles the training function: not typical). */
  private afterFirstStep = 0;
  /** When the current run started, and which runs' step times are estimates (corrected by their first step). */
  private runStarted = 0;
  private readonly estimated: boolean[];
  private planned: number;

  constructor(
    private readonly requested: number,
    probes: ProbeResult[],
    private readonly deadlineMs: number,
    private readonly budgetSeconds: number,
    ctx?: BudgetContext,
    /** Held-out examples each run scores (the evaluation estimates are for these). */
    evalRows?: number,
  ) {
    this.stepMs = probes.map((p) => p.stepMs);
    this.probedMs = [...this.stepMs];
    this.evalMs = probes.map((p) => (evalRows === undefined ? p.evalMs : p.evalMsPerRow * evalRows));
    this.estimated = probes.map((p) => p.estimated === true);
    this.planned = planSteps({ requested, remainingMs: deadlineMs - monotonicMs(), run: 0, done: 0, stepMs: this.stepMs, evalMs: this.evalMs });
    // An estimate may be pessimistic (the probe refused those whose optimistic half does not fit): try one step.
    if (this.planned < 1 && this.estimated[0]) {
      this.planned = 1;
    }
    if (this.planned < 1) {
      const step = ctx ? describeSlowStep(this.stepMs[0], ctx) : `one training step takes about ${(this.stepMs[0] / 1000).toFixed(1)} s`;
      const spent = (monotonicMs() / 1000).toFixed(0);
      // A small step that finds no room: the budget went to loading, and a smaller input or batch would not give it back.
      const advice = this.stepMs[0] <= SMALL_STEP_SHARE * budgetSeconds * 1000 ? 'raise the time budget (--timeout)' : `${RAISE}, or lower the batch size`;
      throw new SanityFailure('timeout', `${step}, and the ${budgetSeconds} s budget has no room for one after loading and timing it (${spent} s); ${advice}`);
    }
  }

  /** The first run's expected step time, in milliseconds. */
  get firstStepMs(): number {
    return this.stepMs[0];
  }

  /** Steps every run gets, as planned now. */
  get stepsPlanned(): number {
    return this.planned;
  }

  startRun(): void {
    this.afterFirstStep = 0;
    this.runStarted = monotonicMs();
  }

  /**
   * After `done` steps of run `run`: the steps this run should reach. The run's own step time is
   * measured from its second step on; later runs' estimates get the same per-step overhead over
   * their probe (the loop's checks cost the same whatever the model).
   * The first run may move the plan either way; a later run only cuts it, to end in time.
   */
  stepsFor(run: number, done: number): number {
    if (done === 1) {
      this.afterFirstStep = monotonicMs();
      if (this.estimated[run]) {
        // The first measured step replaces the estimate, for this run and the ones estimated alike.
        const ratio = (this.afterFirstStep - this.runStarted) / this.stepMs[run];
        for (let r = run; r < this.stepMs.length; r++) {
          if (this.estimated[r]) {
            this.stepMs[r] *= ratio;
            this.probedMs[r] = this.stepMs[r];
            this.estimated[r] = false;
          }
        }
      }
    } else if (done >= 4) {
      const measured = (monotonicMs() - this.afterFirstStep) / (done - 1);
      const overhead = measured - this.probedMs[run];
      for (let r = run; r < this.stepMs.length; r++) {
        this.stepMs[r] = r === run ? measured : Math.max(this.probedMs[r] + overhead, this.probedMs[r] * 0.5);
      }
    }
    // A quarter of a step kept free: a long step (a heavy model on a busy machine) varies by more than the margin.
    const remainingMs = this.deadlineMs - monotonicMs() - 0.25 * this.stepMs[run];
    const fit = planSteps({ requested: this.requested, remainingMs, run, done, stepMs: this.stepMs, evalMs: this.evalMs });
    this.planned = run === 0 ? Math.max(fit, 1) : Math.min(this.planned, fit);
    return this.planned;
  }

  /**
   * After run `run`'s last step: how many of its `rows` held-out examples it can score before the
   * deadline, the later runs' steps and evaluations kept free. The evaluation's estimate is scaled by
   * how much slower the steps ran than when timed (a machine that got busy), so that a run whose
   * planned steps all fitted still ends with a report rather than a kill while it scores.
   */
  rowsToScore(run: number, rows: number, now = monotonicMs()): number {
    if (rows === 0) {
      return 0;
    }
    const later = this.stepMs.slice(run + 1).reduce((a, ms, i) => a + this.planned * ms + EVAL_CAUTION * this.evalMs[run + 1 + i], 0);
    const leftMs = this.deadlineMs - now - later;
    const slower = Math.max(1, this.stepMs[run] / Math.max(this.probedMs[run], 1e-6));
    const perRowMs = (EVAL_CAUTION * slower * this.evalMs[run]) / rows;
    return perRowMs <= 0 ? rows : Math.max(0, Math.min(rows, Math.floor(leftMs / perRowMs)));
  }

  /** The note for the report, or undefined when every run got the steps asked for (the verdict says how to get them all: it is not repeated here). */
  note(stepsRun: number[], backend: string): string | undefined {
    const fewest = Math.min(...stepsRun);
    if (fewest >= this.requested) {
      return undefined;
    }
    const perStepMs = this.stepMs.reduce((a, b) => a + b, 0) / this.stepMs.length;
    const runs = stepsRun.length > 1 ? ' per run' : '';
    const what = stepsRun.every((s) => s === stepsRun[0]) ? `ran ${fewest} of ${this.requested} steps${runs}` : `ran ${stepsRun.join(' and ')} of ${this.requested} steps`;
    return `${what} in the ${this.budgetSeconds} s budget (about ${durationText(perStepMs)} per step on ${backend})`;
  }
}

/**
 * The total a progress line shows ("step k of N") while the budget re-plans after every step: the plan,
 * held while it moves by a tenth or less, so that N does not change from one line to the next; the
 * plan itself at first, when it moves by more, and once the steps reach either.
 */
export function shownTotal(shown: number | undefined, planned: number, step: number): number {
  if (shown === undefined || step >= Math.min(shown, planned) || Math.abs(planned - shown) > 0.1 * shown) {
    return planned;
  }
  return shown;
}

/** "1.30 s", "0.25 s", "4.2 ms": a step's time with digits that say something at any speed. */
export function durationText(ms: number): string {
  if (ms >= 100) {
    return `${(ms / 1000).toFixed(2)} s`;
  }
  return `${ms >= 10 ? ms.toFixed(0) : ms.toFixed(1)} ms`;
}
