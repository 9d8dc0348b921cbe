/**
 * Watches every weight of a model step by step: one reduction per weight (its largest magnitude and
 * whether it is finite), read back in a single transfer, feeds both the NaN check and the explosion
 * warning ("do your parameters explode before you get NaNs?").
 */
import type * as tfjs from '@tensorflow/tfjs';

export interface TrackedWeight {
  layerIndex: number;
  layer: string;
  className: string;
  /** e.g. 'dense_Dense1/kernel'. */
  weight: string;
  trainable: boolean;
  variable: tfjs.LayerVariable;
}

export interface WeightStats {
  maxAbs: Float32Array;
  finite: boolean[];
}

export function trackWeights(model: tfjs.LayersModel): TrackedWeight[] {
  const out: TrackedWeight[] = [];
  model.layers.forEach((layer, layerIndex) => {
    for (const variable of layer.weights) {
      out.push({ layerIndex, layer: layer.name, className: layer.getClassName(), weight: variable.originalName ?? variable.name, trainable: variable.trainable, variable });
    }
  });
  return out;
}

/** Largest magnitude and finiteness of each weight. A sum is NaN/Inf whenever an element is, unlike max. */
export function measureWeights(tf: typeof tfjs, tracked: TrackedWeight[]): WeightStats {
  if (tracked.length === 0) {
    return { maxAbs: new Float32Array(0), finite: [] };
  }
  const values = tf.tidy(() => tf.stack(tracked.flatMap((t) => [t.variable.read().abs().max(), t.variable.read().sum()])).dataSync() as Float32Array);
  const maxAbs = new Float32Array(tracked.length);
  const finite: boolean[] = [];
  tracked.forEach((_, i) => {
    maxAbs[i] = values[2 * i];
    finite.push(Number.isFinite(values[2 * i]) && Number.isFinite(values[2 * i + 1]));
  });
  return { maxAbs, finite };
}

export interface Explosion {
  index: number;
  growth: number;
}

/**
 * Flags a trainable weight whose largest magnitude grew more than `ratio`× within the last `window`
 * steps. Magnitudes below `floor` count as `floor`, so a bias leaving zero is not an explosion; each
 * weight is flagged once.
 */
export class ExplosionDetector {
  private readonly history: Float32Array[] = [];
  private readonly flagged = new Set<number>();

  constructor(
    private readonly trainable: boolean[],
    private readonly window = 50,
    private readonly ratio = 100,
    private readonly floor = 0.1,
  ) {}

  observe(maxAbs: Float32Array): Explosion[] {
    const found: Explosion[] = [];
    for (let i = 0; i < maxAbs.length; i++) {
      if (!this.trainable[i] || this.flagged.has(i) || !Number.isFinite(maxAbs[i])) {
        continue;
      }
      let smallest = Infinity;
      for (const past of this.history) {
        smallest = Math.min(smallest, past[i]);
      }
      const growth = maxAbs[i] / Math.max(smallest, this.floor);
      if (growth > this.ratio) {
        this.flagged.add(i);
        found.push({ index: i, growth });
      }
    }
    this.history.push(maxAbs);
    if (this.history.length > this.window) {
      this.history.shift();
    }
    return found;
  }
}
