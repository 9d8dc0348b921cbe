/**
 * Built-in data for models with several inputs or outputs (a GAN generator taking a latent vector and
 * a class, a discriminator answering "real?" and "which class?") or with an image-shaped output (a
 * generator, a U-Net, an image-to-image conv net). Every example has a hidden class c; each input
 * shows it (a noisy prototype of c, or the integer c itself for an input that feeds an Embedding), and
 * each output gets targets of its full shape that the inputs determine (synthetic-targets.ts): class
 * c mod k for a k-way vector head (c mod 2 for a sigmoid), per-element values, 0/1 labels or classes
 * for images. Any model that can use its inputs can learn every output.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { BadInputError } from '../errors';
import type { ConcreteShapes } from './variable-dims';
import { createRandom, gaussian } from '../random';
import { targetShapeOf, targetValues } from './synthetic-targets';
import { syntheticCounts, type OutputSpec, type Task, type TrainingData } from './training-data';

export interface InputSpec {
  shape: number[];
  /** Set for an input that feeds an Embedding: the values are integers in [0, integerRange). */
  integerRange?: number;
}

export interface ModelIO {
  inputs: InputSpec[];
  outputs: OutputSpec[];
}


/** The loss the compile() gave output `index` (a string, one per output, or one per output name), by name. */
export function compiledLossFor(model: tfjs.LayersModel, index: number): string | undefined {
  const loss = model.loss as unknown;
  const pick = Array.isArray(loss) ? loss[index] : typeof loss === 'object' && loss !== null ? (loss as Record<string, unknown>)[model.outputNames[index]] : loss;
  return typeof pick === 'string' ? pick : undefined;
}

/** Every input and output of the model, with each output's task; `shapes` fills variable dimensions. */
export function describeModelIO(model: tfjs.LayersModel, shapes?: ConcreteShapes): ModelIO {
  const inputs = model.inputs.map((input, i): InputSpec => {
    const shape = shapes?.inputs[i] ?? input.shape.slice(1);
    if (shape.some((d) => d === null)) {
      throw new BadInputError(`the model's input ${i + 1} has unknown dimensions [${shape.join(', ')}]; give it a full shape or export a sanityData()`);
    }
    return { shape: shape as number[], integerRange: embeddingRange(model, input) };
  });
  const outputs = model.outputs.map((output, i): OutputSpec => {
    const shape = shapes?.outputs[i] ?? output.shape.slice(1);
    if (shape.some((d) => d === null)) {
      throw new BadInputError(`the model's output ${i + 1} has unknown dimensions [${shape.join(', ')}]; export a sanityData() for it`);
    }
    const layer = output.sourceLayer;
    const activation = String((layer.getConfig() as { activation?: unknown }).activation ?? '');
    const loss = compiledLossFor(model, i);
    const task: Task = /softmax|sigmoid/.test(activation) || /crossentropy|hinge/i.test(loss ?? '') ? 'classification' : 'regression';
    const units = shape[shape.length - 1] as number;
    // A sigmoid over an image is a 0/1 label per element; over a vector of several units it stays one-of-k as before.
    const binary = task === 'classification' && (units === 1 || (shape.length > 1 && (/sigmoid/.test(activation) || /binary/i.test(loss ?? ''))));
    return { name: model.outputNames[i], shape: shape as number[], units, task, activation, sparse: /sparse/i.test(loss ?? ''), binary, ...(loss ? { loss } : {}) };
  });
  return { inputs, outputs };
}

/**
 * The input dimension of the Embedding layer the input feeds, if it feeds one directly, or a custom
 * layer that holds one (`class MeanEmbedding extends tf.layers.Layer` with `this.embedding =
 * tf.layers.embedding(…)`, a token-and-position embedding), or through a nested model it is handed to
 * (a combined GAN feeds its label input to the generator, which embeds it).
 */
