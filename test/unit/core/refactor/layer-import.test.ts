import { strict as assert } from 'node:assert';
import { applyTextEdits } from '../../../../src/core/refactor';
import { layerImportFor } from '../../../../src/core/refactor/layer-import';

const cases: { name: string; file: string; code: string; expected: string }[] = [
  { name: 'TS file with a tfjs import: the import goes after it', file: '/p/src/m.ts', code: `import * as tf from '@tensorflow/tfjs';\n\nconst model = tf.sequential();\n`, expected: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm';\n\nconst model = tf.sequential();\n` },
  { name: 'CommonJS: a require in the file\'s style', file: '/p/src/m.js', code: `const tf = require("@tensorflow/tfjs-node")\nconst model = tf.sequential()\n`, expected: `const tf = require("@tensorflow/tfjs-node")\nconst { runningBatchNorm } = require("./running-batch-norm")\nconst model = tf.sequential()\n` },
  { name: 'already imported: nothing to add', file: '/p/src/m.ts', code: `import { runningBatchNorm } from './running-batch-norm';\nrunningBatchNorm();\n`, expected: `import { runningBatchNorm } from './running-batch-norm';\nrunningBatchNorm();\n` },
];

describe('refactor: the import a RunningBatchNorm snippet needs', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = layerImportFor({ code: c.code, fileName: c.file, layerFilePath: c.file.replace(/m\.(ts|js)$/, 'running-batch-norm.$1') });
      assert.ok(result);
      assert.equal(applyTextEdits(c.code, result.edit ? [result.edit] : []), c.expected);
    });
  }

  it('the layer file matches the file (flavour, tfjs package)', () => {
    const result = layerImportFor({ code: `const tf = require('@tensorflow/tfjs-node');\n`, fileName: '/p/m.js', layerFilePath: '/p/running-batch-norm.js' });
    assert.match(result?.layerFile?.content ?? '', /\(CommonJS\), vendored copy[\s\S]*require\('@tensorflow\/tfjs-node'\)/);
  });

  it('a browser script on the global tf gets no import (it cannot), but the browser-script layer', () => {
    const result = layerImportFor({ code: 'const model = tf.sequential();\n', fileName: '/p/site/app.js', layerFilePath: '/p/site/running-batch-norm.js' });
    assert.equal(result?.edit, undefined);
    assert.equal(result?.globalTf, true);
    assert.equal(result?.layerFile?.path, '/p/site/running-batch-norm.browser.js');
  });

  it('gives nothing while the file does not parse', () => {
    assert.equal(layerImportFor({ code: 'const = ;', fileName: '/p/m.ts', layerFilePath: '/p/running-batch-norm.ts' }), undefined);
  });
});
