import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as tfjs from '@tensorflow/tfjs';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { fillTfjsFields, tfjsFieldsNote } from '../../../src/worker/loading/arguments/tfjs-fields';
import { tfjsFieldsRead } from '../../../src/core/analysis/arguments/tfjs-fields';

describe('tfjs kept in a field (a library bound to its host’s tfjs)', () => {
  const rows: [string, string, { onThis: string[]; onClass: string[] }][] = [
    ['static tf read through this and the class', 'const m = this.tf.sequential(); m.add(Model.tf.layers.dense({ units: 2 }));', { onThis: ['tf'], onClass: ['tf'] }],
    ['an instance field under another name, with a non-null assertion', 'const x = this._tfjs!.input({ shape: [4] }); this._tfjs.tidy(() => 0);', { onThis: ['_tfjs'], onClass: [] }],
    ['negative: a model field iterated for its layers, disposed, or called (this.model.layers.forEach, dispose, predict)', 'this.model.layers.forEach((l) => l); this.model.dispose(); this.net.predict(x); this.model.layers.length;', { onThis: [], onClass: [] }],
    ['negative: a plain member read (this.units) is nothing', 'tf.layers.dense({ units: this.units });', { onThis: [], onClass: [] }],
  ];
  for (const [title, code, expected] of rows) {
    it(title, () => assert.deepEqual(tfjsFieldsRead(code, 'Model'), expected));
  }

  it('fills only what is empty, where the code reads it, and says so', () => {
    class Model {
      static tf: unknown;
      model: unknown = { layers: [] };
    }
    const instance = new Model() as unknown as Record<string, unknown>;
    const filled = fillTfjsFields('this.model.layers.forEach(f); Model.tf.sequential()', 'Model', instance, Model, tfjs);
    assert.deepEqual(filled, ['Model.tf']);
    assert.equal(Model.tf, tfjs);
    assert.deepEqual(instance.model, { layers: [] });
    assert.equal(tfjsFieldsNote(filled, 'Model.build'), 'Model.build() reads tfjs from a field, and Model.tf was empty (your program sets it in a set-up call that did not run here): sanity-train set it to the tfjs it runs on');
    assert.equal(tfjsFieldsNote([], 'Model.build'), undefined);
  });
});

describe('tfjs kept in a field (through the worker)', function () {
  this.timeout(120_000);
  const FILE = path.resolve(__dirname, '../../fixtures/sanity/builders/tfjs-in-a-field.ts');
  const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');
  const request = (model: string): SanityRequest => ({ file: FILE, model, steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 60_000, seed: 1, data: 'synthetic' });
  const reportOf = (outcome: SanityOutcome): SanityReport => {
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
    return (outcome as { report: SanityReport }).report;
  };

  it('a static method reading the class’s static tf, which configure() would set: runs, with a note', async () => {
    const report = reportOf(await runSanityTrain(request('GanModel.createGenerator'), { workerScript: WORKER, maxMemoryMb: 2048 }));
    assert.equal(report.runs[0]!.steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('GanModel.createGenerator() reads tfjs from a field, and GanModel.tf was empty')), JSON.stringify(report.notes));
  });

  it('a method reading this.tfjs, which init() would set: runs, with a note', async () => {
    const report = reportOf(await runSanityTrain(request('Scorer.build'), { workerScript: WORKER, maxMemoryMb: 2048 }));
    assert.equal(report.runs[0]!.steps, 2);
    assert.ok(report.notes?.some((n) => n.includes('this.tfjs was empty')), JSON.stringify(report.notes));
  });
});
