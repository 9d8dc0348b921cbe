import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { withoutImportMeta, withoutWrapperRedeclarations } from '../../../src/worker/loading/commonjs-output';
import { unwrapModel } from '../../../src/worker/loading/wrapped-model';
import { GUESSED_MODEL_CAP, inputTooSmallIn, tooLargeIn, watchBuild, withLargerSides, withSmallShapes, ModelTooLargeError } from '../../../src/worker/budget/build-size';
import { guessedArguments } from '../../../src/worker/loading/sized-build';
import { declaredParameters, emptyObjectsForDefaultedPatterns, missingArgumentsHint } from '../../../src/worker/loading/arguments/missing-arguments';
import { FULL_PROTOTYPES_UP_TO, lowRankTeacher, prototypes, TEACHER_RANK } from '../../../src/worker/data/training-data';
import { createRandom, gaussian } from '../../../src/worker/random';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity/generalised');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

function request(file: string, overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: path.join(FIXTURES, file), steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic', ...overrides };
}

async function run(req: SanityRequest): Promise<SanityOutcome> {
  return runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

describe('import.meta in an ES module transpiled to CommonJS', () => {
  const rows: { code: string; expected: string }[] = [
    { code: 'const here = url.fileURLToPath(import.meta.url);', expected: 'const here = url.fileURLToPath(module.require("node:url").pathToFileURL(module.filename).href);' },
    { code: 'const d = import.meta.dirname, f = import.meta.filename;', expected: 'const d = module.require("node:path").dirname(module.filename), f = module.filename;' },
    { code: 'const mode = import.meta.env.MODE;', expected: 'const mode = ({ url: module.require("node:url").pathToFileURL(module.filename).href, filename: module.filename, dirname: module.require("node:path").dirname(module.filename), env: {} }).env.MODE;' },
    { code: 'const important = meta.url; // no import.meta here', expected: 'const important = meta.url; // no ({ url: module.require("node:url").pathToFileURL(module.filename).href, filename: module.filename, dirname: module.require("node:path").dirname(module.filename), env: {} }) here' },
    { code: 'const plain = 1;', expected: 'const plain = 1;' },
  ];
  for (const row of rows) {
    it(row.code, () => {
      assert.equal(withoutImportMeta(row.code), row.expected);
    });
  }
});

describe('an ES module declaring the names its CommonJS wrapper already has', () => {
  const rows: { code: string; expected: string }[] = [
    { code: 'const __filename = fileURLToPath(u);\nconst __dirname = dirname(__filename);', expected: '__filename = fileURLToPath(u);\n__dirname = dirname(__filename);' },
    { code: 'let require = createRequire(u);', expected: 'require = createRequire(u);' },
    { code: 'function f() {\n  const __dirname = 1;\n}', expected: 'function f() {\n  const __dirname = 1;\n}' },
    { code: 'const __dirnameOf = 1;\nconst requireAll = 2;', expected: 'const __dirnameOf = 1;\nconst requireAll = 2;' },
    { code: 'var require; try { require = createRequire(u); } catch (e) { report(e); }', expected: 'try { require = createRequire(u); } catch (e) { report(e); }' },
    { code: 'var requireAll; try { requireAll = 2; } catch (e) {}', expected: 'var requireAll; try { requireAll = 2; } catch (e) {}' },
  ];
  for (const row of rows) {
    it(JSON.stringify(row.code), () => assert.equal(withoutWrapperRedeclarations(row.code), row.expected));
  }
});

describe('a builder that returns an object wrapping the model', () => {
  const net = () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 2, inputShape: [3] }));
    return m;
  };
  class Holder {
    #inner: tf.LayersModel;
    constructor(inner: tf.LayersModel) {
      this.#inner = inner;
    }
    network(): tf.LayersModel {
      return this.#inner;
    }
  }
  const a = net();
  const b = net();
  const rows: { what: string; value: unknown; model?: tf.LayersModel; note?: string }[] = [
    { what: '{ error, model }', value: { error: false, model: a }, model: a, note: 'f() returned an object that holds the model in .model: sanity-train trains that model' },
    { what: 'one model under another name', value: { net: b, lr: 0.1 }, model: b, note: 'f() returned an object that holds the model in .net: sanity-train trains that model' },
    { what: 'two models, one named model', value: { target: b, model: a }, model: a, note: 'f() returned an object that holds 2 models (target, model): sanity-train trains .model' },
    { what: 'a class keeping it private behind network()', value: new Holder(b), model: b, note: 'f() returned a Holder whose network() gives the model: sanity-train trains that model' },
    { what: 'no model inside', value: { error: true, message: 'no data' } },
    { what: 'an array', value: [a], model: a, note: 'f() returned an array of 1 (1 model): sanity-train trains element [0] of 1, the only model' },
    { what: 'null', value: null },
  ];
  for (const row of rows) {
    it(row.what, () => {
      const found = unwrapModel(row.value, 'f()');
      assert.equal(found?.model, row.model);
      assert.equal(found?.note, row.note);
    });
  }
});

