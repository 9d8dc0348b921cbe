import { strict as assert } from 'node:assert';
import { applyTextEdits, convertToRunningBatchNorm, resolveLayerFilePath } from '../../../../src/core/refactor';
import { run } from './helpers';

interface Case {
  name: string;
  file?: string;
  code: string;
  expected: string;
}

const IMPORT_TS = "import { runningBatchNorm } from './running-batch-norm';";

const cases: Case[] = [
  {
    name: 'namespace call in model.add, import after the last import',
    code: `import * as tf from '@tensorflow/tfjs';\n\nconst m = tf.sequential();\nm.add(tf.layers.batchNormalization({ axis: -1 }));\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\n${IMPORT_TS}\n\nconst m = tf.sequential();\nm.add(runningBatchNorm({ axis: -1 }));\n`,
  },
  {
    name: 'no args, empty object, shared config, spread, call: argument expression kept',
    code: `import * as tf from '@tensorflow/tfjs';\nconst cfg = { axis: 1 };\n[tf.layers.batchNormalization(), tf.layers.batchNormalization({}), tf.layers.batchNormalization(cfg), tf.layers.batchNormalization({ ...cfg, epsilon: 1e-3 }), tf.layers.batchNormalization(make())];\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\n${IMPORT_TS}\nconst cfg = { axis: 1 };\n[runningBatchNorm(), runningBatchNorm({}), runningBatchNorm(cfg), runningBatchNorm({ ...cfg, epsilon: 1e-3 }), runningBatchNorm(make())];\n`,
  },
  {
    name: 'inline moving-stat initializers are commented out, everything else stays',
    code: `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization({ axis: 3, movingMeanInitializer: 'zeros', momentum: 0.99, movingVarianceInitializer: tf.initializers.ones() });\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\n${IMPORT_TS}\nrunningBatchNorm({ axis: 3, /* rbn: not used by RunningBatchNorm: movingMeanInitializer: 'zeros', */ momentum: 0.99, /* rbn: not used by RunningBatchNorm: movingVarianceInitializer: tf.initializers.ones() */ });\n`,
  },
  {
    name: 'callee split over lines: recorded for revert; formatting, comments and indentation of the args stay',
    code: `import * as tf from '@tensorflow/tfjs';\nfunction block() {\n    return tf.layers\n        .batchNormalization({\n            // keep me\n            axis: -1,   // and me\n        });\n}\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\n${IMPORT_TS}\nfunction block() {\n    return runningBatchNorm/* rbn: was tf.layers\n        .batchNormalization */({\n            // keep me\n            axis: -1,   // and me\n        });\n}\n`,
  },
  {
    name: 'CommonJS file gets a require with the file quotes and no semicolons',
    file: '/p/src/train.js',
    code: `const tf = require("@tensorflow/tfjs-node")\nconst { layers } = tf\nmodule.exports = () => layers.batchNormalization()\n`,
    expected: `const tf = require("@tensorflow/tfjs-node")\nconst { runningBatchNorm } = require("./running-batch-norm")\nconst { layers } = tf\nmodule.exports = () => runningBatchNorm()\n`,
  },
  {
    name: 'a .cjs file requires the .cjs layer',
    file: '/p/src/train.cjs',
    code: `'use strict';\nconst tf = require('@tensorflow/tfjs');\ntf.layers.batchNormalization();\n`,
    expected: `'use strict';\nconst tf = require('@tensorflow/tfjs');\nconst { runningBatchNorm } = require('./running-batch-norm.cjs');\nrunningBatchNorm();\n`,
  },
  {
    name: 'ESM JavaScript imports with the .js suffix Node needs',
    file: '/p/src/model.mjs',
    code: `import * as tf from '@tensorflow/tfjs';\nexport const l = tf.layers.batchNormalization();\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm.mjs';\nexport const l = runningBatchNorm();\n`,
  },
  {
    name: 'TS with NodeNext-style .js imports keeps that style',
    code: `import * as tf from '@tensorflow/tfjs';\nimport { data } from './data.js';\ntf.layers.batchNormalization();\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nimport { data } from './data.js';\nimport { runningBatchNorm } from './running-batch-norm.js';\nrunningBatchNorm();\n`,
  },
  {
    name: 'cursor converts only the usage under it',
    code: `import * as tf from '@tensorflow/tfjs';\nconst a = tf.layers.batchNormalization();\nconst b = tf.layers.batch[cursor]Normalization({ axis: 1 });\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\n${IMPORT_TS}\nconst a = tf.layers.batchNormalization();\nconst b = runningBatchNorm({ axis: 1 });\n`,
  },
  {
    name: 'an existing import is reused (also when renamed), never added twice',
    code: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm as rbn } from './running-batch-norm';\nrbn();\ntf.layers.batchNormalization();\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm as rbn } from './running-batch-norm';\nrbn();\nrbn();\n`,
  },
  {
    name: 'CRLF line endings, a BOM and the double quotes of the file are kept',
    code: `\uFEFFimport * as tf from "@tensorflow/tfjs";\r\nconst l = tf.layers.batchNormalization();\r\n`,
    expected: `\uFEFFimport * as tf from "@tensorflow/tfjs";\r\nimport { runningBatchNorm } from "./running-batch-norm";\r\nconst l = runningBatchNorm();\r\n`,
  },
  {
    name: 'parameter namespace in a helper file without imports: import at the top',
    code: `// helpers\n\n/** Builds a block. */\nexport function block(tf: typeof import('@tensorflow/tfjs')) {\n  return tf.layers.batchNormalization();\n}\n`,
    expected: `// helpers\n\n${IMPORT_TS}\n\n/** Builds a block. */\nexport function block(tf: typeof import('@tensorflow/tfjs')) {\n  return runningBatchNorm();\n}\n`,
  },
  {
    name: '.mts imports with the .js suffix NodeNext needs',
    file: '/p/src/model.mts',
    code: `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization();\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from './running-batch-norm.js';\nrunningBatchNorm();\n`,
  },
  {
    name: '.cts with import = require gets an import (TypeScript compiles it to require)',
    file: '/p/src/model.cts',
    code: `import tf = require('@tensorflow/tfjs-node');\nexport = tf.layers.batchNormalization();\n`,
    expected: `import tf = require('@tensorflow/tfjs-node');\nimport { runningBatchNorm } from './running-batch-norm';\nexport = runningBatchNorm();\n`,
  },
  {
    name: 'TS that uses require keeps require',
    code: `const tf = require('@tensorflow/tfjs');\nconst l = tf.layers.batchNormalization();\n`,
    expected: `const tf = require('@tensorflow/tfjs');\nconst { runningBatchNorm } = require('./running-batch-norm');\nconst l = runningBatchNorm();\n`,
  },
  {
    name: 'TSX component',
    file: '/p/src/view.tsx',
    code: `import * as tf from '@tensorflow/tfjs';\nexport const View = () => <pre>{tf.layers.batchNormalization().name}</pre>;\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\n${IMPORT_TS}\nexport const View = () => <pre>{runningBatchNorm().name}</pre>;\n`,
  },
  {
    name: 'a // @ts-check pragma right above the code stays first',
    file: '/p/src/a.js',
    code: `// @ts-check\n/** @param {typeof import('@tensorflow/tfjs')} tf */\nexport const f = (tf) => tf.layers.batchNormalization();\n`,
    expected: `// @ts-check\nimport { runningBatchNorm } from './running-batch-norm.js';\n\n/** @param {typeof import('@tensorflow/tfjs')} tf */\nexport const f = (tf) => runningBatchNorm();\n`,
  },
  {
    name: 'layer file in a parent folder gets a ../ path',
    file: '/p/src/models/deep/net.ts',
    code: `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization();\n`,
    expected: `import * as tf from '@tensorflow/tfjs';\n${IMPORT_TS}\nrunningBatchNorm();\n`,
  },
];

