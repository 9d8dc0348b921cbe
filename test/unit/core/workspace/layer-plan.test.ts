import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commonFolder, planLayerFiles } from '../../../../src/core/workspace';

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

  it('a configured path (folder or file) wins, relative to the working folder', () => {
    assert.equal(planLayerFiles([p('src/a.ts')], root, 'vendor').get(p('src/a.ts')), p('vendor/running-batch-norm.ts'));
    assert.equal(planLayerFiles([p('src/a.js')], root, 'lib/rbn.ts').get(p('src/a.js')), p('lib/rbn.js'));
  });
});
