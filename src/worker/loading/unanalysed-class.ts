/**
 * A class the analysis did not see as a builder (its model comes from a method whose result is
 * destructured, a global class of a page script): `new` with the constructor arguments as typed,
 * then the model the instance holds.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelBuilder } from '../../core/analysis/types';
import type { SanityCall } from '../../core/training/protocol';
import { describeError, SanityFailure } from '../errors';
import { checkInputs, isLayersModel } from './model-checks';
import { nestedStoredModel } from './wrapped-model';

export type Callable = ((...args: unknown[]) => unknown) & (new (...args: unknown[]) => Record<string, unknown>);

export interface UnanalysedBuild {
  model: tfjs.LayersModel;
  builder: ModelBuilder;
  call: SanityCall;
  notes: string[];
}

export async function buildUnanalysedClass(target: Callable, inv: { file: string; args?: unknown[]; ctorArgs?: unknown[]; argsSource?: string }, builder: ModelBuilder): Promise<UnanalysedBuild> {
  const ctorArgs = inv.ctorArgs ?? inv.args ?? [];
  const label = `new ${builder.id}()`;
  let instance: Record<string, unknown>;
  try {
    instance = new target(...ctorArgs);
  } catch (err) {
    throw new SanityFailure('threw', `${label} threw: ${describeError(err, inv.file)}`, err);
  }
  if (isLayersModel(instance)) {
    // `class Net extends tf.Sequential` / `tf.LayersModel`: the instance is the model.
    const call: SanityCall = { model: builder.id, args: ctorArgs, argsSource: inv.argsSource ?? (inv.ctorArgs ?? inv.args ? 'given' : 'no parameters'), builderKind: 'constructor' };
    return { model: checkInputs(instance, label), builder, call, notes: [] };
  }
  const call: SanityCall = { model: builder.id, args: ctorArgs, argsSource: inv.argsSource ?? (inv.ctorArgs ?? inv.args ? 'given' : 'no parameters'), builderKind: 'constructor' };
  const models = Object.entries(instance).filter(([, v]) => isLayersModel(v));
  const stored = models.length > 0 ? models[0] : undefined;
  if (!stored) {
    const nested = nestedStoredModel(instance, label);
    if (nested) {
      return { model: checkInputs(nested.model, label), builder, call, notes: [nested.note] };
    }
    throw new SanityFailure('notAModel', `${label} holds no tf.LayersModel (its properties: ${Object.keys(instance).join(', ') || 'none'})`);
  }
  const notes = models.length > 1 ? [`${builder.id} holds ${models.length} models (${models.map(([k]) => k).join(', ')}): sanity-train trains this.${stored[0]}`] : [];
  return { model: checkInputs(stored[1] as tfjs.LayersModel, label), builder, call, notes };
}

