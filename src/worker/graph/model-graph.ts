/**
 * The model's graph from its own topology (issue 21): `model.layers` and each layer's inbound nodes,
 * the records tfjs keeps of every call of a layer on symbolic tensors. Only the calls that belong to
 * this model count (a layer reused in another model has calls from there too), which is what the
 * model's `containerNodes` lists; a Sequential keeps that list on its inner model. A Sequential's
 * input layer is not in `model.layers`, so layers fed by a layer outside the list bring it in as a
 * node. A model used as a layer is one node that holds its own graph.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { mapLayersToSources, type LayerCall } from '../../core/training/layer-sources';
import type { GraphNode, ModelGraph, SourceLocation } from '../../core/training/protocol';

/** What the extraction reads of a tfjs layer (duck-typed: the workspace's tfjs may be another copy). */
interface LayerLike {
  name: string;
  getClassName(): string;
  countParams(): number;
  inboundNodes: NodeLike[];
  readonly outputShape: unknown;
  /** Set on models: their layers. */
  layers?: LayerLike[];
}

interface NodeLike {
  inboundLayers: LayerLike[];
  outputShapes: unknown;
}

/** Source line of a layer by name (nested models' layers included). */
export type SourceLookup = (name: string) => SourceLocation | null;

/** The graph of `model`, with each node's source from `sourceOf`. */
export function extractModelGraph(model: tfjs.LayersModel, sourceOf: SourceLookup = () => null): ModelGraph {
  return graphOf(model as unknown as LayerLike, sourceOf);
}

function graphOf(model: LayerLike, sourceOf: SourceLookup): ModelGraph {
  const layers = model.layers ?? [];
  const ownCalls = containerNodesOf(model);
  // Input layers a Sequential does not list come first, then the model's own order: a stable reading order.
  const implicit = new Map<string, GraphNode>();
  const listed: GraphNode[] = [];
  const edges: [string, string][] = [];
  const seenEdges = new Set<string>();
  for (const layer of layers) {
    const calls = layer.inboundNodes.filter((_, index) => ownCalls === null || ownCalls.has(`${layer.name}_ib-${index}`));
    for (const call of calls) {
      for (const from of call.inboundLayers) {
        if (!layers.includes(from) && !implicit.has(from.name)) {
          implicit.set(from.name, nodeOf(from, from.inboundNodes.slice(0, 1), sourceOf));
        }
        const key = `${from.name}\u0000${layer.name}`;
        if (!seenEdges.has(key)) {
          seenEdges.add(key);
          edges.push([from.name, layer.name]);
        }
      }
    }
    listed.push(nodeOf(layer, calls, sourceOf));
  }
  return { nodes: [...implicit.values(), ...listed], edges };
}

/** The keys of the calls that belong to `model` ('name_ib-index'), or null when it keeps none (then every call counts). */
function containerNodesOf(model: LayerLike): Set<string> | null {
  const own = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
  const inner = (model as unknown as { model?: { containerNodes?: Set<string> } }).model?.containerNodes;
  const keys = own && own.size > 0 ? own : inner && inner.size > 0 ? inner : null;
  return keys;
}

function nodeOf(layer: LayerLike, calls: NodeLike[], sourceOf: SourceLookup): GraphNode {
  const nested = Array.isArray(layer.layers) ? graphOf(layer, sourceOf) : null;
  return { name: layer.name, className: layer.getClassName(), outputShape: outputShapeOf(layer, calls), params: paramsOf(layer), source: sourceOf(layer.name), nested };
}

function paramsOf(layer: LayerLike): number {
  try {
    return layer.countParams();
  } catch {
    return 0; // a layer never built has no weights yet
  }
}

type Shape = (number | null)[];

/**
 * The shape of the layer's output in this model: from its first call here (a nested model's or a
 * shared layer's `outputShape` throws when its calls differ), else the layer's own.
 */
function outputShapeOf(layer: LayerLike, calls: NodeLike[]): Shape | Shape[] {
  const fromCall = calls[0]?.outputShapes;
  if (fromCall !== undefined) {
    return normalizeShape(fromCall);
  }
  try {
    return normalizeShape(layer.outputShape);
  } catch {
    return [];
  }
}

/** One shape, or one per output; a list holding one shape is that shape. */
function normalizeShape(value: unknown): Shape | Shape[] {
  if (!Array.isArray(value)) {
    return [];
  }
  if (value.length > 0 && value.every((v) => Array.isArray(v))) {
    const shapes = value as Shape[];
    return shapes.length === 1 ? shapes[0] : shapes;
  }
  return value as Shape;
}

/** Every layer of `model`, nested models' layers after the model that holds them: for the source lookup. */
export function flattenLayers(model: tfjs.LayersModel): { name: string; className: string }[] {
  const out: { name: string; className: string; id: number }[] = [];
  const visit = (layers: LayerLike[]) => {
    for (const layer of layers) {
      out.push({ name: layer.name, className: layer.getClassName(), id: (layer as unknown as { id?: number }).id ?? out.length });
      if (Array.isArray(layer.layers)) {
        visit(layer.layers);
      }
    }
  };
  visit(((model as unknown as LayerLike).layers ?? []) as LayerLike[]);
  // Creation order (tfjs numbers layers as it makes them), which is the order of the calls in the code.
  return out.sort((a, b) => a.id - b.id).map(({ name, className }) => ({ name, className }));
}

/**
 * The source lookup for the graph: the telemetry's mapping for the model's own layers (so the graph and
 * the layer list open the same line), and for the layers inside nested models the mapping of every
 * layer in creation order.
 */
export function graphSourceLookup(model: tfjs.LayersModel, calls: LayerCall[], file: string, topLevel: Map<string, SourceLocation | null>): SourceLookup {
  let all: Map<string, SourceLocation | null> | undefined;
  return (name) => {
    if (topLevel.has(name)) {
      return topLevel.get(name) ?? null;
    }
    all ??= mapLayersToSources(flattenLayers(model), calls, file);
    return all.get(name) ?? null;
  };
}

/** The graph, or undefined when the topology cannot be read (a drawing must never cost the run). */
export function tryExtractModelGraph(model: tfjs.LayersModel, sourceOf: SourceLookup): ModelGraph | undefined {
  try {
    return extractModelGraph(model, sourceOf);
  } catch (error) {
    process.stderr.write(`rbn sanity worker: could not read the model's graph: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}
