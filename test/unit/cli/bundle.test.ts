import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MODEL_TS, tempProject } from './cli-helpers';

const REPO = path.resolve(__dirname, '../../..');

/** Bundles src/cli/main.ts as scripts/build.mjs does for dist/cli.js, into a temp folder. */
async function bundleCli(): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-bundle-')), 'cli.js');
  await esbuild.build({ entryPoints: [path.join(REPO, 'src/cli/main.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', banner: { js: '#!/usr/bin/env node' }, logLevel: 'silent' });
  return outfile;
}

describe('rbn CLI: the bundled executable', function () {
  this.timeout(60_000);
  let cli: string;
  before(async () => {
    cli = await bundleCli();
  });

  const run = (args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } => {
    const env = { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') };
    return spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env });
  };

  it('scans with exit code 1 and JSON on stdout', () => {
    const root = tempProject({ 'src/a.ts': MODEL_TS });
    const result = run(['scan', '--json', 'src'], root);
    assert.equal(result.status, 1, result.stderr);
    const json = JSON.parse(result.stdout) as { files: { file: string; usages: { kind: string }[] }[] };
    assert.deepEqual(json.files.map((f) => [f.file, f.usages.map((u) => u.kind)]), [['src/a.ts', ['batchNormalization']]]);
  });

  it('converts, then scan exits 0', () => {
    const root = tempProject({ 'a.ts': MODEL_TS });
    assert.equal(run(['convert', 'a.ts'], root).status, 0);
    assert.equal(run(['scan', '.'], root).status, 0);
  });

  it('exits 2 with one line on stderr for bad arguments and unreadable input', () => {
    const root = tempProject({});
    for (const args of [['convert'], ['scan', 'missing.ts'], ['nope']]) {
      const result = run(args, root);
      assert.equal(result.status, 2, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
    }
  });
});
