/**
 * A list parameter read only element by element: `outputs[0]` (a list of sizes), `anchors[1].length`
 * or `pairs[2][0]` (a list of lists), `tf.input({ shape: inputShapes[0].slice(1) })` (a list of shapes,
 * as a detector's neck takes its backbone's output shapes). Text-based, like the other guesses.
 */
import { shapeFor, type DataHint } from './data-hint';

export interface ElementReads {
  /** The count of elements: the highest index read, plus one. */
  count: number;
  kind: 'sizes' | 'lists' | 'shapes';
  /** For lists: the highest inner index read plus one, at least 2. */
  innerLength: number;
  /** Each shape is sliced from its second element (`.slice(1)`): its first is the batch's. */
  withBatch: boolean;
}

/** Indices past this are not a short list of sizes or shapes but data. */
const MAX_ELEMENTS = 8;

/** What the code reads of `name`'s elements, or undefined when it uses `name` any other way (`name.length`, `name.map`). */
export function elementReadsOf(name: string, code: string): ElementReads | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || code.length === 0) {
    return undefined;
  }
  const escaped = name.replace(/\$/g, '\\$');
  // Not a member (`a.name`), but a spread (`...name`) is a use.
  const use = new RegExp(`(?<![\\w$])(?<!(?<!\\.\\.)\\.)${escaped}(?![\\w$])\\s*(?:\\[\\s*(\\d+)\\s*\\](\\s*\\.\\s*(?:slice\\s*\\(\\s*(\\d*)|length\\b|map\\b|concat\\b)|\\s*\\[\\s*(\\d+)\\s*\\])?|([^\\s]))?`, 'g');
  const indices: number[] = [];
  const inner: number[] = [];
  let lists = false;
  let shapes = false;
  let withBatch = false;
  for (const m of code.matchAll(use)) {
    const [, index, member, sliceStart, innerIndex, next] = m;
    if (index === undefined) {
      // Its declaration (a parameter's `outputs,` or `outputs)`) is not a use; anything else is.
      if (next !== undefined && !/^[,)=:]$/.test(next)) {
        return undefined;
      }
      continue;
    }
    indices.push(Number(index));
    lists ||= member !== undefined;
    shapes ||= inShapePosition(code, m.index);
    withBatch ||= sliceStart === '1';
    if (innerIndex !== undefined) {
      inner.push(Number(innerIndex));
    }
  }
  if (indices.length === 0 || Math.max(...indices) >= MAX_ELEMENTS) {
    return undefined;
  }
  // `inputShapes[0].slice(1)` passed on to a helper is a shape by its name.
  const kind = shapes || (lists && /shapes$/i.test(name)) ? 'shapes' : lists ? 'lists' : 'sizes';
  return { count: Math.max(...indices) + 1, kind, innerLength: Math.max(2, ...inner.map((i) => i + 1)), withBatch };
}

/** `shape: name[0]…`, `inputShape: name[0]…` or `[...name[0]`: the element is a shape. */
function inShapePosition(code: string, at: number): boolean {
  const before = code.slice(Math.max(0, at - 40), at);
  return /\b(?:shape|inputShape|batchInputShape|batchShape|targetShape)\s*:\s*$|\[\s*\.\.\.\s*$/.test(before);
}

/**
 * A list of `count` image shapes, each half the size of the one before, as a backbone's feature maps
 * are (largest first), so a neck that upsamples one to concatenate it with the next builds; other
 * shapes repeat (`pyramid` false). `withBatch` puts `null` before each, for the code that slices it off.
 */
export function shapeList(reads: ElementReads, hint: DataHint): { shapes: (number | null)[][]; pyramid: boolean } {
  const base = shapeFor(hint, undefined);
  const pyramid = hint.input === 'image' && base.length === 3 && reads.count > 1;
  const shapes = Array.from({ length: reads.count }, (_, k) => (pyramid ? [Math.max(1, Math.ceil(base[0] / 2 ** k)), Math.max(1, Math.ceil(base[1] / 2 ** k)), base[2]] : [...base]));
  return { shapes: reads.withBatch ? shapes.map((s) => [null, ...s]) : shapes, pyramid };
}
