import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';
import { withoutComments } from '../../../src/core/analysis/comments';
import { isBrowserScript } from '../../../src/worker/loading/page/page-globals';
import { withPrologue } from '../../../src/worker/loading/commonjs-output';

const BUILDERS = path.resolve(__dirname, '../../fixtures/sanity/builders');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

function request(file: string, overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: path.join(BUILDERS, file), steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic', ...overrides };
}

async function run(req: SanityRequest): Promise<SanityOutcome> {
  return runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

describe('comments never count as imports', () => {
  const rows: { code: string; browser: boolean }[] = [
    { code: "// import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();", browser: true },
    { code: "/* import * as tf from '@tensorflow/tfjs'; */ tf.sequential();", browser: true },
    { code: "import * as tf from '@tensorflow/tfjs'; // the real one", browser: false },
    { code: "const tf = require('@tensorflow/tfjs-node');", browser: false },
    { code: "const url = 'https://cdn.example/x.js'; // not tfjs\nconst tf2 = require(\"@tensorflow/tfjs\");", browser: false },
    { code: "import * as tf from 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4.22.0/+esm';", browser: true },
    { code: 'const { sequential } = await import(`@tensorflow/tfjs`);', browser: false },
    { code: "import * as tf from 'npm:@tensorflow/tfjs@4.22.0';", browser: false },
  ];
  for (const row of rows) {
    it(`${row.browser ? 'a page script' : 'a module'}: ${row.code.split('\n')[0]}`, () => {
      assert.equal(isBrowserScript(row.code), row.browser);
    });
  }
  it('keeps strings that look like comments', () => {
    assert.equal(withoutComments("const a = 'http://x'; // c\nconst b = `/* t */`;"), "const a = 'http://x'; \nconst b = `/* t */`;");
  });
});

describe('real-code kinds run (through the worker)', function () {
  this.timeout(90_000);

  it('a page module whose tfjs import is commented out gets the page-global tf', async () => {
    const report = reportOf(await run(request('commented-import.js', { model: 'policyNet' })));
    assert.equal(report.runs[0].steps, 2);
  });

  it("a Deno module's npm: specifier is the package it names, its CDN URL the same tfjs", async () => {
    const report = reportOf(await run(request('deno-npm.ts', { model: 'buildScorer', args: [5] })));
    assert.equal(report.runs[0].steps, 2);
    assert.equal(report.runs[0].graph?.nodes.filter((n) => n.className === 'BatchNormalization').length, 1);
    assert.ok(!(report.notes ?? []).some((n) => /not installed|stand-in/.test(n)), JSON.stringify(report.notes));
  });

  it('a builder that keeps its model in a closure of the functions it returns: the model it made trains, with a note', async () => {
    const report = reportOf(await run(request('closure-model.js', { model: 'createPolicy', args: [{ stateSize: 6, actionSize: 3 }] })));
    assert.equal(report.runs[0].steps, 2);
    assert.equal(report.runs[0].graph?.nodes.filter((n) => n.className === 'BatchNormalization').length, 1);
    assert.ok(report.notes?.includes('createPolicy() returned an Object, which holds no model: sanity-train trained the model it made during the call'), JSON.stringify(report.notes));
  });

  it('a model built at the top level with no builder function: --model names the variable', async () => {
    const report = reportOf(await run(request('top-level-model.js', { model: 'classifier' })));
    assert.equal(report.call?.argsSource, 'built when the module loads');
    assert.ok(report.notes?.some((n) => n.startsWith('classifier is a model the module builds when it loads')), JSON.stringify(report.notes));
  });

  it('a class whose constructor destructures its models from build() is built with new and the constructor arguments typed; the note names the model trained', async () => {
    const report = reportOf(await run(request('holder-class.js', { model: 'TwoPartNet', ctorArgs: [{ sizes: { inputDim: 6, codeDim: 2 } }] })));
    assert.equal(report.call?.builderKind, 'constructor');
    assert.deepEqual(report.call?.args, [{ sizes: { inputDim: 6, codeDim: 2 } }]);
    assert.ok(report.notes?.some((n) => n === 'TwoPartNet holds 2 models (encoder, decoder): sanity-train trains this.encoder'), JSON.stringify(report.notes));
  });

  it('a class that extends tf.Sequential is the model: --model Class with the constructor arguments', async () => {
    const report = reportOf(await run(request('model-subclass.ts', { model: 'TinyNet', ctorArgs: [{ width: 8, classes: 3 }] })));
    assert.equal(report.call?.builderKind, 'constructor');
    assert.equal(report.runs[0].steps, 2);
  });

  it('fewer constructor arguments than parameters run, the rest undefined, with a note (--ctor-args for --model Class)', async () => {
    const report = reportOf(await run(request('optional-tail.js', { model: 'ReplayAgent', ctorArgs: [[0, 1, 2]] })));
    assert.deepEqual(report.call?.args, [[0, 1, 2]]);
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('new ReplayAgent() takes 4 arguments (actions, gamma, epsilon, path); got 1: path ran as undefined, as JavaScript passes them'), JSON.stringify(report.notes));
  });

  it('a package the module imports that is not installed, and a missing bundler asset: stand-ins and a note', async () => {
    const report = reportOf(await run(request('missing-package.js', { model: 'createNet' })));
    assert.ok(report.notes?.some((n) => n.startsWith('rbn-fixture-plotting-library-that-is-not-installed is not installed: the module loaded with an inert stand-in')), JSON.stringify(report.notes));
  });

  it('a page script that looks up a DOM element at load and returns when it is missing runs', async () => {
    const report = reportOf(await run(request('guarded-dom.js', { model: 'makeModel' })));
    assert.deepEqual(report.browserStandIns, ['document']);
  });

  it('a tfjs error in a layer after merges (a residual model) names that layer and its line', async () => {
    const outcome = await run(request('residual-pool-mismatch.js', { model: 'residualNet', args: [{ $input: [8, 8, 1] }, 3] }));
    assert.equal(outcome.kind, 'error');
    const { message } = outcome as { message: string };
    assert.match(message, /^running the model failed in layer "reshape_Reshape\d+" \(Reshape\) built at .*residual-pool-mismatch\.js:16, in its forward pass: tfjs said "Total size of new array must be unchanged\."/);
  });

  it('channels-first BatchNorm, whose gradient tfjs lacks: the runs train a RunningBatchNorm copy, and the report says the model as written cannot train and why', async () => {
    const report = reportOf(await run(request('channels-first.js', { model: 'boardNet' })));
    assert.match(report.normSwapped?.reason ?? '', /^tfjs trains BatchNormalization only over the last axis, and batch_normalization_BatchNormalization\d+ normalises axis 1 \(channels-first\): its gradient fails \(tfjs said "Size\(\d+\) must match the product of shape [\d,]+"\), in your program too$/);
    assert.equal(report.normSwapped?.layers.length, 1);
    assert.equal(report.runs.length, 1);
    assert.equal(report.runs[0].norm, 'runningBatchNorm');
    assert.equal(report.runs[0].swapped, true);
    assert.ok(report.runs[0].steps > 0);
    assert.equal(report.runs[0].nan, null);
  });

  it('BatchNorm on a conv3d output (rank 5), which tfjs does not implement: the runs train a RunningBatchNorm copy, and the report says why', async () => {
    const report = reportOf(await run(request('volume-net.js', { model: 'volumeNet' })));
    assert.match(report.normSwapped?.reason ?? '', /^tfjs implements BatchNormalization for inputs of rank 2 to 4 only, and the input of batch_normalization_BatchNormalization\d+ has rank 5: it fails \(tfjs said "batchNormalization is not implemented for array of rank 5 yet"\), in your program too$/);
    assert.equal(report.runs[0].norm, 'runningBatchNorm');
    assert.ok(report.runs[0].steps > 0);
    assert.equal(report.runs[0].nan, null);
  });

  it('a two-output model with a rank-5 BatchNorm: its outputs are checked on the RunningBatchNorm copy, which runs', async () => {
    const report = reportOf(await run(request('volume-net.js', { model: 'volumeTwoHeads' })));
    assert.equal(report.normSwapped?.layers.length, 1);
    assert.ok(report.runs[0].steps > 0);
  });

  it("a factory's functions (the module pattern, tfjs handed to the factory): found by their own names and trained", async () => {
    const policy = reportOf(await run(request('factory-nets.js', { model: 'policy' })));
    assert.equal(policy.model, 'nets.policy');
    assert.ok(policy.runs[0].steps > 0);
    const value = reportOf(await run(request('factory-nets.js', { model: 'nets.value' })));
    assert.equal(value.model, 'nets.value');
    assert.equal(value.task, 'regression');
  });

  it('a top-level `let tf = null` that only a browser-only loader fills: the builder gets the tfjs in use', async () => {
    const report = reportOf(await run(request('tf-loaded-later.ts', { model: 'SegmentationService.createNetwork' })));
    assert.ok(report.runs[0].steps > 0);
    assert.equal(report.runs[0].norm, 'batchNormalization');
  });

  it('channels-last BatchNorm of the same model trains as written', async () => {
    const report = reportOf(await run(request('channels-first.js', { model: 'boardNetChannelsLast' })));
    assert.equal(report.normSwapped, undefined);
    assert.equal(report.runs[0].norm, 'batchNormalization');
    assert.equal(report.runs[0].swapped, undefined);
  });

  it('a page script that uses the element it looked up without a check (listeners, text appended to it) gets an inert element and runs', async () => {
    const report = reportOf(await run(request('unguarded-dom.js', { model: 'makeModel' })));
    assert.deepEqual(report.browserStandIns, ['document']);
  });
});

