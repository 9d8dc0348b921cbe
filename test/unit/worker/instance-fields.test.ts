import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { proposeArguments } from '../../../src/core/analysis/arguments/argument-proposals';
import { findModelBuilders } from '../../../src/core/analysis/builders/model-builders';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const BUILDERS = path.resolve(__dirname, '../../fixtures/sanity/builders');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');
const FILE = path.join(BUILDERS, 'feature-classifier.js');
const ID = 'FeatureClassifier.buildNetwork';

function request(overrides: Partial<SanityRequest> = {}): SanityRequest {
  return { file: FILE, model: ID, ctorArgs: [6], steps: 3, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic', ...overrides };
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

/** The width of the model's last layer: the class count the builder read from this.numClasses. */
function outputUnits(report: SanityReport): unknown {
  return report.runs[0].graph?.nodes.at(-1)?.outputShape?.at(-1);
}

describe('instance fields another method fills (through the worker)', function () {
  this.timeout(60_000);

  it('proposed from the class (the constructor leaves numClasses null, train() fills it): set on the instance before the builder runs', async () => {
    const code = fs.readFileSync(FILE, 'utf8');
    const builder = findModelBuilders(code, FILE).find((b) => b.id === ID)!;
    const proposal = proposeArguments(builder, { file: FILE, code });
    assert.deepEqual(proposal.instanceVars?.values, { numClasses: 10 });
    const report = reportOf(await run(request()));
    assert.deepEqual(report.call?.instanceVars, { numClasses: 10 });
    assert.equal(report.call?.instanceVarsSource, 'numClasses from the name numClasses');
    assert.equal(outputUnits(report), 10);
    assert.equal(report.runs[0].norm, 'batchNormalization');
    assert.equal(report.runs[0].steps, 3);
  });

  it('given values win, and with none the builder finds null as before', async () => {
    const given = reportOf(await run(request({ instanceVars: { numClasses: 4 }, instanceVarsSource: 'given with --instance-vars' })));
    assert.deepEqual(given.call?.instanceVars, { numClasses: 4 });
    assert.equal(given.call?.instanceVarsSource, 'given with --instance-vars');
    assert.equal(outputUnits(given), 4);
    const none = errorOf(await run(request({ instanceVars: {} })));
    assert.match(none.message, /^FeatureClassifier\.buildNetwork\(\) threw: /);
  });

  it("a proposal never writes over sizes a base class's constructor (in another file) set; a typed one does", async () => {
    // What the CLI sends: the file's proposal for fields it cannot see being set, and on top what --instance-vars typed.
    const file = path.join(BUILDERS, 'texture-quality-model.js');
    const code = fs.readFileSync(file, 'utf8');
    const builder = findModelBuilders(code, file).find((b) => b.id === 'TextureQualityModel.buildModel')!;
    const proposal = proposeArguments(builder, { file, code }).instanceVars;
    assert.ok(proposal?.values.inputShape && proposal.values.numClasses, JSON.stringify(proposal));
    const base = { file, model: 'TextureQualityModel.buildModel', ctorArgs: [] };
    const proposed = reportOf(await run(request({ ...base, instanceVars: proposal.values, instanceVarsSource: proposal.summary })));
    assert.deepEqual(proposed.runs[0].graph?.nodes[0]?.outputShape, [null, 20, 20, 3]);
    assert.equal(outputUnits(proposed), 5);
    const typed = reportOf(await run(request({ ...base, instanceVars: { ...proposal.values, numClasses: 3 }, instanceVarsSource: 'given with --instance-vars', instanceVarsTyped: ['numClasses'] })));
    assert.deepEqual(typed.runs[0].graph?.nodes[0]?.outputShape, [null, 20, 20, 3]);
    assert.equal(outputUnits(typed), 3);
  });

  it('a name that is no field of the class: one line naming those it has', async () => {
    const failure = errorOf(await run(request({ instanceVars: { classes: 4 } })));
    assert.equal(failure.reason, 'badInput');
    assert.equal(failure.message, '--instance-vars: classes is not a field of FeatureClassifier (this.<name> in its methods; it has featureCount, numClasses, network)');
  });

  it('a method the analysis does not take for a builder (--model Class.method): its fields are proposed all the same', async () => {
    const report = reportOf(await run(request({ file: path.join(BUILDERS, 'factory-classifier.js'), model: 'FactoryClassifier.generate', ctorArgs: [] })));
    assert.deepEqual(report.call?.instanceVars, { outputSize: 10 });
    assert.equal(report.call?.instanceVarsSource, 'outputSize from the name outputSize');
    assert.equal(outputUnits(report), 10);
  });
});
