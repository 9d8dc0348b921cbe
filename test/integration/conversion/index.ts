/**
 * Entry the extension host loads (test-electron's `run()` contract, also used by code-server through the
 * workbench's `payload` query): runs the conversion integration tests with mocha.
 */
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // One workbench runs one suite: the trusted one, or (CONVERSION_SUITE=untrusted in code-server's env) Restricted Mode.
  mocha.addFile(path.resolve(__dirname, process.env.CONVERSION_SUITE === 'untrusted' ? 'untrusted.test.js' : 'conversion.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} conversion integration test(s) failed`)) : resolve()));
  });
}
