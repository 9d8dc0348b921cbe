/**
 * The `compare` run's model: a copy of the user's model with every BatchNormalization swapped for
 * RunningBatchNorm (or, when it has none, every RunningBatchNorm for BatchNormalization), built in
 * memory from the model's JSON topology. Layer names stay, and every weight whose name and shape
 * match starts from the original's current value (kernels, biases, gamma, beta), so both runs start
 * from the same point; the running statistics, which the two layers keep differently, start fresh.
 * Momentum carries over only when the user set one: the two layers' defaults differ on purpose
 * (tfjs BatchNormalization 0.99, RunningBatchNorm 0.9 as in fastai).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { NormKind } from '../core/training/protocol';

const BN = 'BatchNormalization';
const RBN = 'RunningBatchNorm';
const BN_DEFAULT_MOMENTUM = 0.99;
const RBN_DEFAULT_MOMENTUM = 0.9;
/** Config keys (pythonic, as in model JSON) both layers understand. */
const SHARED_KEYS = ['name', 'trainable', 'dtype', 'batch_input_shape', 'input_dtype', 'axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'];

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
  [key: string]: unknown;
}

/** Registers RunningBatchNorm with the tfjs instance in use (the module hooks route its import there). */
function loadRunningBatchNorm(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../layer/running-batch-norm');
}

export function countNorms(model: tfjs.LayersModel): { batchNormalization: number; runningBatchNorm: number } {
  const names = model.layers.map((l) => l.getClassName());
  return { batchNormalization: names.filter((n) => n === BN).length, runningBatchNorm: names.filter((n) => n === RBN).length };
}

/** Rewrites one layer's JSON; returns whether it changed. */
function swapLayerJson(layer: LayerJson, from: string, to: string): boolean {
  if (layer.class_name !== from) {
    return false;
  }
  const config: Record<string, unknown> = {};
  for (const key of SHARED_KEYS) {
    if (layer.config[key] !== undefined) {
      config[key] = layer.config[key];
    }
  }
  const fromDefault = from === BN ? BN_DEFAULT_MOMENTUM : RBN_DEFAULT_MOMENTUM;
  if (config.momentum === fromDefault) {
    delete config.momentum;
  }
  layer.class_name = to;
  layer.config = config;
  return true;
}

/** Copies every weight whose (unscoped) name and shape match, layer by layer. */
export function copyMatchingWeights(from: tfjs.LayersModel, to: tfjs.LayersModel): number {
  let copied = 0;
  from.layers.forEach((source, i) => {
    const target = to.layers[i];
    for (const w of target.weights) {
      const match = source.weights.find((s) => shortName(s.originalName) === shortName(w.originalName) && s.shape.join() === w.shape.join());
      if (match) {
        w.write(match.read());
        copied++;
      }
    }
  });
  return copied;
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/**
 * The swapped copy, compiled by the caller; undefined when the model has no layer to swap.
 * Must run before the original trains, so the copy starts from the same initial weights.
 */
export async function swapNorms(tf: typeof tfjs, model: tfjs.LayersModel): Promise<{ model: tfjs.LayersModel; norm: NormKind } | undefined> {
  const counts = countNorms(model);
  if (counts.batchNormalization + counts.runningBatchNorm === 0) {
    return undefined;
  }
  loadRunningBatchNorm();
  const [from, to, norm]: [string, string, NormKind] = counts.batchNormalization > 0 ? [BN, RBN, 'runningBatchNorm'] : [RBN, BN, 'batchNormalization'];
  const topology = model.toJSON(null, false) as unknown as { config: { layers: LayerJson[] } };
  topology.config.layers.forEach((layer) => swapLayerJson(layer, from, to));
  const copy = await tf.models.modelFromJSON({ modelTopology: topology as unknown as tfjs.io.ModelJSON['modelTopology'] });
  copyMatchingWeights(model, copy);
  return { model: copy, norm };
}
