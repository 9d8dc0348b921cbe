/**
 * runningBatchNormify and batchNormify keep the name of every layer, the ones they do not swap
 * included: a custom layer whose fromConfig builds it without its name (`new cls(factor)`, as a
 * U-Net's resize layer does) keeps the original's name, and its weights keep their scope.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { batchNormify, runningBatchNormify } from '../../../src/layer/running-batch-norm';
import { useBackend } from './backends';

/** Up-sizes an image by a whole factor with bilinear resizing; fromConfig passes only the factor on. */
class Upsize extends tf.layers.Layer {
  static className = 'PolishUpsize';
  constructor(private readonly factor: number) {
    super({});
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
    return [s[0]!, s[1]! * this.factor, s[2]! * this.factor, s[3]!];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.image.resizeBilinear(x, [x.shape[1] * this.factor, x.shape[2] * this.factor]);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new (cls as unknown as new (factor: number) => T)(config['factor'] as number);
  }
}
tf.serialization.registerClass(Upsize);

/** A custom layer with a weight, named by its constructor's config only through `size`. */
class Offset extends tf.layers.Layer {
  static className = 'PolishOffset';
  private offset: tf.LayerVariable | undefined;
  constructor(private readonly size: number) {
    super({});
  }
  override build(): void {
    this.offset = this.addWeight('offset', [this.size], 'float32', tf.initializers.randomNormal({ seed: 31 }));
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(Array.isArray(inputs) ? inputs[0]! : inputs, this.offset!.read()));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new (cls as unknown as new (size: number) => T)(config['size'] as number);
  }
}
tf.serialization.registerClass(Offset);

function named<L extends tf.layers.Layer>(layer: L, name: string): L {
  (layer as { name: string }).name = name;
  return layer;
}

/** A small U-Net-like decoder step: conv, norm, up-size, skip connection, conv. */
function unetStep(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 2], name: 'image' });
  const down = tf.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, name: 'down', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  const normed = tf.layers.batchNormalization({ name: 'down_norm' }).apply(down) as tf.SymbolicTensor;
  const up = named(new Upsize(2), 'up_resize').apply(normed) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'skip' }).apply([up, input]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'head', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(joined) as tf.SymbolicTensor });
}

function sequentialWithCustom(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 4, name: 'dense_in', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
      named(new Offset(4), 'shift'),
      tf.layers.batchNormalization({ name: 'norm' }),
      tf.layers.dense({ units: 2, name: 'dense_out', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }),
    ],
  });
}

/** The Sequential above as a layer of a functional model, with another custom layer outside it. */
function nestedWithCustom(): tf.LayersModel {
  const input = tf.input({ shape: [3], name: 'features' });
  const inner = named(sequentialWithCustom(), 'inner');
  const out = named(new Offset(2), 'outer_shift').apply(inner.apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function layerNames(model: tf.LayersModel): string[] {
  return model.layers.flatMap((l) => (l instanceof tf.LayersModel ? [l.name, ...layerNames(l)] : [l.name]));
}

function weightNames(model: tf.LayersModel): string[] {
  // The swapped layers' weights differ by design; every other weight keeps its scoped name.
  return model.weights.map((w) => w.originalName).filter((n) => !/norm\//.test(n));
}

const CASES: Array<{ name: string; build: () => tf.LayersModel; expected: string[] }> = [
  { name: 'U-Net step with a custom resize layer', build: unetStep, expected: ['image', 'down', 'down_norm', 'up_resize', 'skip', 'head'] },
  { name: 'Sequential with a custom layer with a weight', build: sequentialWithCustom, expected: ['dense_in', 'shift', 'norm', 'dense_out'] },
  { name: 'custom layers inside and outside a nested model', build: nestedWithCustom, expected: ['features', 'inner', 'dense_in', 'shift', 'norm', 'dense_out', 'outer_shift'] },
];

describe('runningBatchNormify / batchNormify keep the names of the layers they do not swap', () => {
  before(() => useBackend('cpu'));

  for (const c of CASES) {
    it(c.name, () => {
      const model = c.build();
      const expected = c.expected;
      assert.deepEqual(layerNames(model), expected, 'the fixture itself');
      const converted = runningBatchNormify(model);
      assert.deepEqual(layerNames(converted), expected, 'runningBatchNormify');
      assert.deepEqual(weightNames(converted), weightNames(model), 'runningBatchNormify: weight names');
      const back = batchNormify(converted);
      assert.deepEqual(layerNames(back), expected, 'batchNormify');
      assert.deepEqual(weightNames(back), weightNames(model), 'batchNormify: weight names');
    });
  }
});