describe('a builder known only by its id that ran without the arguments it declares', () => {
  const rows: { fn: unknown; given: number; parameters: string[]; hint?: string }[] = [
    { fn: (graph: { nodes: unknown[]; edges: unknown[] }) => [graph.nodes, graph.edges], given: 0, parameters: ['graph'], hint: 'f takes 1 argument (graph) and ran with none: it reads graph.nodes, graph.edges, values only its caller has; pass it as JSON with --args' },
    { fn: function build(spec: unknown, units: number) { return [spec, units]; }, given: 1, parameters: ['spec', 'units'], hint: 'f takes 2 arguments (spec, units) and ran with 1: pass it as JSON with --args' },
    { fn: async (a: number, b: number) => a + b, given: 2, parameters: ['a', 'b'] },
    { fn: (size = 3) => size, given: 0, parameters: [] },
    { fn: 'not a function', given: 0, parameters: [] },
    { fn: class Holder { units: number; constructor(options: { units?: number }) { this.units = options.units || 8; } }, given: 0, parameters: ['options'], hint: 'f takes 1 argument (options) and ran with none: it reads options.units, values only its caller has; pass it as JSON with --args' },
    { fn: class Plain { run(): number { return 1; } }, given: 0, parameters: [] },
    { fn: (xs: number[][], ys: number[][], { epochs, batch = 16 }: { epochs: number; batch?: number }) => [xs, ys, epochs, batch], given: 0, parameters: ['xs', 'ys', '{ epochs, batch = 16 }'], hint: 'f takes 3 arguments (xs, ys, { epochs, batch = 16 }) and ran with none: pass them as JSON with --args' },
    { fn: (units: number, { depth } = { depth: 2 }) => [units, depth], given: 1, parameters: ['units'] },
  ];
  for (const row of rows) {
    it(`${String(row.fn).slice(0, 40)} with ${row.given}`, () => {
      assert.deepEqual(declaredParameters(row.fn), row.parameters);
      assert.equal(missingArgumentsHint('f', row.fn, row.given), row.hint);
    });
  }
});

describe('an options pattern with a default for every property, passed nothing: it runs with {}', () => {
  const rows: { fn: unknown; given: number; expected: unknown[] | undefined }[] = [
    { fn: ({ units = 8, depth = 2 }) => units * depth, given: 0, expected: [{}] },
    { fn: (n: number, { rate: r = 0.1, name = 'x' }) => [n, r, name], given: 1, expected: [{}] },
    { fn: ({ units, depth = 2 }: { units: number; depth?: number }) => units * depth, given: 0, expected: undefined },
    { fn: (units: number) => units, given: 0, expected: undefined },
    { fn: ({ units = 8 }) => units, given: 1, expected: undefined },
  ];
  for (const row of rows) {
    it(`${String(row.fn).slice(0, 50)} with ${row.given}`, () => assert.deepEqual(emptyObjectsForDefaultedPatterns(row.fn, row.given), row.expected));
  }
});

