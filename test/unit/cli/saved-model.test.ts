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
import { assertSamePredictions, buildNestedModel as buildModel, classNames, loadModel, saveModel, snapshot } from '../saved-model/saved-model-fixtures';
import { rbn } from './cli-helpers';

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
