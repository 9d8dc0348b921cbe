/**
 * The TS → JavaScript transform behind the vendored copies, on code shaped like what the layer source
 * may grow (plain typed functions, interfaces, arrow constants, casts): JSDoc for every type, and zero
 * errors under checkJs + strict.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toJavaScriptModule } from '../../../src/layer/to-javascript';

const ROOT = path.join(__dirname, '..', '..', '..');
const SAMPLE = path.join(ROOT, 'test/fixtures/layer/to-javascript-sample.ts');

const expectations: [string, RegExp][] = [
  ['keeps the namespace import even when tf is used in types only, with the file comment', /^\/\*\* Code shaped like what the layer source may grow: plain typed functions, an interface, casts\. \*\/\nimport \* as tf from '@tensorflow\/tfjs';$/m],
  ['an interface becomes a @typedef with documented @property lines', /@typedef \{Object\} RunningBatchNormifyOptions\n \* @property \{\(layer: tf\.layers\.Layer\) => boolean\} \[filter\] Which layers to replace\./],
  ['a function gets @param (optional with a default) and @returns', /@param \{tf\.LayersModel\} model\n \* @param \{RunningBatchNormifyOptions\} \[options\]\n \* @returns \{string\[\]\}\n \*\/\nexport function layersToReplace\(model, options = \{\}\) \{/],
  ['an arrow constant gets its JSDoc on the const', /@returns \{tf\.LayersModel\}\n \*\/\nexport const batchNormify = \(model\) => model;/],
  ['an inline typed arrow gets an inline @param', /\(\/\*\* @param \{tf\.layers\.Layer\} l \*\/ \(l\) => l\.getClassName\(\)/],
  ['`as T` becomes a JSDoc cast', /const config = \/\*\* @type \{tf\.serialization\.ConfigDict\} \*\/ \(layer\.getConfig\(\)\);/],
];

describe('layer: TypeScript to JavaScript with JSDoc types', () => {
  let js = '';
  before(function () {
    this.timeout(120000);
    js = toJavaScriptModule(fs.readFileSync(SAMPLE, 'utf8'), SAMPLE);
  });

  for (const [name, pattern] of expectations) {
    it(name, () => assert.match(js, pattern));
  }

  it('leaves no type syntax and no compiler helpers', () => {
    const code = js.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(code, /: (string|number|tf\.)|\binterface\b|__\w+|\bvoid 0\b|\bvar _/);
  });

  it('type-checks under checkJs + strict', function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-to-js-'));
    try {
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      const file = path.join(dir, 'sample.mjs');
      fs.writeFileSync(file, js);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ts = require('typescript') as typeof import('typescript');
      const program = ts.createProgram([file], { allowJs: true, checkJs: true, strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] });
      assert.deepEqual(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
