import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { proposeArguments } from '../../../src/core/analysis/arguments/argument-proposals';
import { findModelBuilders } from '../../../src/core/analysis/builders/model-builders';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const BUILDERS = path.resolve(__dirname, '../../fixtures/sanity/builders');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');

function request(file: string, overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: path.join(BUILDERS, file), steps: 3, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic', ...overrides };
}

async function run(req: SanityRequest): Promise<SanityOutcome> {
  return runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });
}

function reportOf(outcome: SanityOutcome): SanityReport {
  assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? `${outcome.reason}: ${outcome.message}` : '');
  return (outcome as { report: SanityReport }).report;
}

function errorOf(outcome: SanityOutcome): { reason: string; message: string } {
  assert.equal(outcome.kind, 'error', 'expected the run to fail');
  return outcome as { reason: string; message: string };
}

/** What the CLI does without --args: the proposal from the package's files. */
function proposalFor(file: string, id: string) {
  const code = fs.readFileSync(path.join(BUILDERS, file), 'utf8');
  const builder = findModelBuilders(code, file).find((b) => b.id === id);
  assert.ok(builder, `no builder ${id} in ${file}`);
  const files = fs.readdirSync(BUILDERS).filter((f) => /\.[jt]s$/.test(f)).map((f) => ({ file: path.join(BUILDERS, f), code: fs.readFileSync(path.join(BUILDERS, f), 'utf8') }));
  return proposeArguments(builder, { file: path.join(BUILDERS, file), code }, { files });
}

