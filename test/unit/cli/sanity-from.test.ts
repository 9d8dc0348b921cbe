import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { SanityReport } from '../../../src/core/training/protocol';
import { rbn } from './cli-helpers';

const FIXTURES = path.resolve(__dirname, '../../fixtures/capture');

describe('rbn sanity --from', function () {
  this.timeout(90_000);

  it('--json: the report alone on stdout, with capture; the program output on stderr behind --verbose', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', '--from', 'node train.js', '--json', '--steps', '20', '--verbose'], FIXTURES);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(report.capture?.site, { file: 'train.js', line: 31 }, 'the site is relative to the working folder');
    assert.equal(report.capture?.command, 'node train.js');
    assert.equal(report.capture?.data, 'captured');
    assert.match(stderr, /^│ .*TensorFlow\.js in Node\.js/m, "the program's own output, prefixed");
  });

  it('text: says what was captured; a program that throws exits 2 with one line', async () => {
    const ok = await rbn(['sanity', '--from', 'node builds-only.js', '--steps', '20'], FIXTURES);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^builds-only\.js › buildModel: synthetic classification data/m);
    assert.match(ok.stdout, /captured the model built at builds-only\.js:5 by `node builds-only\.js`; the program never trained it, so it ran on synthetic data/);
    assert.doesNotMatch(ok.stderr, /│/, 'without --verbose the program output stays out');
    const failed = await rbn(['sanity', '--from', 'node throws-in-builder.js'], FIXTURES);
    assert.equal(failed.code, 2);
    assert.equal(failed.stderr.trim().split('\n').length, 1);
    assert.match(failed.stderr, /^rbn sanity: `node throws-in-builder\.js` threw before training a model: TypeError: Cannot read properties of undefined \(reading 'classes'\)/);
  });

  it('text: a program that fails after building its model says how it failed, and trains that model', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', '--from', 'node throws.js', '--steps', '10'], FIXTURES);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /captured the model built at throws\.js:8 by `node throws\.js`; the program failed before training it \(it threw Error: data\/train\.csv not found \(at throws\.js:5\)\), so it ran on synthetic data/);
  });
});
