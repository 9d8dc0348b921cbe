/**
 * Saved-model fuzz: 240 model.json files and shards mutated deterministically from four valid saved
 * models (nested functional with conv, flat sequential, uint8-quantized, two shards), run through the
 * CLI in-process in turn beside the input, with --out and --in-place. Every case: no crash (no stack
 * trace, exit 0 or 2), one line on stderr when refused, nothing written or deleted then (the case
 * folder, victim file included, is byte for byte the same), and a converted model predicts as its input
 * and converts back with the same predictions. Prints the counts.
 */
import * as tf from '@tensorflow/tfjs';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../../../src/layer/running-batch-norm';
import { rbn } from '../cli/cli-helpers';
import { artifactsOf, assertSamePredictions, buildDenseModel, buildNestedModel, loadModel, quantize, snapshot } from './saved-model-fixtures';
import { MUTATIONS, seededRandom, type SavedModelFiles } from './saved-model-mutations';

const CASES = 240;
const MODES = [[], ['--out', '../out'], ['--in-place']] as const;

async function savedFiles(model: tf.LayersModel, variant: 'plain' | 'uint8' | 'split'): Promise<SavedModelFiles> {
  const saved = await artifactsOf(model);
  const { specs, data } = variant === 'uint8' ? quantize(saved.specs, saved.data, 'uint8') : saved;
  const bytes = Buffer.from(data);
  const groups =
    variant === 'split'
      ? [
          { paths: ['group1-shard1of1.bin'], weights: specs.slice(0, 2) },
          { paths: ['group2-shard1of1.bin'], weights: specs.slice(2) },
        ]
      : [{ paths: ['group1-shard1of1.bin'], weights: specs }];
  const firstBytes = specs.slice(0, 2).reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  const shards: Record<string, Buffer> = variant === 'split' ? { 'group1-shard1of1.bin': bytes.subarray(0, firstBytes), 'group2-shard1of1.bin': bytes.subarray(firstBytes) } : { 'group1-shard1of1.bin': bytes };
  return { json: { format: 'layers-model', generatedBy: 'fuzz', modelTopology: saved.topology as Record<string, unknown>, weightsManifest: groups }, shards };
}

/** Lays out case/model/{model.json, shards}, case/victim.bin (the first shard's bytes: only containment refuses a link to it). */
function writeCase(dir: string, files: SavedModelFiles, victimBytes: Buffer): string {
  const modelDir = path.join(dir, 'model');
  fs.mkdirSync(modelDir, { recursive: true });
  const victim = path.join(dir, 'victim.bin');
  fs.writeFileSync(victim, victimBytes);
  const text = typeof files.json === 'string' || Buffer.isBuffer(files.json) ? files.json : JSON.stringify(files.json).replaceAll('VICTIM_ABSOLUTE', victim.replaceAll('\\', '\\\\'));
  fs.writeFileSync(path.join(modelDir, 'model.json'), text);
  for (const [name, bytes] of Object.entries(files.shards)) {
    fs.mkdirSync(path.dirname(path.join(modelDir, name)), { recursive: true });
    fs.writeFileSync(path.join(modelDir, name), bytes);
  }
  for (const [name, target] of Object.entries(files.links ?? {})) {
    fs.symlinkSync(target === 'VICTIM' ? victim : target, path.join(modelDir, name));
  }
  return path.join(modelDir, 'model.json');
}

async function loadOrUndefined(modelJson: string): Promise<tf.LayersModel | undefined> {
  try {
    return await loadModel(modelJson);
  } catch {
    return undefined;
  }
}

describe('saved-model fuzz (mutated model.json files and shards)', function () {
  this.timeout(600_000);
  let root: string;
  let bases: Array<{ name: string; files: SavedModelFiles }>;

  before(async () => {
    await tf.setBackend('cpu');
    tf.env().set('PROD', true);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-fuzz-'));
    bases = [
      { name: 'nested', files: await savedFiles(buildNestedModel(), 'plain') },
      { name: 'dense', files: await savedFiles(buildDenseModel(3), 'plain') },
      { name: 'uint8', files: await savedFiles(buildDenseModel(5), 'uint8') },
      { name: 'split', files: await savedFiles(buildDenseModel(7), 'split') },
    ];
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it(`${CASES} mutations: no crash, one line and nothing written when refused, same predictions when converted`, async () => {
    const counts = { mutations: 0, refused: 0, converted: 0, byMutation: {} as Record<string, { refused: number; converted: number }> };
    for (let i = 0; i < CASES; i++) {
      const random = seededRandom(1000 + i);
      const base = bases[i % bases.length]!;
      const mutation = MUTATIONS[Math.floor(i / bases.length) % MUTATIONS.length]!;
      const mode = MODES[i % MODES.length]!;
      const label = `case ${i} (${mutation.name} of ${base.name}, ${mode.join(' ') || 'beside'})`;
      const dir = path.join(root, `case-${i}`);
      const modelJson = writeCase(dir, mutation.apply(base.files, random), base.files.shards['group1-shard1of1.bin']!);
      const before = snapshot(dir);
      const input = await loadOrUndefined(modelJson);
      const run = await rbn(['convert', 'model.json', ...mode], path.dirname(modelJson));
      counts.mutations++;
      const tally = (counts.byMutation[mutation.name] ??= { refused: 0, converted: 0 });
      assert.ok(run.code === 0 || run.code === 2, `${label}: exit ${run.code}`);
      assert.doesNotMatch(run.stderr + run.stdout, /\n\s+at .+:\d+:\d+\)?\n/, `${label}: a stack trace`);
      if (run.code === 2) {
        counts.refused++;
        tally.refused++;
        assert.notEqual(mutation.expect, 'converted', `${label} was refused: ${run.stderr}`);
        assert.equal(run.stderr.trim().split('\n').length, 1, `${label}: ${run.stderr}`);
        assert.match(run.stderr, /^rbn: model\.json: \S/, label);
        assert.deepEqual(snapshot(dir), before, `${label}: files changed although it was refused`);
        continue;
      }
      counts.converted++;
      tally.converted++;
      assert.notEqual(mutation.expect, 'refused', `${label} was converted: ${run.stdout}`);
      assert.ok(input, `${label}: converted, but the input does not load in tfjs`);
      const output = mode[0] === '--in-place' ? modelJson : mode[0] === '--out' ? path.join(dir, 'out/model.json') : path.join(dir, 'model/model-rbn/model.json');
      const converted = await loadModel(output);
      assertSamePredictions(converted, input, `${label}: `);
      const back = await rbn(['revert', output, '--out', path.join(dir, 'back')], dir);
      assert.equal(back.code, 0, `${label}: revert: ${back.stderr}`);
      assertSamePredictions(await loadModel(path.join(dir, 'back/model.json')), input, `${label} reverted: `);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    console.log(`saved-model fuzz: ${JSON.stringify(counts)}`);
    assert.equal(counts.mutations, CASES);
    assert.ok(counts.refused > 0 && counts.converted > 0);
  });
});
