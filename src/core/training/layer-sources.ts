/**
 * Maps the layers of a built model back to the calls in the user's source that created them, so a
 * NaN finding or an explosion warning can name a line.
 *
 * How (robust before clever):
 * 1. The layer-creating calls are collected in evaluation order from the factory's body, inlining
 *    the bodies of same-file helper functions it calls (`convBlock()`): `tf.layers.x(…)` in any import
 *    style, `runningBatchNorm(…)`, and `new SomeLayer(…)`.
 * 2. A call with a literal `name: '…'` argument maps to the layer of that name.
 * 3. The remaining layers of each class map to the remaining calls of that class by order when the
 *    counts agree; when they differ (a call inside a loop builds several layers) and there is exactly
 *    one such call, every layer of the class maps to it; otherwise the layer gets no source.
 */
import type * as TsMorph from 'ts-morph';
import { findModelBuildersIn } from '../analysis/builders/model-builders';
import { getTfjsApiPath, getTfjsBindings, loadTsMorph, parseSourceFile, type TfjsBindings } from '../analysis/builders/tfjs-bindings';
import type { SourceLocation } from './protocol';

export interface LayerCall {
  /** Lower-cased layer class the call builds, e.g. 'batchnormalization' for `tf.layers.batchNormalization`. */
  kind: string;
  /** A literal `name` argument, when present. */
  name?: string;
  line: number;
}

export interface BuiltLayer {
  name: string;
  className: string;
}

/** The layer-creating calls of builder `builderId` ('name', 'Class' or 'Class.method') in evaluation order (empty when it is not found). */
export function findLayerCalls(code: string, fileName: string, builderId: string): LayerCall[] {
  const file = parseSourceFile(code, fileName);
  const root = findModelBuildersIn(file).find((b) => b.builder.id === builderId)?.node;
  if (!root) {
    return [];
  }
  const calls: LayerCall[] = [];
  collectCalls(root, getTfjsBindings(file), getLocalFunctions(file), new Set(), calls);
  return calls;
}

function collectCalls(root: TsMorph.Node, bindings: TfjsBindings, locals: Map<string, TsMorph.Node>, visiting: Set<string>, out: LayerCall[]): void {
  const { Node } = loadTsMorph();
  root.forEachDescendant((node) => {
    if (!Node.isCallExpression(node) && !Node.isNewExpression(node)) {
      return;
    }
    const kind = getLayerKind(node, bindings);
    if (kind !== undefined) {
      out.push({ kind, name: getLiteralName(node), line: node.getStartLineNumber() });
      return;
    }
    const callee = node.getExpression().getText();
    const helper = Node.isCallExpression(node) ? locals.get(callee) : undefined;
    if (helper && !visiting.has(callee)) {
      visiting.add(callee);
      collectCalls(helper, bindings, locals, visiting, out);
      visiting.delete(callee);
    }
  });
}

function getLayerKind(node: TsMorph.CallExpression | TsMorph.NewExpression, bindings: TfjsBindings): string | undefined {
  const { Node } = loadTsMorph();
  const callee = node.getExpression();
  if (Node.isNewExpression(node)) {
    const text = callee.getText();
    return /^[\w$.]+$/.test(text) ? text.split('.').pop()!.toLowerCase() : undefined;
  }
  const api = getTfjsApiPath(callee, bindings);
  if (api?.startsWith('layers.') && api.split('.').length === 2) {
    return api.slice('layers.'.length).toLowerCase();
  }
  const last = callee.getText().split('.').pop();
  return last === 'runningBatchNorm' ? 'runningbatchnorm' : undefined;
}

function getLiteralName(node: TsMorph.CallExpression | TsMorph.NewExpression): string | undefined {
  const { Node } = loadTsMorph();
  const [args] = node.getArguments();
  if (!args || !Node.isObjectLiteralExpression(args)) {
    return undefined;
  }
  const prop = args.getProperty('name');
  if (prop && Node.isPropertyAssignment(prop)) {
    const init = prop.getInitializer();
    if (init && (Node.isStringLiteral(init) || Node.isNoSubstitutionTemplateLiteral(init))) {
      return init.getLiteralValue();
    }
  }
  return undefined;
}

/** Top-level functions of the file by name (declarations and `const f = () => …`), and class methods as `this.name`. */
function getLocalFunctions(file: TsMorph.SourceFile): Map<string, TsMorph.Node> {
  const { Node } = loadTsMorph();
  const out = new Map<string, TsMorph.Node>();
  for (const fn of file.getFunctions()) {
    const name = fn.getName();
    if (name) {
      out.set(name, fn);
    }
  }
  for (const decl of file.getVariableDeclarations()) {
    const init = decl.getInitializer();
    if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) {
      out.set(decl.getName(), init);
    }
  }
  // `this.block(…)` inside a class: its methods, by name (any class of the file; names rarely clash).
  for (const cls of file.getClasses()) {
    for (const method of cls.getMethods()) {
      out.set(`this.${method.getName()}`, method);
    }
  }
  return out;
}

/**
 * Source location of every layer (by layer name), following the rules in this file's header.
 * @param layers the model's layers in `model.layers` order (creation order).
 */
export function mapLayersToSources(layers: BuiltLayer[], calls: LayerCall[], file: string): Map<string, SourceLocation | null> {
  const result = new Map<string, SourceLocation | null>();
  const remainingCalls = [...calls];
  const remainingLayers: BuiltLayer[] = [];
  for (const layer of layers) {
    const i = remainingCalls.findIndex((c) => c.name === layer.name);
    if (i >= 0) {
      result.set(layer.name, { file, line: remainingCalls[i].line });
      remainingCalls.splice(i, 1);
    } else {
      remainingLayers.push(layer);
    }
  }
  const kinds = new Set(remainingLayers.map((l) => l.className.toLowerCase()));
  for (const kind of kinds) {
    const ofKind = remainingLayers.filter((l) => l.className.toLowerCase() === kind);
    const callsOfKind = remainingCalls.filter((c) => c.kind === kind && c.name === undefined);
    ofKind.forEach((layer, i) => {
      const call = callsOfKind.length === ofKind.length ? callsOfKind[i] : callsOfKind.length === 1 ? callsOfKind[0] : undefined;
      result.set(layer.name, call ? { file, line: call.line } : null);
    });
  }
  return result;
}
