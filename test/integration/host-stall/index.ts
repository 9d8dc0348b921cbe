/**
 * Entry the extension host loads for `npm run bench:host` (bench/host-stall.sh): one suite that
 * measures the host's event loop while a big BatchNorm file is opened, analysed and converted.
 */
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec' });
  mocha.addFile(path.resolve(__dirname, 'stall.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} host-stall test(s) failed`)) : resolve()));
  });
}
