import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSanityArgs } from '../../../src/cli/commands/sanity';
import { completeSanityRequest } from '../../../src/cli/sanity-arguments';
import type { SanityRequest } from '../../../src/core/training/protocol';
import { unrecognisedFunction } from '../../../src/core/analysis/builders/named-function';
import { MATRIX_CLASSES, MATRIX_FEATURES, MATRIX_ROWS } from '../../../src/core/analysis/arguments/argument-guesses';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity/generalised');

function complete(file: string, extra: Partial<SanityRequest> = {}) {
  const request = { ...parseSanityArgs([path.join(FIXTURES, file)], FIXTURES).request, ...extra };
  return completeSanityRequest(request, fs.readFileSync(request.file, 'utf8'));
}

describe('a function the builder analysis does not recognise: its parameters', () => {
  const rows: { code: string; id: string; expected: string[] | undefined }[] = [
    { code: 'export async function fit(rows: number[][], { epochs }: Opts, cb?: () => void) { return { model: other(rows) }; }', id: 'fit', expected: ['rows', '{ epochs }', 'cb'] },
    { code: 'const mapGraph = (graph) => assemble(graph.nodes);\nmodule.exports = { mapGraph };', id: 'mapGraph', expected: ['graph'] },
    { code: 'const wrap = function (tf, units = 3) { return build(tf, units); };', id: 'wrap', expected: ['tf', 'units'] },
    { code: 'const notAFunction = 3;', id: 'notAFunction', expected: undefined },
    // A method that trains the model it builds and returns its metrics: its own parameters (and its class's constructor's, below).
    { code: 'class Net { build() {} }', id: 'Net.build', expected: [] },
    { code: 'export class Trainer {\n  constructor(gpu = false) {}\n  async trainModel(def: any, rows: any[]) { const m = make(def); await m.fit(rows); return { loss: 1 }; }\n}', id: 'Trainer.trainModel', expected: ['def', 'rows'] },
    { code: 'class Net { build() {} }', id: 'Net.missing', expected: undefined },
    { code: 'class Net { build() {} }', id: 'Other.build', expected: undefined },
    // A class whose models come out of a destructured this.build(): its constructor's parameters.
    { code: 'class Vae {\n  constructor(config, seed = 1) { this.cfg = config.model; [this.enc, this.dec] = this.build(); }\n}', id: 'Vae', expected: ['config', 'seed'] },
    { code: 'export class Plain {}', id: 'Plain', expected: [] },
  ];
  for (const row of rows) {
    it(`${row.id} → ${row.expected ? row.expected.join(', ') : 'none'}`, () => {
      assert.deepEqual(unrecognisedFunction(row.code, '/p/f.ts', row.id)?.parameters.map((p) => p.name), row.expected);
    });
  }

  it("a method: called on an instance made with its class's constructor parameters; a static one on the class", () => {
    const method = unrecognisedFunction('class T {\n  constructor(gpu = false, seed) {}\n  fit(def) {}\n  static make(n) {}\n}', '/p/f.ts', 'T.fit');
    assert.deepEqual([method?.kind, method?.className, method?.memberName, method?.static], ['method', 'T', 'fit', undefined]);
    assert.deepEqual(method?.constructorParameters?.map((p) => p.name), ['gpu', 'seed']);
    const made = unrecognisedFunction('class T {\n  static make(n) {}\n}', '/p/f.ts', 'T.make');
    assert.deepEqual([made?.static, made?.constructorParameters], [true, undefined]);
  });
});

describe('rbn sanity arguments for a function the analysis does not recognise', function () {
  this.timeout(60_000);

  it('a function that trains on data matrices with a typed settings object gets consistent matrices and the required settings', () => {
    const { request, error } = complete('train-from-rows.ts', { model: 'trainFromRows' });
    assert.equal(error, undefined);
    const [rows, labels, settings] = request.args as [number[][], number[][], Record<string, unknown>];
    assert.equal(rows.length, MATRIX_ROWS);
    assert.ok(rows.every((r) => r.length === MATRIX_FEATURES));
    assert.equal(labels.length, MATRIX_ROWS);
    assert.ok(labels.every((l) => l.length === MATRIX_CLASSES && l.reduce((a, b) => a + b, 0) === 1));
    assert.deepEqual(settings, { epochs: 16, learningRate: 0.001 });
    assert.equal(request.args?.length, 3, 'the optional callback is left out');
    assert.match(request.argsSource ?? '', /^guessed from the names and types \(rows, labels, \{ epochs, learningRate, batchSize = 4 \}\)$/);
  });

  it('a parameter nothing fills: the one line says what the builder reads of it', () => {
    const { error } = complete('graph-description.js', { model: 'modelFromGraph' });
    assert.equal(error, 'no value to propose for graph of modelFromGraph: pass --args (the builder reads graph.nodes, graph.edges: a value its caller builds)');
  });
});

describe('rbn sanity arguments for a class the analysis does not see as a builder', function () {
  this.timeout(60_000);

  it("its constructor's options bag read two levels down gets a nested stand-in", () => {
    const file = path.resolve(__dirname, '../../fixtures/sanity/builders/destructured-build.js');
    const request = { ...parseSanityArgs([file], path.dirname(file)).request, model: 'Autoencoder' };
    const { request: completed, error } = completeSanityRequest(request, fs.readFileSync(file, 'utf8'));
    assert.equal(error, undefined);
    const [config] = completed.args as [{ modelConfig: Record<string, unknown> }];
    assert.deepEqual(Object.keys(config.modelConfig).sort(), ['hiddenDim', 'inputDim']);
    assert.ok(Object.values(config.modelConfig).every((v) => typeof v === 'number' && v > 0), JSON.stringify(config));
  });
});