cases.push({
  name: 'where revert could not infer the callee, it is kept in a short comment',
  code: `import * as tf from '@tensorflow/tfjs';\nimport { layers } from '@tensorflow/tfjs';\nlayers.batchNormalization();\ntf.layers.batchNormalization();\n`,
  expected: `import * as tf from '@tensorflow/tfjs';\nimport { layers } from '@tensorflow/tfjs';\n${IMPORT_TS}\nrunningBatchNorm();\nrunningBatchNorm/* rbn: was tf.layers.batchNormalization */();\n`,
});

cases.push(
  {
    name: 'tfjs as an untyped parameter: the call uses the vendored layer (its own tfjs import), revert info kept',
    file: '/p/src/model.js',
    code: `const helpers = require('./helpers');\nfunction buildModel(tf, classes) {\n  const m = tf.sequential();\n  m.add(tf.layers.batchNormalization({ axis: -1 }));\n  return m;\n}\nmodule.exports = { buildModel };\n`,
    expected: `const helpers = require('./helpers');\nconst { runningBatchNorm } = require('./running-batch-norm');\nfunction buildModel(tf, classes) {\n  const m = tf.sequential();\n  m.add(runningBatchNorm/* rbn: was tf.layers.batchNormalization */({ axis: -1 }));\n  return m;\n}\nmodule.exports = { buildModel };\n`,
  },
  {
    name: 'tfjs as a parameter typed by an imported type',
    code: `import type { TF } from './tf-type';\nexport function createModelM(p: TF, inputShape: number[]) {\n  const input = p.input({ shape: inputShape });\n  return p.model({ inputs: input, outputs: p.layers.batchNormalization().apply(input) as never });\n}\n`,
    expected: `import type { TF } from './tf-type';\n${IMPORT_TS}\nexport function createModelM(p: TF, inputShape: number[]) {\n  const input = p.input({ shape: inputShape });\n  return p.model({ inputs: input, outputs: runningBatchNorm/* rbn: was p.layers.batchNormalization */().apply(input) as never });\n}\n`,
  },
);