describe('invokeBuilder (through the worker)', function () {
  this.timeout(60_000);

  it('a factory with parameters runs with the given args and reports the call', async () => {
    const report = reportOf(await run(request('grid-agent.js', { model: 'createGridNetwork', args: [4, 4, 2], argsSource: 'given with --args' })));
    assert.deepEqual(report.call, { model: 'createGridNetwork', args: [4, 4, 2], argsSource: 'given with --args', builderKind: 'function' });
    assert.equal(report.runs[0].steps, 3);
    assert.equal(report.runs[0].norm, 'batchNormalization');
  });

  it('a builder that writes into its arguments (tensors into a graph of nodes): the report says what was passed, as given', async () => {
    const nodes = [{ op: 'input', shape: [4] }, { op: 'dense', units: 3, from: 0 }, { op: 'batchNorm', from: 1 }];
    const report = reportOf(await run(request('graph-writes-args.js', { model: 'buildFromNodes', args: [nodes] })));
    assert.deepEqual(report.call?.args, [nodes]);
  });

  it('a model whose input has no size (built without the value it comes from) fails at the build, naming the shape', async () => {
    const rows: [Partial<SanityRequest>, string][] = [
      [{ model: 'buildFromConfig', args: [{}] }, 'buildFromConfig() returned a model whose input shape is [undefined, undefined, 3]: a size of undefined, NaN or 0 holds no data'],
      [{ model: 'RiskModel.buildArchitecture', args: [], ctorArgs: [] }, 'returned a model whose input shape is [0]'],
    ];
    for (const [req, text] of rows) {
      const error = errorOf(await run(request('unsized-input.js', req)));
      assert.ok(error.message.includes(text), error.message);
    }
    // A size field still 0 that another method sets gets the value proposed (or typed) for it, as an empty one does.
    const report = reportOf(await run(request('unsized-input.js', { model: 'RiskModel.buildArchitecture', args: [], ctorArgs: [], instanceVars: { featureCount: 6 }, instanceVarsSource: 'given' })));
    assert.deepEqual(report.call?.instanceVars, { featureCount: 6 });
  });

  it('a factory with parameters runs with the proposal from a call in another file of the package', async () => {
    const proposal = proposalFor('grid-agent.js', 'createGridNetwork');
    assert.deepEqual(proposal.args, [5, 6, 3]);
    assert.equal(proposal.summary, 'call in grid-agent_test.js:6');
    const report = reportOf(await run(request('grid-agent.js', { model: 'createGridNetwork', args: proposal.args, argsSource: proposal.summary })));
    assert.deepEqual(report.call?.args, [5, 6, 3]);
    assert.equal(report.call?.argsSource, 'call in grid-agent_test.js:6');
  });

  it('too few arguments typed: the call runs with the rest undefined, as JavaScript runs it; when that fails, once more with the rest proposed, and the first note says so', async () => {
    const report = reportOf(await run(request('grid-agent.js', { model: 'createGridNetwork', args: [9] })));
    assert.deepEqual(report.call?.args, [9, 10, 4]);
    assert.match(report.notes?.[0] ?? '', /^with w, numActions left undefined the build threw Error: h and w must be integers, got 9 and undefined \(at .*grid-agent\.js:\d+\); sanity-train built it again with the file's proposal for them \(\[9, 10, 4\]\): pass the values you mean to choose$/);
  });

  it("a value naming tfjs typed at the tfjs parameter's place: dropped, the tfjs in use goes there, said so", async () => {
    const report = reportOf(await run(request('injected-tf.js', { model: 'buildModel', args: ['@tensorflow/tfjs-node', 3] })));
    assert.ok(report.notes?.includes("'@tensorflow/tfjs-node' stood where tf takes the tfjs module: the tfjs in use went there"), JSON.stringify(report.notes));
  });

  it('too many arguments: one line', async () => {
    const failure = errorOf(await run(request('injected-tf.js', { model: 'buildModel', args: [3, 4] })));
    assert.match(failure.message, /^buildModel takes at most 1 argument \(classes\); got 2$/);
  });

  it('a class with a build() method: new Class(...ctorArgs), then the method', async () => {
    const report = reportOf(await run(request('classes.ts', { model: 'Classifier.build', args: [6], ctorArgs: [5] })));
    assert.deepEqual(report.call, { model: 'Classifier.build', args: [6], ctorArgs: [5], argsSource: 'given', builderKind: 'method' });
    assert.equal(report.model, 'Classifier.build');
  });

  it('a constructor that assigns this.model: --model Class', async () => {
    const report = reportOf(await run(request('classes.ts', { model: 'Agent', args: [4, 2] })));
    assert.deepEqual(report.call?.args, [4, 2]);
    assert.equal(report.task, 'regression');
  });

  it('an arrow-function property that assigns this.G', async () => {
    const report = reportOf(await run(request('classes.ts', { model: 'TinyGan.generator', args: [5], ctorArgs: [3] })));
    assert.deepEqual(report.call?.ctorArgs, [3]);
    assert.equal(report.runs[0].norm, 'batchNormalization');
  });

  it('a default-exported class with an async build() and a default inputShape', async () => {
    const report = reportOf(await run(request('patch-scorer.ts', { model: 'PatchScorer.build' })));
    assert.equal(report.call?.argsSource, 'defaults in the signature');
    assert.equal(report.runs[0].steps, 3);
  });

  it('an ES5 function constructor keeping its network on this', async () => {
    const proposal = proposalFor('es5-agent.js', 'PolicyAgent');
    const report = reportOf(await run(request('es5-agent.js', { model: 'PolicyAgent', args: proposal.args, argsSource: proposal.summary })));
    assert.equal(report.task, 'classification');
    assert.equal(report.call?.model, 'PolicyAgent');
  });

  it('functions inside module.exports = { … } keep their this', async () => {
    const report = reportOf(await run(request('cjs-object.js', { model: 'createModel', args: [3] })));
    assert.deepEqual(report.call?.args, [3]);
  });

  it('a function of an exported object, by Object.function', async () => {
    const report = reportOf(await run(request('cjs-object.js', { model: 'zoo.tiny' })));
    assert.equal(report.call?.model, 'zoo.tiny');
    assert.equal(report.call?.ctorArgs, undefined);
  });

  it('a class whose constructor throws says so', async () => {
    const failure = errorOf(await run(request('classes.ts', { model: 'Agent', args: [-1, 2] })));
    assert.equal(failure.reason, 'threw');
    assert.match(failure.message, /^new Agent\(\) threw: /);
  });

  it('a browser script gets tf, window and self as globals', async () => {
    const report = reportOf(await run(request('page-script.js')));
    assert.equal(report.model, 'buildPageModel');
    assert.deepEqual(report.call, { model: 'buildPageModel', args: [], argsSource: 'no parameters', builderKind: 'function' });
  });

  it('tf passed as a parameter is filled in and not counted in args', async () => {
    const a = reportOf(await run(request('injected-tf.js', { model: 'buildModel', args: [4] })));
    assert.deepEqual(a.call?.args, [4]);
    const b = reportOf(await run(request('injected-tf.js', { model: 'createModelM', args: [[2, 3]] })));
    assert.deepEqual(b.call?.args, [[2, 3]]);
  });

  it('--model Class with --args: the constructor gets the object the user typed', async () => {
    const report = reportOf(await run(request('arena-agent.js', { model: 'ArenaAgent', args: [{ rows: 5, cols: 4 }] })));
    assert.deepEqual(report.call, { model: 'ArenaAgent', args: [{ rows: 5, cols: 4 }], argsSource: 'given', builderKind: 'constructor' });
    assert.equal(report.runs[0].steps, 3);
  });

  it("--model Class without the constructor's argument: the proposal to pass, from what the code reads of it", async () => {
    const failure = errorOf(await run(request('arena-agent.js', { model: 'ArenaAgent' })));
    assert.equal(failure.reason, 'badInput');
    assert.equal(failure.message, "new ArenaAgent() takes 1 argument (arena); got 0: pass --args '[{ rows: 10, cols: 10 }]'");
  });

  it('--model Class with a live object as its argument: what to pass is a stand-in with the method it calls, never a list of nulls', async () => {
    const failure = errorOf(await run(request('opaque-agent.js', { model: 'OpaqueAgent' })));
    assert.equal(failure.reason, 'badInput');
    assert.equal(failure.message, "new OpaqueAgent() takes 1 argument (world); got 0: pass --args '[{ boardSize: () => 10 }]'");
  });

  it('a browser-only API used at module load: an inert stand-in, and the model trains', async () => {
    const report = reportOf(await run(request('audio-features.ts', { model: 'buildSpectrogramNet' })));
    assert.deepEqual(report.browserStandIns, ['OfflineAudioContext']);
    assert.ok(report.notes?.includes('The module used OfflineAudioContext at import (browser-only): sanity-train gave it an inert stand-in.'), JSON.stringify(report.notes));
    assert.equal(report.runs[0].steps, 3);
  });

  it("a module-level `let tf;` that only the script's run() fills gets the worker's tfjs", async () => {
    const report = reportOf(await run(request('late-tf.ts', { model: 'buildEncoder', args: [6] })));
    assert.deepEqual(report.call?.args, [6]);
    assert.equal(report.runs[0].norm, 'batchNormalization');
    assert.equal(report.runs[0].steps, 3);
  });

  it('module variables only run() fills: the worker sets them from the file (the defaults object), no --args needed for them', async () => {
    const report = reportOf(await run(request('conditional-gan.ts', { model: 'buildMaker', args: [6] })));
    assert.deepEqual(report.call?.moduleVars, { labelCount: 3, side: 8 });
    assert.match(report.call?.moduleVarsSource ?? '', /^labelCount from labels: 3 in conditional-gan\.ts:7 \(labelCount = options\.labels in conditional-gan\.ts:\d+\); side from side: 8 in conditional-gan\.ts:8/);
    assert.equal(report.runs[0].norm, 'batchNormalization');
    assert.equal(report.runs[0].steps, 3);
  });

  it('a builder without parameters that reads module variables (two outputs) runs with --model alone', async () => {
    const proposal = proposalFor('conditional-gan.ts', 'buildJudge');
    assert.deepEqual(proposal.moduleVars?.values, { labelCount: 3, side: 8 });
    const report = reportOf(await run(request('conditional-gan.ts', { model: 'buildJudge' })));
    assert.deepEqual(report.call?.moduleVars, { labelCount: 3, side: 8 });
    assert.equal(report.runs[0].outputs?.length, 2);
  });

  it('given module variables reach the model, and without them the builder finds undefined', async () => {
    const ok = reportOf(await run(request('conditional-gan.ts', { model: 'buildJudge', moduleVars: { labelCount: 5, side: 4 }, moduleVarsSource: 'given with --module-vars' })));
    assert.deepEqual(ok.call?.moduleVars, { labelCount: 5, side: 4 });
    assert.equal(ok.call?.moduleVarsSource, 'given with --module-vars');
    const zero = errorOf(await run(request('conditional-gan.ts', { model: 'buildMaker', args: [6], moduleVars: { labelCount: 0, side: 8 } })));
    assert.match(zero.message, /^buildMaker\(\) threw: .*inputDim to be a positive integer, but got 0/);
    const none = errorOf(await run(request('conditional-gan.ts', { model: 'buildMaker', args: [6], moduleVars: {} })));
    assert.match(none.message, /^buildMaker\(\) threw: .*inputDim to be a positive integer, but got undefined/);
  });

  it('an exported module variable (`export let width;`, exports.width once compiled) is filled too', async () => {
    const report = reportOf(await run(request('exported-width.ts', { model: 'buildWide', moduleVars: { width: 5 } })));
    assert.deepEqual(report.call?.moduleVars, { width: 5 });
    assert.equal(report.runs[0].norm, 'batchNormalization');
    const proposed = reportOf(await run(request('exported-width.ts', { model: 'buildWide' })));
    assert.deepEqual(proposed.call?.moduleVars, { width: 28 });
    assert.equal(proposed.call?.moduleVarsSource, 'width from the name width');
  });

  it('a module variable the file does not declare: one line naming those it has', async () => {
    const failure = errorOf(await run(request('conditional-gan.ts', { model: 'buildJudge', moduleVars: { sides: 4 } })));
    assert.equal(failure.reason, 'badInput');
    assert.equal(failure.message, '--module-vars: sides is not a top-level let/var of conditional-gan.ts declared without a value (its are labelCount, side)');
  });

  it('an unknown id names the builders the file has', async () => {
    const failure = errorOf(await run(request('classes.ts', { model: 'Missing' })));
    assert.equal(failure.reason, 'noFactory');
    assert.match(failure.message, /has no function 'Missing' .*its builders: Classifier\.build, Agent, TinyGan\.generator\)$/);
  });
});
