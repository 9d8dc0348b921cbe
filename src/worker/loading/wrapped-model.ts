/**
 * A builder that returns an object wrapping the model (`{ error: false, model }`, a class holding
 * the network and its optimizer): the model is the one property that holds a tf.LayersModel, or the
 * one named `model` when there are several, or else what its `model()`/`network()`/`getModel()`
 * method returns (a class that keeps the model in a private field); the report says which was taken.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { isLayersModel } from './model-checks';
import { countNorms } from '../training/norm-swap';

export interface UnwrappedModel {
  model: tfjs.LayersModel;
  note: string;
}

/**
 * The model inside `result`, with the note saying where it was found; undefined when none is.
 * @param how what the builder did with `result`, for the note ('returned', or where it kept it).
 */
export function unwrapModel(result: unknown, label: string, how = 'returned'): UnwrappedModel | undefined {
  if (Array.isArray(result)) {
    return modelFromArray(result, label, how);
  }
  if (typeof result !== 'object' || result === null || isLayersModel(result)) {
    return undefined;
  }
  const held = Object.entries(result as Record<string, unknown>).filter(([, value]) => isLayersModel(value));
  if (held.length === 0) {
    return fromAccessor(result as Record<string, unknown>, label, how);
  }
  const [name, model] = held.find(([key]) => key === 'model') ?? held[0];
  const names = held.map(([key]) => key);
  const kind = (result as { constructor?: { name?: string } }).constructor?.name;
  const holder = kind && kind !== 'Object' ? `a ${kind}` : 'an object';
  const note =
    held.length === 1
      ? `${label} ${how} ${holder} that holds the model in .${name}: sanity-train trains that model`
      : `${label} ${how} ${holder} that holds ${held.length} models (${names.join(', ')}): sanity-train trains .${name}`;
  return { model: model as tfjs.LayersModel, note };
}

/**
 * `[encoder, decoder, run]`, `[generator, discriminator]`: the first model with a batch-norm layer
 * (that is the layer sanity-train watches), else the first model.
 */
function modelFromArray(items: unknown[], label: string, how: string): UnwrappedModel | undefined {
  const models = items.flatMap((item, index) => (isLayersModel(item) ? [{ model: item, index }] : []));
  if (models.length === 0) {
    return undefined;
  }
  const normed = models.find(({ model }) => hasNormLayer(model));
  const { model, index } = normed ?? models[0];
  const why = models.length === 1 ? 'the only model' : normed ? 'the first model with a batch-norm layer' : 'the first model (none has a batch-norm layer)';
  const note = `${label} ${how} an array of ${items.length} (${models.length} ${models.length === 1 ? 'model' : 'models'}): sanity-train trains element [${index}] of ${items.length}, ${why}`;
  return { model, note };
}

/** Whether the model, or a model nested in it as a layer, has a BatchNormalization or RunningBatchNorm layer. */
function hasNormLayer(model: tfjs.LayersModel): boolean {
  const norms = countNorms(model);
  return norms.batchNormalization + norms.runningBatchNorm > 0;
}

/** Methods without parameters that a wrapper class offers to hand out its model. */
const ACCESSOR = /^(get)?(model|network|net)$/i;

function fromAccessor(wrapper: Record<string, unknown>, label: string, how: string): UnwrappedModel | undefined {
  for (const name of methodNames(wrapper).filter((n) => ACCESSOR.test(n))) {
    const method = wrapper[name] as (...a: unknown[]) => unknown;
    if (method.length > 0) {
      continue;
    }
    let value: unknown;
    try {
      value = method.call(wrapper);
    } catch {
      continue;
    }
    if (isLayersModel(value)) {
      const kind = (wrapper.constructor as { name?: string } | undefined)?.name ?? 'object';
      return { model: value, note: `${label} ${how} a ${kind} whose ${name}() gives the model: sanity-train trains that model` };
    }
  }
  return undefined;
}

/** The function-valued members along the prototype chain, Object's own excluded. */
function methodNames(value: object): string[] {
  const names = new Set<string>();
  for (let proto: object | null = value; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (name !== 'constructor' && typeof descriptor?.value === 'function') {
        names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * An instance that holds the model one level down (`this.model = new Network(…)`, whose `.model` is the
 * tf.LayersModel; `this.nnet.model`): that model, preferring the path through properties named
 * `model`, with the note saying where it was.
 */
export function nestedStoredModel(instance: Record<string, unknown>, label: string, owner = 'this'): UnwrappedModel | undefined {
  const found: [string, tfjs.LayersModel][] = [];
  for (const [outer, holder] of Object.entries(instance)) {
    if (typeof holder !== 'object' || holder === null || Array.isArray(holder) || isLayersModel(holder) || ArrayBuffer.isView(holder)) {
      continue;
    }
    for (const [inner, value] of Object.entries(holder as Record<string, unknown>)) {
      if (isLayersModel(value)) {
        found.push([`${outer}.${inner}`, value]);
      }
    }
  }
  if (found.length === 0) {
    return undefined;
  }
  const [where, model] = found.find(([p]) => p === 'model.model') ?? found.find(([p]) => p.endsWith('.model')) ?? found[0];
  const others = found.length > 1 ? ` (it holds ${found.length}: ${found.map(([p]) => p).join(', ')})` : '';
  return { model, note: `${label} holds the model one level down, in ${owner}.${where}${others}: sanity-train trains that model` };
}

/**
 * What a builder that returned nothing left in the module variable (or page global) it assigns: a
 * model, or an instance or array holding models (`net = new TwoPart(cfg)`), unwrapped as a returned one is.
 */
export function modelKeptInVariable(value: unknown, variable: string, label: string): UnwrappedModel | undefined {
  if (isLayersModel(value)) {
    return { model: value, note: `${label} returned nothing; trained the model it assigned to \`${variable}\`` };
  }
  const holder = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  return unwrapModel(value, label, `returned nothing and kept in \`${variable}\``) ?? (holder && nestedStoredModel(holder, `${label} returned nothing; \`${variable}\``, variable));
}
