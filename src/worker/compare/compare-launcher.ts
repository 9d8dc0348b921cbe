/**
 * A Compare within one time budget, from its start (the click, the CLI's start) to its report: one
 * worker process per run (the model as written, its batch-norm swap), side by side where the machine
 * has the cores, taking turns otherwise; each seed's runs trained in step chunks this scheduler grants,
 * so both stop at the same step; as many paired seeds as fit. See docs/compare.md.
 */
import * as os from 'node:os';
import type { CompareArm, CompareSchedule } from '../../core/training/compare-protocol';
import type { SanityOutcome, SanityRequest } from '../../core/training/protocol';
import { safetyMarginMs } from '../budget/budget';
import { defaultWorkerScript, retryAfterOverflow, withRetryNote, type SanityLaunchOptions } from '../launcher';
import { ArmProcess, CompareStopped, type ArmReady, type CompareFailure, type SeedDone } from './arm-process';
import { evalRowsFor, MAX_SEEDS, nextGrant, pairedStepMs, planSeeds, seedOverheadMs, stepsThatFit, trainsConcurrently, type ArmTiming } from './compare-plan';
import { compareReport, type SeedResults } from './compare-report';

export interface CompareLaunchOptions extends SanityLaunchOptions {
  /** When the Compare started (Date.now() clock): the budget counts from there. Defaults to now. */
  startedAtMs?: number;
  /** Cores to plan for; defaults to os.availableParallelism(). */
  cores?: number;
  /** Threads each worker's backend is handed (a share of the cores); defaults to 1. */
  threadsPerWorker?: number;
  /** At most this many paired seeds; defaults to MAX_SEEDS. */
  maxSeeds?: number;
}

/** What is kept back at the very end of the budget: assembling and printing the report. */
const FINAL_MARGIN_MS = 300;
const DEFAULT_MAX_MEMORY_MB = 4096;

/**
 * Runs a Compare; resolves (never rejects) with its report or a failure and its one-line reason. A
 * run that ran out of memory in training (the batch estimate was wrong) ends the Compare, which then
 * runs again once, both runs at half that batch in fresh workers, within what is left of the budget,
 * as a single run does (launcher.ts).
 */
export async function runCompare(request: SanityRequest, options: CompareLaunchOptions = {}): Promise<SanityOutcome> {
  const startedAt = options.startedAtMs ?? Date.now();
  const first = await new CompareRun(request, { ...options, startedAtMs: startedAt }).run();
  const retry = retryAfterOverflow(first, request, Date.now() - startedAt);
  if (!retry || options.signal?.aborted) {
    return first;
  }
  const again = await new CompareRun(retry, { ...options, startedAtMs: Date.now() }).run();
  return withRetryNote(again, first as CompareFailure, request, 'compare');
}

class CompareRun {
  private readonly startedAt: number;
  private readonly planDeadline: number;
  private readonly end: number;
  private readonly cores: number;
  private readonly threads: number;
  private readonly arms: ArmProcess[];
  private readonly stopped: Promise<never>;
  private stop!: (failure: CompareFailure) => void;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.stop({ kind: 'error', reason: 'cancelled', message: `sanity-train was cancelled${this.arms[0]?.where() ?? ''}` });
  private concurrent = false;
  private stepMs = 0;
  private overheadMs = 0;
  private evalMs = 0;

