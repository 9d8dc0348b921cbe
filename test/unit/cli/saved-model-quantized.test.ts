/**
 * Quantized saved models (tensorflowjs_converter's uint8/uint16/float16 weights) convert with their
 * quantization kept, bytes unchanged, and a note that says what is float32 and how the size changed;
 * and tfjs's console warnings stay off the CLI's output unless --verbose.
 */
import * as tf from '@tensorflow/tfjs';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../../../src/layer/running-batch-norm';
import { assertSamePredictions, buildNestedModel, loadModel, saveModel, type Quantization } from '../saved-model/saved-model-fixtures';
import { rbn } from './cli-helpers';

interface Manifest {
  weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; dtype: string; shape: number[]; quantization?: { dtype: string; scale?: number; min?: number } }> }>;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;

describe('rbn convert <model.json>: quantized weights', function () {
  this.timeout(120_000);
  let root: string;
  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-quant-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  for (const dtype of ['uint8', 'uint16', 'float16'] as Quantization[]) {
    it(`keeps ${dtype} quantization byte for byte, says what is float32 and by how much the file grew`, async () => {
      const dir = path.join(root, dtype);
      await saveModel(buildNestedModel(), dir, dtype);
      const input = readJson(path.join(dir, 'model.json'));
      const inputShard = fs.readFileSync(path.join(dir, 'group1-shard1of1.bin'));
      const run = await rbn(['convert', `${dtype}/model.json`], root);
      assert.equal(run.code, 0, run.stderr);
      const output = readJson(path.join(dir, 'model-rbn/model.json'));
      const outputShard = fs.readFileSync(path.join(dir, 'model-rbn/rbn-weights.bin'));
      const inputByName = new Map(input.weightsManifest[0]!.weights.map((w) => [w.name, w]));
      const kept = output.weightsManifest[0]!.weights.filter((w) => w.quantization);
      // Every weight the conversion did not create keeps its quantization (kernels, biases, gamma, beta).
      assert.deepEqual(kept.map((w) => w.name).sort(), input.weightsManifest[0]!.weights.filter((w) => !/moving_/.test(w.name)).map((w) => w.name).sort());
      kept.forEach((w) => assert.deepEqual(w.quantization, inputByName.get(w.name)!.quantization));
      const state = output.weightsManifest[0]!.weights.filter((w) => !w.quantization);
      assert.ok(state.length > 0 && state.every((w) => w.dtype === 'float32'));
      // The quantized bytes are the input's, unchanged: the first weight is the conv kernel in both.
      const first = input.weightsManifest[0]!.weights[0]!;
      const firstBytes = first.shape.reduce((a, b) => a * b, 1) * (dtype === 'uint8' ? 1 : 2);
      assert.equal(output.weightsManifest[0]!.weights[0]!.name, first.name);
      assert.deepEqual(outputShard.subarray(0, firstBytes), inputShard.subarray(0, firstBytes));
      const growth = (((outputShard.length - inputShard.length) / inputShard.length) * 100).toFixed(1);
      const note = new RegExp(`note\\s+kept the ${dtype} quantization of ${kept.length} of ${input.weightsManifest[0]!.weights.length} quantized weights; ${state.length} weights the conversion created or changed .* are float32: weights ${inputShard.length.toLocaleString('en-US')} → ${outputShard.length.toLocaleString('en-US')} bytes \\(\\+${growth}%\\)`);
      assert.match(run.stdout, note);
      // Predictions: the converted model predicts as the quantized original does (both dequantized on load).
      assertSamePredictions(await loadModel(path.join(dir, 'model-rbn/model.json')), await loadModel(path.join(dir, 'model.json')));
      // And back: revert keeps the quantization of the weights it did not create, too.
      const back = await rbn(['revert', `${dtype}/model-rbn/model.json`, '--out', `${dtype}-back`, '--json'], root);
      assert.equal(back.code, 0, back.stderr);
      const reverted = readJson(path.join(root, `${dtype}-back/model.json`));
      assert.deepEqual(reverted.weightsManifest[0]!.weights.filter((w) => w.quantization).map((w) => w.name).sort(), kept.map((w) => w.name).sort());
      assert.match((JSON.parse(back.stdout) as { files: Array<{ notes: string[] }> }).files[0]!.notes[0]!, new RegExp(`kept the ${dtype} quantization`));
      assertSamePredictions(await loadModel(path.join(root, `${dtype}-back/model.json`)), await loadModel(path.join(dir, 'model.json')));
    });
  }

  it('says nothing about quantization for a float32 model', async () => {
    await saveModel(buildNestedModel(), path.join(root, 'float'));
    const run = await rbn(['convert', 'float/model.json', '--json'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { files: Array<{ notes?: string[] }> }).files[0]!.notes, undefined);
  });
});

describe('rbn convert <model.json>: tfjs console output only with --verbose', function () {
  this.timeout(120_000);
  let root: string;
  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-verbose-'));
    // 64x64 orthogonal kernel: tfjs warns "Slowness may result" above 2000 elements, on every load.
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 64, kernelInitializer: 'orthogonal' }), tf.layers.batchNormalization()] });
    await saveModel(model, path.join(root, 'ortho'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  /** The real CLI process (from source), so whatever tfjs writes to the console shows. */
  const cli = (args: string[]) => spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), path.resolve(__dirname, '../../../src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });

  it('keeps the "Orthogonal initializer … Slowness may result" warning and the banner off stdout and stderr', () => {
    const run = cli(['convert', 'ortho/model.json', '--out', 'quiet']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, 'converted          ortho/model.json → quiet/model.json (1 layer)\n');
  });

  it('shows them on stderr, prefixed tfjs:, with --verbose', () => {
    const run = cli(['convert', 'ortho/model.json', '--out', 'loud', '--verbose']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^tfjs: Orthogonal initializer is being called on a matrix with more than 2000 \(4096\) elements: Slowness may result\.$/m);
    assert.ok(run.stderr.split('\n').filter(Boolean).every((l) => l.startsWith('tfjs: ')), run.stderr);
    assert.equal(run.stdout, 'converted          ortho/model.json → loud/model.json (1 layer)\n');
  });
});
