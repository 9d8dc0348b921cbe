/**
 * Where a builder left its model once the call returned: the return value, the model whose training
 * call was stopped, a wrapper holding one, a `this.<property>` of the instance, a module variable,
 * or the last model it used during the call. Each way but the first adds a note that says which.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelBuilder } from '../../core/analysis/types';
import { SanityFailure } from '../errors';
import { checkInputs, isLayersModel } from './model-checks';
import { modelKeptInVariable, nestedStoredModel, unwrapModel } from './wrapped-model';
import { readModelVariable } from './module-loader';
import type { TrainingStops } from './training-in-builder';
import { hasBatchNorm, type ModelsUsed } from './models-used';

export interface CallOutcome {
  result: unknown;
  /** The instance a constructor or method builder ran on. */
  instance?: Record<string, unknown>;
  builder: ModelBuilder;
  /** How the call reads in messages: `buildModel()`, `new Agent()`. */
  label: string;
  notes: string[];
  training: TrainingStops;
  used: ModelsUsed;
}

export async function modelLeftByCall({ result, instance, builder, label, notes, training, used }: CallOutcome): Promise<tfjs.LayersModel> {
  if (isLayersModel(result)) {
    return checkInputs(result, label);
  }
  if (training.model()) {
    // The builder caught the stop of its training call and returned something else (a score, nothing).
    return trainedInBuilder(training, label, notes);
  }
  const unwrapped = unwrapModel(result, label);
  if (unwrapped) {
    notes.push(unwrapped.note);
    return checkInputs(unwrapped.model, label);
  }
  const stored = instance && isLayersModel(instance) ? instance : instance ? await findStoredModel(instance, builder.modelProperty) : undefined;
  if (stored) {
    const several = builder.kind === 'constructor' && instance && !isLayersModel(instance) ? severalStoredNote(instance, stored, builder) : undefined;
    notes.push(...(several ? [several] : []));
    return checkInputs(stored, label);
  }
  const nested = instance && result === undefined ? nestedStoredModel(instance, label) : undefined;
  if (nested) {
    notes.push(nested.note);
    return checkInputs(nested.model, label);
  }
  const kept = result === undefined && builder.modelVariable !== undefined ? modelKeptInVariable(readModelVariable(), builder.modelVariable, label) : undefined;
  if (kept) {
    notes.push(kept.note);
    return checkInputs(kept.model, label);
  }
  const last = used.last();
  if (last) {
    const which = used.count() > 1 ? `the last of the ${used.count()} models it used${hasBatchNorm(last) ? ' that has BatchNorm layers' : ''}` : 'the model it built and used';
    notes.push(`${label} returned ${describeValue(result)} and kept no model: sanity-train trained ${which} during the call`);
    return checkInputs(last, label);
  }
  const made = used.lastMade();
  if (made) {
    // Kept only where sanity-train cannot reach it (a closure of the functions it returned, a local).
    const which = used.countMade() > 1 ? `the last of the ${used.countMade()} models it made${hasBatchNorm(made) ? ' that has BatchNorm layers' : ''}` : 'the model it made';
    notes.push(`${label} returned ${describeValue(result)}, which holds no model: sanity-train trained ${which} during the call`);
    return checkInputs(made, label);
  }
  const where = builder.modelProperty ? ` and this.${builder.modelProperty} holds ${describeValue(instance?.[builder.modelProperty])}` : builder.modelVariable ? ` and \`${builder.modelVariable}\` holds ${describeValue(readModelVariable())}` : '';
  throw new SanityFailure('notAModel', `${label} returned ${describeValue(result)}${where}, not a tf.LayersModel (return tf.sequential(), tf.model() or tf.loadLayersModel(), or assign one to this.model)`);
}

/** The model the builder was training when its first training call was stopped (training-in-builder.ts). */
export function trainedInBuilder(training: TrainingStops, label: string, notes: string[]): tfjs.LayersModel {
  notes.push(training.note(label)!);
  return checkInputs(training.model()!, label);
}

/** `this.<property>`, else the one own property holding a model; a constructor may finish it a tick later. */
async function findStoredModel(instance: Record<string, unknown>, property: string | undefined): Promise<tfjs.LayersModel | undefined> {
  const look = () => {
    const named = property === undefined ? undefined : instance[property];
    return isLayersModel(named) ? named : Object.values(instance).find(isLayersModel);
  };
  const found = look();
  if (found) {
    return found;
  }
  await new Promise((resolve) => setImmediate(resolve));
  return look();
}

/** For a constructor whose instance holds several models (`[this.encoder, this.decoder] = this.build()`): which one trains. */
function severalStoredNote(instance: Record<string, unknown>, stored: tfjs.LayersModel, builder: ModelBuilder): string | undefined {
  const held = Object.entries(instance).filter(([, value]) => isLayersModel(value));
  const name = held.find(([, value]) => value === stored)?.[0];
  return held.length > 1 && name !== undefined ? `${builder.className ?? builder.id} holds ${held.length} models (${held.map(([key]) => key).join(', ')}): sanity-train trains this.${name}` : undefined;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value);
  }
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  const name = typeof value === 'object' ? (ctor ?? 'object') : typeof value;
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}
