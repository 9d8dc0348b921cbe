/**
 * Entry the extension host loads (test-electron's `run()` contract, also used by code-server through the
 * workbench's `payload` query): runs the conversion integration tests with mocha.
 */
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.addFile(path.resolve(__dirname, 'conversion.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} conversion integration test(s) failed`)) : resolve()));
  });
}
