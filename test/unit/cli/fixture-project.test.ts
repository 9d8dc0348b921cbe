import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as TypeScript from 'typescript';
import { rbn } from './cli-helpers';

const FIXTURE = path.resolve(__dirname, '../../fixtures/tfjs-project');
const NODE_MODULES = fs.realpathSync(path.resolve(__dirname, '../../../node_modules'));

/** Copies the fixture project into a temp folder that resolves packages from this repository. */
function copyFixture(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-fixture-'));
  fs.cpSync(FIXTURE, root, { recursive: true });
  fs.symlinkSync(NODE_MODULES, path.join(root, 'node_modules'), 'dir');
  return root;
}

/** Type errors of the project, type-checked with the repository's TypeScript (5.9). */
function typeErrors(root: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof TypeScript;
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  assert.ok(config, 'tsconfig parses');
  const program = ts.createProgram(config.fileNames, config.options);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.relative(root, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

function sourceFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const rel of ['src/model.ts', 'src/blocks/conv-block.ts', 'js/model.js']) {
    files.set(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
  }
  return files;
}

describe('fixture project: convert, type-check, run, revert', function () {
  this.timeout(120_000);
  let root: string;
  let original: Map<string, string>;

  before(() => {
    root = copyFixture();
    original = sourceFiles(root);
  });

  it('the fixture itself type-checks (so the check below can fail only because of the conversion)', () => {
    assert.deepEqual(typeErrors(root), []);
  });

  it('converts every batch-norm layer and creates one layer file per flavour', async () => {
    const run = await rbn(['convert', '--json', 'src', 'js'], root);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as { files: { file: string; converted: number }[]; layerFilesCreated: string[] };
    assert.deepEqual(json.files.map((f) => [f.file, f.converted]), [['js/model.js', 1], ['src/blocks/conv-block.ts', 2], ['src/model.ts', 3]]);
    assert.deepEqual(json.layerFilesCreated.sort(), ['js/running-batch-norm.js', 'src/running-batch-norm.ts']);
    assert.match(fs.readFileSync(path.join(root, 'src/blocks/conv-block.ts'), 'utf8'), /import \{ runningBatchNorm \} from '\.\.\/running-batch-norm';/);
    const scan = await rbn(['scan', '--json', 'src', 'js'], root);
    assert.equal(scan.code, 0, 'no convertible layer left');
    const kinds = (JSON.parse(scan.stdout) as { files: { usages: { kind: string }[] }[] }).files.flatMap((f) => f.usages.map((u) => u.kind));
    assert.deepEqual(kinds.sort(), ['manual', 'manual', 'runningBatchNorm', 'runningBatchNorm', 'runningBatchNorm', 'runningBatchNorm', 'runningBatchNorm', 'runningBatchNorm']);
  });

  it('the converted TypeScript type-checks', () => {
    assert.deepEqual(typeErrors(root), []);
  });

  it('the converted JavaScript runs and builds RunningBatchNorm layers', () => {
    const out = execFileSync(process.execPath, [path.join(root, 'js/run.js')], { cwd: root, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
    const result = JSON.parse(out.trim().split('\n').pop()!) as { classes: string[]; shape: number[]; finite: boolean };
    assert.deepEqual(result, { classes: ['Dense', 'RunningBatchNorm', 'Dense'], shape: [2, 2], finite: true });
  });

  it('reverts to the original code', async () => {
    const run = await rbn(['revert', 'src', 'js'], root);
    assert.equal(run.code, 0, run.stderr);
    for (const [rel, text] of sourceFiles(root)) {
      assert.equal(text, original.get(rel), rel);
    }
  });
});
