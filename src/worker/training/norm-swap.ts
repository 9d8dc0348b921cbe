/**
 * The `compare` run's model: a copy of the user's model with every BatchNormalization swapped for
 * RunningBatchNorm (or, when it has none, every RunningBatchNorm for BatchNormalization), nested
 * models included. The layer module's runningBatchNormify/batchNormify do it (the one implementation
 * users get in their vendored copy): layer names stay, every other weight and gamma and beta start
 * from the original's current value, so both runs start from the same point; the running statistics,
 * which the two layers keep differently, start fresh (keepStatistics: false). Momentum carries over
 * only when the user set one: the two layers' defaults differ on purpose (tfjs BatchNormalization
 * 0.99, RunningBatchNorm 0.9 as in fastai).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { NormKind } from '../../core/training/protocol';

const BN = 'BatchNormalization';
const RBN = 'RunningBatchNorm';

type LayerModule = typeof import('../../layer/running-batch-norm');

/** The layer module, registered with the tfjs instance in use (the module hooks route its import there). */
function loadLayerModule(): LayerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../layer/running-batch-norm') as LayerModule;
}

/** Batch-norm layers of both kinds, nested models' included. */
export function countNorms(model: tfjs.LayersModel): { batchNormalization: number; runningBatchNorm: number } {
  const names: string[] = [];
  const walk = (m: tfjs.LayersModel): void => {
    for (const layer of m.layers) {
      names.push(layer.getClassName());
      if (Array.isArray((layer as Partial<tfjs.LayersModel>).layers)) {
        walk(layer as tfjs.LayersModel);
      }
    }
  };
  walk(model);
  return { batchNormalization: names.filter((n) => n === BN).length, runningBatchNorm: names.filter((n) => n === RBN).length };
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
export async function swapNorms(_tf: typeof tfjs, model: tfjs.LayersModel): Promise<{ model: tfjs.LayersModel; norm: NormKind } | undefined> {
  const counts = countNorms(model);
  if (counts.batchNormalization + counts.runningBatchNorm === 0) {
    return undefined;
  }
  const layer = loadLayerModule();
  if (counts.batchNormalization > 0) {
    return { model: layer.runningBatchNormify(model, { keepStatistics: false }), norm: 'runningBatchNorm' };
  }
  return { model: layer.batchNormify(model, { keepStatistics: false }), norm: 'batchNormalization' };
}
