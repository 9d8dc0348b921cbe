/**
 * A builder that returns an object holding the model rather than the model (`return new DQNAgent(…)`,
 * `return new Trainer(createNet(), optimizer)`): the model it holds, from its own properties (the one
 * named `model` first), else from a method or getter without parameters whose name says it gives the
 * model (`network()`, `getModel()`, `get model()`), for a model kept in a private field.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { isLayersModel } from './model-checks';

/** Member names that give the model. */
const MODEL_MEMBER = /^(get)?(model|network|net|policy(network|net)?|main(model|network)|online(model|network)?)$/i;

export interface HeldModel {
  model: tfjs.LayersModel;
  /** For the note: `.model`, `.network()`. */
  via: string;
  /** The properties holding models, when there are several. */
  others: string[];
}

export async function findHeldModel(value: unknown): Promise<HeldModel | undefined> {
  if (value === null || typeof value !== 'object' || isLayersModel(value)) {
    return undefined;
  }
  const holder = value as Record<string, unknown>;
  const held = Object.entries(holder).filter(([, v]) => isLayersModel(v));
  if (held.length > 0) {
    const [key, model] = held.find(([k]) => k === 'model') ?? held[0];
    return { model: model as tfjs.LayersModel, via: `.${key}`, others: held.map(([k]) => k).filter((k) => k !== key) };
  }
  for (const name of memberNames(holder)) {
    const descriptor = findDescriptor(holder, name);
    let result: unknown;
    try {
      result = descriptor?.get ? descriptor.get.call(holder) : typeof descriptor?.value === 'function' && descriptor.value.length === 0 ? await (descriptor.value as () => unknown).call(holder) : undefined;
    } catch {
      continue;
    }
    if (isLayersModel(result)) {
      return { model: result, via: descriptor?.get ? `.${name}` : `.${name}()`, others: [] };
    }
  }
  return undefined;
}

/** The model-named members along the prototype chain, below Object.prototype. */
function memberNames(holder: object): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(holder); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    names.push(...Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && MODEL_MEMBER.test(n) && !names.includes(n)));
  }
  return names;
}

function findDescriptor(holder: object, name: string): PropertyDescriptor | undefined {
  for (let proto = Object.getPrototypeOf(holder); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d) {
      return d;
    }
  }
  return undefined;
}

/** "fromZero() returned a DQNTrainingNetwork: sanity-train trains the model its .network() gives". */
export function heldModelNote(label: string, value: unknown, held: HeldModel): string {
  const more = held.others.length > 0 ? ` (it also holds ${held.others.join(', ')})` : '';
  const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
  return `${label} returned a ${kind}, not a model: sanity-train trains the model its ${held.via} ${held.via.endsWith(')') ? 'gives' : 'holds'}${more}`;
}
