/**
 * The telemetry half of the explosion warning: the first layer whose gradient norm grew more than
 * `ratio`× within `window` steps. Norms below `floor` count as `floor`, so a gradient leaving (almost)
 * zero, as a freshly initialised bias's does, is not an explosion. One finding per run: the first.
 */
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
        let smallest = Infinity;
        for (const past of this.history) {
          const value = past.norms[i];
          if (value !== null && value !== undefined && Number.isFinite(value)) {
            smallest = Math.min(smallest, value);
          }
        }
        const growth = smallest === Infinity ? 1 : norm / Math.max(smallest, this.floor);
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
