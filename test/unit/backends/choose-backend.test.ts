import type * as tfjs from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { chooseTrainingBackend } from '../../../src/worker/backends';
import { startTensorflowPackage } from '../../../src/worker/backends/choose-backend';
import type { BackendPreference } from '../../../src/worker/backends/types';

/** Whether an optional native package is installed here (it is not on this project's CI machine). */
function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const tensorflowInstalled = isInstalled('@tensorflow/tfjs-node') || isInstalled('@tensorflow/tfjs-node-gpu');

describe('chooseTrainingBackend', function () {
  this.timeout(30000);

  describe('without tfjs-node (this machine and CI)', () => {
    before(function () {
      if (tensorflowInstalled) {
        this.skip();
      }
    });

    it("'auto' picks wasm and says why both tfjs-node packages were skipped", async () => {
      const choice = await chooseTrainingBackend('auto');
      assert.equal(choice.name, 'wasm');
      assert.equal(choice.tf.getBackend(), 'wasm');
      assert.deepEqual(choice.skipped.map((s) => s.name), ['tensorflow-gpu', 'tensorflow']);
      assert.match(choice.skipped[0].reason, /^@tensorflow\/tfjs-node-gpu is not installed \(optional dependency; its install needs a libtensorflow download\)$/);
      assert.match(choice.skipped[1].reason, /^@tensorflow\/tfjs-node is not installed \(/);
    });

    it("'auto' registers the training kernels, so a conv net's gradient runs on wasm", async () => {
      const { tf } = await chooseTrainingBackend('auto');
      const filter = tf.variable(tf.ones([3, 3, 1, 2]));
      const { value, grads } = tf.variableGrads(() => tf.conv2d(tf.ones([1, 4, 4, 1]) as tfjs.Tensor4D, filter as tfjs.Variable<tfjs.Rank.R4>, 1, 'valid').sum(), [filter]);
      assert.deepEqual(await grads[filter.name].data(), new Float32Array(18).fill(4));
      tf.dispose([filter, value, grads[filter.name]]);
    });

    it("a forced 'tensorflow' fails with both packages' reasons and the way out", async () => {
      await assert.rejects(chooseTrainingBackend('tensorflow'), (error: Error) => {
        assert.match(error.message, /^The 'tensorflow' backend is not available/);
        assert.match(error.message, /tensorflow-gpu: @tensorflow\/tfjs-node-gpu is not installed/);
        assert.match(error.message, /tensorflow: @tensorflow\/tfjs-node is not installed/);
        assert.match(error.message, /--backend auto/);
        return true;
      });
    });
  });

  const named: { preference: BackendPreference; name: string; notTried: string[] }[] = [
    { preference: 'wasm', name: 'wasm', notTried: ['tensorflow-gpu', 'tensorflow'] },
    { preference: 'cpu', name: 'cpu', notTried: ['tensorflow-gpu', 'tensorflow', 'wasm'] },
  ];
  for (const { preference, name, notTried } of named) {
    it(`'${preference}' takes ${name} and lists the better backends as not tried`, async () => {
      const choice = await chooseTrainingBackend(preference);
      assert.equal(choice.name, name);
      assert.equal(choice.tf.getBackend(), name);
      assert.deepEqual(choice.skipped, notTried.map((n) => ({ name: n, reason: `not tried: the backend setting is '${preference}'` })));
    });
  }

  it('rejects an unknown preference with the valid ones', async () => {
    await assert.rejects(chooseTrainingBackend('gpu' as BackendPreference), /Unknown backend 'gpu': use auto, tensorflow, wasm or cpu/);
  });

  describe('a tfjs-node package that is installed but cannot run', () => {
    const fixture = (name: string) => path.resolve(__dirname, '../../fixtures/backends', name);

    it('reports the first line of its load error', async () => {
      await assert.rejects(startTensorflowPackage(fixture('fails-to-load.js')), (error: Error) => {
        assert.equal(error.message, `${fixture('fails-to-load.js')} is installed but failed to load: libtensorflow.so.2: cannot open shared object file: No such file or directory`);
        return true;
      });
    });

    it('reports a backend that loads but does not start', async () => {
      await assert.rejects(startTensorflowPackage(fixture('backend-fails.js')), /loaded but its 'tensorflow' backend failed to initialise$/);
    });
  });
});
