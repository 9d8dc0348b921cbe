// `npm run test:electron`: the same integration suites as `npm run test:e2e`, in a desktop VS Code that
// @vscode/test-electron downloads (1.96.4, the oldest version package.json's engines accept). Use it on
// a machine that can reach the VS Code download servers; offline (as in this project's CI), the suites
// run inside code-server's extension host through `npm run test:e2e` instead.
import { runTests } from '@vscode/test-electron';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const VERSION = process.env.VSCODE_VERSION || '1.96.4';

/** Each suite: its fixture workspace and the env values that pick its trusted or Restricted Mode file. */
const SUITES = [
  { suite: 'conversion', fixture: 'test/fixtures/editor', env: {}, trusted: true },
  { suite: 'conversion', fixture: 'test/fixtures/editor', env: { CONVERSION_SUITE: 'untrusted' }, trusted: false },
  { suite: 'sanity', fixture: 'test/fixtures/sanity', env: {}, trusted: true },
  { suite: 'sanity', fixture: 'test/fixtures/sanity', env: { SANITY_SUITE: 'untrusted' }, trusted: false },
];

function bundleSuite(suite) {
  const files = fs.readdirSync(path.join(ROOT, 'test/integration', suite)).filter((f) => f.endsWith('.ts')).map((f) => `test/integration/${suite}/${f}`);
  execFileSync('npx', ['esbuild', ...files, '--bundle', '--platform=node', '--format=cjs', '--target=node20', '--external:vscode', '--external:mocha', `--outdir=.e2e/out-integration/${suite}`, '--log-level=warning'], { cwd: ROOT, stdio: 'inherit' });
  return path.join(ROOT, '.e2e/out-integration', suite, 'index.js');
}

/** A throwaway copy of the fixture inside the checkout, so its tfjs imports resolve to our node_modules. */
function workspaceFrom(fixture, name) {
  const ws = path.join(ROOT, '.e2e', `electron-ws-${name}`);
  fs.rmSync(ws, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, fixture), ws, { recursive: true });
  // As in run-e2e.sh: a dependency with batch norm that workspace conversion must leave alone.
  const lib = path.join(ws, 'node_modules', 'some-lib');
  fs.mkdirSync(lib, { recursive: true });
  fs.writeFileSync(path.join(lib, 'index.js'), "const tf = require('@tensorflow/tfjs');\nmodule.exports = () => tf.layers.batchNormalization();\n");
  return ws;
}

execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
let passed = 0;
let failed = 0;
for (const { suite, fixture, env, trusted } of SUITES) {
  const name = `${suite}${trusted ? '' : '-untrusted'}`;
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-electron-'));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ 'security.workspace.trust.enabled': !trusted }));
  try {
    await runTests({
      version: VERSION,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: bundleSuite(suite),
      extensionTestsEnv: env,
      launchArgs: [workspaceFrom(fixture, name), '--disable-extensions', `--user-data-dir=${userData}`, ...(trusted ? ['--disable-workspace-trust'] : [])],
    });
    passed++;
    console.log(`PASS ${name}`);
  } catch (error) {
    failed++;
    console.error(`FAIL ${name}: ${error instanceof Error ? error.message : error}`);
  } finally {
    fs.rmSync(userData, { recursive: true, force: true });
  }
}
console.log(`electron: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
