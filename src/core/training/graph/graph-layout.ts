/**
 * A layered drawing of the model's graph (pure; the panel runs it in the page, tests run it in Node),
 * Sugiyama-style, flowing top to bottom:
 * 1. nested models stay one node unless expanded; an expanded one is replaced by its inner graph;
 * 2. each layer goes to the row of its longest path from an input (edges of a cycle, which a shared
 *    layer fed by its own output makes, are reversed for this; self-loops are drawn apart);
 * 3. edges longer than one row pass through a small waypoint in every row between;
 * 4. rows are ordered by the barycentre of their neighbours, sweeping down and up, keeping the order
 *    with the fewest crossings; ties keep the model's own order, so the same graph draws the same;
 * 5. x positions (graph-layout-position.ts) pull each node towards its neighbours without overlaps,
 *    and a row wider than the page wraps onto more lines; a graph taller than the page scrolls.
 */
import type { GraphNode, ModelGraph } from '../protocol';
import { placeRows, type PlacedItem } from './graph-layout-position';

export interface GraphLayoutOptions {
  /** The width to fit, in px. */
  width: number;
  /** Ids of the nested models to draw open (a nested node's id is its name; inside another, 'outer/inner'). */
  expanded?: ReadonlySet<string>;
}

export interface LaidOutNode {
  /** Unique: the layer's name, prefixed by the nested models that hold it ('block/dense_1'). */
  id: string;
  node: GraphNode;
  /** The id of the expanded nested model this node is drawn inside, or null. */
  group: string | null;
  /** A nested model drawn closed (click to open). */
  collapsed: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  /** From the bottom of `from` to the top of `to`, through the waypoints of the rows between. */
  points: [number, number][];
}

export interface LaidOutGroup {
  id: string;
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  groups: LaidOutGroup[];
}

export const NODE_HEIGHT = 34;
export const MAX_NODE_WIDTH = 170;
export const MARGIN = 8;

interface Vertex {
  id: string;
  node: GraphNode;
  group: string | null;
  collapsed: boolean;
}

/** The graph with the expanded nested models opened: vertices in reading order and edges by id. */
export function flattenGraph(graph: ModelGraph, expanded: ReadonlySet<string> = new Set(), prefix = '', group: string | null = null): { vertices: Vertex[]; edges: [string, string][] } {
  const vertices: Vertex[] = [];
  const edges: [string, string][] = [];
  // A nested model's id stands for its inner inputs when edges go in, and its inner outputs when they leave.
  const entries = new Map<string, string[]>();
  const exits = new Map<string, string[]>();
  for (const node of graph.nodes) {
    const id = `${prefix}${node.name}`;
    if (node.nested && expanded.has(id)) {
      const inner = flattenGraph(node.nested, expanded, `${id}/`, id);
      vertices.push(...inner.vertices);
      edges.push(...inner.edges);
      const targets = new Set(inner.edges.map(([, to]) => to));
      const sources = new Set(inner.edges.map(([from]) => from));
      const direct = new Set(node.nested.nodes.map((n) => `${id}/${n.name}`));
      entries.set(id, inner.vertices.filter((v) => direct.has(v.id) && !targets.has(v.id)).map((v) => v.id));
      exits.set(id, inner.vertices.filter((v) => direct.has(v.id) && !sources.has(v.id)).map((v) => v.id));
    } else {
      vertices.push({ id, node, group, collapsed: node.nested !== null });
    }
  }
  for (const [from, to] of graph.edges) {
    for (const a of exits.get(`${prefix}${from}`) ?? [`${prefix}${from}`]) {
      for (const b of entries.get(`${prefix}${to}`) ?? [`${prefix}${to}`]) {
        edges.push([a, b]);
      }
    }
  }
  return { vertices, edges };
}