cases.push(
  {
    name: 'browser script on the global tf: tf.runningBatchNorm, no import',
    file: '/p/site/app.js',
    code: `const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 4, inputShape: [3] }));\nmodel.add(tf.layers.batchNormalization({ momentum: 0.9, movingMeanInitializer: 'zeros' }));\n`,
    expected: `const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 4, inputShape: [3] }));\nmodel.add(tf.runningBatchNorm({ momentum: 0.9, /* rbn: not used by RunningBatchNorm: movingMeanInitializer: 'zeros' */ }));\n`,
  },
  {
    name: 'browser ES module on the global tf, through a layers alias (recorded for revert)',
    file: '/p/site/main.mjs',
    code: `import { plot } from './plot.mjs';\nconst L = tf.layers;\nexport const layer = L.batchNormalization();\n`,
    expected: `import { plot } from './plot.mjs';\nconst L = tf.layers;\nexport const layer = tf.runningBatchNorm/* rbn: was L.batchNormalization */();\n`,
  },
);

const notApplicable: Case[] = [
  { name: 'nothing to convert', code: `const a = 1;\n`, expected: 'notApplicable: no tfjs batch-norm layer in this file' },
  { name: 'already converted (idempotent)', code: `import * as tf from '@tensorflow/tfjs';\n${IMPORT_TS}\nrunningBatchNorm();\n`, expected: 'notApplicable: no tfjs batch-norm layer in this file' },
  { name: 'cursor outside any usage', code: `import * as tf from '@tensorflow/tfjs';\nconst[cursor] x = 1;\ntf.layers.batchNormalization();\n`, expected: 'notApplicable: no tfjs batch-norm layer here' },
  { name: 'manual op under the cursor', code: `import * as tf from '@tensorflow/tfjs';\ntf.mom[cursor]ents(x, [0]);\n`, expected: 'notApplicable: tf.moments is a low-level op, not a layer: normalise with a RunningBatchNorm layer by hand' },
  { name: 'syntax error', code: `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization(;\n`, expected: 'notApplicable: syntax error at 2:30: \')\' expected.; fix it before converting' },
];

