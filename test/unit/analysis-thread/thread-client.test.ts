import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { AnalysisThread } from '../../../src/analysis-thread/thread-client';
import { analyzeSource } from '../../../src/core/analysis';
import { findModelBuilders } from '../../../src/core/analysis/builders/model-builders';
import { convertToRunningBatchNorm, revertToBatchNormalization } from '../../../src/core/refactor';

const THREAD_SOURCE = path.resolve(__dirname, '../../../src/analysis-thread/thread-main.ts');
const MODEL = `import * as tf from '@tensorflow/tfjs';\nexport function build() {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 4, inputShape: [2] }));\n  m.add(tf.layers.batchNormalization({ axis: -1 }));\n  return m;\n}\n`;
const CONVERTED = `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm';\nconst m = tf.sequential();\nm.add(runningBatchNorm({ momentum: 0.9 }));\n`;
const BROKEN = 'const = (;\ntf.layers.batchNormalization(';
const LAYER = '/p/src/running-batch-norm.ts';

/** Each core function gives the same plain data through the thread as when called directly. */
const roundTrips = [
  { name: 'analyzeSource, a model', method: 'analyzeSource', args: [MODEL, '/p/src/model.ts'], direct: () => analyzeSource(MODEL, '/p/src/model.ts') },
  { name: 'analyzeSource, a file that does not parse', method: 'analyzeSource', args: [BROKEN, '/p/src/broken.js'], direct: () => analyzeSource(BROKEN, '/p/src/broken.js') },
  { name: 'analyzeSource, no batch norm', method: 'analyzeSource', args: ['const x = 1;', '/p/a.js'], direct: () => analyzeSource('const x = 1;', '/p/a.js') },
  { name: 'findModelBuilders', method: 'findModelBuilders', args: [MODEL, '/p/src/model.ts'], direct: () => findModelBuilders(MODEL, '/p/src/model.ts') },
  {
    name: 'convertToRunningBatchNorm with a range',
    method: 'convertToRunningBatchNorm',
    args: [{ code: MODEL, fileName: '/p/src/model.ts', layerFilePath: LAYER, range: { start: MODEL.indexOf('batchNorm'), end: MODEL.indexOf('batchNorm') } }],
    direct: () => convertToRunningBatchNorm({ code: MODEL, fileName: '/p/src/model.ts', layerFilePath: LAYER, range: { start: MODEL.indexOf('batchNorm'), end: MODEL.indexOf('batchNorm') } }),
  },
  {
    name: 'revertToBatchNormalization',
    method: 'revertToBatchNormalization',
    args: [{ code: CONVERTED, fileName: '/p/src/c.ts', layerFilePath: LAYER }],
    direct: () => revertToBatchNormalization({ code: CONVERTED, fileName: '/p/src/c.ts', layerFilePath: LAYER }),
  },
] as const;

describe('analysis thread: core functions in a worker thread', function () {
  this.timeout(60_000);
  let thread: AnalysisThread;
  before(() => {
    thread = new AnalysisThread(THREAD_SOURCE);
  });
  after(() => thread.dispose());

  for (const c of roundTrips) {
    it(`${c.name}: the same result as in-process`, async () => {
      const call = thread.call.bind(thread) as (method: string, ...args: unknown[]) => Promise<unknown>;
      assert.deepEqual(await call(c.method, ...c.args), c.direct());
    });
  }

  it('answers concurrent calls each with its own result', async () => {
    const files = ['a', 'b', 'c', 'd'].map((n) => `/p/${n}.ts`);
    const results = await Promise.all(files.map((f) => thread.call('analyzeSource', MODEL, f)));
    assert.deepEqual(results.map((r) => r.file), files);
    assert.ok(results.every((r) => r.usages.length === 1 && r.usages[0]!.kind === 'batchNormalization'));
  });

  it('rejects with the thread error (name, message, stack) when a function throws, and keeps serving', async () => {
    const call = thread.call.bind(thread) as (method: string, ...args: unknown[]) => Promise<unknown>;
    await assert.rejects(call('analyzeSource', undefined, '/p/a.ts'), (error: Error) => {
      assert.equal(error.name, 'TypeError');
      assert.match(error.message, /includes/);
      assert.match(error.stack ?? '', /in the analysis thread, analyzeSource/);
      return true;
    });
    assert.equal((await thread.call('analyzeSource', MODEL, '/p/after.ts')).usages.length, 1);
  });

  it('sends arguments that structured clone refuses (VS Code hands settings out as proxies) as their JSON copy', async () => {
    const defaultArgs = new Proxy({ momentum: 0.8 }, {});
    const input = { code: MODEL, fileName: '/p/src/model.ts', layerFilePath: LAYER, defaultArgs };
    const result = await thread.call('convertToRunningBatchNorm', input);
    assert.deepEqual(result, convertToRunningBatchNorm({ ...input, defaultArgs: { momentum: 0.8 } }));
  });

  it('rejects arguments that cannot be sent at all, and keeps serving', async () => {
    const call = thread.call.bind(thread) as (method: string, ...args: unknown[]) => Promise<unknown>;
    const cyclic: Record<string, unknown> = { code: MODEL };
    cyclic.self = new Proxy(cyclic, {});
    await assert.rejects(call('convertToRunningBatchNorm', cyclic), /circular/i);
    assert.equal((await thread.call('analyzeSource', MODEL, '/p/after-bad-args.ts')).usages.length, 1);
  });

  it('rejects an unknown method by name', async () => {
    const call = thread.call.bind(thread) as (method: string) => Promise<unknown>;
    await assert.rejects(call('readSecrets'), /unknown analysis method 'readSecrets'/);
  });

  it('rejects calls in flight when stopped, then starts again on the next call', async () => {
    const inFlight = assert.rejects(thread.call('analyzeSource', MODEL, '/p/stopped.ts'), /the analysis thread was stopped/);
    await thread.dispose();
    await inFlight;
    assert.equal((await thread.call('analyzeSource', MODEL, '/p/restarted.ts')).file, '/p/restarted.ts');
  });
});

describe('analysis thread: a thread that cannot start', function () {
  this.timeout(30_000);
  it('rejects with why, and every later call does too (nothing hangs)', async () => {
    const missing = new AnalysisThread(path.join(__dirname, 'no-such-thread.js'));
    await assert.rejects(missing.call('analyzeSource', MODEL, '/p/a.ts'), /the analysis thread (failed|exited)/);
    await assert.rejects(missing.call('findModelBuilders', MODEL, '/p/a.ts'), /the analysis thread (failed|exited)/);
    await missing.dispose();
  });
});
