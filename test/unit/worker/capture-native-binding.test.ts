import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport } from '../../../src/core/training/protocol';
import { nativePackagesWithoutBinding } from '../../../src/worker/capture/hook/native-binding';
import { runSanityTrain } from '../../../src/worker/launcher';

const DIST = path.resolve(__dirname, '../../../dist');
const RUNNER_FIXTURES = path.resolve(__dirname, '../../fixtures/capture-runners');

/** A program folder whose tfjs-node is installed the way a failed install script leaves it: no native binding. */
function programWithBrokenTfjsNode(files: Record<string, string>, binding = false, parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, 'rbn-native-'));
  const pkg = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  fs.mkdirSync(path.join(pkg, 'lib', 'napi-v8'), { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), "throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: ' + __dirname + '/lib/napi-v8/tfjs_binding.node');\n");
  if (binding) {
    fs.writeFileSync(path.join(pkg, 'lib', 'napi-v8', 'tfjs_binding.node'), '');
  }
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const TRAIN_BODY = `
const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [4], units: 12, activation: 'relu' }));
model.add(tf.layers.batchNormalization());
model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
const xs = tf.randomNormal([200, 4]);
const ys = tf.oneHot(tf.randomUniform([200], 0, 3, 'int32'), 3);
`;

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

describe('sanity --from: a tfjs-node installed without its native binding', function () {
  this.timeout(90_000);

  it('finds the packages that resolve but lack lib/napi-v*/tfjs_binding.node', () => {
    const broken = programWithBrokenTfjsNode({});
    const whole = programWithBrokenTfjsNode({}, true);
    const none = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-native-none-'));
    assert.deepEqual(nativePackagesWithoutBinding(broken), ['@tensorflow/tfjs-node']);
    assert.deepEqual(nativePackagesWithoutBinding(whole), []);
    assert.deepEqual(nativePackagesWithoutBinding(none), []);
  });

  for (const [kind, file, source] of [
    ['an ES module', 'train.mjs', `import * as tf from '@tensorflow/tfjs-node';\n${TRAIN_BODY}await model.fit(xs, ys, { epochs: 1, batchSize: 20 });\n`],
    ['a CommonJS script', 'train.js', `const tf = require('@tensorflow/tfjs-node');\n${TRAIN_BODY}model.fit(xs, ys, { epochs: 1, batchSize: 20 });\n`],
  ] as const) {
    it(`${kind} importing it trains on plain tfjs, and the report says so`, async function () {
      if (!fs.existsSync(path.join(DIST, 'capture-hook.js'))) {
        throw new Error('dist/capture-hook.js is missing: run npm run build before these tests');
      }
      const dir = programWithBrokenTfjsNode({ [file]: source });
      const outcome = await runSanityTrain({ file: dir, steps: 10, batchSize: 8, compare: false, backend: 'auto', timeoutMs: 60_000, seed: 1,
        from: { command: `node ${file}`, cwd: dir, capture: 1 } }, { maxMemoryMb: 2048 });
      const report = reportOf(outcome);
      assert.equal(report.capture?.data, 'captured');
      assert.ok(report.runs[0].steps > 0);
      assert.ok(report.notes?.some((n) => /tfjs-node/.test(n) && /serve/.test(n)), `notes: ${JSON.stringify(report.notes)}`);
    });
  }

  it('a Jest test requiring it (Jest loads modules through its own registry): the workspace’s @tensorflow/tfjs serves it, one note says so', async function () {
    // Inside the runner fixtures, so that jest and @tensorflow/tfjs resolve from the project's node_modules.
    const dir = programWithBrokenTfjsNode({ 'train.test.js': `const tf = require('@tensorflow/tfjs-node');\n${TRAIN_BODY}test('fits', async () => { await model.fit(xs, ys, { epochs: 1, batchSize: 20 }); });\n` }, false, RUNNER_FIXTURES);
    try {
      const outcome = await runSanityTrain({ file: RUNNER_FIXTURES, steps: 10, batchSize: 8, compare: false, backend: 'auto', timeoutMs: 60_000, seed: 1,
        from: { command: `npx jest ${path.basename(dir)}/train.test.js`, cwd: RUNNER_FIXTURES, capture: 1 } }, { maxMemoryMb: 2048 });
      const report = reportOf(outcome);
      assert.equal(report.capture?.data, 'captured');
      assert.ok(report.runs[0].steps > 0);
      assert.equal(report.notes?.filter((n) => n.includes('@tensorflow/tfjs-node is installed without its native binding')).length, 1, `notes: ${JSON.stringify(report.notes)}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
