/**
 * `rbn convert|revert <model.json>`: a saved tfjs Layers model converted through the CLI, loaded back
 * with the layer registered and compared with the original's predictions; bad saved models exit 2
 * with one line and write nothing.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../../../src/layer/running-batch-norm';
import { rbn } from './cli-helpers';

/** A nested model with BatchNormalization at rank 4 and rank 2, with trained-looking statistics. */
function buildModel(): tf.LayersModel {
  const features = tf.sequential({
    name: 'features',
    layers: [
      tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.batchNormalization({ epsilon: 1e-3 }),
      tf.layers.reLU(),
      tf.layers.flatten(),
    ],
  });
  const input = tf.input({ shape: [5, 5, 2] });
  const hidden = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(features.apply(input)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.batchNormalization({ momentum: 0.9 }).apply(hidden) as tf.SymbolicTensor });
  let seed = 10;
  for (const layer of [features.layers[1]!, model.layers[3]!]) {
    layer.setWeights(layer.weights.map((w) => (w.name.endsWith('variance') ? tf.randomUniform(w.shape as number[], 0.3, 2, 'float32', seed++) : tf.randomNormal(w.shape as number[], 0.5, 0.8, 'float32', seed++))));
  }
  return model;
}

/** Saves as tfjs's file writer does: model.json plus one shard named in weightsManifest. */
async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    fs.mkdirSync(dir, { recursive: true });
    const data = tf.io.concatenateArrayBuffers([artifacts.weightData as ArrayBuffer]);
    fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.from(data));
    const manifest = [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }];
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', generatedBy: 'test', modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
}

/** Loads model.json and its shards from a folder (an independent reader, as tfjs's file loader). */
async function loadModel(modelJson: string): Promise<tf.LayersModel> {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as { modelTopology: object; weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }> };
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelJson), p))));
  const joined = Buffer.concat(shards);
  const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}

function classNames(model: tf.LayersModel): string[] {
  return model.layers.flatMap((l) => (l instanceof tf.LayersModel ? classNames(l) : [l.getClassName()]));
}

function assertSamePredictions(actual: tf.LayersModel, expected: tf.LayersModel): void {
  const x = tf.randomNormal([4, 5, 5, 2], 0.3, 1.5, 'float32', 99);
  const a = (actual.predict(x) as tf.Tensor).dataSync();
  const e = (expected.predict(x) as tf.Tensor).dataSync();
  e.forEach((v, i) => assert.ok(Math.abs(a[i]! - v) <= 1e-5 + 1e-4 * Math.abs(v), `element ${i}: ${a[i]} vs ${v}`));
}

