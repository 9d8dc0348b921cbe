/**
 * Coordinates for the ordered rows of graph-layout.ts (pure): a row wider than the page wraps onto
 * more lines; within a line every item keeps its order and its distance from the next, and is pulled
 * towards the mean x of its neighbours in the rows above (sweeping down) and below (sweeping up). The
 * pull is a least-squares fit under the order constraints (pool-adjacent-violators), so long chains
 * come out straight and branches spread evenly without ever overlapping.
 */

export interface PlacedItem {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacementOptions {
  width: number;
  nodeHeight: number;
  maxNodeWidth: number;
  margin: number;
}

interface Item {
  id: string;
  waypoint: boolean;
}

const NODE_GAP = 14;
const WAYPOINT_WIDTH = 2;
const WAYPOINT_GAP = 8;
const ROW_GAP = 26;
const LINE_GAP = 12;
const SWEEPS = 4;

/** Least-squares non-decreasing fit of `targets` (weights `weights`): pool adjacent violators. */
export function isotonicFit(targets: number[], weights: number[]): number[] {
  const blocks: { value: number; weight: number; count: number }[] = [];
  targets.forEach((t, i) => {
    blocks.push({ value: t, weight: weights[i], count: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].value > blocks[blocks.length - 1].value) {
      const b = blocks.pop()!;
      const a = blocks.pop()!;
      const weight = a.weight + b.weight;
      blocks.push({ value: (a.value * a.weight + b.value * b.weight) / weight, weight, count: a.count + b.count });
    }
  });
  return blocks.flatMap((b) => Array<number>(b.count).fill(b.value));
}

/** Places the ordered rows; returns each item's box and the drawing's size. */
export function placeRows(rows: Item[][], options: PlacementOptions, down: Map<string, string[]>, up: Map<string, string[]>): { items: Map<string, PlacedItem>; width: number; height: number } {
  const avail = Math.max(60, options.width - 2 * options.margin);
  const nodeWidth = Math.min(options.maxNodeWidth, avail);
  const widthOf = (item: Item) => (item.waypoint ? WAYPOINT_WIDTH : nodeWidth);
  const gapAfter = (a: Item, b: Item) => (a.waypoint || b.waypoint ? WAYPOINT_GAP : NODE_GAP);
  const lines = wrapRows(rows, avail, widthOf, gapAfter);
  const items = new Map<string, PlacedItem>();
  let y = options.margin + 14; // room for an expanded group's label above the first row
  let previousRow = -1;
  for (const line of lines) {
    y += previousRow === -1 ? 0 : line.row === previousRow ? LINE_GAP : ROW_GAP;
    previousRow = line.row;
    let x = options.margin + (avail - lineWidth(line.items, widthOf, gapAfter)) / 2;
    line.items.forEach((item, i) => {
      items.set(item.id, { x, y, width: widthOf(item), height: options.nodeHeight });
      x += widthOf(item) + (i + 1 < line.items.length ? gapAfter(item, line.items[i + 1]) : 0);
    });
    y += options.nodeHeight;
  }
  for (let s = 0; s < SWEEPS; s++) {
    const sequence = s % 2 === 0 ? lines : [...lines].reverse();
    for (const line of sequence) {
      pullLine(line.items, s % 2 === 0 ? up : down, items, widthOf, gapAfter, options.margin, avail);
    }
  }
  return { items, width: options.width, height: y + options.margin };
}

function lineWidth(items: Item[], widthOf: (i: Item) => number, gapAfter: (a: Item, b: Item) => number): number {
  return items.reduce((sum, item, i) => sum + widthOf(item) + (i > 0 ? gapAfter(items[i - 1], item) : 0), 0);
}

/** Splits every row into lines no wider than `avail`, keeping the order. */
function wrapRows(rows: Item[][], avail: number, widthOf: (i: Item) => number, gapAfter: (a: Item, b: Item) => number): { row: number; items: Item[] }[] {
  const lines: { row: number; items: Item[] }[] = [];
  rows.forEach((row, r) => {
    let current: Item[] = [];
    for (const item of row) {
      if (current.length > 0 && lineWidth([...current, item], widthOf, gapAfter) > avail) {
        lines.push({ row: r, items: current });
        current = [];
      }
      current.push(item);
    }
    if (current.length > 0) {
      lines.push({ row: r, items: current });
    }
  });
  return lines;
}

/** Moves one line's items towards the mean centre of their placed `neighbours`, in order and apart, inside the page. */
function pullLine(
  line: Item[],
  neighbours: Map<string, string[]>,
  items: Map<string, PlacedItem>,
  widthOf: (i: Item) => number,
  gapAfter: (a: Item, b: Item) => number,
  margin: number,
  avail: number,
): void {
  const offsets: number[] = [];
  let offset = 0;
  line.forEach((item, i) => {
    offsets.push(offset);
    offset += widthOf(item) + (i + 1 < line.length ? gapAfter(item, line[i + 1]) : 0);
  });
  const targets = line.map((item, i) => {
    const own = items.get(item.id)!;
    const centres = (neighbours.get(item.id) ?? []).map((n) => items.get(n)).filter((p): p is PlacedItem => p !== undefined).map((p) => p.x + p.width / 2);
    const centre = centres.length > 0 ? centres.reduce((a, b) => a + b, 0) / centres.length : own.x + own.width / 2;
    return centre - widthOf(item) / 2 - offsets[i];
  });
  // Waypoints bend easily; nodes hold their place more firmly.
  const fitted = isotonicFit(targets, line.map((item) => (item.waypoint ? 0.5 : 1)));
  const xs = fitted.map((v, i) => v + offsets[i]);
  const last = line.length - 1;
  const shift = xs[0] < margin ? margin - xs[0] : xs[last] + widthOf(line[last]) > margin + avail ? margin + avail - xs[last] - widthOf(line[last]) : 0;
  line.forEach((item, i) => {
    items.get(item.id)!.x = xs[i] + shift;
  });
}
