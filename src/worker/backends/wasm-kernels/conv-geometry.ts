import type { TensorInfo } from '@tensorflow/tfjs';
import type { KernelComposer } from './kernel-composer';

/** Before/after padding along one spatial axis (may be negative before `trimForPadding`). */
export interface AxisPadding {
  before: number;
  after: number;
}

/** Inserts stride − 1 zeros after every row and column of dy ([b, oh·sh, ow·sw, C]); the trailing zeros act as padding. */
export function spreadByStride(k: KernelComposer, dy: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo {
  const [b, oh, ow, channels] = dy.shape;
  let spread = dy;
  if (strideWidth > 1) {
    const padded = k.run('PadV2', { x: k.reshape(spread, [b * oh * ow, 1, channels]) }, {
      paddings: [[0, 0], [0, strideWidth - 1], [0, 0]],
      constantValue: 0,
    });
    spread = k.reshape(padded, [b, oh, ow * strideWidth, channels]);
  }
  if (strideHeight > 1) {
    const rowLength = spread.shape[2] * channels;
    const padded = k.run('PadV2', { x: k.reshape(spread, [b * oh, 1, rowLength]) }, {
      paddings: [[0, 0], [0, strideHeight - 1], [0, 0]],
      constantValue: 0,
    });
    spread = k.reshape(padded, [b, oh * strideHeight, spread.shape[2], channels]);
  }
  return spread;
}

/**
 * Padding (possibly negative) of the spread gradient along one axis so that a stride-1 correlation
 * with the flipped filter gives back `inSize` values: tap t of output h reads spread[h + top − (k−1−t)·d].
 */
export function fullCorrelationPadding(
  inSize: number, spreadSize: number, filterSize: number, dilation: number, padBefore: number,
): AxisPadding {
  const before = (filterSize - 1) * dilation - padBefore;
  return { before, after: inSize + (filterSize - 1) * dilation - spreadSize - before };
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
