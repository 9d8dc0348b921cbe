/**
 * The model's graph in words (the CLI's text output, the log) and the walks every reader of the graph
 * needs: counting its layers with the nested ones, and rewriting its source paths (pure).
 */
import type { GraphNode, ModelGraph, SourceLocation } from '../protocol';

/** Layers that only hand their input on: not counted as the model's layers. */
const INPUT_CLASS = 'InputLayer';

/** Every node, nested models' nodes after the node that holds them. */
export function allGraphNodes(graph: ModelGraph): GraphNode[] {
  return graph.nodes.flatMap((n) => [n, ...(n.nested ? allGraphNodes(n.nested) : [])]);
}

/** The same graph with every source location passed through `map` (e.g. to display paths). */
export function mapGraphSources(graph: ModelGraph, map: (s: SourceLocation) => SourceLocation): ModelGraph {
  return {
    nodes: graph.nodes.map((n) => ({ ...n, source: n.source ? map(n.source) : null, nested: n.nested ? mapGraphSources(n.nested, map) : null })),
    edges: graph.edges,
  };
}

/** Nodes with more than one distinct inbound layer: adds, concatenations, multiplies. */
export function mergeNodes(graph: ModelGraph): string[] {
  const inbound = new Map<string, Set<string>>();
  for (const [from, to] of graph.edges) {
    inbound.set(to, (inbound.get(to) ?? new Set()).add(from));
  }
  return graph.nodes.filter((n) => (inbound.get(n.name)?.size ?? 0) > 1).map((n) => n.name);
}

/** Nodes with more than one outbound edge: where a branch starts (a skip connection, two heads). */
function branchNodes(graph: ModelGraph): string[] {
  const outbound = new Map<string, number>();
  for (const [from] of graph.edges) {
    outbound.set(from, (outbound.get(from) ?? 0) + 1);
  }
  return graph.nodes.filter((n) => (outbound.get(n.name) ?? 0) > 1).map((n) => n.name);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One line: "14 layers (4 Conv2D, 4 BatchNormalization, …), 2 inputs, 1 output, 3 merges (add_1, …),
 * 1 nested model (encoder: 6 layers), 13,002 parameters".
 */
export function describeGraph(graph: ModelGraph): string {
  const layers = allGraphNodes(graph).filter((n) => n.className !== INPUT_CLASS && n.nested === null);
  const byClass = new Map<string, number>();
  for (const n of layers) {
    byClass.set(n.className, (byClass.get(n.className) ?? 0) + 1);
  }
  const classes = [...byClass.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = classes.slice(0, 5).map(([c, k]) => `${k} ${c}`);
  const classText = `${shown.join(', ')}${classes.length > 5 ? `, ${classes.length - 5} more kinds` : ''}`;
  const targets = new Set(graph.edges.map(([, to]) => to));
  const sources = new Set(graph.edges.map(([from]) => from));
  const inputs = graph.nodes.filter((n) => !targets.has(n.name)).length;
  const outputs = graph.nodes.filter((n) => !sources.has(n.name)).length;
  const merges = mergeNodes(graph);
  const branches = branchNodes(graph);
  const nested = graph.nodes.filter((n) => n.nested !== null);
  const list = (names: string[]) => `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
  const parts = [
    `${plural(layers.length, 'layer')}${classText ? ` (${classText})` : ''}`,
    plural(inputs, 'input'),
    plural(outputs, 'output'),
    merges.length > 0 ? `${plural(merges.length, 'merge')} (${list(merges)})` : '',
    branches.length > 0 ? `${plural(branches.length, 'branch point')} (${list(branches)})` : '',
    nested.length > 0 ? `${plural(nested.length, 'nested model')} (${nested.map((n) => `${n.name}: ${plural(allGraphNodes(n.nested!).filter((m) => m.className !== INPUT_CLASS).length, 'layer')}`).join(', ')})` : '',
    `${graph.nodes.reduce((a, n) => a + n.params, 0).toLocaleString('en-US')} parameters`,
  ];
  return parts.filter((p) => p !== '').join(', ');
}
