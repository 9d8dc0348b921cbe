import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODEL_TS, TRAIN_JS, read, rbn, tempProject } from './cli-helpers';

describe('rbn CLI: scan', () => {
  it('lists usages in a readable table and exits 1 while convertible layers remain', async () => {
    const root = tempProject({ 'src/model.ts': MODEL_TS, 'src/util.ts': 'export const a = 1;\n' });
    const run = await rbn(['scan', '.'], root);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^src\/model\.ts\n {2}6:9 +batchNormalization +convertible\n/);
    assert.match(run.stdout, /2 files scanned, 1 usage, 1 convertible/);
    assert.equal(run.stderr, '');
  });

  it('prints the issue-3 JSON shape', async () => {
    const root = tempProject({ 'a.ts': MODEL_TS, 'b.js': `const tf = require('@tensorflow/tfjs');\ntf.moments(x, 0);\n` });
    const run = await rbn(['scan', '--json', '.'], root);
    const json = JSON.parse(run.stdout) as { files: { file: string; usages: Record<string, unknown>[] }[] };
    assert.deepEqual(json.files.map((f) => f.file), ['a.ts', 'b.js']);
    assert.deepEqual(json.files[0]!.usages[0], { kind: 'batchNormalization', line: 6, column: 9, convertible: true, module: '@tensorflow/tfjs' });
    assert.equal(json.files[1]!.usages[0]!.kind, 'manual');
    assert.equal(json.files[1]!.usages[0]!.convertible, false);
    assert.equal(typeof json.files[1]!.usages[0]!.reason, 'string');
    assert.equal(run.code, 1);
  });

  it('exits 0 when nothing is left to convert', async () => {
    const root = tempProject({ 'a.ts': 'export const a = 1;\n' });
    assert.equal((await rbn(['scan', 'a.ts'], root)).code, 0);
  });

  it('skips node_modules, .git and .gitignored folders, .d.ts and minified files', async () => {
    const root = tempProject({
      '.gitignore': 'build/\n*.gen.ts\n!keep.gen.ts\n',
      'src/a.ts': MODEL_TS,
      'node_modules/x/index.js': TRAIN_JS,
      '.git/hooks/x.js': TRAIN_JS,
      'build/out.js': TRAIN_JS,
      'src/b.gen.ts': MODEL_TS,
      'src/keep.gen.ts': MODEL_TS,
      'src/types.d.ts': MODEL_TS,
      'src/vendor.min.js': TRAIN_JS,
    });
    fs.mkdirSync(path.join(root, '.git'), { recursive: true });
    const json = JSON.parse((await rbn(['scan', '--json', '.'], root)).stdout) as { files: { file: string }[] };
    assert.deepEqual(json.files.map((f) => f.file), ['src/a.ts', 'src/keep.gen.ts']);
  });

  it('reports bad files one line each and exits 2, still listing the good ones', async () => {
    const root = tempProject({
      'good.ts': MODEL_TS,
      'syntax.ts': `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization({;\n`,
      'binary.js': Buffer.from([0x74, 0x66, 0x00, 0x01, 0x62, 0x61, 0x74, 0x63, 0x68, 0x4e, 0x6f, 0x72, 0x6d]),
      'latin1.js': Buffer.from('// caf\xe9\ntf.layers.batchNormalization();\n', 'latin1'),
      'huge.js': `// batchNorm\n${'x'.repeat(2 * 1024 * 1024 + 10)}`,
      'notes.txt': 'tf.layers.batchNormalization()',
    });
    const run = await rbn(['scan', '--json', '.', 'missing.ts', 'notes.txt'], root);
    assert.equal(run.code, 2);
    const files = (JSON.parse(run.stdout) as { files: { file: string; error?: string; usages: unknown[] }[] }).files;
    const errorOf = (name: string): string => files.find((f) => f.file.endsWith(name))?.error ?? '';
    assert.match(errorOf('syntax.ts'), /^syntax error at 2:31/);
    assert.match(errorOf('binary.js'), /binary file/);
    assert.match(errorOf('latin1.js'), /not valid UTF-8/);
    assert.match(errorOf('huge.js'), /too large/);
    assert.match(errorOf('missing.ts'), /no such file/);
    assert.match(errorOf('notes.txt'), /not a JavaScript\/TypeScript source file/);
    assert.equal(files.find((f) => f.file === 'good.ts')?.usages.length, 1);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, /^rbn: 6 files could not be scanned; first: /);
  });

  it('exits 2 with a one-line reason on bad arguments, and has --help', async () => {
    const root = tempProject({});
    for (const args of [['scan'], ['scan', '--frob', 'x'], ['frobnicate'], []]) {
      const run = await rbn(args, root);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /^rbn/);
    }
    const help = await rbn(['scan', '--help'], root);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: rbn scan <paths\.\.\.> \[--json\]/);
    assert.match((await rbn(['--help'], root)).stdout, /scan .*\n.*convert .*\n.*revert /);
  });
});

