/** What the worker accepts as the user's model (pure checks shared by the ways a model is reached). */
import type * as tfjs from '@tensorflow/tfjs';
import type { SourceLocation } from '../../core/training/protocol';
import { BadInputError, SanityFailure } from '../errors';

export function isLayersModel(value: unknown): value is tfjs.LayersModel {
  const m = value as Partial<tfjs.LayersModel> | null;
  return typeof m === 'object' && m !== null && Array.isArray(m.layers) && typeof m.predict === 'function' && typeof m.trainOnBatch === 'function';
}

export function checkInputs(model: tfjs.LayersModel, label: string): tfjs.LayersModel {
  if (!model.inputs || model.inputs.length === 0) {
    throw new BadInputError(`${label} returned a model without an input shape: give its first layer an inputShape`);
  }
  // `inputShape: [config.imageSize, config.imageSize, 3]` with no config, `[this.featureCount]` before
  // initialize() set it: tfjs builds the model, and the first tensor of that shape fails far from the cause.
  const unsized = model.inputs.find((input) => input.shape.slice(1).some((d) => d !== null && !(Number.isInteger(d) && d > 0)));
  if (unsized) {
    const shown = `[${unsized.shape.slice(1).map((d) => String(d)).join(', ')}]`;
    throw new SanityFailure('threw', `${label} returned a model whose input shape is ${shown}: a size of undefined, NaN or 0 holds no data, so a value the size comes from was missing when it was built (an argument left out, or a field that another method sets first)`);
  }
  return model;
}

type Shape = (number | null)[];

/**
 * A layer whose output size tfjs computed as NaN from its config cannot run, in the user's program
 * either: `upSampling2d({ size: 2 })` (Keras takes a number, tfjs takes [rows, cols]) makes every later
 * shape NaN, and the first tensor of that size fails far from the cause. Names the first such layer,
 * its line and what tfjs wants.
 */
export function checkLayerShapes(model: tfjs.LayersModel, sources: ReadonlyMap<string, SourceLocation | null>): void {
  for (const layer of model.layers) {
    const shapes = outputShapesOf(layer);
    if (!shapes.some((shape) => shape.some((d) => Number.isNaN(d)))) {
      continue;
    }
    const source = sources.get(layer.name);
    const at = source ? ` built at ${source.file}:${source.line}` : '';
    const shown = shapes.map((shape) => `[${shape.slice(1).join(', ')}]`).join(', ');
    throw new BadInputError(`layer "${layer.name}" (${layer.getClassName()})${at} has output shape ${shown}: ${sizeAdvice(layer)}, in your program too`);
  }
}

/** The layer's output shapes; none for a layer used at several places (tfjs throws for those). */
function outputShapesOf(layer: tfjs.layers.Layer): Shape[] {
  try {
    const shape = layer.outputShape as Shape | Shape[];
    return Array.isArray(shape[0]) ? (shape as Shape[]) : [shape as Shape];
  } catch {
    return [];
  }
}

function sizeAdvice(layer: tfjs.layers.Layer): string {
  const size = (layer.getConfig() as { size?: unknown }).size;
  if (layer.getClassName().startsWith('UpSampling') && typeof size === 'number') {
    return `tfjs's upSampling2d takes size as [rows, cols] (size: [${size}, ${size}]); the number ${size} makes its sizes NaN`;
  }
  return `tfjs could not compute its size from its config (${JSON.stringify(layer.getConfig())})`;
}
