/**
 * The telemetry half of the explosion warning: the first layer whose gradient norm grew more than
 * `ratio`× within `window` steps, measured against the MEDIAN of that layer's norms in the window. One
 * batch's gradient can be tiny (every example already fits), and against the window's minimum the next
 * ordinary batch would look like a 100× jump in a healthy model; the median is what the layer's gradient
 * usually is. Norms below `floor` count as `floor`, so a gradient leaving (almost) zero, as a freshly
 * initialised bias's does, is not an explosion. One finding per run: the first.
 */
import { median } from '../../core/training/comparison-stats';

export interface GradientGrowth {
  layerIndex: number;
  growth: number;
}

export class GradientExplosionDetector {
  private readonly history: { step: number; norms: (number | null)[] }[] = [];
  private found = false;

  constructor(
    private readonly window = 50,
    private readonly ratio = 100,
    private readonly floor = 1e-3,
  ) {}

  /** Feeds one sampled step's gradient norms (null: no trainable weights or not finite); returns the first explosion once. */
  observe(step: number, norms: (number | null)[]): GradientGrowth | null {
    while (this.history.length > 0 && this.history[0].step < step - this.window) {
      this.history.shift();
    }
    let result: GradientGrowth | null = null;
    if (!this.found) {
      for (let i = 0; i < norms.length && result === null; i++) {
        const norm = norms[i];
        if (norm === null || !Number.isFinite(norm)) {
          continue;
        }
        const typical = median(this.history.map((past) => past.norms[i]).filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v)));
        const growth = typical === undefined ? 1 : norm / Math.max(typical, this.floor);
        if (growth > this.ratio) {
          result = { layerIndex: i, growth };
        }
      }
    }
    this.found ||= result !== null;
    this.history.push({ step, norms });
    return result;
  }
}
