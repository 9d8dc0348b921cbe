/**
 * Entry the extension host loads (test-electron's `run()` contract, also used by code-server through the
 * workbench's `payload` query): runs the sanity-train integration tests with mocha.
 */
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 180_000, reporter: 'spec' });
  // One workbench runs one suite: the trusted one, or (SANITY_SUITE=untrusted in code-server's env) Restricted Mode.
  // SANITY_SUITE=capture runs "Sanity-Train from Script" alone (the trusted suite runs it after the builder tests),
  // SANITY_SUITE=instance-fields the instance-fields box alone, SANITY_SUITE=page the HTML page tests alone.
  const suite = process.env.SANITY_SUITE;
  const alone: Record<string, string> = { untrusted: 'untrusted.test.js', capture: 'capture.test.js', 'instance-fields': 'instance-fields.test.js', page: 'page-lens.test.js' };
  const files = suite && alone[suite] ? [alone[suite]] : ['sanity.test.js', 'instance-fields.test.js', 'page-lens.test.js', 'capture.test.js'];
  for (const file of files) {
    mocha.addFile(path.resolve(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} sanity-train integration test(s) failed`)) : resolve()));
  });
}
