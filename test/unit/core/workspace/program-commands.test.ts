import { strict as assert } from 'node:assert';
import { buildsModel, findPackageScripts, isTestFileName, rankScripts, testFileCommand } from '../../../../src/core/workspace/program-commands';

describe('program commands: package.json scripts', () => {
  const pkg = ['{', '  "name": "demo",', '  "scripts": {', '    "build": "tsc",', '    "train": "node train.js --epochs 2",', '    "test:model" : "mocha test/model.test.js",', '    "odd name": "node x.js"', '  },', '  "dependencies": { "train": "1.0.0" }', '}'].join('\n');

  it('lists every script with its line (0-based), the command that runs it, and quotes odd names', () => {
    assert.deepEqual(findPackageScripts(pkg), [
      { name: 'build', script: 'tsc', command: 'npm run build', line: 3 },
      { name: 'train', script: 'node train.js --epochs 2', command: 'npm run train', line: 4 },
      { name: 'test:model', script: 'mocha test/model.test.js', command: 'npm run test:model', line: 5 },
      { name: 'odd name', script: 'node x.js', command: 'npm run "odd name"', line: 6 },
    ]);
  });

  it('leaves out the test script npm init writes, which runs nothing', () => {
    const text = '{ "scripts": { "start": "node fuzzer.js", "test": "echo \\"Error: no test specified\\" && exit 1" } }';
    assert.deepEqual(findPackageScripts(text).map((s) => s.name), ['start']);
  });

  const none: [string, string][] = [
    ['not JSON', '{ "scripts": '],
    ['no scripts', '{ "name": "x" }'],
    ['scripts not an object', '{ "scripts": ["a"] }'],
  ];
  for (const [what, text] of none) {
    it(`${what}: none`, () => assert.deepEqual(findPackageScripts(text), []));
  }

  it('ranks training scripts first, then tests, then the rest', () => {
    assert.deepEqual(rankScripts(findPackageScripts(pkg)).map((s) => s.name), ['train', 'test:model', 'build', 'odd name']);
  });
});

describe('program commands: test files', () => {
  const names: [string, boolean][] = [
    ['test/model.test.js', true],
    ['src/model.spec.ts', true],
    ['gan_test.js', true],
    ['__tests__/gan.js', true],
    ['tests/helpers/data.mjs', true],
    ['src/train.js', false],
    ['contest.js', false],
    ['test/fixtures/data.json', false],
  ];
  for (const [file, expected] of names) {
    it(`${file}: ${expected ? 'a test file' : 'not a test file'}`, () => assert.equal(isTestFileName(file), expected));
  }

  const code: [string, string, boolean][] = [
    ['builds a sequential model', "const tf = require('@tensorflow/tfjs');\nconst m = tf.sequential();", true],
    ['trains a model it imports', "import * as tf from '@tensorflow/tfjs-node';\nawait model.fit(xs, ys);", true],
    ['only tensors', "const tf = require('@tensorflow/tfjs');\ntf.tensor([1]).print();", false],
    ['no tfjs', 'const m = sequential();', false],
  ];
  for (const [what, text, expected] of code) {
    it(`${what}: ${expected ? 'builds a model' : 'does not'}`, () => assert.equal(buildsModel(text), expected));
  }

  const runners: [string, string | undefined, string][] = [
    ['test/model.test.js', '{ "devDependencies": { "mocha": "^10" } }', 'npx mocha test/model.test.js'],
    ['src/a.spec.ts', '{ "devDependencies": { "jest": "^29" } }', 'npx jest src/a.spec.ts'],
    ['a.test.ts', '{ "devDependencies": { "vitest": "^1" } }', 'npx vitest run a.test.ts'],
    ['gan_test.js', '{ "devDependencies": { "jasmine": "^5" } }', 'npx jasmine gan_test.js'],
    ['gan_test.js', '{ "dependencies": {} }', 'node gan_test.js'],
    ['my tests/a.test.js', undefined, 'node "my tests/a.test.js"'],
  ];
  for (const [file, pkg, expected] of runners) {
    it(`${file} -> ${expected}`, () => assert.equal(testFileCommand(file, pkg), expected));
  }
});
