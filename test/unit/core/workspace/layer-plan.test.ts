import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commonFolder, packageRootOf, planLayerFiles } from '../../../../src/core/workspace';

describe('workspace: where the layer file goes', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-plan-'));
  const p = (rel: string): string => path.join(root, rel);

  it('the deepest folder shared by the converted files', () => {
    assert.equal(commonFolder([p('src/a'), p('src/a/b'), p('src/c')]), p('src'));
    assert.equal(commonFolder([p('src/a')]), p('src/a'));
  });

  it('one new layer per extension, next to the converted code', () => {
    const plan = planLayerFiles([p('src/models/a.ts'), p('src/models/deep/b.tsx'), p('src/train.js'), p('tools/x.mjs')], root);
    assert.deepEqual([...plan.values()], [p('src/models/running-batch-norm.ts'), p('src/models/running-batch-norm.ts'), p('src/running-batch-norm.js'), p('tools/running-batch-norm.mjs')]);
  });

  it('reuses an existing layer file in the folder or above, never outside the working folder', () => {
    fs.mkdirSync(p('app/nested'), { recursive: true });
    fs.writeFileSync(p('app/running-batch-norm.ts'), '// layer');
    fs.writeFileSync(path.join(path.dirname(root), 'running-batch-norm.js'), '// outside, ignored');
    try {
      const plan = planLayerFiles([p('app/nested/m.ts'), p('lib/m.js')], root);
      assert.deepEqual([plan.get(p('app/nested/m.ts')), plan.get(p('lib/m.js'))], [p('app/running-batch-norm.ts'), p('lib/running-batch-norm.js')]);
    } finally {
      fs.rmSync(path.join(path.dirname(root), 'running-batch-norm.js'));
    }
  });

  it('one layer file per package: sibling packages never share one at the workspace root', () => {
    for (const pkg of ['packages/web', 'packages/server']) {
      fs.mkdirSync(p(`${pkg}/src/deep`), { recursive: true });
      fs.writeFileSync(p(`${pkg}/package.json`), '{}');
    }
    const files = [p('packages/web/src/deep/a.js'), p('packages/web/src/b.js'), p('packages/server/src/c.js'), p('scripts/d.js')];
    const plan = planLayerFiles(files, root);
    assert.deepEqual(files.map((f) => plan.get(f)), [p('packages/web/src/running-batch-norm.js'), p('packages/web/src/running-batch-norm.js'), p('packages/server/src/running-batch-norm.js'), p('scripts/running-batch-norm.js')]);
  });

  it('an existing layer file above the package root is not reused', () => {
    fs.mkdirSync(p('mono/pkg/src'), { recursive: true });
    fs.writeFileSync(p('mono/pkg/package.json'), '{}');
    fs.writeFileSync(p('mono/running-batch-norm.ts'), '// another package');
    assert.equal(planLayerFiles([p('mono/pkg/src/m.ts')], root).get(p('mono/pkg/src/m.ts')), p('mono/pkg/src/running-batch-norm.ts'));
    assert.equal(packageRootOf(p('mono/pkg/src/m.ts'), root), p('mono/pkg'));
    assert.equal(packageRootOf(p('mono/other/m.ts'), root), root);
  });

  it('a package mixing ESM and CommonJS .js files gets a copy per module system (.mjs / .cjs)', () => {
    fs.mkdirSync(p('mixed/src'), { recursive: true });
    fs.writeFileSync(p('mixed/package.json'), '{}');
    fs.writeFileSync(p('mixed/src/browser.js'), "import * as tf from '@tensorflow/tfjs';\n");
    fs.writeFileSync(p('mixed/src/train.js'), "const tf = require('@tensorflow/tfjs-node');\n");
    const plan = planLayerFiles([p('mixed/src/browser.js'), p('mixed/src/train.js')], root);
    assert.deepEqual([plan.get(p('mixed/src/browser.js')), plan.get(p('mixed/src/train.js'))], [p('mixed/src/running-batch-norm.mjs'), p('mixed/src/running-batch-norm.cjs')]);
  });

  it('an existing running-batch-norm.js of the other module system is not reused', () => {
    fs.mkdirSync(p('one/src'), { recursive: true });
    fs.writeFileSync(p('one/package.json'), '{}');
    fs.writeFileSync(p('one/src/running-batch-norm.js'), '// RunningBatchNorm layer for TensorFlow.js (CommonJS), vendored copy.\n');
    fs.writeFileSync(p('one/src/app.js'), "import * as tf from '@tensorflow/tfjs';\nimport { x } from './x.js';\n");
    fs.writeFileSync(p('one/src/cjs.js'), "const tf = require('@tensorflow/tfjs');\nconst x = require('./x');\n");
    assert.equal(planLayerFiles([p('one/src/app.js')], root).get(p('one/src/app.js')), p('one/src/running-batch-norm.mjs'));
    assert.equal(planLayerFiles([p('one/src/cjs.js')], root).get(p('one/src/cjs.js')), p('one/src/running-batch-norm.js'));
  });

  it('a browser script (no tfjs import) gets its layer next to it and does not pull the modules\' copy up', () => {
    fs.mkdirSync(p('web/site/js'), { recursive: true });
    fs.mkdirSync(p('web/src/nested'), { recursive: true });
    fs.writeFileSync(p('web/package.json'), '{}');
    fs.writeFileSync(p('web/site/js/app.js'), 'tf.layers.batchNormalization();\n');
    fs.writeFileSync(p('web/src/nested/c.js'), "const tf = require('@tensorflow/tfjs');\n");
    const plan = planLayerFiles([p('web/site/js/app.js'), p('web/src/nested/c.js')], root);
    assert.deepEqual([plan.get(p('web/site/js/app.js')), plan.get(p('web/src/nested/c.js'))], [p('web/site/js/running-batch-norm.js'), p('web/src/nested/running-batch-norm.js')]);
  });

  it('a configured path (folder or file) wins, relative to the working folder', () => {
    assert.equal(planLayerFiles([p('src/a.ts')], root, 'vendor').get(p('src/a.ts')), p('vendor/running-batch-norm.ts'));
    assert.equal(planLayerFiles([p('src/a.js')], root, 'lib/rbn.ts').get(p('src/a.js')), p('lib/rbn.js'));
  });
});