describe('guessed shapes that build a huge model', () => {
  const shapes: { value: unknown; expected: unknown }[] = [
    { value: [[28, 28, 1], 16, [28, 28, 1]], expected: [[8, 8, 1], 16, [8, 8, 1]] },
    { value: [{ observationSize: [64, 48, 3], actions: 4 }], expected: [{ observationSize: [8, 8, 3], actions: 4 }] },
    { value: [[6, 6, 1], [10, 4]], expected: [[6, 6, 1], [10, 4]] },
    { value: [[32, 32, 3.5]], expected: [[32, 32, 3.5]] },
    { value: [100, 'relu', null], expected: [100, 'relu', null] },
    { value: [{ boardSize: 19, numChannels: 256 }], expected: [{ boardSize: 8, numChannels: 256 }] },
    { value: [{ imgRows: 64, imgCols: 6 }], expected: [{ imgRows: 8, imgCols: 6 }] },
    { value: [{ getBoardSize: { $returns: { a: 10, b: 10 } }, getActionSize: { $returns: 4 } }, { num_channels: 512 }], expected: [{ getBoardSize: { $returns: { a: 8, b: 8 } }, getActionSize: { $returns: 4 } }, { num_channels: 512 }] },
    { value: [{ grid: { $returns: [12, 12] } }], expected: [{ grid: { $returns: [8, 8] } }] },
    { value: [{ NUM_ROWS: 28, NUM_COLS: 28, NUM_CNN_FILTERS: 16 }, false], expected: [{ NUM_ROWS: 8, NUM_COLS: 8, NUM_CNN_FILTERS: 16 }, false] },
    { value: [{ nRows: 20, numColumns: 12, numLayers: 40 }], expected: [{ nRows: 8, numColumns: 8, numLayers: 40 }] },
  ];
  for (const row of shapes) {
    it(`${JSON.stringify(row.value)} → ${JSON.stringify(row.expected)}`, () => assert.deepEqual(withSmallShapes(row.value), row.expected));
  }
  const sources: { source: string | undefined; guessed: boolean }[] = [
    { source: 'guessed from the names and types (inputShape, actionSpaceN)', guessed: true },
    { source: 'call in train.js:12; guessed from the names and types (units)', guessed: true },
    { source: 'given with --args; the rest: guessed from the names and types (units)', guessed: false },
    { source: 'given', guessed: false },
    { source: undefined, guessed: false },
  ];
  for (const row of sources) {
    it(`${row.source ?? 'no source'}: ${row.guessed ? 'capped' : 'never changed'}`, () => assert.equal(guessedArguments(row.source), row.guessed));
  }
  it('counts weights while building, reports each doubling past a million and stops at the cap', () => {
    const heard: number[] = [];
    const watch = watchBuild(tf, (n) => heard.push(n), 3_000_000);
    try {
      tf.sequential({ layers: [tf.layers.dense({ units: 1000, inputShape: [1000] }), tf.layers.dense({ units: 1000 })] });
      assert.equal(watch.params(), 2_002_000);
      assert.deepEqual(heard, [1_000_000, 2_001_000]);
      assert.throws(() => tf.sequential({ layers: [tf.layers.dense({ units: 1000, inputShape: [1000] })] }), (err: unknown) => tooLargeIn(err)?.params === 3_002_000);
    } finally {
      watch.restore();
    }
    assert.ok(!(tooLargeIn(new Error('x', { cause: new Error('y') })) instanceof ModelTooLargeError));
    assert.equal(GUESSED_MODEL_CAP, 30_000_000);
  });
  it("class prototypes: one random value per input up to the limit; past it (11 billion values for 21,125 classes of a 416×416×3 image) a class's code times a shared projection, matching a float64 reference", () => {
    const small = prototypes(3, 4, createRandom(5));
    const reference = createRandom(5);
    const values = Array.from({ length: 12 }, () => Math.fround(gaussian(reference)));
    assert.deepEqual([...small(1)], values.slice(4, 8));
    // Just past the limit: 4,096 classes of 4,097 inputs.
    const [classes, size] = [4096, 4097];
    assert.ok(classes * size > FULL_PROTOTYPES_UP_TO);
    const large = prototypes(classes, size, createRandom(7));
    const random = createRandom(7);
    const codes = Array.from({ length: classes * TEACHER_RANK }, () => Math.fround(gaussian(random)));
    const projection = Array.from({ length: TEACHER_RANK * size }, () => Math.fround(gaussian(random) / Math.sqrt(TEACHER_RANK)));
    for (const c of [0, classes - 1]) {
      const got = [...large(c)];
      for (const j of [0, 1, size - 1]) {
        let expected = 0;
        for (let k = 0; k < TEACHER_RANK; k++) {
          expected += codes[c * TEACHER_RANK + k] * projection[k * size + j];
        }
        assert.ok(Math.abs(got[j] - expected) < 1e-5 * (1 + Math.abs(expected)), `class ${c}, input ${j}: ${got[j]} vs ${expected}`);
      }
    }
  });
  it('the low-rank teacher matches a float64 reference of xs · A · B', () => {
    const [total, size, units] = [3, 5, 4];
    const xs = Float32Array.from({ length: total * size }, (_, i) => Math.sin(i + 1));
    const ys = lowRankTeacher(xs, total, size, units, createRandom(9));
    const random = createRandom(9);
    const a = Array.from({ length: size * TEACHER_RANK }, () => Math.fround(gaussian(random) / Math.sqrt(size)));
    const b = Array.from({ length: TEACHER_RANK * units }, () => Math.fround(gaussian(random) / Math.sqrt(TEACHER_RANK)));
    for (let i = 0; i < total; i++) {
      for (let u = 0; u < units; u++) {
        let expected = 0;
        for (let k = 0; k < TEACHER_RANK; k++) {
          let hidden = 0;
          for (let j = 0; j < size; j++) {
            hidden += xs[i * size + j] * a[j * TEACHER_RANK + k];
          }
          expected += hidden * b[k * units + u];
        }
        assert.ok(Math.abs(ys[i * units + u] - expected) < 1e-5 * (1 + Math.abs(expected)), `${ys[i * units + u]} vs ${expected}`);
      }
    }
  });
});