/** Row of every vertex: its longest path from a vertex with no inbound edge; `reversed` gets the edges turned round to break cycles. */
export function assignRanks(ids: string[], edges: [string, string][]): { rank: Map<string, number>; reversed: Set<number> } {
  const index = new Map(ids.map((id, i) => [id, i]));
  const inbound = new Map<string, number[]>(ids.map((id) => [id, []]));
  edges.forEach(([from, to], e) => {
    if (from !== to && index.has(from) && index.has(to)) {
      inbound.get(to)!.push(e);
    }
  });
  const rank = new Map<string, number>();
  const reversed = new Set<number>();
  const done = new Set<string>();
  while (done.size < ids.length) {
    // The first vertex (in the model's order) whose inbound edges all come from placed vertices; in a cycle, the first left, its open edges reversed.
    let next = ids.find((id) => !done.has(id) && inbound.get(id)!.every((e) => done.has(edges[e][0])));
    if (next === undefined) {
      next = ids.find((id) => !done.has(id))!;
      for (const e of inbound.get(next)!) {
        if (!done.has(edges[e][0])) {
          reversed.add(e);
        }
      }
    }
    const placedFrom = inbound.get(next)!.filter((e) => !reversed.has(e)).map((e) => rank.get(edges[e][0]) ?? 0);
    rank.set(next, placedFrom.length === 0 ? 0 : Math.max(...placedFrom) + 1);
    done.add(next);
  }
  // A reversed edge still needs its target below its source: push targets down where needed.
  for (const e of reversed) {
    const [from, to] = edges[e];
    if (rank.get(from)! <= rank.get(to)!) {
      rank.set(from, rank.get(to)! + 1);
    }
  }
  return { rank, reversed };
}

/** A vertex or an edge's waypoint in one row. */
interface RowItem {
  id: string;
  /** The model's order (waypoints get their edge's source's), for stable ties. */
  order: number;
  waypoint: boolean;
}

/** Crossings between two adjacent rows, counted pairwise. */
function crossings(upper: RowItem[], lower: RowItem[], links: Map<string, string[]>): number {
  const position = new Map(lower.map((item, i) => [item.id, i]));
  const pairs: [number, number][] = [];
  upper.forEach((item, i) => {
    for (const to of links.get(item.id) ?? []) {
      const j = position.get(to);
      if (j !== undefined) {
        pairs.push([i, j]);
      }
    }
  });
  let count = 0;
  for (let a = 0; a < pairs.length; a++) {
    for (let b = a + 1; b < pairs.length; b++) {
      if ((pairs[a][0] - pairs[b][0]) * (pairs[a][1] - pairs[b][1]) < 0) {
        count += 1;
      }
    }
  }
  return count;
}

export function totalCrossings(rows: RowItem[][], down: Map<string, string[]>): number {
  let total = 0;
  for (let r = 0; r + 1 < rows.length; r++) {
    total += crossings(rows[r], rows[r + 1], down);
  }
  return total;
}

/** Sorts `row` by the mean position of each item's neighbours in `fixed`; items without any keep their place. */
function sortByBarycentre(row: RowItem[], fixed: RowItem[], neighbours: Map<string, string[]>): RowItem[] {
  const position = new Map(fixed.map((item, i) => [item.id, i]));
  const keyed = row.map((item, i) => {
    const at = (neighbours.get(item.id) ?? []).map((n) => position.get(n)).filter((p): p is number => p !== undefined);
    return { item, key: at.length > 0 ? at.reduce((a, b) => a + b, 0) / at.length : i, i };
  });
  keyed.sort((a, b) => a.key - b.key || a.item.order - b.item.order || a.i - b.i);
  return keyed.map((k) => k.item);
}

/** Rows ordered to reduce crossings (a few barycentre sweeps; the best order seen wins). */
export function orderRows(rows: RowItem[][], down: Map<string, string[]>, up: Map<string, string[]>, sweeps = 6): RowItem[][] {
  let best = rows.map((r) => [...r]);
  let bestCount = totalCrossings(best, down);
  let current = best;
  for (let s = 0; s < sweeps && bestCount > 0; s++) {
    current = current.map((r) => [...r]);
    if (s % 2 === 0) {
      for (let r = 1; r < current.length; r++) {
        current[r] = sortByBarycentre(current[r], current[r - 1], up);
      }
    } else {
      for (let r = current.length - 2; r >= 0; r--) {
        current[r] = sortByBarycentre(current[r], current[r + 1], down);
      }
    }
    const count = totalCrossings(current, down);
    if (count < bestCount) {
      best = current;
      bestCount = count;
    }
  }
  return best;
}

