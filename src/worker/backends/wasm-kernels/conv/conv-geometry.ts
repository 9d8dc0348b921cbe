import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelComposer } from '../kernel-composer';

/** Before/after padding along one spatial axis (may be negative before `trimForPadding`). */
export interface AxisPadding {
  before: number;
  after: number;
}

/**
 * XNNPACK takes no negative padding: the rows and columns a negative padding would drop are sliced
 * off instead; returns the trimmed input and the remaining (non-negative) explicit padding.
 */
export function trimForPadding(
  k: KernelComposer, x: TensorInfo, rows: AxisPadding, cols: AxisPadding,
): { trimmed: TensorInfo; pad: [[number, number], [number, number], [number, number], [number, number]] } {
  const cut = (n: number) => Math.max(0, -n);
  const keep = (n: number) => Math.max(0, n);
  const [b, height, width, channels] = x.shape;
  const trimmed = k.slice(x, [0, cut(rows.before), cut(cols.before), 0], [
    b,
    height - cut(rows.before) - cut(rows.after),
    width - cut(cols.before) - cut(cols.after),
    channels,
  ]);
  return { trimmed, pad: [[0, 0], [keep(rows.before), keep(rows.after)], [keep(cols.before), keep(cols.after)], [0, 0]] };
}