  constructor(
    private readonly request: SanityRequest,
    private readonly options: CompareLaunchOptions,
  ) {
    this.startedAt = options.startedAtMs ?? Date.now();
    const end = this.startedAt + request.timeoutMs;
    this.end = end;
    this.planDeadline = end - safetyMarginMs(request.timeoutMs);
    this.cores = options.cores ?? os.availableParallelism();
    this.threads = Math.max(1, options.threadsPerWorker ?? 1);
    this.stopped = new Promise<never>((_, reject) => (this.stop = (failure) => reject(new CompareStopped(failure))));
    this.stopped.catch(() => undefined);
    const concurrent = trainsConcurrently(this.cores, 2, this.threads);
    const spawn = { script: options.workerScript ?? defaultWorkerScript(), maxMemoryMb: options.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB, threads: this.threads, deadlineEpochMs: this.planDeadline, concurrent };
    const forward = options.onMessage ?? (() => undefined);
    this.arms = (['asWritten', 'swapped'] as CompareArm[]).map((arm) => new ArmProcess(arm, request, spawn, forward, (failure) => this.stop(failure)));
    this.timer = setTimeout(() => this.stop(this.timeoutFailure()), Math.max(0, end - FINAL_MARGIN_MS - Date.now()));
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.signal?.aborted) {
      this.onAbort();
    }
  }

  async run(): Promise<SanityOutcome> {
    const seeds: SeedResults[] = [];
    const notes: string[] = [];
    let readies: ArmReady[] = [];
    let startupMs = 0;
    try {
      readies = await this.race(Promise.all(this.arms.map((a) => a.ready())));
      startupMs = Date.now() - this.startedAt;
      await this.trainSeeds(readies, seeds, notes);
    } catch (error) {
      if (!(error instanceof CompareStopped)) {
        throw error;
      }
      // Out of time with a finished seed: report what finished; anything else ends without a report.
      if (error.outcome.reason !== 'timeout' || seeds.length === 0) {
        return error.outcome;
      }
      notes.push(`the budget ran out during paired seed ${this.request.seed + seeds.length}, which was dropped`);
    } finally {
      clearTimeout(this.timer);
      this.options.signal?.removeEventListener('abort', this.onAbort);
      this.arms.forEach((a) => a.kill());
    }
    return { kind: 'report', report: compareReport({ setup: readies[0].setup, seeds, requestedSteps: this.request.steps, schedule: this.schedule(seeds, startupMs), backend: readies[0].setup.backend, notes }) };
  }

  private race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.stopped]);
  }

  private timeoutFailure(): CompareFailure {
    const where = this.arms.map((a) => a.where()).join(' and');
    return { kind: 'error', reason: 'timeout', message: `the Compare ran past its ${Math.round(this.request.timeoutMs / 1000)} s budget${where}; raise the timeout or lower the steps` };
  }

  private async trainSeeds(readies: ArmReady[], seeds: SeedResults[], notes: string[]): Promise<void> {
    const active = readies[0].untrainable ? [this.arms[1]] : readies[1].swappable ? this.arms : [this.arms[0]];
    if (readies[0].untrainable) {
      this.arms[0].kill();
      notes.push('--compare: the model as written cannot train in tfjs, so only its RunningBatchNorm copy ran');
    } else if (!readies[1].swappable) {
      this.arms[1].kill();
      notes.push('--compare: the model has no BatchNormalization or RunningBatchNorm layer to swap, so only the model as written ran');
    }
    const ready = active.map((arm) => readies[this.arms.indexOf(arm)]);
    const timings: ArmTiming[] = ready.map((r) => ({ stepMs: r.stepMs, evalMsPerRow: r.evalMsPerRow, buildMs: r.buildMs }));
    this.concurrent = trainsConcurrently(this.cores, active.length, this.threads);
    const batchSize = Math.min(...ready.map((r) => r.batchSize));
    this.stepMs = pairedStepMs(timings, this.concurrent);
    const evalRows = evalRowsFor(ready[0].testRows, timings.map((t) => t.evalMsPerRow), this.request.timeoutMs, this.concurrent, this.planDeadline - Date.now() - this.stepMs);
    this.overheadMs = seedOverheadMs(timings, evalRows, this.concurrent);
    this.evalMs = seedOverheadMs(timings.map((t) => ({ ...t, buildMs: 0 })), evalRows, this.concurrent);
    const maxSeeds = active.length > 1 ? (this.options.maxSeeds ?? MAX_SEEDS) : 1;
    let steps = planSeeds(this.request.steps, this.planDeadline - Date.now(), this.stepMs, this.overheadMs, maxSeeds).steps;
    for (let k = 0; k < maxSeeds; k++) {
      if (k > 0 && Date.now() + steps * this.stepMs + this.overheadMs > this.planDeadline) {
        break;
      }
      const seedStarted = Date.now();
      const result = await this.trainSeed(active, this.request.seed + k, k, steps, { batchSize, evalRows });
      if (!result) {
        notes.push(`paired seed ${this.request.seed + k} could not finish in the budget and was dropped`);
        break;
      }
      seeds.push(result.done);
      steps = result.steps;
      this.overheadMs = Math.max(0, Date.now() - seedStarted - result.trainMs);
      if (result.done.some((d) => d.run.nan !== null)) {
        break; // a NaN is the finding; more seeds would not change it
      }
    }
  }

  /** One paired seed, granted chunk by chunk; undefined when it had to be dropped (a later seed short of time). */
  private async trainSeed(active: ArmProcess[], seed: number, index: number, planned: number, fixed: { batchSize: number; evalRows: number }): Promise<{ done: SeedDone[]; steps: number; trainMs: number } | undefined> {
    let steps = planned;
    const telemetry = index === 0 && this.request.telemetry !== false;
    active.forEach((arm) => arm.send({ type: 'seed', seed, steps, upTo: 0, ...fixed, telemetry }));
    await this.race(Promise.all(active.map((arm) => arm.reachedStep(seed, 0))));
    let granted = 0;
    let trainMs = 0;
    const chunks: { ms: number; steps: number }[] = [];
    while (granted < steps) {
      const remaining = this.planDeadline - Date.now();
      // Judged on measured steps only (start-up timing under load can be far off): the first seed's
      // steps follow the measurements, up to the plan; a later seed that can no longer finish is dropped.
      if (index === 0 && chunks.length > 0) {
        steps = stepsThatFit(planned, granted, remaining, this.stepMs, this.evalMs);
      } else if (index > 0 && (steps - granted) * this.stepMs + this.evalMs > this.end - FINAL_MARGIN_MS - Date.now()) {
        active.forEach((arm) => arm.send({ type: 'abandon' }));
        return undefined;
      }
      if (granted >= steps) {
        break;
      }
      const upTo = nextGrant(granted, steps, this.stepMs, granted === 0);
      const chunkStarted = Date.now();
      await this.grant(active, seed, upTo, steps);
      chunks.push({ ms: Date.now() - chunkStarted, steps: upTo - granted });
      trainMs += chunks[chunks.length - 1].ms;
      // The first chunk pays for compiling the new model's training step: a later seed keeps the rate of
      // the seed before until it has a second chunk; the first seed has nothing better than it.
      const typical = chunks.length > 1 ? chunks.slice(1) : index === 0 ? chunks : [];
      if (typical.length > 0) {
        this.stepMs = typical.reduce((a, c) => a + c.ms, 0) / typical.reduce((a, c) => a + c.steps, 0);
      }
      granted = upTo;
    }
    // Releases runs that wait at a grant the cut made final.
    active.forEach((arm) => arm.send({ type: 'grant', upTo: steps, steps }));
    const done = await this.race(Promise.all(active.map((arm) => arm.seedDone(seed))));
    return { done, steps, trainMs };
  }

  /** Lets every run train to `upTo`: all at once side by side, one after the other when taking turns. */
  private async grant(active: ArmProcess[], seed: number, upTo: number, steps: number): Promise<void> {
    if (this.concurrent) {
      active.forEach((arm) => arm.send({ type: 'grant', upTo, steps }));
      await this.race(Promise.all(active.map((arm) => arm.reachedStep(seed, upTo))));
      return;
    }
    for (const arm of active) {
      arm.send({ type: 'grant', upTo, steps });
      await this.race(arm.reachedStep(seed, upTo));
    }
  }

  private schedule(seeds: SeedResults[], startupMs: number): CompareSchedule {
    const cpuMsPerStep = [0, 1].flatMap((arm) => {
      const done = seeds.map((s) => s[arm]).filter((d): d is SeedDone => d !== undefined);
      const steps = done.reduce((a, d) => a + d.run.steps, 0);
      return steps > 0 ? [Math.round((done.reduce((a, d) => a + d.cpuMs, 0) / steps) * 10) / 10] : [];
    });
    return {
      workers: this.arms.length,
      concurrent: this.concurrent,
      threadsPerWorker: this.threads,
      cores: this.cores,
      wallMs: Date.now() - this.startedAt,
      budgetMs: this.request.timeoutMs,
      startupMs,
      cpuMsPerStep,
      wallMsPerPairedStep: Math.round(this.stepMs * 10) / 10,
    };
  }
}
