import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runnerVersionProblem, testRunnerOf, unsupportedRunner, type TestRunner } from '../../../src/worker/capture/test-runner';
import { isVitestForkWorker, runnerArgs, runnerOfMainScript } from '../../../src/worker/capture/hook/runner-args';
import { jestRuntimeClass } from '../../../src/worker/capture/hook/jest-runtime';
import { firstOutsideFrame, userCallSite } from '../../../src/worker/capture/hook/call-site';

const ROOT = path.resolve(__dirname, '../../..');

describe('capture: the test runner a command starts', () => {
  const scripts: Record<string, string> = {
    test: 'jest --coverage',
    'test:unit': 'cross-env NODE_ENV=test vitest run --reporter=dot',
    ci: 'tsc -p . && npm run test:unit',
    lint: 'eslint . && prettier --check .',
    mocha: 'mocha test/*.js',
    build: 'tsc && node scripts/jest-report.js',
    loop: 'npm run loop',
  };
  const table: { command: string; expected: TestRunner | undefined }[] = [
    { command: 'jest', expected: 'jest' },
    { command: 'jest test/model.test.js --ci', expected: 'jest' },
    { command: 'npx jest test/model.test.js', expected: 'jest' },
    { command: 'npx --yes jest', expected: 'jest' },
    { command: 'npm exec jest -- model', expected: 'jest' },
    { command: 'yarn jest model', expected: 'jest' },
    { command: 'node node_modules/jest/bin/jest.js', expected: 'jest' },
    { command: './node_modules/.bin/jest model.test.js', expected: 'jest' },
    { command: 'NODE_ENV=test jest', expected: 'jest' },
    { command: 'vitest', expected: 'vitest' },
    { command: 'vitest run', expected: 'vitest' },
    { command: 'npx vitest run src/ml.test.ts', expected: 'vitest' },
    { command: 'pnpm exec vitest run', expected: 'vitest' },
    { command: 'pnpm vitest', expected: 'vitest' },
    { command: 'tsc -p . && vitest run', expected: 'vitest' },
    { command: 'npm test', expected: 'jest' },
    { command: 'npm t', expected: 'jest' },
    { command: 'npm test -- model.test.js', expected: 'jest' },
    { command: 'npm run test:unit', expected: 'vitest' },
    { command: 'npm run-script test:unit', expected: 'vitest' },
    { command: 'yarn test:unit', expected: 'vitest' },
    { command: 'pnpm run ci', expected: 'vitest' },
    { command: 'npm run lint', expected: undefined },
    { command: 'npm run mocha', expected: undefined },
    { command: 'npm run build', expected: undefined },
    { command: 'npm run missing', expected: undefined },
    { command: 'npm run loop', expected: undefined },
    { command: 'node train.js', expected: undefined },
    { command: 'npx mocha test/model.test.js', expected: undefined },
    { command: 'node scripts/jest-report.js', expected: undefined },
    { command: 'echo jest', expected: undefined },
  ];
  for (const { command, expected } of table) {
    it(`${command} -> ${expected ?? 'none'}`, () => {
      assert.equal(testRunnerOf(command, scripts), expected);
    });
  }
});

describe('capture: runner versions too old for what the hook adds', () => {
  const table: { runner: TestRunner; version: string; expected: string | undefined }[] = [
    { runner: 'jest', version: '30.5.2', expected: undefined },
    { runner: 'jest', version: '24.9.0', expected: undefined },
    { runner: 'jest', version: '24.8.1', expected: 'jest 24.8.1, too old to capture from: capture needs its --testTimeout option (jest 24.9 or later); update jest, or run a script that trains the model (node train.js)' },
    { runner: 'vitest', version: '4.1.12', expected: undefined },
    { runner: 'vitest', version: '1.3.0', expected: undefined },
    { runner: 'vitest', version: '1.2.2', expected: 'vitest 1.2.2, too old to capture from: capture needs its --hookTimeout option (vitest 1.3 or later); update vitest, or run a script that trains the model (node train.js)' },
    { runner: 'vitest', version: '0.34.6', expected: 'vitest 0.34.6, too old to capture from: capture needs its --hookTimeout option (vitest 1.3 or later); update vitest, or run a script that trains the model (node train.js)' },
    { runner: 'vitest', version: '5.0.0-beta.1', expected: undefined },
  ];
  for (const { runner, version, expected } of table) {
    it(`${runner} ${version} -> ${expected ? 'too old' : 'supported'}`, () => {
      assert.equal(runnerVersionProblem(runner, version), expected);
    });
  }

  it("the runners installed here (this project's devDependencies) are supported; a runner not installed is not judged", () => {
    assert.equal(unsupportedRunner('jest', ROOT), undefined);
    assert.equal(unsupportedRunner('vitest', ROOT), undefined);
    assert.equal(unsupportedRunner('jest', path.parse(ROOT).root), undefined);
  });
});

