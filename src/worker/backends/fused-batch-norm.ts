/**
 * tfjs-layers' BatchNormalization in training as one kernel forward and one backward on wasm. Its own
 * training path runs moments (5 kernels), FusedBatchNorm and six moving-average kernels forward, and
 * about 40 kernels backward (FusedBatchNorm's gradient tiles and multiplies full-size tensors; Mean's
 * gradient builds a tensor of ones the size of the activation in JavaScript): half of a batch-32 step
 * of the README's CNN. The layer's weights, moving averages and outputs stay the same (float32
 * rounding apart), so saving, inference and a later unfused step see the same layer.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { engine, getBackend, getKernel, tidy } from '@tensorflow/tfjs';
import { BATCH_NORM_TRAIN_KERNEL, type BatchNormTrainAttrs } from './wasm-kernels/fused/batch-norm-train';

interface LayerVariableLike {
  read(): tfjs.Tensor;
  write(value: tfjs.Tensor): unknown;
}

/** The fields of tfjs-layers' BatchNormalization that its training path reads. */
interface BatchNormFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: LayerVariableLike | null;
  beta: LayerVariableLike | null;
  movingMean: LayerVariableLike;
  movingVariance: LayerVariableLike;
  call(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Record<string, unknown>): tfjs.Tensor | tfjs.Tensor[];
}

/** Marks the layers already patched (a model compiled for several runs). */
const fused = new WeakSet<object>();

/**
 * Makes every plain tfjs BatchNormalization layer of `model` (nested models included) train with the
 * fused kernels whenever the wasm backend runs with them registered (registerWasmTrainingKernels),
 * its axis is the last one and it has both scale and offset; otherwise, and in inference, the layer
 * runs its own code. Returns how many layers it patched now.
 */
export function fuseBatchNormLayers(model: tfjs.LayersModel): number {
  let patched = 0;
  for (const layer of allLayers(model)) {
    if (isPlainBatchNormalization(layer) && !fused.has(layer)) {
      patchLayer(layer as unknown as BatchNormFields);
      fused.add(layer);
      patched++;
    }
  }
  return patched;
}

function allLayers(model: { layers: tfjs.layers.Layer[] }): tfjs.layers.Layer[] {
  return model.layers.flatMap((layer) => {
    const nested = (layer as unknown as { layers?: tfjs.layers.Layer[] }).layers;
    return Array.isArray(nested) ? [layer, ...allLayers({ layers: nested })] : [layer];
  });
}

/** tfjs-layers' own class (a subclass may change the maths), with the fields its training path uses. */
function isPlainBatchNormalization(layer: tfjs.layers.Layer): boolean {
  const cls = Object.getPrototypeOf(layer)?.constructor as { className?: string } | undefined;
  const fields = layer as unknown as Partial<BatchNormFields>;
  return cls !== undefined && Object.getOwnPropertyDescriptor(cls, 'className') !== undefined && cls.className === 'BatchNormalization'
    && typeof fields.axis === 'number' && typeof fields.momentum === 'number' && typeof fields.epsilon === 'number' && typeof fields.call === 'function';
}

function patchLayer(layer: BatchNormFields): void {
  const ownCall = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    const input = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    if (kwargs?.training !== true || input === undefined || !canFuse(layer, input)) {
      return ownCall(inputs, kwargs);
    }
    return trainStep(layer, input);
  };
}

function canFuse(layer: BatchNormFields, input: tfjs.Tensor): boolean {
  const axis = layer.axis >= 0 ? layer.axis : layer.axis + input.rank;
  return axis === input.rank - 1 && input.dtype === 'float32' && layer.center && layer.scale && layer.gamma !== null && layer.beta !== null
    && getBackend() === 'wasm' && getKernel(BATCH_NORM_TRAIN_KERNEL, 'wasm') !== undefined;
}

function trainStep(layer: BatchNormFields, input: tfjs.Tensor): tfjs.Tensor {
  return tidy(() => {
    const attrs: BatchNormTrainAttrs = { varianceEpsilon: layer.epsilon, momentum: layer.momentum };
    const inputs = {
      x: input, scale: layer.gamma!.read(), offset: layer.beta!.read(),
      movingMean: layer.movingMean.read(), movingVariance: layer.movingVariance.read(),
    } as unknown as tfjs.NamedTensorMap;
    const [y, , , movingMean, movingVariance] = engine().runKernel(BATCH_NORM_TRAIN_KERNEL, inputs, attrs as unknown as tfjs.NamedAttrMap) as tfjs.Tensor[];
    layer.movingMean.write(movingMean);
    layer.movingVariance.write(movingVariance);
    return y;
  });
}
