import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { holdBackend } from '../../../src/worker/loading/backend-hold';

describe('the backend user code asks for while it loads', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('is granted on paper: the chosen backend stays, and the note says what was asked', async () => {
    const hold = holdBackend(tf);
    try {
      assert.equal(await tf.setBackend('webgl'), true);
      assert.equal(await tf.setBackend('wasm'), true);
      assert.equal(tf.getBackend(), 'cpu');
      assert.equal(hold.note(), "the code asked for the 'webgl' and 'wasm' backend (tf.setBackend): sanity-train kept cpu, the backend it chose for training (--backend picks another)");
    } finally {
      hold.restore();
    }
  });

  it('asking for the backend in use needs no note, and restore gives setBackend back', async () => {
    const hold = holdBackend(tf);
    await tf.setBackend('cpu');
    assert.equal(hold.note(), undefined);
    hold.restore();
    await assert.rejects(async () => tf.setBackend('no-such-backend'), /not found in registry/);
  });
});
