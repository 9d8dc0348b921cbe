/**
 * `--json` prints one JSON object on stdout even when a command exits 2: `{ error: { kind, message },
 * command, … }` with whatever was known, while the one-line reason stays on stderr. One case per
 * command and failure: a builder that throws, an unparsable file, a missing file, a hostile model.json,
 * bad arguments.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rbn, tempProject } from './cli-helpers';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity');

interface ErrorJson {
  error: { kind: string; message: string };
  command?: string;
  [key: string]: unknown;
}

/** Runs the CLI, checks exit 2, one stderr line and exactly one JSON object on stdout; returns it. */
async function failingJson(args: string[], cwd: string): Promise<ErrorJson> {
  const run = await rbn(args, cwd);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.equal(run.stdout.trim().split('\n').length, 1, run.stdout);
  const json = JSON.parse(run.stdout) as ErrorJson;
  assert.equal(typeof json.error.kind, 'string');
  assert.ok(json.error.message.length > 0 && !json.error.message.includes('\n'));
  return json;
}

describe('--json on exit 2: one JSON object with the error', function () {
  this.timeout(120_000);
  let root: string;
  before(() => {
    root = tempProject({
      'syntax.ts': `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization({;\n`,
      'model/model.json': '{"modelTopology": ',
      'hostile/model.json': JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [] } }, weightsManifest: [{ paths: ['../../x.bin'], weights: [] }] }),
    });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('scan: an unparsable file (the report, plus error)', async () => {
    const json = await failingJson(['scan', '--json', 'syntax.ts'], root);
    assert.equal(json.error.kind, 'badInput');
    assert.match(json.error.message, /^syntax\.ts: syntax error at 2:31/);
    assert.ok(Array.isArray(json['files']), 'the report is still there');
  });

  it('scan: a missing file', async () => {
    const json = await failingJson(['scan', '--json', 'missing.ts'], root);
    assert.equal(json.error.kind, 'unreadable');
    assert.match(json.error.message, /missing\.ts/);
  });

  it('scan: bad arguments (usage)', async () => {
    const json = await failingJson(['scan', '--json', '--nope', '.'], root);
    assert.deepEqual([json.error.kind, json.command], ['usage', 'scan']);
    assert.match(json.error.message, /--nope/);
  });

  for (const command of ['convert', 'revert']) {
    it(`${command}: an unparsable source file`, async () => {
      const json = await failingJson([command, '--json', '--dry-run', 'syntax.ts'], root);
      assert.equal(json.error.kind, 'badInput');
      assert.match(json.error.message, /syntax error/);
    });

    it(`${command} <model.json>: invalid JSON`, async () => {
      const json = await failingJson([command, '--json', 'model/model.json'], root);
      assert.equal(json.error.kind, 'badModel');
      assert.match(json.error.message, /invalid JSON/);
    });

    it(`${command} <model.json>: a hostile weights path`, async () => {
      const json = await failingJson([command, '--json', 'hostile/model.json'], root);
      assert.equal(json.error.kind, 'unsafePath');
      assert.match(json.error.message, /goes up out of the model's folder/);
    });

    it(`${command} <model.json>: a missing model.json`, async () => {
      const json = await failingJson([command, '--json', 'nowhere/model.json'], root);
      assert.equal(json.error.kind, 'unreadable');
      assert.match(json.error.message, /cannot read: ENOENT/);
    });
  }

  it('sanity: a builder that throws (kind, phase, backend and call)', async () => {
    const json = await failingJson(['sanity', 'failing.ts', '--model', 'throws', '--backend', 'cpu', '--json'], FIXTURES);
    assert.equal(json.error.kind, 'threw');
    assert.match(json.error.message, /cannot build the model today/);
    assert.deepEqual([json.command, json['file'], json['backend'], json['phase']], ['sanity', 'failing.ts', 'cpu', 'buildModel']);
    assert.equal((json['call'] as { model: string }).model, 'throws');
  });

  it('sanity: a missing file', async () => {
    const json = await failingJson(['sanity', 'nope.ts', '--json'], FIXTURES);
    assert.equal(json.error.kind, 'unreadable');
    assert.equal(json['file'], 'nope.ts');
  });

  it('sanity: bad arguments (usage)', async () => {
    const json = await failingJson(['sanity', 'healthy.ts', '--steps', '1.5', '--json'], FIXTURES);
    assert.equal(json.error.kind, 'usage');
    assert.match(json.error.message, /--steps must be a positive integer/);
  });

  it('without --json stdout stays empty on exit 2', async () => {
    const run = await rbn(['convert', 'hostile/model.json'], root);
    assert.equal(run.code, 2);
    assert.doesNotMatch(run.stdout, /^\{/);
    const sanity = await rbn(['sanity', 'nope.ts'], FIXTURES);
    assert.equal(sanity.stdout, '');
  });
});