describe('a script that ends itself when it loads (process.exit)', () => {
  it('a usage line and process.exit(1) in main(), and again in its catch: the builder trains and the report says so', async () => {
    const report = reportOf(await run(request('usage-exit.js', { model: 'buildPolicy', args: [{ board: 3, actions: 9 }] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('the module called process.exit(1) while it loaded at usage-exit.js:18 ')), JSON.stringify(report.notes));
  });

  it('process.exit at the top level before a const builder: one line says why it cannot be reached', async () => {
    const outcome = await run(request('usage-exit-arrow.js', { model: 'makeNet', args: [4] }));
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /usage-exit-arrow\.js calls process\.exit\(2\) when it loads at usage-exit-arrow\.js:6, and makeNet is not defined before that call \(only a function declaration is hoisted\), so it cannot be reached/);
  });
});

describe('a class the analysis does not see as a builder, given the proposed options bag', () => {
  it('its models come out of a destructured this.build(): built with new and the bag, the first model trained', async () => {
    const report = reportOf(await run(request('destructured-build.js', { model: 'Autoencoder', args: [{ modelConfig: { inputDim: 6, hiddenDim: 4 } }], argsSource: 'guessed from the names and types (config)' })));
    assert.equal(report.runs[0].steps, 2);
    assert.equal(report.call?.builderKind, 'constructor');
  });
});

describe('a component of a bundled browser app', () => {
  it("its style sheets, CSS module and logo load as a bundler gives them, its UI kit's base class is a stand-in it extends, and props is {}", async () => {
    const report = reportOf(await run(request('bundled-app/App.js', { model: 'Trainer.buildClassifier', args: [4], ctorArgs: [{}] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => n.startsWith('@example/widget-kit is not installed')), JSON.stringify(report.notes));
  });
});

describe('a script that throws when it loads, past its builder', () => {
  it('the hoisted builder is built anyway, and the first note says where the script throws', async () => {
    const report = reportOf(await run(request('throws-after-builder.js', { model: 'createAutoencoder', args: [4] })));
    assert.equal(report.runs[0].steps, 2);
    assert.match(report.notes?.[0] ?? '', /^throws-after-builder\.js throws when it loads: TypeError: Cannot read properties of undefined \(reading 'decoder'\) \(at .*throws-after-builder\.js:14\); sanity-train skipped the statements that threw, ran the rest of the file and built the model with createAutoencoder\(\)/);
  });

  it('a function that fails past the error too: its own failure, and the message says where the script throws', async () => {
    const outcome = await run(request('throws-after-builder.js', { model: 'preview' }));
    assert.equal(outcome.kind, 'error');
    const message = outcome.kind === 'error' ? outcome.message : '';
    assert.match(message, /^preview\(\) threw: TypeError: Cannot read properties of undefined \(reading 'decoder'\).*\(throws-after-builder\.js throws when it loads: .*sanity-train skipped the statements that threw, ran the rest of the file\)/);
  });
});

describe('a class that holds the model one level down', () => {
  it('this.brain.model: found, trained, and the report says where it was', async () => {
    const report = reportOf(await run(request('nested-holder.js', { model: 'Controller', args: ['left'] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('new Controller() holds the model one level down, in this.brain.model: sanity-train trains that model'), JSON.stringify(report.notes));
  });
});

describe('a script that trains its model when it loads', () => {
  it('awaited at the top level: stopped at its first fit(), the builder trains with the compile() settings the script gave', async () => {
    const report = reportOf(await run(request('trains-at-load.ts', { model: 'buildRegressor', args: [3, 2] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('the module trains when it loads (model.fit() at trains-at-load.ts:17): sanity-train stopped it at that call and built the model with buildRegressor() instead'), JSON.stringify(report.notes));
    assert.ok(report.notes?.some((n) => n === 'compiled as the script compiled the model it trained when it loaded (SGD)'), JSON.stringify(report.notes));
  });

  it('in a main() nobody awaits: its stopped promise ends nothing, and the builder trains', async () => {
    const report = reportOf(await run(request('trains-at-load-main.js', { model: 'buildClassifier' })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => /^the module trains when it loads \(model\.fit\(\) at trains-at-load-main\.js:18\)/.test(n)), JSON.stringify(report.notes));
  });

  it('a builder that is a const arrow function, declared before the training: handed over as declared, and it trains', async () => {
    const report = reportOf(await run(request('trains-at-load-arrow.js', { model: 'buildTiny' })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => /^the module trains when it loads \(model\.fit\(\) at trains-at-load-arrow\.js:14\): sanity-train stopped it at that call and built the model with buildTiny\(\) instead/.test(n)), JSON.stringify(report.notes));
  });

  it('a class builder declared before the training at the top level of an ES module: it trains', async () => {
    const report = reportOf(await run(request('trains-at-load-class.mjs', { model: 'Regressor.build', args: [6] })));
    assert.equal(report.runs[0].steps, 2);
  });

  it('a const builder declared after the training: one line says why it cannot be reached and what to do', async () => {
    const outcome = await run(request('trains-at-load-before-arrow.js', { model: 'buildLate' }));
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /trains-at-load-before-arrow\.js trains when it loads \(model\.fit\(\) at trains-at-load-before-arrow\.js:\d+\), and buildLate is not defined before that call \(only a function declaration is hoisted\), so it cannot be reached without running that training: put the training in a function, or behind `if \(require\.main === module\)`$/);
  });
});

describe('a script with no builder function, whose model its own code builds as it loads', function () {
  this.timeout(90_000);

  it('trained at the top level: stopped at its fit(), that model trains as the script compiled it', async () => {
    const report = reportOf(await run(request('trains-at-top-level.js', { model: 'net' })));
    assert.equal(report.runs[0].steps, 2);
    assert.equal(report.call?.argsSource, 'built when the module loads');
    assert.ok(report.notes?.includes('the module trains its model when it loads (model.fit() at trains-at-top-level.js:12), with no builder function: sanity-train stopped it at that call and trains that model, compiled as the module compiled it'), JSON.stringify(report.notes));
    assert.ok(report.notes?.some((n) => /^optimizer: RMSProp \(lr 0\.01\), categoricalCrossentropy, from the model's compile\(\)/.test(n)), JSON.stringify(report.notes));
  });

  it('with no --model: the variable the script keeps its model in is the default', async () => {
    const report = reportOf(await run(request('trains-at-top-level.js')));
    assert.equal(report.model, 'net');
    assert.equal(report.runs[0].steps, 2);
  });

  it('built in an async function called at load after a fetch that fails: its statements run one by one and the model is trained', async () => {
    const report = reportOf(await run(request('builds-in-async-iife.js', { model: 'model' })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => /^the code builds-in-async-iife\.js runs as it loads \(the function at line 5\) throws before it builds model: .*; sanity-train skipped the \d+ statements that threw/.test(n)), JSON.stringify(report.notes));
    assert.ok(report.notes?.some((n) => n.startsWith('model is a model the module builds in code it runs when it loads (no builder function): sanity-train waited for that code, stopped it at its training call (model.fit() at builds-in-async-iife.js:15)')), JSON.stringify(report.notes));
  });

  it("built in a promise's callback, while a timer's callback throws: the wait goes on and the model is found (wasm, whose emscripten handlers rethrow, too)", async () => {
    const report = reportOf(await run(request('builds-in-then-callback.js', { model: 'recogniser', backend: 'wasm' })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes('recogniser is a model the module builds in code it runs when it loads (no builder function): sanity-train waited for that code and trains that model'), JSON.stringify(report.notes));
  });
});

describe('a training function that turns the stop of its training call into its own error', function () {
  this.timeout(90_000);

  it('trains the model it was training, and says what it threw', async () => {
    const report = reportOf(await run(request('trains-in-try-catch.js', { model: 'trainClassifier' })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.some((n) => /^trainClassifier\(\) caught the stop of its training call and threw its own error for it \(Error: Training failed: /.test(n)), JSON.stringify(report.notes));
    assert.ok(report.notes?.some((n) => /^optimizer: SGD \(lr 0\.05\)/.test(n)), JSON.stringify(report.notes));
  });
});

describe("a page script that reads its settings from the page's form while it builds", function () {
  this.timeout(90_000);

  it("gets the values the page's HTML gives its fields (a select's selected option, an input's value)", async () => {
    const report = reportOf(await run(request('form-page/net.js', { model: 'buildFromForm' })));
    assert.equal(report.runs[0].steps, 2);
    assert.deepEqual(report.runs[0].graph?.nodes.find((n) => n.className === 'Dense')?.outputShape, [null, 16]);
    assert.ok(report.notes?.some((n) => /^optimizer: Adam \(lr 0\.01\)/.test(n)), JSON.stringify(report.notes));
  });
});

describe("tfjs-node's tf.node image functions where plain tfjs serves tfjs-node", function () {
  this.timeout(90_000);

  it('a builder that sizes its model from an image it decodes with tf.node.decodeImage builds and trains', async () => {
    const report = reportOf(await run(request('reads-images-with-tfjs-node.js', { model: 'buildFromSample' })));
    assert.equal(report.runs[0].steps, 2);
    assert.deepEqual(report.runs[0].graph?.nodes[0].outputShape, [null, 6, 8, 3]);
  });
});

describe("the entry file's first-line prologue (a hoisted builder read before the body runs)", () => {
  const rows: [string, string][] = [
    ['"use strict";\nconst a = 1;', '"use strict";P\nconst a = 1;'],
    ["'use strict'\nx();", "'use strict'P\nx();"],
    ['#!/usr/bin/env node\n"use strict";\nx();', '#!/usr/bin/env node\n"use strict";P\nx();'],
    ['#!/usr/bin/env node\nx();', '#!/usr/bin/env node\nPx();'],
    ['var model = tf.sequential();', 'Pvar model = tf.sequential();'],
  ];
  for (const [code, expected] of rows) {
    it(`${JSON.stringify(code.split('\n')[0])}: keeps the shebang and the directive first, and adds no line`, () => {
      assert.equal(withPrologue(code, 'P'), expected);
    });
  }
});

describe('a field a base class fills from its options, read through the options\' methods', function () {
  this.timeout(90_000);

  it('runs with a stand-in for the field the options left empty, and says so', async () => {
    const report = reportOf(await run(request('base-class-options.ts', { model: 'DenseTrainer.build', ctorArgs: [{}] })));
    assert.equal(report.runs[0].steps, 2);
    assert.deepEqual(report.call?.instanceVars, { set: { source: { width: { $returns: 28 }, height: { $returns: 28 } } } });
    assert.match(report.call?.instanceVarsSource ?? '', /^set a stand-in from what the code does with set \(source.width\(\), source.height\(\)\)/);
  });

  it('typed options that leave the data source out: the source\'s stand-in fills what they lack, said so', async () => {
    const report = reportOf(await run(request('base-class-options.ts', { model: 'DenseTrainer.build', ctorArgs: [{ set: { path: 'x' }, epochs: 3 }] })));
    assert.equal(report.runs[0].steps, 2);
    assert.ok(report.notes?.includes("the constructor's arguments left out this.set.source, which DenseTrainer.build() reads: sanity-train gave it a stand-in from what the code does with it (pass --instance-vars to set it)"), JSON.stringify(report.notes));
  });

  it('typed options without the methods fail with how to type one', async () => {
    const outcome = await run(request('base-class-options.ts', { model: 'DenseTrainer.build', ctorArgs: [{ set: { source: { width: 6, height: 4 }, path: 'x' } }] }));
    assert.equal(outcome.kind, 'error');
    assert.match(outcome.kind === 'error' ? outcome.message : '', /width is not a function .*typed values hold no methods: type width\(\) as `width: \(\) => value`/);
  });
});

describe('a class a CommonJS module exports as a named class expression (`module.exports = class Detector`)', function () {
  this.timeout(90_000);

  it('its method builds the model that trains', async () => {
    const report = reportOf(await run(request('exports-class-expression.js', { model: 'Detector.compile' })));
    assert.equal(report.runs[0].steps, 2);
  });
});

