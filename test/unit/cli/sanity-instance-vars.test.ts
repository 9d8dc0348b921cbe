import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatSanity, parseSanityArgs } from '../../../src/cli/commands/sanity';
import { completeSanityRequest } from '../../../src/cli/sanity-arguments';
import type { SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { rbn } from './cli-helpers';

const BUILDERS = path.resolve(__dirname, '../../fixtures/sanity/builders');
const ID = 'FeatureClassifier.buildNetwork';

function complete(extra: Partial<SanityRequest> = {}) {
  const request = { ...parseSanityArgs([path.join(BUILDERS, 'feature-classifier.js'), '--model', ID], BUILDERS).request, ...extra };
  return completeSanityRequest(request, fs.readFileSync(request.file, 'utf8'));
}

describe('rbn sanity --instance-vars', function () {
  this.timeout(60_000);

  it('instance fields another method fills: proposed, printed on their own line', () => {
    const { request, instanceVarsMessage } = complete();
    assert.deepEqual(request.ctorArgs, [6]);
    assert.deepEqual(request.instanceVars, { numClasses: 10 });
    assert.equal(request.instanceVarsSource, 'numClasses from the name numClasses');
    assert.equal(instanceVarsMessage, 'instance fields { numClasses: 10 }: numClasses from the name numClasses');
    assert.equal(request.instanceVarsTyped, undefined, 'a proposal only fills fields still empty');
  });

  it('--instance-vars wins; nothing left to propose, nothing printed', () => {
    const { request, instanceVarsMessage } = complete({ instanceVars: { numClasses: 3 } });
    assert.deepEqual(request.instanceVars, { numClasses: 3 });
    assert.equal(request.instanceVarsSource, 'given with --instance-vars');
    assert.deepEqual(request.instanceVarsTyped, ['numClasses'], 'what the flag typed may replace a size the constructor set');
    assert.equal(instanceVarsMessage, undefined);
  });

  it('a builder that reads no empty instance field gets none', () => {
    const { request, instanceVarsMessage } = completeSanityRequest(parseSanityArgs([path.join(BUILDERS, 'grid-agent.js')], BUILDERS).request, fs.readFileSync(path.join(BUILDERS, 'grid-agent.js'), 'utf8'));
    assert.equal(request.instanceVars, undefined);
    assert.equal(instanceVarsMessage, undefined);
  });

  it('parseSanityArgs reads --instance-vars as a JSON or JS object literal; anything else exits 2 in one line', async () => {
    assert.deepEqual(parseSanityArgs(['m.js', '--instance-vars', '{"numClasses":4}'], '/w').request.instanceVars, { numClasses: 4 });
    assert.deepEqual(parseSanityArgs(['m.js', '--instance-vars', "{ inputShape: [8, 8, 1], }"], '/w').request.instanceVars, { inputShape: [8, 8, 1] });
    assert.equal('instanceVars' in parseSanityArgs(['m.js'], '/w').request, false);
    const { code, stdout, stderr } = await rbn(['sanity', 'feature-classifier.js', '--instance-vars', '[10]'], BUILDERS);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^rbn sanity: --instance-vars: Expected a JS object/);
  });

  it('runs the method builder with --model alone and reports the fields in JSON and text', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'feature-classifier.js', '--model', ID, '--steps', '2', '--backend', 'cpu', '--data', 'synthetic', '--json', '--instance-vars', '{ numClasses: 5 }'], BUILDERS);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(report.call?.instanceVars, { numClasses: 5 });
    assert.equal(report.call?.instanceVarsSource, 'given with --instance-vars');
    assert.equal(report.runs[0].graph?.nodes.at(-1)?.outputShape?.at(-1), 5);
    assert.match(formatSanity(report), /^ {2}instance fields: \{ numClasses: 5 \} \(given with --instance-vars\)$/m);
  });
});