describe('rbn CLI: convert and revert', () => {
  it('converts files and folders, creates the layer once, and revert restores the original', async () => {
    const root = tempProject({ 'src/models/a.ts': MODEL_TS, 'src/models/b.ts': MODEL_TS.replace('axis: -1', 'axis: 1'), 'src/train.js': TRAIN_JS });
    const run = await rbn(['convert', 'src'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /converted +src\/models\/a\.ts \(1 layer\)/);
    assert.match(run.stdout, /created +src\/models\/running-batch-norm\.ts/);
    assert.match(run.stdout, /created +src\/running-batch-norm\.js/);
    assert.match(read(root, 'src/models/a.ts'), /import \{ runningBatchNorm \} from '\.\/running-batch-norm';\n[\s\S]*m\.add\(runningBatchNorm\(\{ axis: -1 \}\)\);/);
    assert.match(read(root, 'src/train.js'), /const \{ runningBatchNorm \} = require\('\.\/running-batch-norm'\);/);
    assert.match(read(root, 'src/running-batch-norm.js'), /require\("@tensorflow\/tfjs-node"\)|require\('@tensorflow\/tfjs-node'\)/);
    assert.equal(fs.readdirSync(path.join(root, 'src/models')).filter((f) => f.includes('running')).length, 1);

    const again = await rbn(['convert', '--json', 'src'], root);
    const json = JSON.parse(again.stdout) as { files: { converted: number }[]; layerFile: string | null };
    assert.deepEqual([again.code, json.files, json.layerFile], [0, [], null], 'idempotent');

    const revert = await rbn(['revert', 'src'], root);
    assert.equal(revert.code, 0, revert.stderr);
    assert.equal(read(root, 'src/models/a.ts'), MODEL_TS);
    assert.equal(read(root, 'src/train.js'), TRAIN_JS);
  });

  it('reuses an existing layer file in a parent folder', async () => {
    const root = tempProject({ 'src/models/a.ts': MODEL_TS });
    assert.equal((await rbn(['convert', 'src'], root)).code, 0);
    fs.mkdirSync(path.join(root, 'src/models/deep'));
    fs.writeFileSync(path.join(root, 'src/models/deep/b.ts'), MODEL_TS);
    assert.equal((await rbn(['convert', 'src/models/deep/b.ts'], root)).code, 0);
    assert.match(read(root, 'src/models/deep/b.ts'), /from '\.\.\/running-batch-norm';/);
    assert.equal(fs.existsSync(path.join(root, 'src/models/deep/running-batch-norm.ts')), false);
  });

  it('--layer-path puts the layer where configured (any file name), and revert still finds it', async () => {
    const root = tempProject({ 'src/a.ts': MODEL_TS });
    assert.equal((await rbn(['convert', '--layer-path', 'vendor/norm.ts', 'src'], root)).code, 0);
    assert.ok(fs.existsSync(path.join(root, 'vendor/norm.ts')));
    assert.match(read(root, 'src/a.ts'), /import \{ runningBatchNorm \} from '\.\.\/vendor\/norm';/);
    assert.equal((await rbn(['revert', 'src'], root)).code, 0);
    assert.equal(read(root, 'src/a.ts'), MODEL_TS);
  });

  it('--default-args fills calls that have no arguments, and a bad value is a usage error', async () => {
    const root = tempProject({ 'a.ts': "import * as tf from '@tensorflow/tfjs';\nexport const l = [tf.layers.batchNormalization(), tf.layers.batchNormalization({ axis: 1 })];\n" });
    assert.equal((await rbn(['convert', '--default-args', '{"statsInterval":2}', 'a.ts'], root)).code, 0);
    assert.match(read(root, 'a.ts'), /\[runningBatchNorm\(\{ statsInterval: 2 \}\), runningBatchNorm\(\{ axis: 1 \}\)\]/);
    const bad = await rbn(['convert', '--default-args', '[2]', 'a.ts'], root);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--default-args must be a JSON object/);
  });

  it('--dry-run prints a unified diff and writes nothing', async () => {
    const root = tempProject({ 'a.ts': MODEL_TS });
    const run = await rbn(['convert', '--dry-run', 'a.ts'], root);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^--- \/dev\/null\n\+\+\+ b\/running-batch-norm\.ts\n@@ -0,0 \+1,\d+ @@\n/);
    assert.match(run.stdout, /--- a\/a\.ts\n\+\+\+ b\/a\.ts\n@@ -1,8 \+1,9 @@\n import \* as tf from '@tensorflow\/tfjs';\n\+import \{ runningBatchNorm \} from '\.\/running-batch-norm';\n/);
    assert.match(run.stdout, /\n- {2}m\.add\(tf\.layers\.batchNormalization\(\{ axis: -1 \}\)\);\n\+ {2}m\.add\(runningBatchNorm\(\{ axis: -1 \}\)\);\n/);
    assert.match(run.stderr, /1 layer would be converted in 1 file \(dry run: nothing written\)/);
    assert.equal(read(root, 'a.ts'), MODEL_TS);
    assert.equal(fs.existsSync(path.join(root, 'running-batch-norm.ts')), false);
  });

  it('prints the issue-3 JSON shape with skipped usages and per-file errors; bad files stay untouched', async () => {
    const bad = `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization(;\n`;
    const clash = `import * as tf from '@tensorflow/tfjs';\nconst runningBatchNorm = 1;\ntf.layers.batchNormalization();\n`;
    const root = tempProject({ 'a.ts': MODEL_TS, 'bad.ts': bad, 'clash.ts': clash });
    const run = await rbn(['convert', '--json', '.'], root);
    assert.equal(run.code, 2);
    const json = JSON.parse(run.stdout) as { files: { file: string; converted: number; skipped: { line: number; reason: string }[]; error?: string }[]; layerFile: string };
    assert.equal(json.layerFile, 'running-batch-norm.ts');
    assert.deepEqual(json.files.find((f) => f.file === 'a.ts'), { file: 'a.ts', converted: 1, skipped: [] });
    assert.match(json.files.find((f) => f.file === 'bad.ts')?.error ?? '', /^syntax error/);
    assert.equal(json.files.find((f) => f.file === 'clash.ts')?.skipped[0]?.line, 3);
    assert.equal(read(root, 'bad.ts'), bad);
    assert.equal(read(root, 'clash.ts'), clash);
  });

  it('keeps a BOM, CRLF line endings and UTF-16 encoding byte for byte', async () => {
    const crlf = `\uFEFF${MODEL_TS.replace(/\n/g, '\r\n')}`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MODEL_TS, 'utf16le')]);
    const root = tempProject({ 'crlf.ts': crlf, 'wide.ts': utf16 });
    assert.equal((await rbn(['convert', '.'], root)).code, 0);
    const converted = read(root, 'crlf.ts');
    assert.ok(converted.startsWith('\uFEFFimport'));
    assert.equal(converted.split('\r\n').length, converted.split('\n').length);
    const wide = fs.readFileSync(path.join(root, 'wide.ts'));
    assert.deepEqual([...wide.subarray(0, 2)], [0xff, 0xfe]);
    assert.match(wide.subarray(2).toString('utf16le'), /runningBatchNorm\(\{ axis: -1 \}\)/);
    assert.equal((await rbn(['revert', '.'], root)).code, 0);
    assert.equal(fs.readFileSync(path.join(root, 'crlf.ts'), 'utf8'), crlf);
    assert.deepEqual(fs.readFileSync(path.join(root, 'wide.ts')), utf16);
  });

  it('writes nothing into a file it cannot write, and says so', async function () {
    if (process.getuid?.() === 0) {
      this.skip(); // root ignores file permissions
    }
    const root = tempProject({ 'ro/a.ts': MODEL_TS });
    fs.chmodSync(path.join(root, 'ro'), 0o555);
    try {
      const run = await rbn(['convert', '--json', 'ro'], root);
      assert.equal(run.code, 2);
      assert.match(run.stdout, /cannot create the layer file|cannot write/);
      assert.equal(read(root, 'ro/a.ts'), MODEL_TS);
    } finally {
      fs.chmodSync(path.join(root, 'ro'), 0o755);
    }
  });

  it('revert with nothing to revert exits 0', async () => {
    const root = tempProject({ 'a.ts': MODEL_TS });
    const run = await rbn(['revert', 'a.ts'], root);
    assert.deepEqual([run.code, run.stdout], [0, 'nothing to revert\n']);
  });
});