/** Every file under a folder with its bytes, to show that nothing was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, full)] = fs.readFileSync(full).toString('base64');
    }
  }
  return out;
}

describe('rbn convert|revert <model.json> (saved tfjs Layers models)', () => {
  let root: string;
  let original: tf.LayersModel;

  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-saved-'));
    original = buildModel();
    await saveModel(original, path.join(root, 'pretrained'));
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('converts beside the input, leaves the input alone, and predicts as the original', async () => {
    const before = snapshot(path.join(root, 'pretrained'));
    const run = await rbn(['convert', 'pretrained/model.json'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /converted\s+pretrained\/model\.json → pretrained\/model-rbn\/model\.json \(2 layers\)/);
    const { 'model-rbn/model.json': _json, 'model-rbn/rbn-weights.bin': _bin, ...rest } = snapshot(path.join(root, 'pretrained'));
    assert.deepEqual(rest, before, 'the input files are unchanged');
    const converted = await loadModel(path.join(root, 'pretrained/model-rbn/model.json'));
    assert.deepEqual(classNames(converted).filter((n) => /Norm/.test(n)), ['RunningBatchNorm', 'RunningBatchNorm']);
    assertSamePredictions(converted, original);
  });

  it('reverts the converted model to BatchNormalization with the same predictions', async () => {
    const run = await rbn(['revert', 'pretrained/model-rbn/model.json', '--out', 'reverted', '--json'], root);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as { files: Array<{ file: string; converted: number; output: string }> };
    assert.deepEqual(json.files.map((f) => [f.converted, f.output]), [[2, 'reverted/model.json']]);
    const reverted = await loadModel(path.join(root, 'reverted/model.json'));
    assert.deepEqual(classNames(reverted).filter((n) => /Norm/.test(n)), ['BatchNormalization', 'BatchNormalization']);
    assertSamePredictions(reverted, original);
  });

  it('never overwrites an existing model.json without --in-place', async () => {
    const before = snapshot(root);
    const run = await rbn(['convert', 'pretrained/model.json'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^rbn: pretrained\/model\.json: pretrained\/model-rbn\/model\.json exists: not overwriting it/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.deepEqual(snapshot(root), before);
  });

  it('--in-place replaces model.json and its shard', async () => {
    const dir = path.join(root, 'in-place');
    await saveModel(original, dir);
    const run = await rbn(['convert', 'in-place/model.json', '--in-place'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'rbn-weights.bin']);
    assertSamePredictions(await loadModel(path.join(dir, 'model.json')), original);
  });

  it('converts tensorflowjs_converter\'s layout (modelTopology.model_config)', async () => {
    const dir = path.join(root, 'converter');
    await saveModel(original, dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    json['modelTopology'] = { keras_version: '2.15.0', backend: 'tensorflow', model_config: json['modelTopology'] };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    const run = await rbn(['convert', 'converter/model.json'], root);
    assert.equal(run.code, 0, run.stderr);
    assertSamePredictions(await loadModel(path.join(dir, 'model-rbn/model.json')), original);
  });

  it('writes nothing and exits 0 when there is nothing to convert', async () => {
    const dir = path.join(root, 'plain');
    await saveModel(tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] }), dir);
    const run = await rbn(['convert', 'plain/model.json'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /nothing to do\s+plain\/model\.json/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['group1-shard1of1.bin', 'model.json']);
  });

  const BAD: Array<{ name: string; files: (good: { json: Record<string, unknown>; shard: Buffer }) => Record<string, string | Buffer>; message: RegExp }> = [
    { name: 'a graph model', files: () => ({ 'model.json': JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }) }), message: /graph model/ },
    { name: 'a Keras model config', files: () => ({ 'model.json': JSON.stringify({ class_name: 'Sequential', config: { layers: [] }, keras_version: '2.15.0' }) }), message: /Keras model config.*tensorflowjs_converter/ },
    { name: 'invalid JSON', files: () => ({ 'model.json': '{"modelTopology": ' }), message: /invalid JSON/ },
    { name: 'a missing shard', files: ({ json }) => ({ 'model.json': JSON.stringify(json) }), message: /weights file group1-shard1of1\.bin is missing/ },
    { name: 'a short shard', files: ({ json, shard }) => ({ 'model.json': JSON.stringify(json), 'group1-shard1of1.bin': shard.subarray(0, shard.length - 8) }), message: /holds \d+ bytes, the manifest needs \d+/ },
  ];
  for (const bad of BAD) {
    it(`exits 2 with one line and writes nothing for ${bad.name}`, async () => {
      const good = { json: JSON.parse(fs.readFileSync(path.join(root, 'pretrained/model.json'), 'utf8')) as Record<string, unknown>, shard: fs.readFileSync(path.join(root, 'pretrained/group1-shard1of1.bin')) };
      const dir = fs.mkdtempSync(path.join(root, 'bad-'));
      for (const [name, content] of Object.entries(bad.files(good))) {
        fs.writeFileSync(path.join(dir, name), content);
      }
      const before = snapshot(dir);
      const run = await rbn(['convert', path.join(dir, 'model.json')], root);
      assert.equal(run.code, 2);
      assert.match(run.stderr, bad.message);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.deepEqual(snapshot(dir), before);
    });
  }

  it('rejects --out and --in-place for source paths', async () => {
    const run = await rbn(['convert', 'src', '--in-place'], root);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--out and --in-place are for saved models/);
  });
});
