import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const APP = path.join(REPO, 'test/fixtures/sanity/generalised/react-app');

/**
 * The worker's module hooks in a plain Node process, bundled as dist/worker.js is: the test process
 * runs under tsx, which resolves `.jsx` on its own and would hide what the worker lacks.
 */
describe('module hooks in plain Node (as the bundled worker runs)', function () {
  this.timeout(60_000);
  let entry: string;
  before(async () => {
    const esbuild = await import('esbuild');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-hooks-'));
    const source = path.join(dir, 'entry.ts');
    fs.writeFileSync(source, `import { installModuleHooks } from ${JSON.stringify(path.join(REPO, 'src/worker/loading/module-loader'))};\ninstallModuleHooks(new Map());\nconst loaded = require(process.argv[2]);\nconsole.log(JSON.stringify(Object.keys(loaded)));\n`);
    entry = path.join(dir, 'entry.js');
    await esbuild.build({ entryPoints: [source], outfile: entry, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'silent' });
  });

  it("a .jsx module imported without its extension (`./blocks`) and a folder's index.jsx (`@/config`) resolve to the project's files", () => {
    const result = spawnSync(process.execPath, [entry, path.join(APP, 'src/model/Trainer.jsx')], { cwd: APP, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(REPO, 'node_modules') } });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout.trim().split('\n').pop() ?? '[]'), ['buildClassifier']);
  });
});
