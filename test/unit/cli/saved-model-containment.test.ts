/**
 * A saved model is often someone else's: its weightsManifest must not make a conversion read, write
 * or delete anything outside the model.json's folder. Each hostile path form gets one line and exit 2,
 * in every mode (new folder, --out, --in-place, --dry-run), and the file it aims at is untouched.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../../../src/layer/running-batch-norm';
import { buildDenseModel, saveModel, snapshot } from '../saved-model/saved-model-fixtures';
import { rbn } from './cli-helpers';

/** The bytes the attacker wants read (copied into the new weights) or deleted (--in-place clean-up). */
const VICTIM = Buffer.alloc(4096, 0x5a);

interface Hostile {
  name: string;
  /** The manifest's paths, given the victim's absolute path. */
  paths: (victim: string) => string[];
  message: RegExp;
  /** Files to lay in the model's folder first (links: path → target). */
  links?: (victim: string) => Record<string, string>;
}

const HOSTILE: Hostile[] = [
  { name: 'a relative path up out of the folder', paths: () => ['../../victim/secret.bin'], message: /goes up out of the model's folder/ },
  { name: 'a path that goes down then up', paths: () => ['sub/../../victim/secret.bin'], message: /goes up out of the model's folder/ },
  { name: 'a backslash path up', paths: () => ['..\\..\\victim\\secret.bin'], message: /goes up out of the model's folder/ },
  { name: 'an absolute path', paths: (victim) => [victim], message: /is absolute/ },
  { name: 'a Windows drive path', paths: () => ['C:\\victim\\secret.bin'], message: /is absolute/ },
  { name: 'a file: URL', paths: (victim) => [`file://${victim}`], message: /is a URL/ },
  { name: 'an http: URL', paths: () => ['http://example.com/w.bin'], message: /is a URL/ },
  { name: 'a NUL byte', paths: () => ['group1-shard1of1.bin\0../../victim/secret.bin'], message: /NUL byte/ },
  { name: 'an empty path', paths: () => [''], message: /empty weights path/ },
  { name: 'a duplicated path', paths: () => ['group1-shard1of1.bin', './group1-shard1of1.bin'], message: /listed twice/ },
  { name: 'model.json itself', paths: () => ['model.json'], message: /lists model\.json itself/ },
  { name: 'a symbolic link out of the folder', paths: () => ['linked.bin'], links: (victim) => ({ 'linked.bin': victim }), message: /is a link to .*outside the model's folder/ },
  { name: 'a link to a folder above', paths: () => ['up/victim/secret.bin'], links: (victim) => ({ up: path.dirname(path.dirname(victim)) }), message: /is a link to .*outside the model's folder/ },
];

const MODES: Array<{ name: string; args: string[] }> = [
  { name: 'beside the input', args: [] },
  { name: '--out', args: ['--out', 'out'] },
  { name: '--in-place', args: ['--in-place'] },
  { name: '--dry-run', args: ['--dry-run'] },
  { name: '--json', args: ['--in-place', '--json'] },
];

describe('rbn convert <model.json>: paths stay inside the model folder', () => {
  let root: string;
  let victim: string;
  let good: { json: Record<string, unknown>; shard: Buffer };

  before(async () => {
    await tf.setBackend('cpu');
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-contain-')));
    await saveModel(buildDenseModel(), path.join(root, 'good'));
    good = { json: JSON.parse(fs.readFileSync(path.join(root, 'good/model.json'), 'utf8')) as Record<string, unknown>, shard: fs.readFileSync(path.join(root, 'good/group1-shard1of1.bin')) };
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  /** work/project/model/{model.json, group1-shard1of1.bin}, the victim at work/victim/secret.bin. */
  function hostileModel(h: Hostile, index: string): { work: string; modelJson: string } {
    const work = path.join(root, `case-${index}`);
    victim = path.join(work, 'victim/secret.bin');
    fs.mkdirSync(path.dirname(victim), { recursive: true });
    fs.writeFileSync(victim, VICTIM);
    const dir = path.join(work, 'project/model');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), good.shard);
    for (const [link, target] of Object.entries(h.links?.(victim) ?? {})) {
      fs.symlinkSync(target, path.join(dir, link));
    }
    const manifest = [{ paths: h.paths(victim), weights: (good.json['weightsManifest'] as Array<{ weights: unknown[] }>)[0]!.weights }];
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ ...good.json, weightsManifest: manifest }));
    return { work, modelJson: path.join(dir, 'model.json') };
  }

  HOSTILE.forEach((h, i) => {
    MODES.forEach((mode, j) => {
      it(`refuses ${h.name} (${mode.name}): exit 2, one line, nothing read, written or deleted`, async () => {
        const { work, modelJson } = hostileModel(h, `${i}-${j}`);
        const before = snapshot(work);
        const run = await rbn(['convert', modelJson, ...mode.args], path.join(work, 'project'));
        assert.equal(run.code, 2, run.stdout + run.stderr);
        assert.match(run.stderr, h.message);
        assert.match(run.stderr, /refused/);
        assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
        assert.deepEqual(fs.readFileSync(victim), VICTIM, 'the victim is still there, unchanged');
        assert.deepEqual(snapshot(work), before, 'nothing written or deleted');
        if (mode.args.includes('--json')) {
          const json = JSON.parse(run.stdout) as { error: { kind: string; message: string } };
          assert.equal(json.error.kind, 'unsafePath');
          assert.match(json.error.message, h.message);
        }
      });
    });
  });

  it('--in-place deletes the old shards inside the folder, and leaves a linked target alone', async () => {
    const dir = path.join(root, 'inplace-link/model');
    await saveModel(buildDenseModel(), dir);
    // The shard is a link to another file inside the folder: the link goes, the file it points to stays.
    fs.mkdirSync(path.join(dir, 'store'));
    fs.renameSync(path.join(dir, 'group1-shard1of1.bin'), path.join(dir, 'store/real.bin'));
    fs.symlinkSync('store/real.bin', path.join(dir, 'group1-shard1of1.bin'));
    const run = await rbn(['convert', 'model/model.json', '--in-place'], path.dirname(dir));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'rbn-weights.bin', 'store']);
    assert.ok(fs.existsSync(path.join(dir, 'store/real.bin')));
  });

  it('refuses to write the new weights through a link out of the folder (--in-place and --out)', async () => {
    const work = path.join(root, 'write-link');
    const outside = path.join(work, 'outside.txt');
    await saveModel(buildDenseModel(), path.join(work, 'model'));
    fs.writeFileSync(outside, 'keep me');
    fs.symlinkSync(outside, path.join(work, 'model/rbn-weights.bin'));
    fs.mkdirSync(path.join(work, 'out'));
    fs.symlinkSync(outside, path.join(work, 'out/rbn-weights.bin'));
    const before = snapshot(work);
    for (const args of [['--in-place'], ['--out', 'out']]) {
      const run = await rbn(['convert', 'model/model.json', ...args], work);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /rbn-weights\.bin is a link to .*outside/);
      assert.deepEqual(snapshot(work), before);
      assert.equal(fs.readFileSync(outside, 'utf8'), 'keep me');
    }
  });
});
