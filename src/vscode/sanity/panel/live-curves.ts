/**
 * Collects the worker's progress into live loss curves for the report panel (pure). Runs are told apart
 * by the worker's run id and labelled in the order they start, as the final report labels them.
 */
import type { NormKind, WorkerMessage } from '../../../core/training/protocol';
import type { LiveChartMessage, ReportChartData } from '../../../core/training/report/report-html';
import { describeNan, formatNumber, normLabel, runLabel } from '../../../core/training/report/report-view';
import { GraphLiveRuns } from '../../../core/training/report/report-graph';

interface LiveRun {
  id: number;
  norm: NormKind;
  steps: number[];
  losses: (number | null)[];
  nanStep: number | null;
}

export class LiveCurves {
  private readonly runs: LiveRun[] = [];
  private status = 'Starting the training process…';
  private maxStep: number | null = null;
  /** The graph and per-layer statistics the worker streams, for the page's graph view. */
  private readonly graph = new GraphLiveRuns();
  /** Whether the graph data changed since the last snapshot: it is large, so it travels only when it changed. */
  private graphChanged = false;
  private firstSeed: number | undefined;

  /** @param compare whether two runs will come (the status line then names the run). */
  constructor(private readonly compare: boolean) {}

  /** Takes in one worker message; true when the curves or the status changed. */
  add(message: WorkerMessage): boolean {
    if (this.graph.add(message)) {
      this.graphChanged = true;
    }
    if (message.type === 'graph' || message.type === 'layerStats') {
      return this.graphChanged;
    }
    if (message.type === 'progress') {
      // A Compare's later paired seeds train the same steps again: the chart keeps the first seed's curves, the status moves on.
      this.firstSeed ??= message.seed;
      if (message.seed !== undefined && message.seed !== this.firstSeed) {
        this.status = `Paired seed ${message.seed}: ${normLabel(message.norm)} step ${message.step} of ${message.totalSteps}, loss ${formatNumber(message.loss)}`;
        return true;
      }
      const run = this.runFor(message.run, message.norm);
      if (run.steps.length > 0 && message.step <= run.steps[run.steps.length - 1]) {
        return false; // a repeated or out-of-order step adds nothing to a curve drawn left to right
      }
      this.maxStep = message.totalSteps;
      run.steps.push(message.step);
      run.losses.push(message.loss !== null && Number.isFinite(message.loss) ? message.loss : null);
      const prefix = this.compare ? `${normLabel(message.norm)}: ` : '';
      this.status = `${prefix}step ${message.step} of ${message.totalSteps}, loss ${formatNumber(message.loss)}`;
      return true;
    }
    if (message.type === 'layerNaN') {
      const run = this.runs.find((r) => r.id === message.run);
      if (run) {
        run.nanStep = message.finding.step;
      }
      this.status = `${describeNan(message.finding)}. Finishing the report…`;
      return true;
    }
    return false;
  }

  /** The message for the page: every curve so far and the status line, and the graph data when it changed since the last one. */
  snapshot(): LiveChartMessage {
    const data: ReportChartData = {
      task: null,
      maxStep: this.maxStep,
      runs: this.runs.map((r, i) => ({ label: runLabel(r, i), norm: r.norm, steps: [...r.steps], losses: [...r.losses], nanStep: r.nanStep })),
    };
    const graph = this.graphChanged ? this.graph.snapshot() : undefined;
    this.graphChanged = false;
    return { type: 'live', data, status: this.status, ...(graph ? { graph } : {}) };
  }

  private runFor(id: number, norm: NormKind): LiveRun {
    let run = this.runs.find((r) => r.id === id);
    if (!run) {
      run = { id, norm, steps: [], losses: [], nanStep: null };
      this.runs.push(run);
    }
    return run;
  }
}