describe('guessed sides too small for the layers', () => {
  const rows: { args: unknown[]; names: string[]; guessed: string[]; expected: unknown[] }[] = [
    { args: [4, 10, 10, 1], names: ['numActions', 'h', 'w', 'c'], guessed: ['numActions', 'h', 'w', 'c'], expected: [4, 20, 20, 1] },
    { args: [[10, 10, 2], 3], names: ['inputShape', 'classes'], guessed: ['inputShape', 'classes'], expected: [[20, 20, 2], 3] },
    { args: [{ boardSize: 8, actions: 4, height: 6 }], names: ['opts'], guessed: ['opts'], expected: [{ boardSize: 16, actions: 4, height: 12 }] },
    { args: [10, 10], names: ['rows', 'cols'], guessed: ['cols'], expected: [10, 20] },
    { args: [16, 'same'], names: ['filters', 'padding'], guessed: ['filters', 'padding'], expected: [16, 'same'] },
  ];
  for (const row of rows) {
    it(`${JSON.stringify(row.args)} (${row.names.join(', ')}; guessed ${row.guessed.join(', ')}) → ${JSON.stringify(row.expected)}`, () => {
      assert.deepEqual(withLargerSides(row.args, row.names, row.guessed, 2), row.expected);
    });
  }
  it("tells tfjs's too-small input from other errors, wrapped or not", () => {
    assert.ok(inputTooSmallIn(new Error('Negative dimension size caused by adding layer conv2d_Conv2D3 with input shape [,2,2,16]')));
    assert.ok(inputTooSmallIn(new Error('createQNetwork() threw', { cause: new Error('Negative dimension size caused by adding layer x') })));
    assert.ok(!inputTooSmallIn(new Error('Input 0 is incompatible with layer dense')));
  });
});

