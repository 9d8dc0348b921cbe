import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { guardLayerConfigs, missingConfigField, missingConfigNote } from '../../../src/worker/loading/layer-config-guard';

const BUILDERS = path.resolve(__dirname, '../../fixtures/sanity/builders');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

type Factories = Record<string, (config?: unknown) => tf.layers.Layer>;

describe('tf.layers factories called without the config object tfjs reads', () => {
  it('reads the field from the TypeError, and nothing else', () => {
    assert.equal(missingConfigField(new TypeError("Cannot read properties of undefined (reading 'dataFormat')")), 'dataFormat');
    assert.equal(missingConfigField(new TypeError("Cannot read property 'poolSize' of undefined")), undefined);
    assert.equal(missingConfigField(new Error("Cannot read properties of undefined (reading 'dataFormat')")), undefined);
    assert.equal(missingConfigField(new TypeError("Cannot read properties of null (reading 'dataFormat')")), undefined);
  });

  const rows: { factory: string; builds: boolean; field?: string }[] = [
    // tfjs gives the field it read a default when given {}: built, and said.
    { factory: 'globalAveragePooling2d', builds: true, field: 'dataFormat' },
    { factory: 'globalMaxPooling2d', builds: true, field: 'dataFormat' },
    { factory: 'maxPooling2d', builds: true, field: 'poolSize' },
    // {} leaves a required field empty: it fails as written.
    { factory: 'dropout', builds: false },
    { factory: 'dense', builds: false },
    { factory: 'conv2d', builds: false },
  ];
  for (const row of rows) {
    it(`${row.factory}() ${row.builds ? 'builds with {}, noted' : 'still throws tfjs’s error'}`, () => {
      const guard = guardLayerConfigs(tf);
      const factories = tf.layers as unknown as Factories;
      try {
        if (row.builds) {
          assert.ok(factories[row.factory]() instanceof tf.layers.Layer);
          assert.equal(guard.notes.length, 1);
          assert.match(guard.notes[0], new RegExp(`^tf\\.layers\\.${row.factory}\\(\\) at .*layer-config-guard\\.test\\.ts:\\d+ is called without a config object, and tfjs 4\\.22\\.0 reads its '${row.field}'`));
        } else {
          assert.throws(() => factories[row.factory](), TypeError);
          assert.deepEqual(guard.notes, []);
        }
      } finally {
        guard.restore();
      }
      assert.throws(() => factories[row.factory](), TypeError, 'restored: tfjs’s own factory');
    });
  }

  const kerasRows: { name: string; config: Record<string, unknown>; field: string; className: string }[] = [
    { name: 'l2', config: { units: 4, inputShape: [3], kernelRegularizer: 'l2' }, field: 'kernelRegularizer', className: 'L1L2' },
    { name: 'l1', config: { units: 4, inputShape: [3], biasRegularizer: 'l1' }, field: 'biasRegularizer', className: 'L1L2' },
    { name: 'l1_l2', config: { units: 4, inputShape: [3], kernelRegularizer: 'l1_l2' }, field: 'kernelRegularizer', className: 'L1L2' },
  ];
  for (const row of kerasRows) {
    it(`a regularizer named '${row.name}' as Keras names it: built with tfjs's at Keras's default strength, noted`, () => {
      const guard = guardLayerConfigs(tf);
      try {
        const layer = tf.layers.dense(row.config as unknown as Parameters<typeof tf.layers.dense>[0]);
        const config = layer.getConfig()[row.field] as { className: string; config: Record<string, number> };
        assert.equal(config.className, row.className);
        assert.ok(Object.values(config.config).every((v) => v === 0 || Math.abs(v - 0.01) < 1e-9), JSON.stringify(config.config));
        assert.equal(guard.notes.length, 1);
        assert.match(guard.notes[0], new RegExp(`^tf\\.layers\\.dense\\(\\) at .*layer-config-guard\\.test\\.ts:\\d+ names its regularizer '${row.name}', as Keras does, and tfjs 4\\.22\\.0 knows no regularizer by that name`));
      } finally {
        guard.restore();
      }
      assert.throws(() => tf.layers.dense(row.config as unknown as Parameters<typeof tf.layers.dense>[0]), /Unknown regularizer/, 'restored: tfjs’s own factory');
    });
  }

  it('a regularizer name that is not one of Keras\'s still fails with tfjs\'s error', () => {
    const guard = guardLayerConfigs(tf);
    try {
      assert.throws(() => tf.layers.dense({ units: 4, inputShape: [3], kernelRegularizer: 'ridge' } as unknown as Parameters<typeof tf.layers.dense>[0]), /Unknown regularizer: ridge/);
    } finally {
      guard.restore();
    }
    assert.deepEqual(guard.notes, []);
  });

  it('a call given its config is left alone, and said nowhere', () => {
    const guard = guardLayerConfigs(tf);
    try {
      tf.layers.globalAveragePooling2d({});
      tf.layers.flatten();
    } finally {
      guard.restore();
    }
    assert.deepEqual(guard.notes, []);
  });

  it('the note says the program throws there too and what to write', () => {
    assert.equal(
      missingConfigNote('globalAveragePooling2d', 'dataFormat', 'embed.js:7', '4.22.0'),
      `tf.layers.globalAveragePooling2d() at embed.js:7 is called without a config object, and tfjs 4.22.0 reads its 'dataFormat': it throws there in your program too ("Cannot read properties of undefined"). Sanity-train built it with globalAveragePooling2d({}) (tfjs's defaults), to go on: write globalAveragePooling2d({}) there`,
    );
  });

  it('a builder with such a call trains, and the first note names its line', async () => {
    const request: SanityRequest = { file: path.join(BUILDERS, 'pooling-no-config.js'), model: 'buildEmbedder', steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
    const outcome: SanityOutcome = await runSanityTrain(request, { workerScript: WORKER, maxMemoryMb: 2048 });
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.equal(report.runs[0].steps, 2);
    assert.match(report.notes?.[0] ?? '', /^tf\.layers\.globalAveragePooling2d\(\) at .*pooling-no-config\.js:8 is called without a config object/);
  });
});
