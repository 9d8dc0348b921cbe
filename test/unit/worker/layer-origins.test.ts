import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { firstUserFrame } from '../../../src/worker/loading/layer-origins';

const ORIGINS = path.resolve(__dirname, '../../fixtures/sanity/origins');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

describe('layer origins: the line that created each layer', () => {
  const own = new Set(['/x/dist/worker.js']);
  const blocks = path.join(ORIGINS, 'blocks.js');
  const net = path.join(ORIGINS, 'net.js');
  const rows: { title: string; stack: string; expected: { file: string; line: number } | undefined }[] = [
    { title: 'skips our own frames and packages', stack: `Error\n    at f (/x/dist/worker.js:1:2)\n    at Object.dense (/p/node_modules/@tensorflow/tfjs-layers/dist/x.js:3:4)\n    at convBlock (${blocks}:12:9)\n    at build (${net}:4:1)`, expected: { file: blocks, line: 12 } },
    { title: 'a frame without a function name', stack: `Error\n    at ${net}:7:3`, expected: { file: net, line: 7 } },
    { title: "a package's source-mapped frame (not on disk) is not user code", stack: `Error\n    at Sequential.add (/p/tfjs-layers/src/models.ts:538:9)\n    at buildModel (${net}:15:9)`, expected: { file: net, line: 15 } },
    { title: 'node internals and stand-ins are not user code', stack: 'Error\n    at node:internal/modules/cjs/loader:1:1\n    at /__rbn_missing_package__/x:1:1', expected: undefined },
  ];
  for (const row of rows) {
    it(row.title, () => {
      assert.deepEqual(firstUserFrame(row.stack, own), row.expected);
    });
  }

  it('layers built in a helper of another file, in a loop, in a class method, through tf handed in, get their lines', async function () {
    this.timeout(90_000);
    const outcome: SanityOutcome = await runSanityTrain(
      { file: path.join(ORIGINS, 'net.js'), model: 'Net.build', args: [[4, 6]], steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' },
      { workerScript: WORKER, maxMemoryMb: 2048 },
    );
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    const lines = (report.runs[0].layers ?? []).map((l) => `${l.className}:${l.source ? `${path.basename(l.source.file)}:${l.source.line}` : 'none'}`);
    assert.deepEqual(lines, [
      'Conv2D:blocks.js:3', 'BatchNormalization:blocks.js:4', 'Activation:blocks.js:5',
      'Conv2D:blocks.js:3', 'BatchNormalization:blocks.js:4', 'Activation:blocks.js:5',
      'Flatten:net.js:11', 'Dense:net.js:17',
    ]);
  });
});
