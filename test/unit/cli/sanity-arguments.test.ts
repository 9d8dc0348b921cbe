import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatSanity, parseSanityArgs } from '../../../src/cli/commands/sanity';
import { completeSanityRequest, describeCall } from '../../../src/cli/sanity-arguments';
import type { SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { rbn, tempProject } from './cli-helpers';

const BUILDERS = path.resolve(__dirname, '../../fixtures/sanity/builders');

function complete(file: string, extra: Partial<SanityRequest> = {}) {
  const request = { ...parseSanityArgs([path.join(BUILDERS, file)], BUILDERS).request, ...extra };
  return completeSanityRequest(request, fs.readFileSync(request.file, 'utf8'));
}

describe('rbn sanity arguments', function () {
  this.timeout(60_000);

  it('proposes arguments from a call in another file of the package and says so', () => {
    const { request, message, error } = complete('grid-agent.js');
    assert.equal(error, undefined);
    assert.equal(request.model, 'createGridNetwork');
    assert.deepEqual(request.args, [5, 6, 3]);
    assert.equal(request.argsSource, 'call in grid-agent_test.js:6');
    assert.equal(message, 'createGridNetwork(5, 6, 3): from the call in grid-agent_test.js:6');
  });

  it('a folder with no package.json: the helpers it imports from a sibling folder say the input is an image', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-no-package-'));
    try {
      fs.mkdirSync(path.join(dir, 'backbone'));
      fs.mkdirSync(path.join(dir, 'layers'));
      fs.writeFileSync(path.join(dir, 'layers', 'index.ts'), "import * as tf from '@tensorflow/tfjs';\nexport const convBN = (x: tf.SymbolicTensor, filters: number) => tf.layers.batchNormalization().apply(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same' }).apply(x)) as tf.SymbolicTensor;\n");
      const file = path.join(dir, 'backbone', 'index.ts');
      fs.writeFileSync(file, "import * as tf from '@tensorflow/tfjs';\nimport { convBN } from '../layers';\nexport const backbone = (inputShape: number[]) => {\n  const inputs = tf.input({ shape: inputShape });\n  return tf.model({ inputs, outputs: convBN(inputs, 8) });\n};\n");
      const request = { ...parseSanityArgs([file], dir).request, model: 'backbone' };
      assert.deepEqual(completeSanityRequest(request, fs.readFileSync(file, 'utf8')).request.args, [[28, 28, 1]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a call shown to the reader is shortened past 200 characters (the request keeps every value)', () => {
    const example = Array.from({ length: 28 }, () => Array.from({ length: 28 }, () => [0]));
    const shown = describeCall({ kind: 'function', id: 'policyNet' }, { args: [example, 4] });
    assert.equal(shown.length, 'policyNet()'.length + 200);
    assert.match(shown, /^policyNet\(\[\[\[0\], \[0\], .*…\)$/);
    assert.equal(describeCall({ kind: 'function', id: 'policyNet' }, { args: [[10, 10, 1], 4] }), 'policyNet([10, 10, 1], 4)');
  });

  it('--args wins; the constructor arguments are still proposed for Class.method', () => {
    const { request, message } = complete('classes.ts', { model: 'Classifier.build', args: [4] });
    assert.deepEqual(request.args, [4]);
    assert.deepEqual(request.ctorArgs, [32]);
    assert.equal(request.argsSource, 'given with --args; the rest: guessed from the names and types (units)');
    assert.equal(message, 'new Classifier(32).build(4): from guesses for units');
  });

  it('says why each guess is what it is, and nothing when nothing was guessed', () => {
    assert.deepEqual(complete('classes.ts', { model: 'Classifier.build', args: [4] }).guessNotes, ['units: from the name units']);
    assert.equal(complete('classes.ts', { model: 'Classifier.build', args: [4], ctorArgs: [8] }).guessNotes, undefined);
  });

  it('given --args and --ctor-args: nothing proposed, nothing printed', () => {
    const { request, message } = complete('classes.ts', { model: 'Classifier.build', args: [4], ctorArgs: [3] });
    assert.equal(request.argsSource, 'given with --args and --ctor-args');
    assert.equal(message, undefined);
  });

  it('without --model: the first builder that needs no arguments', () => {
    const { request, message } = complete('patch-scorer.ts');
    assert.equal(request.model, 'PatchScorer.build');
    assert.equal(request.args, undefined);
    assert.equal(message, undefined);
  });

  it('a parameter nothing can fill that the builder reads stops the run with one line', () => {
    const root = tempProject({ 'package.json': '{}', 'm.js': "const tf = require('@tensorflow/tfjs');\nexports.f = function (graph) { graph.nodes.map((n) => n); return tf.sequential(); };\n" });
    try {
      const request = parseSanityArgs(['m.js'], root).request;
      const { error } = completeSanityRequest(request, fs.readFileSync(request.file, 'utf8'));
      assert.equal(error, 'no value to propose for graph of f: pass --args (the builder reads graph.nodes: a value its caller builds)');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('parameters nothing can fill that the builder only hands on: the last left out, as a call without them runs, one in the middle null', () => {
    const rows: { code: string; args: unknown[]; message: string }[] = [
      { code: 'exports.f = function (data) { this.data = data; return tf.sequential(); };', args: [], message: 'f(): nothing proposes a value for data, which the builder only hands on: it runs without it; pass --args if the model needs it' },
      { code: 'exports.f = function (units = 4, data) { keep(data); return tf.sequential(); };', args: [4], message: 'f(4): from the defaults in the signature; nothing proposes a value for data, which the builder only hands on: it runs without it; pass --args if the model needs it' },
      { code: 'exports.f = function (direction, units = 4) { keep(direction); return tf.sequential(); };', args: [null, 4], message: 'f(null, 4): from the defaults in the signature; nothing proposes a value for direction, which the builder only hands on: it runs without it; pass --args if the model needs it' },
      { code: "exports.f = function (direction, units = 4) { const left = direction === 'left'; return tf.sequential(); };", args: ['left', 4], message: "f('left', 4): from the defaults in the signature and guesses for direction" },
      { code: 'exports.f = function (data, units = 4) { data.items.forEach((x) => x); return tf.sequential(); };', args: [], message: '' },
    ];
    for (const row of rows) {
      const root = tempProject({ 'package.json': '{}', 'm.js': `const tf = require('@tensorflow/tfjs');\n${row.code}\n` });
      try {
        const request = parseSanityArgs(['m.js'], root).request;
        const completed = completeSanityRequest(request, fs.readFileSync(request.file, 'utf8'));
        if (row.message === '') {
          assert.equal(completed.error, "no value to propose for data of f: pass --args (the proposal was '[null, 4]', null where nothing was found) (the builder reads data.items: a value its caller builds)");
        } else {
          assert.equal(completed.error, undefined);
          assert.deepEqual(completed.request.args, row.args);
          assert.equal(completed.message, row.message);
        }
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    }
  });

  it('runs with the proposal end to end, prints it on stderr and reports the call in JSON', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'grid-agent.js', '--steps', '2', '--backend', 'cpu', '--data', 'synthetic', '--json'], BUILDERS);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, 'rbn sanity: createGridNetwork(5, 6, 3): from the call in grid-agent_test.js:6\n');
    const report = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(report.call, { model: 'createGridNetwork', args: [5, 6, 3], argsSource: 'call in grid-agent_test.js:6', builderKind: 'function' });
  });

  it('Class with --args: the constructor gets them', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'classes.ts', '--model', 'Agent', '--args', '[3, 2]', '--steps', '2', '--backend', 'cpu'], BUILDERS);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.match(stdout, /^ {2}call: new Agent\(3, 2\) \(arguments: given with --args\)$/m);
  });

  it('a model that cannot train as written (channels-first BatchNorm) exits 1 and says why, after training its RunningBatchNorm copy', async () => {
    const { code, stdout } = await rbn(['sanity', 'channels-first.js', '--model', 'boardNet', '--steps', '2', '--backend', 'cpu', '--data', 'synthetic'], BUILDERS);
    assert.equal(code, 1);
    assert.match(stdout, /^ {2}RunningBatchNorm \(swapped in memory\) +2 steps/m);
    assert.match(stdout, /^The model as written cannot train: tfjs trains BatchNormalization only over the last axis/m);
  });

  const bad: [string[], RegExp][] = [
    [['--args', '9, 9'], /^rbn sanity: --args: Expected a JS array such as \[9, 9, 4\], found '9'\./],
    [['--args', '{"h": 9}'], /^rbn sanity: --args: Expected a JS array such as \[9, 9, 4\], found '\{'\./],
    [['--ctor-args', '[1,'], /^rbn sanity: --ctor-args: Column 4: the text ends before the value\./],
  ];
  for (const [flags, message] of bad) {
    it(`exits 2 with one line for ${flags.join(' ')}`, async () => {
      const { code, stdout, stderr } = await rbn(['sanity', 'grid-agent.js', ...flags], BUILDERS);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.equal(stderr.trim().split('\n').length, 1);
    });
  }

  it('parseSanityArgs reads --args and --ctor-args as JSON or JS literals', () => {
    const { request } = parseSanityArgs(['m.ts', '--args', '[[28, 28, 1], 10]', '--ctor-args', "['relu']"], '/w');
    assert.deepEqual(request.args, [[28, 28, 1], 10]);
    assert.deepEqual(request.ctorArgs, ['relu']);
  });

  it('formatSanity shows the call when it had arguments', () => {
    const run = { norm: 'none' as const, steps: 3, batchSize: 2, finalLoss: 0.5, accuracy: null, error: 0.25, stepsPerSecond: 10, nan: null, exploding: [] };
    const text = formatSanity({ backend: 'cpu', data: 'synthetic', task: 'regression', model: 'Net.build', file: 'm.ts', runs: [run], call: { model: 'Net.build', args: [[8]], ctorArgs: [16], argsSource: 'call in demo.ts:3', builderKind: 'method' } });
    assert.match(text, /^ {2}call: new Net\(16\)\.build\(\[8\]\) \(arguments: call in demo\.ts:3\)$/m);
    const none = formatSanity({ backend: 'cpu', data: 'synthetic', task: 'regression', model: 'f', file: 'm.ts', runs: [run], call: { model: 'f', args: [], argsSource: 'no parameters' } });
    assert.doesNotMatch(none, /call:/);
  });

  it('module variables: proposed from the file, printed on their own line, for a builder without parameters too', () => {
    const { request, message, moduleVarsMessage } = complete('conditional-gan.ts', { model: 'buildJudge' });
    assert.equal(message, undefined);
    assert.deepEqual(request.moduleVars, { labelCount: 3, side: 8 });
    assert.match(request.moduleVarsSource ?? '', /^labelCount from labels: 3 in conditional-gan\.ts:7 \(labelCount = options\.labels in conditional-gan\.ts:\d+\); side from side: 8 /);
    assert.match(moduleVarsMessage ?? '', /^module variables \{ labelCount: 3, side: 8 \}: labelCount from labels: 3 in conditional-gan\.ts:7/);
  });

  it('--module-vars wins; the variables it leaves out are still proposed', () => {
    const all = complete('conditional-gan.ts', { model: 'buildJudge', moduleVars: { labelCount: 4, side: 6 } });
    assert.deepEqual(all.request.moduleVars, { labelCount: 4, side: 6 });
    assert.equal(all.request.moduleVarsSource, 'given with --module-vars');
    assert.equal(all.moduleVarsMessage, undefined);
    const some = complete('conditional-gan.ts', { model: 'buildJudge', moduleVars: { side: 6 } });
    assert.deepEqual(some.request.moduleVars, { labelCount: 3, side: 6 });
    assert.match(some.request.moduleVarsSource ?? '', /^given with --module-vars; the rest: labelCount from labels: 3 in conditional-gan\.ts:7 /);
  });

  it('a builder that reads no module variables gets none', () => {
    const { request, moduleVarsMessage } = complete('grid-agent.js');
    assert.equal(request.moduleVars, undefined);
    assert.equal(moduleVarsMessage, undefined);
  });

  it('parseSanityArgs reads --module-vars as a JSON or JS object literal', () => {
    assert.deepEqual(parseSanityArgs(['m.ts', '--module-vars', '{"numberOfClasses":10,"imageSize":28}'], '/w').request.moduleVars, { numberOfClasses: 10, imageSize: 28 });
    assert.deepEqual(parseSanityArgs(['m.ts', '--module-vars', "{ mode: 'gan', sizes: [2, 3], }"], '/w').request.moduleVars, { mode: 'gan', sizes: [2, 3] });
    assert.equal('moduleVars' in parseSanityArgs(['m.ts'], '/w').request, false);
  });

  it('exits 2 with one line for a --module-vars that is not an object literal', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'conditional-gan.ts', '--module-vars', '[10]'], BUILDERS);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, "rbn sanity: --module-vars: Expected a JS object such as { numberOfClasses: 10 }, found '['. (see rbn sanity --help)\n");
  });

  it('runs a builder that reads module variables with --model alone and reports them in JSON and text', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'conditional-gan.ts', '--model', 'buildJudge', '--steps', '2', '--backend', 'cpu', '--data', 'synthetic', '--json'], BUILDERS);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^rbn sanity: module variables \{ labelCount: 3, side: 8 \}: /);
    const report = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(report.call?.moduleVars, { labelCount: 3, side: 8 });
    assert.match(report.call?.moduleVarsSource ?? '', /^labelCount from labels: 3/);
    const text = formatSanity({ ...report, call: { model: 'buildJudge', args: [], argsSource: 'no parameters', moduleVars: { side: 6 }, moduleVarsSource: 'given with --module-vars' } });
    assert.match(text, /^ {2}module variables: \{ side: 6 \} \(given with --module-vars\)$/m);
  });
});
