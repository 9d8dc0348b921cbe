/**
 * A peer's own test stays green after conversion: a GAN whose generator (with batch norm) trains
 * through a combined model with the discriminator frozen, where the project's test asserts that one
 * training step changes every generator weight, the non-trainable ones included (tfjs-examples'
 * mnist-acgan makes this assertion). The fixture's check.js makes it before and after `rbn convert`.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rbn } from './cli-helpers';

const FIXTURE = path.resolve(__dirname, '../../fixtures/peer-gan');
const NODE_MODULES = fs.realpathSync(path.resolve(__dirname, '../../../node_modules'));

interface StepCheck {
  normLayers: string[];
  generatorWeights: number;
  unchangedGeneratorWeights: string[];
  changedDiscriminatorWeights: string[];
}

function copyFixture(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-peer-gan-'));
  fs.cpSync(FIXTURE, root, { recursive: true });
  fs.symlinkSync(NODE_MODULES, path.join(root, 'node_modules'), 'dir');
  return root;
}

/** The fixture's own check: a burn-in step, then one step, at `batchSize`. */
function checkOneStep(root: string, batchSize: number): StepCheck {
  const out = execFileSync(process.execPath, [path.join(root, 'check.js'), String(batchSize)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').pop()!) as StepCheck;
}

describe('a peer GAN project: every generator weight changes in one step, before and after conversion', function () {
  this.timeout(120_000);
  let root: string;

  before(() => {
    root = copyFixture();
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('holds for the original BatchNormalization generator (so the check below can fail only because of the conversion)', () => {
    const result = checkOneStep(root, 4);
    assert.deepEqual(result.normLayers, ['BatchNormalization', 'BatchNormalization']);
    assert.deepEqual([result.unchangedGeneratorWeights, result.changedDiscriminatorWeights], [[], []]);
  });

  it('holds after `rbn convert`, in the warm-up (batch 4) and at batch size 1', async () => {
    const run = await rbn(['convert', 'gan.js'], root);
    assert.equal(run.code, 0, run.stderr);
    for (const batchSize of [4, 1]) {
      const result = checkOneStep(root, batchSize);
      assert.deepEqual(result.normLayers, ['RunningBatchNorm', 'RunningBatchNorm']);
      // gamma, beta, sums, sqrs, count, samplesSeen, inferenceMean, inferenceVariance, inferenceSteps per layer.
      assert.ok(result.generatorWeights >= 18, `${result.generatorWeights} generator weights`);
      assert.deepEqual(result.unchangedGeneratorWeights, [], `batch ${batchSize}`);
      assert.deepEqual(result.changedDiscriminatorWeights, [], `batch ${batchSize}`);
    }
  });
});
