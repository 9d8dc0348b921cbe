/**
 * A Compare's report fields and the messages between the Compare's scheduler (in the launcher's
 * process) and its arm workers: one child process per run (the model as written, its BatchNorm ⇄
 * RunningBatchNorm swap), trained seed after seed in step chunks the scheduler grants, so both always
 * stop at the same step. Fields are only ever added.
 */
import type { ComparisonMetric, ComparisonVerdict } from './comparison-stats';
import type { NormKind, RunReport, SanityReport, SanityRequest } from './protocol';

/** One paired seed: both runs' held-out score (accuracy 0..1, or MSE) and subject − baseline. */
export interface SeedComparison {
  seed: number;
  baseline: number;
  subject: number;
  difference: number;
  /** Steps each of the two runs trained for this seed. */
  steps: number;
}

/** How a Compare spent its time budget. */
export interface CompareSchedule {
  /** Worker processes (one per run), and whether they trained at the same time or took turns. */
  workers: number;
  concurrent: boolean;
  /** Threads each worker's backend was handed (1 until the wasm backend runs threads). */
  threadsPerWorker: number;
  /** Cores the scheduler saw (os.availableParallelism()). */
  cores: number;
  /** The whole Compare, from the start (the click, the CLI's start) to the report, and the budget. */
  wallMs: number;
  budgetMs: number;
  /** Start-up until both workers were ready to train: loading tfjs and the module, building, timing. */
  startupMs: number;
  /** Process CPU time per training step of each run (baseline, subject), over all seeds: the steps with their checks (and the first seed's telemetry), not the scoring. */
  cpuMsPerStep: number[];
  /** Wall time per paired step (both runs' step), as the scheduler measured it. */
  wallMsPerPairedStep: number;
}

/**
 * The comparison of the two runs across paired seeds (`runs[1]` against `runs[0]`): each seed's two runs
 * start from the same initial weights and see the same batches in the same order.
 */
export interface SanityComparison {
  /** 'accuracy' (held-out, 0..1, higher is better) or 'error' (held-out MSE, lower is better). */
  metric: ComparisonMetric;
  /** Mean over seeds of subject − baseline, in the metric's units (accuracy as a fraction). */
  difference: number;
  /** The `level` confidence interval of that mean. */
  interval: [number, number];
  /** Paired seeds that finished (both runs scored). */
  seeds: number;
  verdict: ComparisonVerdict;
  /** 0.9. */
  level: number;
  /** 'paired-t': Student-t across seeds; 'paired-bootstrap': one seed, resampling the held-out examples. */
  method: 'paired-t' | 'paired-bootstrap';
  /** The held-out examples each run scored. */
  examples: number;
  /** The run compared against (runs[0], the model as written) and the one compared (runs[1], the swap). */
  baseline: NormKind;
  subject: NormKind;
  perSeed: SeedComparison[];
  schedule?: CompareSchedule;
}

/** Which of the two runs a worker trains. */
export type CompareArm = 'asWritten' | 'swapped';

/** The report fields every arm computes alike during set-up (the first arm's are the report's). */
export type ArmSetup = Omit<SanityReport, 'runs'>;

/** Scheduler → arm worker. */
export type ArmCommand =
  /**
   * `deadlineEpochMs`: when the scheduler must have its report (Date.now() clock); the timing of the model keeps within it.
   * `concurrent`: the two runs train side by side (each step's time counts once), else they take turns.
   */
  | { type: 'startArm'; request: SanityRequest; arm: CompareArm; threads: number; deadlineEpochMs: number; concurrent: boolean }
  /** Train `seed` at `batchSize` for `steps` steps, scoring the first `evalRows` held-out examples; go on to step `upTo`, then wait for a grant. */
  | { type: 'seed'; seed: number; steps: number; upTo: number; batchSize: number; evalRows: number; telemetry: boolean }
  /** Go on to step `upTo` of `steps` (`steps` may have been cut, never below a step already granted). */
  | { type: 'grant'; upTo: number; steps: number }
  /** Drop the seed in progress (it cannot finish in time): no score, wait for the next command. */
  | { type: 'abandon' }
  | { type: 'finish' };

/** Arm worker → scheduler, besides the usual progress, phase, layerNaN and error messages. */
export type ArmMessage =
  | {
      type: 'armReady';
      arm: CompareArm;
      norm: NormKind;
      /** False when the model has no batch-norm layer to swap (the swapped arm has nothing to train). */
      swappable: boolean;
      /** The timed step, the evaluation cost per held-out example, and the batch the memory and time allow. */
      stepMs: number;
      evalMsPerRow: number;
      batchSize: number;
      testRows: number;
      /** Milliseconds to build (and swap) the model once more, for a later seed. */
      buildMs: number;
      setup: ArmSetup;
      /** The model as written cannot train in tfjs (untrainable-norms.ts): the as-written arm trains nothing. */
      untrainable?: boolean;
    }
  | { type: 'reached'; seed: number; step: number }
  | {
      type: 'seedDone';
      seed: number;
      run: RunReport;
      /** Per held-out example of the headline output: 1/0 correct (accuracy) or its squared error; null when not scored. */
      scores: number[] | null;
      /** Process CPU milliseconds spent in the seed's training steps (with their checks and telemetry, without the scoring). */
      cpuMs: number;
      /** The no-learning scores of the held-out examples the run scored (what "chance" means for the verdict). */
      baseline: { chanceAccuracy?: number; baselineError?: number };
    };