function embeddingRange(model: tfjs.LayersModel, input: tfjs.SymbolicTensor, depth = 0): number | undefined {
  for (const layer of model.layers) {
    const fed = layer.inboundNodes.some((node) => node.inputTensors.some((t) => t.id === input.id));
    const range = fed ? ownEmbeddingRange(layer) : undefined;
    if (range !== undefined) {
      return range;
    }
  }
  for (const layer of depth < 3 ? model.layers : []) {
    const nested = layer as unknown as Partial<tfjs.LayersModel>;
    if (!Array.isArray(nested.inputs) || !Array.isArray(nested.layers)) {
      continue;
    }
    for (const node of layer.inboundNodes) {
      const at = node.inputTensors.findIndex((t) => t.id === input.id);
      const range = at >= 0 && nested.inputs[at] ? embeddingRange(nested as tfjs.LayersModel, nested.inputs[at], depth + 1) : undefined;
      if (range !== undefined) {
        return range;
      }
    }
  }
  return undefined;
}

/** An Embedding's inputDim, or that of the first Embedding a custom layer holds as one of its own fields. */
function ownEmbeddingRange(layer: tfjs.layers.Layer): number | undefined {
  const inputDim = (l: tfjs.layers.Layer) => Number((l.getConfig() as { inputDim?: number }).inputDim) || undefined;
  if (layer.getClassName() === 'Embedding') {
    return inputDim(layer);
  }
  for (const field of Object.values(layer)) {
    const held = field as Partial<tfjs.layers.Layer> | null;
    if (held !== null && typeof held === 'object' && typeof held.getClassName === 'function' && held.getClassName() === 'Embedding') {
      return inputDim(held as tfjs.layers.Layer);
    }
  }
  return undefined;
}

/** The default loss of an output that the compile() did not name. */
export function defaultLossFor(output: OutputSpec): string {
  if (output.task === 'regression') {
    return 'meanSquaredError';
  }
  return output.units === 1 || output.binary ? 'binaryCrossentropy' : output.sparse ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy';
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Synthetic data for every input and a target for every output; the split is 80/20 as for one output. */
export function multiSyntheticData(tf: typeof tfjs, io: ModelIO, seed: number): TrainingData {
  const random = createRandom(seed + 1);
  const classUnits = io.outputs.filter((o) => o.task === 'classification').map((o) => (o.units === 1 ? 2 : o.units));
  const classes = classUnits.length > 0 ? Math.max(2, ...classUnits) : 8;
  const perExample = [...io.inputs.map((i) => size(i.shape)), ...io.outputs.map((o) => size(o.shape))].reduce((a, b) => a + b, 0);
  const { total, train } = syntheticCounts(perExample);
  const hidden = Int32Array.from({ length: total }, () => Math.floor(random() * classes));
  const inputValues = io.inputs.map((input) => inputValuesOf(input, hidden, classes, random));
  const xs = io.inputs.map((input, i) => tf.tensor(inputValues[i], [total, ...input.shape]));
  const realInput = io.inputs.findIndex((input) => input.integerRange === undefined);
  const reference = realInput < 0 ? undefined : { shape: io.inputs[realInput].shape, values: inputValues[realInput] };
  const ys = io.outputs.map((output) => tf.tensor(targetValues(output, { hidden, classes, random, reference }), [total, ...targetShapeOf(output)]));
  const split = (list: tfjs.Tensor[]) => list.map((t) => tf.split(t, [train, total - train]));
  const [xParts, yParts] = [split(xs), split(ys)];
  tf.dispose([...xs, ...ys]);
  const one = (list: tfjs.Tensor[]) => (list.length === 1 ? list[0] : list);
  return {
    xs: one(xParts.map((p) => p[0])),
    ys: one(yParts.map((p) => p[0])),
    testXs: one(xParts.map((p) => p[1])),
    testYs: one(yParts.map((p) => p[1])),
    source: 'synthetic',
    task: io.outputs[0].task,
    outputs: io.outputs,
  };
}

/** An input's values: a noisy prototype of each example's class, or the class itself for an Embedding. */
function inputValuesOf(input: InputSpec, hidden: Int32Array, classes: number, random: () => number): Float32Array {
  const n = size(input.shape);
  const values = new Float32Array(hidden.length * n);
  if (input.integerRange !== undefined) {
    hidden.forEach((c, i) => values.fill(c % input.integerRange!, i * n, (i + 1) * n));
  } else {
    const prototypes = Float32Array.from({ length: classes * n }, () => gaussian(random));
    hidden.forEach((c, i) => {
      for (let j = 0; j < n; j++) {
        values[i * n + j] = prototypes[c * n + j] + 0.7 * gaussian(random);
      }
    });
  }
  return values;
}
