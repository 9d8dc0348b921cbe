/** What the worker accepts as the user's model (pure checks shared by the ways a model is reached). */
import type * as tfjs from '@tensorflow/tfjs';
import { BadInputError } from '../errors';

export function isLayersModel(value: unknown): value is tfjs.LayersModel {
  const m = value as Partial<tfjs.LayersModel> | null;
  return typeof m === 'object' && m !== null && Array.isArray(m.layers) && typeof m.predict === 'function' && typeof m.trainOnBatch === 'function';
}

export function checkInputs(model: tfjs.LayersModel, label: string): tfjs.LayersModel {
  if (!model.inputs || model.inputs.length === 0) {
    throw new BadInputError(`${label} returned a model without an input shape: give its first layer an inputShape`);
  }
  return model;
}
