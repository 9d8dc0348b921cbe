import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { guessedParameterNames, StandIns } from '../../../src/worker/loading/arguments/stand-ins';
import type { BuilderParameter } from '../../../src/core/analysis/types';

const params = (...names: string[]): BuilderParameter[] => names.map((name) => ({ name, optional: false, receivesTfjs: false }));

describe('stand-ins made real in the worker', () => {
  it('a method stand-in returns a fresh copy each call; a tf.input stand-in is a symbolic tensor', () => {
    const standIns = new StandIns(tf, []);
    const [game, input] = standIns.materialize([{ getBoardSize: { $returns: [8, 8] } }, { $input: [16] }], params('game', 'input'), '--args') as [{ getBoardSize: () => number[] }, tf.SymbolicTensor];
    const first = game.getBoardSize();
    first.push(3);
    assert.deepEqual(game.getBoardSize(), [8, 8]);
    assert.ok(input instanceof tf.SymbolicTensor);
    assert.deepEqual(input.shape, [null, 16]);
  });

  it("a layer stand-in is the worker's tfjs layer; one tfjs lacks fails naming it", () => {
    const standIns = new StandIns(tf, []);
    const [layers] = standIns.materialize([[{ $layer: 'dense', config: { units: 4, inputShape: [3] } }, { $layer: 'batchNormalization' }]], params('layers'), '--args') as [tf.layers.Layer[]];
    const model = tf.sequential({ layers });
    assert.deepEqual(model.outputs[0].shape, [null, 4]);
    assert.equal(layers[1].getClassName(), 'BatchNormalization');
    assert.equal(standIns.describe(), 'layers was a stand-in guessed from the code: pass the real value with --args if the error comes from it');
    assert.throws(() => new StandIns(tf, []).materialize([[{ $layer: 'leakyRelu' }]], params('layers'), '--args'), /^Error: layers\[0\] is tf\.layers\.leakyRelu\(…\), which tfjs does not have$/);
  });

  const described: [string, unknown[], string[], (made: unknown[]) => void, string | undefined][] = [
    ['a member the stand-in lacks is named', [{ getBoardSize: { $returns: [8, 8] } }], [], (m) => void (m[0] as Record<string, unknown>).getValidMoves, 'game is a stand-in guessed from the code, and the builder asked for game.getValidMoves, which the analysis did not foresee: pass the real value with --args'],
    ['nothing unforeseen: the stand-in is still named', [{ getBoardSize: { $returns: [8, 8] } }], [], () => undefined, 'game was a stand-in guessed from the code: pass the real value with --args if the error comes from it'],
    ['a guessed plain object is watched too', [{ units: 8 }], ['game'], (m) => void (m[0] as Record<string, unknown>).layers, 'game is a stand-in guessed from the code, and the builder asked for game.layers, which the analysis did not foresee: pass the real value with --args'],
    ["the worker's own check for a model argument ($model) is no use of the value", [{ units: 8 }], ['game'], (m) => void (m[0] as Record<string, unknown>).$model, undefined],
    ['a nested read is named by its path', [{ encoder: { units: 8 } }], ['game'], (m) => void ((m[0] as Record<string, Record<string, unknown>>).encoder).depth, 'game is a stand-in guessed from the code, and the builder asked for game.encoder.depth, which the analysis did not foresee: pass the real value with --args'],
    ['a plain value typed by the user: nothing to say', [{ units: 8 }], [], (m) => void (m[0] as Record<string, unknown>).layers, undefined],
    ['probes such as then and toJSON are no use of the stand-in', [{ get: { $returns: 1 } }], [], (m) => void [(m[0] as Record<string, unknown>).then, JSON.stringify(m[0])], 'game was a stand-in guessed from the code: pass the real value with --args if the error comes from it'],
  ];
  for (const [title, values, guessed, use, expected] of described) {
    it(title, () => {
      const standIns = new StandIns(tf, guessed);
      use(standIns.materialize(values, params('game'), '--args'));
      assert.equal(standIns.describe(), expected);
    });
  }

  it("a constructor's stand-in of a method builder names --ctor-args", () => {
    const standIns = new StandIns(tf, ['world']);
    const [world] = standIns.materialize([{ size: 4 }], params('world'), '--ctor-args') as [Record<string, unknown>];
    void world.cells;
    assert.equal(standIns.describe(), 'world is a stand-in guessed from the code, and the builder asked for world.cells, which the analysis did not foresee: pass the real value with --ctor-args');
  });

  const byError: [string, unknown, string][] = [
    ['a TypeError names the members asked for', new TypeError("Cannot read properties of undefined (reading 'units')"), 'game is a stand-in guessed from the code, and the builder asked for game.layers, which the analysis did not foresee: pass the real value with --args'],
    ['a message naming undefined does too', new Error('expects kernelSize to be a number, but received undefined'), 'game is a stand-in guessed from the code, and the builder asked for game.layers, which the analysis did not foresee: pass the real value with --args'],
    ["tfjs's own check of the model blames no member read with a fallback", new Error('The first layer in a Sequential model must get an `inputShape` or `batchInputShape` argument.'), 'game was a stand-in guessed from the code: pass the real value with --args if the error comes from it'],
  ];
  for (const [title, err, expected] of byError) {
    it(title, () => {
      const standIns = new StandIns(tf, ['game']);
      const [game] = standIns.materialize([{ units: 8 }], params('game'), '--args') as [Record<string, unknown>];
      void game.layers;
      assert.equal(standIns.describe(err), expected);
    });
  }

  const sources: [string | undefined, string[]][] = [
    ['guessed from the names and types (game, opts)', ['game', 'opts']],
    ['call in demo.js:3; guessed from the names and types (x)', ['x']],
    ['given with --args; the rest: guessed from the names and types (units)', ['units']],
    [undefined, []],
  ];
  for (const [source, names] of sources) {
    it(`the guessed parameters of '${source}'`, () => {
      assert.deepEqual(guessedParameterNames(source), names);
    });
  }
});
