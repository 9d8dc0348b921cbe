/**
 * An explosion is reported only when it is one. A weight or gradient that grew 100× (weight-monitor.ts,
 * gradient-explosions.ts) is a candidate; it becomes a finding when
 *   - a weight grew to a large absolute magnitude (its largest element LARGE or more: far beyond what a
 *     trained layer holds). A gradient norm of that size is not enough on its own: its scale follows the
 *     loss's and the layer's size, and its harm comes only through the updates it makes (Adam's steps do
 *     not grow with it), which the consequences below see: the first Adam steps of a layer with 50,000
 *     inputs can lift its next layer's gradient norm from 4.6 to 1,210 and the loss from 2.6 to 345 for a
 *     step, which the model then recovers from and learns; or
 *   - its consequences follow within the next `window` steps: the loss rises (its mean over those steps
 *     is more than `lossRise`× its mean over the steps before), the layer's weights grow (`furtherGrowth`×
 *     more, or to LARGE), or a NaN/Inf appears. A gradient that keeps rising while the weights and the
 *     loss stay put is not a consequence: it is what a BatchNorm gradient does early in training.
 * A BatchNorm gradient that rises from 1e-3 to 1.8 while the loss falls, or spikes 105× over its median
 * once and settles, stays a candidate: the run reports it as growth seen, not as an explosion. Every
 * finding says what was seen (`evidence`).
 */
import type { ExplosionWarning } from '../../core/training/protocol';

export interface ConfirmationOptions {
  /** A weight magnitude this large is an explosion on its own (a gradient norm needs a consequence too). */
  large: number;
  /** Steps after a candidate in which its consequences count. */
  window: number;
  /** The loss rose: its mean over the window after is more than this many times the mean before. */
  lossRise: number;
  /** The layer's weights grew this many times more within the window (from at least 0.1). */
  furtherGrowth: number;
}

export const DEFAULT_CONFIRMATION: ConfirmationOptions = { large: 1e3, window: 10, lossRise: 2, furtherGrowth: 10 };

interface Pending {
  warning: ExplosionWarning;
  /** The candidate's own magnitude (weight or gradient norm) when it became one. */
  magnitude: number;
  /** The largest weight of its layer (its weight, for a weight candidate) then. */
  weight: number;
  /** Mean loss over the `window` steps before the candidate (null when none was finite). */
  lossBefore: number | null;
}

/** The largest weight magnitude of a candidate's layer now (of its weight, for a weight candidate); null when unknown. */
export type WeightOf = (warning: ExplosionWarning) => number | null;

export interface Candidate {
  warning: ExplosionWarning;
  /** Its own magnitude: the weight's largest element, or the layer's gradient norm. */
  magnitude: number;
}

export class ExplosionConfirmer {
  private readonly losses: { step: number; loss: number | null }[] = [];
  private pending: Pending[] = [];

  constructor(private readonly options: ConfirmationOptions = DEFAULT_CONFIRMATION) {}

  /**
   * One finished step without NaN: its loss, the candidates first seen in it (with their magnitude),
   * and how to read a pending candidate's magnitude now. Returns the findings confirmed in this step.
   */
  observe(step: number, loss: number | null, candidates: Candidate[], weightOf: WeightOf): ExplosionWarning[] {
    const confirmed: ExplosionWarning[] = [];
    // A step's loss is measured before its update, so the loss "before" a candidate includes its own step.
    this.losses.push({ step, loss });
    for (const { warning, magnitude } of candidates) {
      if (magnitude >= this.options.large && warning.measure !== 'gradient') {
        confirmed.push({ ...warning, magnitude, confirmedBy: 'magnitude', evidence: `${measureOf(warning)} reached ${format(magnitude)}` });
      } else {
        this.pending.push({ warning, magnitude, weight: weightOf(warning) ?? 0, lossBefore: this.meanLoss(step - this.options.window + 1, step) });
      }
    }
    const still: Pending[] = [];
    for (const p of this.pending) {
      const found = step > p.warning.step ? this.consequence(p, step, weightOf(p.warning)) : undefined;
      if (found !== undefined) {
        confirmed.push({ ...p.warning, magnitude: p.magnitude, ...found });
      } else if (step - p.warning.step < this.options.window) {
        still.push(p);
      } else {
        this.unconfirmedList.push({ ...p.warning, magnitude: p.magnitude, evidence: this.nothingFollowed(p) });
      }
    }
    this.pending = still;
    return confirmed;
  }

  /** A NaN/Inf at `step`: every pending candidate was the start of it. */
  nanAt(step: number): ExplosionWarning[] {
    const confirmed = this.pending.map((p) => ({ ...p.warning, magnitude: p.magnitude, confirmedBy: 'nonFinite' as const, evidence: `followed by NaN/Inf at step ${step}` }));
    this.pending = [];
    return confirmed;
  }

  /** Candidates nothing confirmed (the run ended before their window did, or nothing followed). */
  unconfirmed(): ExplosionWarning[] {
    const ended = this.pending.map((p) => ({ ...p.warning, magnitude: p.magnitude, evidence: this.nothingFollowed(p) }));
    this.pending = [];
    return [...this.unconfirmedList, ...ended];
  }

  private readonly unconfirmedList: ExplosionWarning[] = [];

  private consequence(p: Pending, step: number, weight: number | null): Pick<ExplosionWarning, 'evidence' | 'confirmedBy'> | undefined {
    const weights = `the largest weight of ${p.warning.measure === 'gradient' ? p.warning.layer : p.warning.weight}`;
    if (weight !== null && weight >= this.options.large) {
      return { confirmedBy: 'weights', evidence: `${weights} reached ${format(weight)} by step ${step}` };
    }
    if (weight !== null && weight >= Math.max(p.weight, 0.1) * this.options.furtherGrowth) {
      return { confirmedBy: 'weights', evidence: `${weights} kept growing: ${format(p.weight)} → ${format(weight)} by step ${step}` };
    }
    const after = this.meanLoss(p.warning.step + 1, step);
    if (p.lossBefore !== null && after !== null && step - p.warning.step >= Math.min(3, this.options.window) && after > p.lossBefore * this.options.lossRise) {
      return { confirmedBy: 'loss', evidence: `the loss rose from ${format(p.lossBefore)} to ${format(after)} in the steps after` };
    }
    return undefined;
  }

  private nothingFollowed(p: Pending): string {
    const after = this.meanLoss(p.warning.step + 1, p.warning.step + this.options.window);
    const loss = p.lossBefore !== null && after !== null ? ` (loss ${format(p.lossBefore)} before, ${format(after)} after)` : '';
    return `${measureOf(p.warning)} grew ${p.warning.growth}× to ${format(p.magnitude)} and nothing followed${loss}`;
  }

  /** Mean of the finite losses of steps `from`..`to`; null when there is none. */
  private meanLoss(from: number, to: number): number | null {
    const values = this.losses.filter((l) => l.step >= from && l.step <= to && l.loss !== null && Number.isFinite(l.loss)).map((l) => l.loss as number);
    return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
  }
}

function measureOf(w: ExplosionWarning): string {
  return w.measure === 'gradient' ? `the gradient norm of ${w.layer}` : `the largest weight of ${w.weight}`;
}

/** Three significant digits, exponent form for the very large and very small. */
function format(value: number): string {
  const abs = Math.abs(value);
  return abs !== 0 && (abs >= 1e4 || abs < 1e-3) ? value.toExponential(2) : String(Number(value.toPrecision(3)));
}
