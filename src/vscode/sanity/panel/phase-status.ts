/**
 * The one status line a user reads while a sanity-train runs, in the notification and the panel
 * (pure; the clock is passed in): the phase it is in, with the time since the click, from the first
 * moment (starting the process, or running the program until it trains) through loading the code,
 * building, timing a step, each run's steps, to scoring. A first step that takes much longer than
 * the timing expected says so while it runs and after.
 */
import type { WorkerMessage, WorkerPhase } from '../../../core/training/protocol';
import { formatNumber, normLabel } from '../../../core/training/report/report-view';

const PHASE_WORDS: Record<WorkerPhase, string> = {
  buildModel: 'loading the code and building the model',
  prepareData: 'preparing the data',
  timeStep: 'timing one training step',
  firstStep: 'first training step',
};

/** Slower than expected: more than twice the estimate and a second more. */
function overEstimate(tookMs: number, expectedMs: number): boolean {
  return tookMs > 2 * expectedMs + 1000;
}

export class PhaseStatus {
  private phase: string;
  private phaseStartMs: number;
  private expectedStepMs: number | undefined;
  private firstStepNote = '';
  private readonly runs: number[] = [];

  /**
   * @param startedAtMs when the user clicked.
   * @param runCount runs the job trains (2 with compare).
   * @param fromProgram a capture: the program runs first, until it trains.
   */
  constructor(
    private readonly startedAtMs: number,
    private readonly runCount: number,
    fromProgram: boolean,
  ) {
    this.phase = fromProgram ? 'running the program until it trains a model' : 'starting the training process';
    this.phaseStartMs = startedAtMs;
  }

  /** Takes in one worker message at time `nowMs`. */
  onMessage(message: WorkerMessage, nowMs: number): void {
    if (message.type === 'phase') {
      this.phase = PHASE_WORDS[message.phase];
      this.phaseStartMs = nowMs;
      this.expectedStepMs = message.phase === 'firstStep' ? message.stepMs : this.expectedStepMs;
    } else if (message.type === 'progress') {
      this.onProgress(message, nowMs);
    } else if (message.type === 'layerNaN') {
      this.phase = `NaN/Inf at step ${message.finding.step} in layer "${message.finding.layer}"; finishing the report`;
    }
  }

  /** "timing one training step · 4 s" and the like. */
  status(nowMs: number): string {
    const running = this.phase === PHASE_WORDS.firstStep && this.expectedStepMs !== undefined && overEstimate(nowMs - this.phaseStartMs, this.expectedStepMs) ? `, ${seconds(nowMs - this.phaseStartMs)} so far: longer than the ${seconds(this.expectedStepMs)} the timing expected` : '';
    return `${this.phase}${running}${this.firstStepNote} · ${seconds(nowMs - this.startedAtMs)}`;
  }

  private onProgress(message: Extract<WorkerMessage, { type: 'progress' }>, nowMs: number): void {
    if (this.phase === PHASE_WORDS.firstStep && this.expectedStepMs !== undefined && overEstimate(nowMs - this.phaseStartMs, this.expectedStepMs)) {
      this.firstStepNote = ` (the first step took ${seconds(nowMs - this.phaseStartMs)}; the timing expected ${seconds(this.expectedStepMs)})`;
    }
    if (!this.runs.includes(message.run)) {
      this.runs.push(message.run);
    }
    const index = this.runs.indexOf(message.run);
    const run = this.runCount > 1 ? `${normLabel(message.norm)} (run ${index + 1} of ${this.runCount}): ` : '';
    const lastOfAll = message.step >= message.totalSteps && index + 1 >= this.runCount;
    this.phase = lastOfAll ? 'scoring the held-out examples' : `${run}step ${message.step} of ${message.totalSteps}, loss ${formatNumber(message.loss)}`;
    this.phaseStartMs = nowMs;
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