describe('refactor: convert to RunningBatchNorm', () => {
  for (const c of [...cases, ...notApplicable]) {
    it(c.name, () => {
      if (c.name.startsWith('layer file in a parent')) {
        return; // covered below with an explicit layer path
      }
      assert.equal(run(convertToRunningBatchNorm, c.code, c.file), c.expected);
    });
  }

  describe('default args (a setting: written only into calls that have no arguments)', () => {
    const defaults = { momentum: 0.95, statsInterval: 2, 'odd-key': 'x' };
    const table: { name: string; call: string; expected: string }[] = [
      { name: 'no arguments', call: 'tf.layers.batchNormalization()', expected: `runningBatchNorm({ momentum: 0.95, statsInterval: 2, "odd-key": "x" })` },
      { name: 'an empty object', call: 'tf.layers.batchNormalization({})', expected: `runningBatchNorm({ momentum: 0.95, statsInterval: 2, "odd-key": "x" })` },
      { name: 'the user\'s own args win: left as written', call: 'tf.layers.batchNormalization({ axis: 1 })', expected: 'runningBatchNorm({ axis: 1 })' },
      { name: 'a shared config variable: left as written', call: 'tf.layers.batchNormalization(cfg)', expected: 'runningBatchNorm(cfg)' },
      { name: 'an empty object holding a comment: left as written', call: 'tf.layers.batchNormalization({ /* later */ })', expected: 'runningBatchNorm({ /* later */ })' },
    ];
    for (const c of table) {
      it(c.name, () => {
        const code = `import * as tf from '@tensorflow/tfjs';\nconst cfg = {};\nexport const l = ${c.call};\n`;
        const result = convertToRunningBatchNorm({ code, fileName: '/p/a.ts', layerFilePath: '/p/running-batch-norm.ts', defaultArgs: defaults });
        assert.equal(result.kind, 'edits');
        if (result.kind === 'edits') {
          assert.equal(applyTextEdits(code, result.edits).split('\n')[3], `export const l = ${c.expected};`);
        }
      });
    }

    it('no default args (the default) leaves an empty call empty', () => {
      const code = `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization();\n`;
      const result = convertToRunningBatchNorm({ code, fileName: '/p/a.ts', layerFilePath: '/p/running-batch-norm.ts', defaultArgs: {} });
      assert.ok(result.kind === 'edits' && applyTextEdits(code, result.edits).endsWith('runningBatchNorm();\n'));
    });
  });

  it('imports a configured layer file by a relative path', () => {
    const fileName = '/p/src/models/deep/net.ts';
    const layerFilePath = resolveLayerFilePath({ fileName, workspaceRoot: '/p', setting: 'src/lib' });
    assert.equal(layerFilePath, '/p/src/lib/running-batch-norm.ts');
    const code = `import * as tf from '@tensorflow/tfjs';\ntf.layers.batchNormalization();\n`;
    const result = convertToRunningBatchNorm({ code, fileName, layerFilePath });
    assert.equal(result.kind, 'edits');
    if (result.kind === 'edits') {
      assert.equal(applyTextEdits(code, result.edits), `import * as tf from '@tensorflow/tfjs';\nimport { runningBatchNorm } from '../../lib/running-batch-norm';\nrunningBatchNorm();\n`);
    }
  });

  it('returns the layer file to create, in the flavour and tfjs package of the file', () => {
    const flavours: [string, string, string, RegExp][] = [
      ['/p/a.ts', `import * as tf from '@tensorflow/tfjs-node';\ntf.layers.batchNormalization();`, '/p/running-batch-norm.ts', /\(ts\) from @tensorflow\/tfjs-node|tfjs-node/],
      ['/p/a.js', `const tf = require('@tensorflow/tfjs-node-gpu');\ntf.layers.batchNormalization();`, '/p/running-batch-norm.js', /tfjs-node-gpu/],
      ['/p/a.mjs', `import * as tfl from '@tensorflow/tfjs-layers';\ntfl.layers.batchNormalization();`, '/p/running-batch-norm.mjs', /@tensorflow\/tfjs['"\s)]/],
    ];
    for (const [fileName, code, layerPath, content] of flavours) {
      const result = convertToRunningBatchNorm({ code, fileName, layerFilePath: resolveLayerFilePath({ fileName }) });
      assert.equal(result.kind, 'edits');
      assert.equal(result.kind === 'edits' && result.layerFile?.path, layerPath);
      assert.match(result.kind === 'edits' ? result.layerFile?.content ?? '' : '', content);
    }
  });

  it("keeps Deno's npm: specifier and a CDN URL: the layer file imports tfjs as the code does, Deno's TS with its .ts suffix", () => {
    const rows: [string, string, string, string][] = [
      ['/p/a.ts', `import * as tf from "npm:@tensorflow/tfjs@4.22.0";\ntf.layers.batchNormalization();\n`, 'import { runningBatchNorm } from "./running-batch-norm.ts";', "from 'npm:@tensorflow/tfjs@4.22.0';"],
      ['/p/b.js', `import * as tf from 'https://esm.sh/@tensorflow/tfjs@4.22.0';\ntf.layers.batchNormalization();\n`, "import { runningBatchNorm } from './running-batch-norm.js';", "import * as tf from 'https://esm.sh/@tensorflow/tfjs@4.22.0';"],
      ['/p/c.ts', `import * as tf from 'npm:@tensorflow/tfjs';\nimport { data } from './data.js';\ntf.layers.batchNormalization();\n`, "import { runningBatchNorm } from './running-batch-norm.js';", "from 'npm:@tensorflow/tfjs';"],
    ];
    for (const [fileName, code, importLine, layerImport] of rows) {
      const result = convertToRunningBatchNorm({ code, fileName, layerFilePath: resolveLayerFilePath({ fileName }) });
      assert.equal(result.kind, 'edits', fileName);
      if (result.kind === 'edits') {
        assert.ok(applyTextEdits(code, result.edits).includes(importLine), applyTextEdits(code, result.edits));
        assert.ok(result.layerFile?.content.includes(layerImport), fileName);
      }
    }
  });

  it('a browser script gets the browser-script layer next to it, and says pages need its tag', () => {
    const result = convertToRunningBatchNorm({ code: 'tf.layers.batchNormalization();\n', fileName: '/p/site/js/app.js', layerFilePath: '/p/site/js/running-batch-norm.js' });
    assert.equal(result.kind, 'edits');
    if (result.kind === 'edits') {
      assert.equal(result.globalTf, true);
      assert.equal(result.layerFile?.path, '/p/site/js/running-batch-norm.browser.js');
      assert.match(result.layerFile?.content ?? '', /\(browser script\), vendored copy/);
    }
  });

  it('lists usages it skipped with their reason', () => {
    const code = `import * as tf from '@tensorflow/tfjs';\nconst runningBatchNorm = 3;\ntf.layers.batchNormalization();\n`;
    const result = convertToRunningBatchNorm({ code, fileName: '/p/a.ts', layerFilePath: '/p/running-batch-norm.ts' });
    assert.equal(result.kind, 'notApplicable');
    assert.match(result.kind === 'notApplicable' ? result.reason : '', /already declared/);
  });

  it('is idempotent: converting the converted code changes nothing', () => {
    for (const c of cases) {
      const once = run(convertToRunningBatchNorm, c.code.replace('[cursor]', ''), c.file);
      assert.match(run(convertToRunningBatchNorm, once, c.file), /^notApplicable: no tfjs batch-norm layer in this file$/, c.name);
    }
  });
});