describe("capture: the options added to a runner's command line", () => {
  const table: { runner: TestRunner; args: string[]; expected: string[] }[] = [
    { runner: 'jest', args: ['model.test.js'], expected: ['--runInBand', '--testTimeout=60000'] },
    { runner: 'jest', args: ['-i', 'model.test.js'], expected: ['--testTimeout=60000'] },
    { runner: 'jest', args: ['--runInBand', '--testTimeout=9000'], expected: [] },
    { runner: 'jest', args: ['--testTimeout', '9000'], expected: ['--runInBand'] },
    { runner: 'vitest', args: ['run'], expected: ['--pool=forks', '--no-file-parallelism', '--testTimeout=60000', '--hookTimeout=60000'] },
    { runner: 'vitest', args: ['run', '--pool=threads', '--no-file-parallelism'], expected: ['--testTimeout=60000', '--hookTimeout=60000'] },
    { runner: 'vitest', args: ['--fileParallelism=false', '--testTimeout=1', '--hookTimeout=1'], expected: ['--pool=forks'] },
  ];
  for (const { runner, args, expected } of table) {
    it(`${runner} ${args.join(' ')} -> ${expected.join(' ') || 'nothing'}`, () => {
      assert.deepEqual(runnerArgs(runner, args, 60_000), expected);
    });
  }

  const mains: { file: string; expected: TestRunner | undefined }[] = [
    { file: path.join(ROOT, 'node_modules/.bin/jest'), expected: 'jest' },
    { file: path.join(ROOT, 'node_modules/.bin/vitest'), expected: 'vitest' },
    { file: '/p/node_modules/jest-cli/bin/jest.js', expected: 'jest' },
    { file: '/p/node_modules/vitest/vitest.mjs', expected: 'vitest' },
    { file: 'C:\\p\\node_modules\\jest\\bin\\jest.js', expected: 'jest' },
    { file: '/p/node_modules/vitest/dist/workers/forks.js', expected: undefined },
    { file: '/p/node_modules/mocha/bin/mocha.js', expected: undefined },
    { file: '/p/jest.js', expected: undefined },
  ];
  for (const { file, expected } of mains) {
    it(`main script ${file} -> ${expected ?? 'none'}`, () => {
      assert.equal(runnerOfMainScript(file), expected);
    });
  }

  const workers: [string, boolean][] = [
    ['/p/node_modules/vitest/dist/workers/forks.js', true],
    ['C:\\p\\node_modules\\vitest\\dist\\workers\\forks.js', true],
    ['/p/node_modules/vitest/dist/workers/threads.js', false],
    ['/p/node_modules/vitest/vitest.mjs', false],
    ['/p/forks.js', false],
  ];
  for (const [file, expected] of workers) {
    it(`${file}: ${expected ? 'a' : 'not a'} Vitest forks worker`, () => {
      assert.equal(isVitestForkWorker(file), expected);
    });
  }
});

describe("capture: Jest's module registry", () => {
  it("jest-runtime's Runtime class is recognised, other modules are not", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtime = require('jest-runtime') as { default: unknown };
    assert.equal(jestRuntimeClass(runtime), runtime.default);
    assert.equal(jestRuntimeClass({ default: class {} }), undefined);
    assert.equal(jestRuntimeClass(null), undefined);
    assert.equal(jestRuntimeClass(path), undefined);
  });

  const frames = (caller: string) => ['Error: ', '    at currentCaller (/ext/src/worker/capture/hook/call-site.ts:21:17)', '    at Sequential.fit (/ext/src/worker/capture/hook/layers-patch.ts:64:38)', caller].join('\n');
  const callers: { caller: string; own: boolean }[] = [
    // Jest's source maps name the hook's bundled frames by their sources: the caller is the test, not this project.
    { caller: '    at Object.<anonymous> (/p/classifier.test.js:17:31)', own: false },
    { caller: '    at trainRun (/ext/src/worker/training/train-loop.ts:88:9)', own: true },
    { caller: '    at trainRun (/ext/dist/capture-session.js:5000:9)', own: true },
  ];
  for (const { caller, own } of callers) {
    it(`under source maps, a call from ${caller.trim()} is ${own ? "this project's" : "the program's"}`, () => {
      assert.equal(firstOutsideFrame(frames(caller), (file) => file.startsWith('/ext/src/') || file.startsWith('/ext/dist/')), own);
    });
  }

  it("tfjs's frames named by its sources (not shipped, so not on disk) are skipped; a user's file in a folder of that shape is not", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-frames-'));
    const userFile = path.join(dir, 'tfjs-demo', 'src', 'train.js');
    fs.mkdirSync(path.dirname(userFile), { recursive: true });
    fs.writeFileSync(userFile, '');
    try {
      const through = (caller: string) => ['Error: ', '    at Sequential.add (/ext/src/worker/capture/hook/layers-patch.ts:80:38)', `    at new Sequential (${path.join(dir, 'tfjs-layers', 'src', 'models.ts')}:414:14)`, caller].join('\n');
      const own = (file: string) => file.startsWith('/ext/');
      assert.deepEqual(userCallSite(through('    at Object.<anonymous> (/p/loop.test.js:6:20)'), own), { file: '/p/loop.test.js', line: 6 });
      assert.deepEqual(userCallSite(through(`    at main (${userFile}:3:1)`), own), { file: userFile, line: 3 });
      assert.equal(firstOutsideFrame(through('    at rebuild (/ext/src/worker/norm-swap.ts:40:1)'), own), true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