describe('generalised kinds run (through the worker)', function () {
  this.timeout(90_000);

  it('an ES module whose sibling uses import.meta.url for its folder loads', async () => {
    const report = reportOf(await run(request('esm-meta/grid-net.js', { model: 'gridNet', args: [6, 6, 1] })));
    assert.equal(report.runs[0].steps, 2);
  });

  it('a builder returning { error, model } trains the model, with a note', async () => {
    const report = reportOf(await run(request('wrapped-result.ts', { model: 'classifierResult', args: [5, 3] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('classifierResult() returned an object that holds the model in .model: sanity-train trains that model'), JSON.stringify(report.notes));
  });

  it('a builder returning a class that hands out its private model through network()', async () => {
    const report = reportOf(await run(request('wrapped-result.ts', { model: 'policyHolder', args: [5, 2] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('policyHolder() returned a PolicyHolder whose network() gives the model: sanity-train trains that model'), JSON.stringify(report.notes));
  });

  it('guessed shapes that build a huge model: stopped at the cap and built again with 8×8 images, said so', async () => {
    const report = reportOf(await run(request('growing-head.ts', { model: 'growingHead', args: [[28, 28, 1]], argsSource: 'guessed from the names and types (inputShape)' })));
    assert.deepEqual(report.call?.args, [[8, 8, 1]]);
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('the guessed image or board sides built a model of more than 30.0 M parameters (counted while building, then stopped); sanity-train built it with 8×8 sides instead')), JSON.stringify(report.notes));
  });

  it('guessed board sides too small for unpadded convolutions: built again with them doubled, said so', async () => {
    const report = reportOf(await run(request('valid-convs.js', { model: 'createQNetwork', args: [4, 5, 5, 1], argsSource: 'guessed from the names and types (numActions, h, w, c)' })));
    assert.deepEqual(report.call?.args, [4, 20, 20, 1]);
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.[0]?.startsWith("the guessed image or board sides were too small for the model's layers (tfjs: negative dimension size); sanity-train built it with them 4× larger"), JSON.stringify(report.notes));
  });

  it('the same sides given by the user fail as they would in the program', async () => {
    const outcome = await run(request('valid-convs.js', { model: 'createQNetwork', args: [4, 6, 6, 1], argsSource: 'given' }));
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /Negative dimension size/);
  });

  it('the same shapes given by the user are built as given', async () => {
    const report = reportOf(await run(request('growing-head.ts', { model: 'growingHead', args: [[12, 12, 1]], argsSource: 'given' })));
    assert.deepEqual(report.call?.args, [[12, 12, 1]]);
  });

  it('a builder whose parameter is a graph description, run with nothing: the message names the parameter and what it reads', async () => {
    const outcome = await run(request('graph-description.js', { model: 'modelFromGraph' }));
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /\(modelFromGraph takes 1 argument \(graph\) and ran with none: it reads graph\.nodes, graph\.edges, values only its caller has; pass it as JSON with --args\)$/);
  });

  it('the same builder given a graph trains it', async () => {
    const graph = { nodes: [{ id: 'a', type: 'Input', args: { shape: [4] } }, { id: 'b', type: 'Dense', args: { units: 6 } }, { id: 'c', type: 'BatchNorm' }, { id: 'd', type: 'Dense', args: { units: 2, activation: 'softmax' } }], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'd' }] };
    const report = reportOf(await run(request('graph-description.js', { model: 'modelFromGraph', args: [graph] })));
    assert.equal(report.runs[0].steps, 2);
  });

  it('a factory whose options pattern defaults every property, run with nothing: it gets {}, with a note', async () => {
    const report = reportOf(await run(request('defaulted-options.js', { model: 'valueAgent' })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('valueAgent takes an options object with a default for every property: it ran with {}'), JSON.stringify(report.notes));
  });

  it('a function that trains on the data matrices it is given and returns { failed, model }: stopped at its fit(), the model it was training is trained by sanity-train', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => Array.from({ length: 5 }, (_, j) => (j % 3 === i % 3 ? 1 : 0)));
    const labels = Array.from({ length: 12 }, (_, i) => [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0)));
    const report = reportOf(await run(request('train-from-rows.ts', { model: 'trainFromRows', args: [rows, labels, { epochs: 2, learningRate: 0.01 }] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('trainFromRows() trains the model it builds (model.fit() at train-from-rows.ts:16): sanity-train stopped it at that call and trained that model, as the builder compiled it'), JSON.stringify(report.notes));
  });

  it('a missing package used at load through `import * as ns` (new ns.Type()) gets a constructible stand-in', async () => {
    const report = reportOf(await run(request('namespace-stand-in.js', { model: 'actionNet', args: [5] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('rbn-fixture-codec-that-is-not-installed is not installed')), JSON.stringify(report.notes));
  });

  it("a class exported as the module, whose base class is in a missing file: its own method builds, not the base's stand-in, and a field the base would have made is filled", async () => {
    const report = reportOf(await run(request('extends-missing-base.js', { model: 'TrendModel.createModel', instanceVars: { settings: { periods: 6 } } })));
    assert.equal(report.runs[0].steps, 2);
    assert.equal(report.runs[0].graph?.nodes.find((n) => n.className === 'Dense')?.params, 24 * 8 + 8, 'the input of periods × windows = 24');
    assert.ok(report.notes?.some((n) => n.startsWith('./models/base-model-that-is-not-here that extends-missing-base.js imports is missing')), JSON.stringify(report.notes));
  });

  it('a missing HTTP client whose response body is piped into a file the builder awaits: the file ends empty at once, and the builder goes on to its fallback size', async () => {
    const report = reportOf(await run(request('streamed-vocabulary.js', { model: 'buildTagger', args: ['https://example.invalid/vocabulary.txt', 3] })));
    assert.equal(report.runs[0].steps, 2);
    assert.equal(report.runs[0].graph?.nodes.find((n) => n.className === 'Dense')?.params, 6 * 8 + 8, 'the fallback width of 6, the vocabulary being empty');
    assert.ok(report.notes?.some((n) => n.startsWith('rbn-fixture-http-client-that-is-not-installed is not installed')), JSON.stringify(report.notes));
  });

  it('code of a module that loaded with a stand-in throws from a timer: the failure names the missing package', async () => {
    const outcome = await run(request('stray-callback.js', { model: 'buildScorer', args: [4] }));
    assert.equal(outcome.kind, 'error');
    const message = (outcome as { message: string }).message;
    assert.match(message, /^user code threw: SyntaxError: .*JSON.*\(rbn-fixture-metrics-client-that-is-not-installed is not installed: the module loaded with an inert stand-in for it/, message);
  });

  it('a tfjs add-on that is not installed (React Native\'s adapter) gets a stand-in; tfjs itself is served as ever', async () => {
    const report = reportOf(await run(request('react-native-model.js', { model: 'createClassifier', args: [5] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('@tensorflow/tfjs-react-native is not installed: the module loaded with an inert stand-in')), JSON.stringify(report.notes));
  });

  it('a script that throws as it loads, before the constants and the (arrow) builder it declares: the rest of it runs, and the first note says where it threw', async () => {
    const report = reportOf(await run(request('throws-before-constants.ts', { model: 'buildRegressor', args: [4] })));
    assert.equal(report.runs[0].steps, 2);
    assert.match(report.notes?.[0] ?? '', /^throws-before-constants\.ts throws when it loads: Error: ENOENT.*throws-before-constants\.ts:6\); sanity-train skipped the statements that threw, ran the rest of the file and built the model with buildRegressor\(\)/);
  });

  it('a service whose module imports a project module that throws as it loads (a missing environment variable): that module runs past it too, said first', async () => {
    const report = reportOf(await run(request('env-config/matching-service.ts', { model: 'MatchingService.buildModel' })));
    assert.equal(report.runs[0].steps, 2);
    assert.match(report.notes?.[0] ?? '', /^matching-service\.ts throws when it loads: Error: RBN_FIXTURE_DATABASE_URL is missing \(at .*matching-service\.ts:3\); sanity-train skipped the statements that threw/);
  });

  it('a method builder whose constructor and field initialiser throw (a class the file no longer has): built past them, said first', async () => {
    const report = reportOf(await run(request('ctor-throws.js', { model: 'ReplayAgent.buildNetwork', ctorArgs: [6, 3] })));
    assert.equal(report.runs[0].steps, 2);
    assert.match(report.notes?.[0] ?? '', /^new ReplayAgent\(\) throws: ReferenceError: ReplayMemory is not defined \(at .*ctor-throws\.js:5\); sanity-train skipped the constructor's statements that threw, ran the rest and built the model with ReplayAgent\.buildNetwork\(\)/);
  });

  it('a page script whose class wires its buttons in the constructor and whose top level uses the page: built past the constructor, the page read as it loads again', async () => {
    const report = reportOf(await run(request('ui-wired-classifier.js', { model: 'SortingClassifier.createModel' })));
    assert.equal(report.runs[0].steps, 2);
    assert.deepEqual(report.runs[0].graph?.nodes.at(-1)?.outputShape, [null, 4]);
    assert.match(report.notes?.[0] ?? '', /^new SortingClassifier\(\) throws: BrowserOnlyError: document\.getElementById is browser-only.*sanity-train skipped the constructor's statements that threw/);
  });

  it('a builder that takes tfjs from a project loader module (`let tf = null`, filled once script tags load, handed out by getTensorFlow()): the worker\'s tfjs', async () => {
    const report = reportOf(await run(request('tfjs-loader/tab-classifier.js', { model: 'TabClassifier.buildModel' })));
    assert.equal(report.runs[0].steps, 2);
    assert.deepEqual(report.runs[0].graph?.nodes.at(-1)?.outputShape, [null, 4]);
  });

  it('a method builder that needs what its throwing constructor failed to set: the constructor\'s own error', async () => {
    const outcome = await run(request('ctor-throws.js', { model: 'LoggedAgent.buildNetwork' }));
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /^new LoggedAgent\(\) threw: ReferenceError: TrainingLog is not defined/);
  });

  it('a smoke test that builds, runs and disposes two models and returns true: the one with BatchNorm trains, said so', async () => {
    const report = reportOf(await run(request('smoke-test.js', { model: 'checkInstall' })));
    assert.equal(report.runs[0].steps, 2);
    assert.deepEqual(report.runs[0].graph?.nodes.at(-1)?.outputShape, [null, 3]);
    assert.ok(report.notes?.includes('checkInstall() returned a boolean and kept no model: sanity-train trained the last of the 2 models it used that has BatchNorm layers during the call'), JSON.stringify(report.notes));
  });

  it('a text classifier whose one input feeds an Embedding trains on whole token ids in range (not Gaussian floats, which gather out of range)', async () => {
    const report = reportOf(await run(request('text-classifier.js', { model: 'buildTextModel' })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(Number.isFinite(report.runs[0].finalLoss), String(report.runs[0].finalLoss));
  });

  it('a constructor that builds its model, then loads weights a missing script was to define: that model, said first', async () => {
    const report = reportOf(await run(request('ctor-loads-weights.js', { model: 'KeywordNet', args: [['yes', 'no', 'up']] })));
    assert.equal(report.runs[0].steps, 2);
    assert.deepEqual(report.runs[0].graph?.nodes.at(-1)?.outputShape, [null, 3]);
    assert.match(report.notes?.[0] ?? '', /^new KeywordNet\(\) throws: ReferenceError: PRETRAINED_WEIGHTS is not defined \(at .*ctor-loads-weights\.js:12\); sanity-train skipped the constructor's statements that threw, ran the rest and trained the model it built/);
  });

  it('a constructor that throws before it has a model: its own error', async () => {
    const outcome = await run(request('ctor-loads-weights.js', { model: 'ConfiguredNet' }));
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /^new ConfiguredNet\(\) threw: ReferenceError: CONFIGS is not defined/);
  });

  it('an ES-module script that declares its own __filename, __dirname and require from import.meta loads', async () => {
    const report = reportOf(await run(request('esm-own-filename.js', { model: 'createModel', args: [5] })));
    assert.equal(report.runs[0].steps, 2);
  });

  it('a missing client package whose call results are used as promises at load (.then().catch()): they settle with stand-ins', async () => {
    const report = reportOf(await run(request('missing-client.js', { model: 'Trainer.buildModel', args: [5] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('rbn-fixture-database-client-that-is-not-installed is not installed')), JSON.stringify(report.notes));
  });

  it('a page module that fetches its own files by relative URL gets them from the project, with a note', async () => {
    const report = reportOf(await run(request('fetch-app/js/net.js', { model: 'loadNet' })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes("the code fetched './model/sizes.json' by relative URL: sanity-train served it from ../model/sizes.json in your project, as the page's server would"), JSON.stringify(report.notes));
  });

  it("a saved model loaded with tfjs-node's file:// URL, tfjs-node not installed: read from disk, said so", async () => {
    const report = reportOf(await run(request('saved-or-fresh/model.js', { model: 'loadModel', args: ['alpha'] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => /^the code loaded 'file:\/\/.*saved-or-fresh\/models\/alpha\/model\.json' and '.*weights\.bin' \(tfjs-node's file system loading, which the tfjs that ran has not\): sanity-train read them from disk$/.test(n)), JSON.stringify(report.notes));
  });

  it('a file it fetches that the project does not hold answers 404, and the message says so', async () => {
    const outcome = await run(request('fetch-app/js/net.js', { model: 'loadMissing' }));
    assert.equal(outcome.kind, 'error');
    assert.match(outcome.kind === 'error' ? outcome.message : '', /no model: 404.*'\.\/model\/not-there\.json' is not in your project/);
  });

  it('too few arguments typed, and the proposal for the rest fails too: the first failure stands, with its hint', async () => {
    const outcome = await run(request('strict-sides.js', { model: 'createBoardNet', args: [3] }));
    assert.equal(outcome.kind, 'error');
    assert.match(outcome.kind === 'error' ? outcome.message : '', /^createBoardNet\(\) threw: Error: cols must be twice rows, got 3 and undefined .*cols ran as undefined, as JavaScript passes them/);
  });

  it('a module that picks a backend as it loads (webgl, absent in Node) loads, and training stays on the chosen backend, said so', async () => {
    const report = reportOf(await run(request('picks-backend.mjs', { model: 'createClassifier', args: [5] })));
    assert.equal(report.runs[0].steps, 2);
    assert.equal(report.backend, 'cpu');
    assert.ok(report.notes?.includes("the code asked for the 'webgl' backend (tf.setBackend): sanity-train kept cpu, the backend it chose for training (--backend picks another)"), JSON.stringify(report.notes));
  });

  it("a class decorated by a missing framework's decorators (@Injectable, @Input) stays the class", async () => {
    const report = reportOf(await run(request('decorated-service.ts', { model: 'ModelService.createModel', args: [5], ctorArgs: [] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('@example/app-framework is not installed')), JSON.stringify(report.notes));
  });

  it('globals the code declares for its page to define (`declare const`, a typings file, `declare global`): inert stand-ins, said so', async () => {
    const report = reportOf(await run(request('declared-globals/src/signal-service.ts', { model: 'SignalService.buildModel', args: [], ctorArgs: [] })));
    assert.equal(report.runs[0].steps, 2);
    assert.deepEqual(report.browserStandIns, ['dspLib', 'chartLib', 'sessionLog']);
    assert.ok(
      report.notes?.includes('The module used dspLib, chartLib and sessionLog while building the model, globals the code declares (`declare`) for the page or host to define, which nothing defines in Node: sanity-train gave them inert stand-ins.'),
      JSON.stringify(report.notes),
    );
  });

  it("a VAE encoder's sampled output gets no loss and no score in the built-in task, said so", async () => {
    const report = reportOf(await run(request('vae-encoder.js', { model: 'buildEncoder', args: [300, 256, 2], steps: 30, batchSize: 8 })));
    const r = report.runs[0];
    assert.equal(r.steps, 30);
    assert.deepEqual(r.exploding, [], JSON.stringify(r.exploding));
    assert.deepEqual(r.outputs?.map((o) => o.name), ['z_mean', 'z_log_var']);
    assert.ok(report.notes?.includes('z is random (different on each call with the same input, as a VAE\'s sampled latent is): the built-in task puts no loss on it and does not score it'), JSON.stringify(report.notes));
    assert.ok(report.notes?.some((n) => n.startsWith('optimizer: Adam (lr 0.001), meanSquaredError + meanSquaredError + no loss on z (random)')), JSON.stringify(report.notes));
  });

  it("imports through SvelteKit's $lib and a tsconfig path alias resolve to the project's files, not stand-ins", async () => {
    const report = reportOf(await run(request('aliased-app/src/lib/server/model.ts', { model: 'buildPolicy', args: [] })));
    assert.equal(report.runs[0].steps, 2);
    const nodes = report.runs[0].graph?.nodes ?? [];
    assert.deepEqual(nodes[0]?.outputShape, [null, 6, 6, 2]);
    assert.deepEqual(nodes[nodes.length - 1]?.outputShape, [null, 5]);
    assert.ok(!report.notes?.some((n) => n.includes('not installed')), JSON.stringify(report.notes));
  });

  for (const [title, args] of [
    ['the values after tf', [{ features: 5, hidden: 6, classes: 3 }]],
    ["every parameter's, 'tf' standing for the module", ['tf', { features: 5, hidden: 6, classes: 3 }]],
  ] as const) {
    it(`a builder a UMD factory returns, whose first parameter takes tfjs, typed with ${title}: the tfjs in use goes there`, async () => {
      const report = reportOf(await run(request('umd-builder.js', { model: 'buildFromSpec', args: [...args] })));
      assert.equal(report.runs[0].steps, 2);
      const nodes = report.runs[0].graph?.nodes ?? [];
      assert.deepEqual(nodes[0]?.outputShape, [null, 5]);
      assert.deepEqual(nodes[nodes.length - 1]?.outputShape, [null, 3]);
    });
  }

  it('sizes from sibling packages of a pnpm workspace nobody installed (built entries never built): their sources, not stand-ins', async () => {
    const report = reportOf(await run(request('workspace-app/apps/trainer/model.ts', { model: 'buildPolicy', args: [] })));
    assert.equal(report.runs[0].steps, 2);
    const nodes = report.runs[0].graph?.nodes ?? [];
    assert.deepEqual(nodes[0]?.outputShape, [null, 6, 6, 3]);
    assert.deepEqual(nodes[nodes.length - 1]?.outputShape, [null, 5]);
    assert.ok(!report.notes?.some((n) => n.includes('not installed')), JSON.stringify(report.notes));
  });

  it("a Web Worker's script that posts messages as it builds: they go nowhere, said so", async () => {
    const report = reportOf(await run(request('worker-script.js', { model: 'buildNet', args: [4] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('the code posts messages to a page (postMessage, as a Web Worker does): in sanity-train they go nowhere'), JSON.stringify(report.notes));
  });

  it('files of its own that are missing (a submodule not checked out, an ignored file) get stand-ins, and the note says where they lie', async () => {
    const report = reportOf(await run(request('missing-file/net.js', { model: 'buildNet', args: [5] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('./pretrained/weights and 1 more file that net.js imports are missing: the module loaded with inert stand-ins; they lie in the git submodule pretrained, which is not checked out (git submodule update --init pretrained)'), JSON.stringify(report.notes));
  });
});
