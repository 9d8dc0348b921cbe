/**
 * Turns the worker's messages into progress-notification updates (pure; the clock is passed in so
 * tests pin it). Throttled, because the worker reports every step and a notification that redraws
 * hundreds of times a second helps nobody.
 */
import type { WorkerMessage } from '../../../core/training/protocol';
import { formatNumber, normLabel } from '../../../core/training/report/report-view';

export interface ProgressUpdate {
  /** Percent of the whole job (all runs) done since the previous update. */
  increment: number;
  message: string;
}

export class ProgressTracker {
  private reportedPercent = 0;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  /** The worker's run ids in the order they first appeared (independent of 0- or 1-based ids). */
  private readonly runOrder: number[] = [];
  /** Each run's share of its steps done: a Compare's two runs advance side by side. */
  private readonly done = new Map<number, number>();
  /** A Compare's first paired seed: later seeds train the same steps again, past the bar's end. */
  private firstSeed: number | undefined;

  /**
   * @param runCount runs the job will train (2 with compare).
   * @param minIntervalMs least time between two updates, except the last step of a run and NaN news.
   */
  constructor(
    private readonly runCount: number,
    private readonly minIntervalMs = 150,
  ) {}

  /** The update to show for this message, or undefined when there is nothing new worth a redraw. */
  update(message: WorkerMessage, nowMs: number): ProgressUpdate | undefined {
    if (message.type === 'layerNaN') {
      this.lastReportAt = nowMs;
      const f = message.finding;
      return { increment: 0, message: `NaN/Inf at step ${f.step} in layer "${f.layer}" (${f.className}); finishing the report…` };
    }
    if (message.type !== 'progress') {
      return undefined;
    }
    const runIndex = this.indexOfRun(message.run);
    const last = message.step >= message.totalSteps;
    if (!last && nowMs - this.lastReportAt < this.minIntervalMs) {
      return undefined;
    }
    this.lastReportAt = nowMs;
    const total = Math.max(1, message.totalSteps);
    this.firstSeed ??= message.seed;
    const laterSeed = message.seed !== undefined && message.seed !== this.firstSeed;
    if (!laterSeed) {
      this.done.set(runIndex, Math.max(this.done.get(runIndex) ?? 0, Math.min(message.step, total) / total));
    }
    const percent = Math.min(100, (100 * [...this.done.values()].reduce((a, b) => a + b, 0)) / Math.max(1, this.runCount));
    const increment = Math.max(0, percent - this.reportedPercent);
    this.reportedPercent = Math.max(this.reportedPercent, percent);
    const seed = laterSeed ? `paired seed ${message.seed}, ` : '';
    const prefix = this.runCount > 1 ? `${seed}${normLabel(message.norm)} (run ${runIndex + 1}/${this.runCount}): ` : '';
    return { increment, message: `${prefix}step ${message.step}/${message.totalSteps} · loss ${formatNumber(message.loss)}` };
  }

  private indexOfRun(run: number): number {
    let index = this.runOrder.indexOf(run);
    if (index < 0) {
      this.runOrder.push(run);
      index = this.runOrder.length - 1;
    }
    return Math.min(index, Math.max(0, this.runCount - 1));
  }
}
