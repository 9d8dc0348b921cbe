import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { METHOD_PRIORITY, RequestQueue } from '../../../src/analysis-thread/request-queue';
import { AnalysisThread } from '../../../src/analysis-thread/thread-client';
import { analysisThreadMethods } from '../../../src/analysis-thread/methods';

const THREAD_SOURCE = path.resolve(__dirname, '../../../src/analysis-thread/thread-main.ts');
const MODEL = `import * as tf from '@tensorflow/tfjs';\nexport function build() {\n  const m = tf.sequential();\n  m.add(tf.layers.batchNormalization({ axis: -1 }));\n  return m;\n}\n`;

/** Requests in arrival order -> the order the thread answers them once it is free. */
const orders: { name: string; arrived: string[]; answered: string[] }[] = [
  { name: 'diagnostics after two lens requests go first', arrived: ['findModelBuilders#1', 'findModelBuilders#2', 'analyzeSource#3'], answered: ['analyzeSource#3', 'findModelBuilders#1', 'findModelBuilders#2'] },
  { name: 'equals keep their arrival order', arrived: ['analyzeSource#1', 'convertToRunningBatchNorm#2', 'analyzeSource#3'], answered: ['analyzeSource#1', 'convertToRunningBatchNorm#2', 'analyzeSource#3'] },
  { name: 'a command and the argument box before lenses', arrived: ['findModelBuilders#1', 'proposeArguments#2', 'revertToBatchNormalization#3'], answered: ['proposeArguments#2', 'revertToBatchNormalization#3', 'findModelBuilders#1'] },
  { name: 'an unknown method (an error reply) is not held back', arrived: ['findModelBuilders#1', 'readSecrets#2'], answered: ['readSecrets#2', 'findModelBuilders#1'] },
  { name: 'lenses alone, in order', arrived: ['findModelBuilders#1', 'findModelBuilders#2'], answered: ['findModelBuilders#1', 'findModelBuilders#2'] },
];

describe('analysis thread: request priorities', () => {
  for (const c of orders) {
    it(c.name, () => {
      const queue = new RequestQueue<{ method: string; tag: string }>();
      c.arrived.forEach((tag) => queue.push({ method: tag.split('#')[0]!, tag }));
      const answered: string[] = [];
      for (let next = queue.take(); next; next = queue.take()) {
        answered.push(next.tag);
      }
      assert.deepEqual(answered, c.answered);
      assert.equal(queue.size, 0);
    });
  }

  it('every method the thread runs has a priority', () => {
    assert.deepEqual(Object.keys(METHOD_PRIORITY).sort(), Object.keys(analysisThreadMethods).sort());
  });
});

describe('analysis thread: the order it answers waiting calls in', function () {
  this.timeout(60_000);
  let thread: AnalysisThread;
  beforeEach(() => {
    thread = new AnalysisThread(THREAD_SOURCE);
  });
  afterEach(() => thread.dispose());

  it('answers the diagnostics analysis before the lens requests that were sent first', async () => {
    // All three wait while the new thread loads the compiler; then the analysis is answered first.
    const answered: string[] = [];
    const track = (tag: string) => (value: unknown) => (answered.push(tag), value);
    await Promise.all([
      thread.call('findModelBuilders', MODEL, '/p/a.ts').then(track('builders a')),
      thread.call('findModelBuilders', MODEL, '/p/b.ts').then(track('builders b')),
      thread.call('analyzeSource', MODEL, '/p/a.ts').then(track('analysis a')),
    ]);
    assert.deepEqual(answered, ['analysis a', 'builders a', 'builders b']);
  });

  it('start() starts the thread ahead of the first call, once', async () => {
    // A stand-in thread that records each start in the folder it is given, and stays up.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-thread-start-'));
    const script = path.join(dir, 'recording-thread.js');
    fs.writeFileSync(script, "const { workerData, threadId, parentPort } = require('node:worker_threads');\nrequire('node:fs').writeFileSync(require('node:path').join(workerData.compileCacheDir, 'started-' + threadId), '');\nparentPort.on('message', () => {});\n");
    const recording = new AnalysisThread(script, { compileCacheDir: dir });
    try {
      recording.start();
      recording.start();
      const started = () => fs.readdirSync(dir).filter((f) => f.startsWith('started-'));
      for (let i = 0; i < 200 && started().length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 500)); // a second start would have written by now
      assert.equal(started().length, 1, 'one thread, started without any call');
    } finally {
      await recording.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