/** Lays `graph` out to fit `options.width` (see the file's header). */
export function layoutGraph(graph: ModelGraph, options: GraphLayoutOptions): GraphLayout {
  const { vertices, edges: rawEdges } = flattenGraph(graph, options.expanded);
  const ids = vertices.map((v) => v.id);
  const known = new Set(ids);
  const edges = rawEdges.filter(([a, b]) => known.has(a) && known.has(b));
  const { rank, reversed } = assignRanks(ids, edges);
  const order = new Map(ids.map((id, i) => [id, i]));
  const rowCount = Math.max(0, ...rank.values()) + 1;
  const rows: RowItem[][] = Array.from({ length: ids.length === 0 ? 0 : rowCount }, () => []);
  for (const id of ids) {
    rows[rank.get(id)!].push({ id, order: order.get(id)!, waypoint: false });
  }
  // Each edge as a chain of one-row links (through waypoints), top to bottom.
  const chains: { from: string; to: string; chain: string[] }[] = [];
  const down = new Map<string, string[]>();
  const up = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    down.set(a, [...(down.get(a) ?? []), b]);
    up.set(b, [...(up.get(b) ?? []), a]);
  };
  edges.forEach(([from, to], e) => {
    if (from === to) {
      chains.push({ from, to, chain: [from] });
      return;
    }
    const [top, bottom] = reversed.has(e) ? [to, from] : [from, to];
    const chain = [top];
    for (let r = rank.get(top)! + 1; r < rank.get(bottom)!; r++) {
      const waypoint = `\u0000${e}:${r}`;
      rows[r].push({ id: waypoint, order: order.get(top)!, waypoint: true });
      chain.push(waypoint);
    }
    chain.push(bottom);
    for (let k = 0; k + 1 < chain.length; k++) {
      link(chain[k], chain[k + 1]);
    }
    chains.push({ from, to, chain: reversed.has(e) ? [...chain].reverse() : chain });
  });
  for (const row of rows) {
    row.sort((a, b) => a.order - b.order || Number(a.waypoint) - Number(b.waypoint));
  }
  const ordered = orderRows(rows, down, up);
  const placed = placeRows(ordered, { width: options.width, nodeHeight: NODE_HEIGHT, maxNodeWidth: MAX_NODE_WIDTH, margin: MARGIN }, down, up);
  return assemble(vertices, chains, placed);
}

function assemble(vertices: Vertex[], chains: { from: string; to: string; chain: string[] }[], placed: { items: Map<string, PlacedItem>; width: number; height: number }): GraphLayout {
  const { items } = placed;
  const nodes: LaidOutNode[] = vertices.map((v) => {
    const p = items.get(v.id)!;
    return { id: v.id, node: v.node, group: v.group, collapsed: v.collapsed, x: p.x, y: p.y, width: p.width, height: p.height };
  });
  const edges: LaidOutEdge[] = chains.map(({ from, to, chain }) => {
    if (chain.length === 1) {
      // A self-loop (a shared layer fed its own output): out of the right side and back in.
      const p = items.get(from)!;
      const right = p.x + p.width;
      return { from, to, points: [[right, p.y + p.height * 0.3], [right + 12, p.y + p.height * 0.3], [right + 12, p.y + p.height * 0.7], [right, p.y + p.height * 0.7]] };
    }
    const downwards = items.get(chain[0])!.y <= items.get(chain[chain.length - 1])!.y;
    const points = chain.map((id, k): [number, number] => {
      const p = items.get(id)!;
      const cx = p.x + p.width / 2;
      if (k === 0) {
        return [cx, downwards ? p.y + p.height : p.y];
      }
      if (k === chain.length - 1) {
        return [cx, downwards ? p.y : p.y + p.height];
      }
      return [cx, p.y + p.height / 2];
    });
    return { from, to, points };
  });
  const groups = groupBoxes(nodes);
  return { width: placed.width, height: placed.height, nodes, edges, groups };
}

/** A box around each expanded nested model's nodes (and the groups inside it). */
function groupBoxes(nodes: LaidOutNode[]): LaidOutGroup[] {
  const ids = new Set(nodes.flatMap((n) => (n.group ? n.group.split('/').map((_, i, all) => all.slice(0, i + 1).join('/')) : [])));
  return [...ids].map((id) => {
    const members = nodes.filter((n) => n.group === id || n.group?.startsWith(`${id}/`));
    const pad = 5;
    const x = Math.min(...members.map((n) => n.x)) - pad;
    const y = Math.min(...members.map((n) => n.y)) - pad - 12;
    const right = Math.max(...members.map((n) => n.x + n.width)) + pad;
    const bottom = Math.max(...members.map((n) => n.y + n.height)) + pad;
    return { id, name: id.split('/').pop() ?? id, x, y, width: right - x, height: bottom - y };
  });
}
