import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describeCallCode } from '../../../src/core/training/report/report-call';
import type { SanityReport } from '../../../src/core/training/protocol';
import { rbn } from './cli-helpers';

const LIVE = path.resolve(__dirname, '../../fixtures/sanity/live-objects');
const RUN = ['--steps', '2', '--backend', 'cpu', '--data', 'synthetic'];

interface Row {
  file: string;
  model: string;
  /** The proposal line on stderr. */
  line: string;
  /** The lines under it: why each guess is what it is. */
  guesses: string[];
  args: unknown[];
  argsSource: string;
}

const rows: Row[] = [
  {
    file: 'board-net.js',
    model: 'BoardNet',
    line: 'new BoardNet({ getBoardSize: () => [10, 10], getActionSize: () => 4 }, { num_channels: 1 }): from guesses for game (a stand-in), settings',
    args: [{ getBoardSize: { $returns: [10, 10] }, getActionSize: { $returns: 4 } }, { num_channels: 1 }],
    argsSource: 'guessed from the names and types (game, settings)',
    guesses: ['game: a stand-in from what the code does with game (getBoardSize(), getActionSize())', 'settings: from what the code reads of settings (num_channels)'],
  },
  {
    file: 'grid-agent.js',
    model: 'GridAgent',
    line: 'new GridAgent({ height: 10, width: 10 }, { warmupSteps: 8, memoryCapacity: 8 }): from guesses for game, config (a stand-in)',
    args: [{ height: 10, width: 10 }, { warmupSteps: 8, memoryCapacity: 8 }],
    argsSource: 'guessed from the names and types (game, config)',
    guesses: ['game: from what the code reads of game (height, width)', 'config: a stand-in from what the code does with config (warmupSteps, memoryCapacity)'],
  },
  {
    file: 'seq-autoencoder.js',
    model: 'SeqAutoencoder',
    line: 'new SeqAutoencoder({ encoder: { units: 32, layers: 2 }, frame: { width: 28 }, decoder: { units: 32 } }): from guesses for opts (a stand-in)',
    args: [{ encoder: { units: 32, layers: 2 }, frame: { width: 28 }, decoder: { units: 32 } }],
    argsSource: 'guessed from the names and types (opts)',
    guesses: ['opts: a stand-in from what the code does with opts (encoder.units, encoder.layers, frame.width, decoder.units)'],
  },
  {
    file: 'classifier-head.js',
    model: 'classifierHead',
    line: 'classifierHead(tf.input({ shape: [16] })): from guesses for features (a stand-in)',
    args: [{ $input: [16] }],
    argsSource: 'guessed from the names and types (features)',
    guesses: ["features: a tf.input stand-in: features is a layer's input in the code"],
  },
  {
    file: 'room-classifier.js',
    model: 'RoomClassifier.train',
    line: 'new RoomClassifier().train([{ readings: [8, 8], room: 0 }, { readings: [8, 8], room: 1 }]): from guesses for samples (a stand-in)',
    args: [[{ readings: [8, 8], room: 0 }, { readings: [8, 8], room: 1 }]],
    argsSource: 'guessed from the names and types (samples)',
    guesses: ['samples: a stand-in list of 2 records from what the code reads of its elements ([i].readings, [i].room)'],
  },
];

describe('rbn sanity with stand-ins for live objects (end to end)', function () {
  this.timeout(120_000);

  for (const row of rows) {
    it(`${row.file}: proposes stand-ins, says so, builds and trains`, async () => {
      const { code, stdout, stderr } = await rbn(['sanity', row.file, '--model', row.model, ...RUN, '--json'], LIVE);
      assert.equal(code, 0, stderr);
      assert.equal(stderr, [row.line, ...row.guesses.map((g) => `  guessed ${g}`)].map((l) => `rbn sanity: ${l}\n`).join(''));
      const report = JSON.parse(stdout) as SanityReport;
      assert.deepEqual(report.call?.args, row.args);
      assert.equal(report.call?.argsSource, row.argsSource);
      assert.equal(report.runs[0].steps, 2);
    });
  }

  it('a stand-in asked for a member the analysis did not foresee: the one failure line names it', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'layered-board-net.js', '--model', 'LayeredBoardNet', ...RUN], LIVE);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    const lines = stderr.trim().split('\n');
    assert.equal(lines[0], 'rbn sanity: new LayeredBoardNet({ getBoardSize: () => [10, 10] }): from guesses for game (a stand-in)');
    assert.equal(lines[1], 'rbn sanity:   guessed game: a stand-in from what the code does with game (getBoardSize())');
    assert.equal(lines.length, 3);
    assert.match(lines[2], /^rbn sanity: new LayeredBoardNet\(\) threw: TypeError: game\.getHistoryLength is not a function .*\(game is a stand-in guessed from the code, and the builder asked for game\.getHistoryLength, which the analysis did not foresee: pass the real value with --args\)/);
  });

  it('--args takes the stand-in syntax as the proposal prints it, and the text report shows it back', async () => {
    const args = '[{ getBoardSize: () => [6, 6], getHistoryLength: () => 2 }]';
    const { code, stdout, stderr } = await rbn(['sanity', 'layered-board-net.js', '--model', 'LayeredBoardNet', '--args', args, ...RUN], LIVE);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^ {2}call: new LayeredBoardNet\(\{ getBoardSize: \(\) => \[6, 6\], getHistoryLength: \(\) => 2 \}\) \(arguments: given with --args\)$/m);
  });

  it('an object typed as JSON for a live object: the methods it lacks come from the stand-in, said so; those typed stand', async () => {
    const args = '[{ "rows": 6, "getActionSize": () => 3 }, { "num_channels": 2 }]';
    const { code, stdout, stderr } = await rbn(['sanity', 'board-net.js', '--model', 'BoardNet', '--args', args, ...RUN, '--json'], LIVE);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.equal(report.runs[0].steps, 2);
    assert.ok(
      report.notes?.includes('the object typed with --args has no method the builder calls (JSON holds none): sanity-train added getBoardSize: () => [10, 10] from the file\'s stand-in; type them as `name: () => value` to choose the values'),
      JSON.stringify(report.notes),
    );
  });

  for (const config of ['{ "shape": [12] }', '{ "batchShape": [null, 12] }', '{ "batchShape": [1, 12], "name": "obs" }']) {
    it(`${config} typed as JSON where the builder takes a symbolic input runs as tf.input({ shape: [12] }), said so`, async () => {
      const { code, stdout, stderr } = await rbn(['sanity', 'classifier-head.js', '--model', 'classifierHead', '--args', `[${config}]`, ...RUN, '--json'], LIVE);
      assert.equal(code, 0, stderr);
      const report = JSON.parse(stdout) as SanityReport;
      assert.deepEqual(report.runs[0].graph?.nodes[0].outputShape, [null, 12]);
      assert.ok(
        report.notes?.includes("the tf.input config typed with --args for argument 1, which the builder uses as a layer's input, ran as tf.input({ shape }) (any batch size)"),
        JSON.stringify(report.notes),
      );
    });
  }

  it("the report page's call row shows stand-ins as the JS they stand for, plain values as JSON", () => {
    const code = describeCallCode({ model: 'head', args: [{ $input: [16] }, { get: { $returns: [8, 8] }, n: 2 }, 'relu'], argsSource: 'guessed from the names and types (x)' });
    assert.equal(code.call, 'head(tf.input({ shape: [16] }), { get: () => [8, 8], n: 2 }, "relu")');
  });
});
