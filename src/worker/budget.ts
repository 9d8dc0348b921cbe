/**
 * The time budget shapes the run instead of failing it: every model is timed for a few steps first,
 * then all runs get the same number of steps, as many as fit before the deadline (startup already
 * spent, evaluation of every run reserved), and the plan is refined from the real step times as the
 * runs go. The launcher's kill at the full budget stays as the backstop.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { SanityFailure } from './errors';
import { gatherRows, rowCount, sliceRows, type TrainingData } from './training-data';

/** Time kept free before the launcher's deadline: sending the report, exiting, a slow last step. */
export function safetyMarginMs(timeoutMs: number): number {
  return Math.max(1500, timeoutMs * 0.05);
}

/**
 * The worker's deadline on its own `performance.now()` clock, which starts with the process: the
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
 * Steps per run that fit: the rest of the current run, every later run in full and the evaluations
 * of the current and later runs must end before the deadline. Never more than requested, never
 * fewer than the steps already done.
 */
export function planSteps(p: PlanInput): number {
  const later = p.stepMs.slice(p.run + 1).reduce((a, b) => a + b, 0);
  const evals = p.evalMs.slice(p.run).reduce((a, b) => a + b, 0);
  const perStep = p.stepMs[p.run] + later;
  const fit = Math.floor((p.remainingMs - evals + p.done * p.stepMs[p.run]) / Math.max(perStep, 1e-3));
  return Math.max(p.done, Math.min(p.requested, fit));
}

export interface ProbeResult {
  stepMs: number;
  evalMs: number;
}

/**
 * Times `model`: one warm-up step, then one or two timed steps, and a forward pass over a slice of
 * the held-out set (scaled to all of it). The weights (running state included) are put back, so the
 * run that follows starts from the same point as it would have without the probe.
 */
export async function probeModel(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  data: TrainingData,
  batchSize: number,
  remainingMs: () => number,
  compile: () => void,
  checkLimits: () => void = () => undefined,
): Promise<ProbeResult> {
  const saved = model.getWeights().map((w) => w.clone());
  compile();
  const indices = tf.tensor1d(Int32Array.from({ length: batchSize }, (_, i) => i % rowCount(data.xs)), 'int32');
  const x = gatherRows(tf, data.xs, indices);
  const y = gatherRows(tf, data.ys, indices);
  try {
    const warm = await timeStep(model, x, y);
    // The memory cap holds from the first step: a model too big to train stops here, not later.
    checkLimits();
    const times: number[] = [];
    // A slow model spends its budget on training, not on timing: one warm-up may have to do.
    while (times.length < 2 && remainingMs() > (times.length === 0 ? 2 : 4) * warm) {
      times.push(await timeStep(model, x, y));
    }
    const stepMs = times.length > 0 ? Math.min(...times) : warm;
    return { stepMs, evalMs: timeEvaluation(tf, model, data) };
  } finally {
    model.setWeights(saved);
    (model as unknown as { optimizer?: tfjs.Optimizer }).optimizer?.dispose();
    tf.dispose([indices, ...[x, y].flat(), ...saved]);
  }
}

async function timeStep(model: tfjs.LayersModel, x: tfjs.Tensor | tfjs.Tensor[], y: tfjs.Tensor | tfjs.Tensor[]): Promise<number> {
  const started = performance.now();
  await model.trainOnBatch(x, y);
  return performance.now() - started;
}

/** A forward pass over up to 64 held-out examples, scaled to the whole held-out set. */
function timeEvaluation(tf: typeof tfjs, model: tfjs.LayersModel, data: TrainingData): number {
  const total = rowCount(data.testXs);
  const n = Math.min(64, total);
  const started = performance.now();
  tf.tidy(() => {
    const out = model.predict(sliceRows(data.testXs, 0, n), { batchSize: 128 });
    (Array.isArray(out) ? out : [out]).forEach((t) => t.dataSync());
  });
  return ((performance.now() - started) * total) / Math.max(n, 1);
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
  private planned: number;

  constructor(
    private readonly requested: number,
    probes: ProbeResult[],
    private readonly deadlineMs: number,
    private readonly budgetSeconds: number,
  ) {
    this.stepMs = probes.map((p) => p.stepMs);
    this.probedMs = [...this.stepMs];
    this.evalMs = probes.map((p) => p.evalMs);
    this.planned = planSteps({ requested, remainingMs: deadlineMs - performance.now(), run: 0, done: 0, stepMs: this.stepMs, evalMs: this.evalMs });
    if (this.planned < 1) {
      const step = (this.stepMs[0] / 1000).toFixed(1);
      const spent = (performance.now() / 1000).toFixed(0);
      throw new SanityFailure('timeout', `one training step takes about ${step} s and the ${budgetSeconds} s budget has no room for one after loading and timing the model (${spent} s); raise the timeout (--timeout) or lower the batch size`);
    }
  }

  /** Steps every run gets, as planned now. */
  get stepsPlanned(): number {
    return this.planned;
  }

  startRun(): void {
    this.afterFirstStep = 0;
  }

  /**
   * After `done` steps of run `run`: the steps this run should reach. The run's own step time is
   * measured from its second step on; later runs' estimates get the same per-step overhead over
   * their probe (the loop's checks cost the same whatever the model).
   * The first run may move the plan either way; a later run only cuts it, to end in time.
   */
  stepsFor(run: number, done: number): number {
    if (done === 1) {
      this.afterFirstStep = performance.now();
    } else if (done >= 4) {
      const measured = (performance.now() - this.afterFirstStep) / (done - 1);
      const overhead = measured - this.probedMs[run];
      for (let r = run; r < this.stepMs.length; r++) {
        this.stepMs[r] = r === run ? measured : Math.max(this.probedMs[r] + overhead, this.probedMs[r] * 0.5);
      }
    }
    const fit = planSteps({ requested: this.requested, remainingMs: this.deadlineMs - performance.now(), run, done, stepMs: this.stepMs, evalMs: this.evalMs });
    this.planned = run === 0 ? Math.max(fit, 1) : Math.min(this.planned, fit);
    return this.planned;
  }

  /** The note for the report, or undefined when every run got the steps asked for. */
  note(stepsRun: number[], backend: string): string | undefined {
    const fewest = Math.min(...stepsRun);
    if (fewest >= this.requested) {
      return undefined;
    }
    const perStep = this.stepMs.reduce((a, b) => a + b, 0) / this.stepMs.length / 1000;
    const runs = stepsRun.length > 1 ? ' per run' : '';
    const what = stepsRun.every((s) => s === stepsRun[0]) ? `ran ${fewest} of ${this.requested} steps${runs}` : `ran ${stepsRun.join(' and ')} of ${this.requested} steps`;
    return `${what} in the ${this.budgetSeconds} s budget (about ${perStep.toFixed(2)} s per step on ${backend}); raise the timeout for the full run`;
  }
}
