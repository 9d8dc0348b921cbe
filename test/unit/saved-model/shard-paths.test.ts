/** The lexical half of saved-model containment: which manifest paths are refused and why. */
import * as assert from 'node:assert/strict';
import { checkManifestPaths, describeUnsafePath } from '../../../src/core/saved-model';
import { SavedModelError } from '../../../src/core/saved-model/saved-model-error';

const SAFE = ['group1-shard1of1.bin', 'weights/group1-shard1of2.bin', './w.bin', 'a..b.bin', '..bin', 'sub/./w.bin'];

const UNSAFE: Array<[unknown, RegExp]> = [
  ['../w.bin', /goes up out/],
  ['a/../../w.bin', /goes up out/],
  ['a/..', /goes up out/],
  ['..\\w.bin', /goes up out/],
  ['/etc/passwd', /absolute/],
  ['\\\\server\\share\\w.bin', /absolute/],
  ['C:\\w.bin', /absolute/],
  ['c:w.bin', /absolute/],
  ['file:///etc/passwd', /URL/],
  ['https://example.com/w.bin', /URL/],
  ['data:application/octet-stream;base64,AAAA', /URL/],
  ['w.bin\0', /NUL byte/],
  ['', /empty/],
  ['   ', /empty/],
  [null, /must be a string, got null/],
  [7, /must be a string, got number/],
];

describe('saved-model weights paths (shard-paths.ts)', () => {
  for (const p of SAFE) {
    it(`accepts ${JSON.stringify(p)}`, () => assert.equal(describeUnsafePath(p), undefined));
  }
  for (const [p, reason] of UNSAFE) {
    it(`refuses ${JSON.stringify(p)}`, () => {
      assert.match(describeUnsafePath(p) ?? '', reason);
      assert.throws(
        () => checkManifestPaths([{ paths: ['ok.bin', p] }]),
        (e: unknown) => e instanceof SavedModelError && e.kind === 'unsafePath' && reason.test(e.message) && !e.message.includes('\n'),
      );
    });
  }

  it('refuses a path listed twice, in one group or across groups, however it is spelled', () => {
    for (const manifest of [[{ paths: ['a.bin', 'a.bin'] }], [{ paths: ['a.bin'] }, { paths: ['./a.bin'] }], [{ paths: ['d/a.bin', 'd//a.bin'] }]]) {
      assert.throws(() => checkManifestPaths(manifest), /listed twice/);
    }
  });

  it('refuses the model.json itself and the folder', () => {
    assert.throws(() => checkManifestPaths([{ paths: ['./model.json'] }], 'model.json'), /lists model\.json itself/);
    assert.throws(() => checkManifestPaths([{ paths: ['.'] }]), /names the model's folder/);
  });

  it('returns every path in manifest order when all are safe', () => {
    assert.deepEqual(checkManifestPaths([{ paths: ['a.bin', 'b.bin'] }, { paths: ['c/d.bin'] }], 'model.json'), ['a.bin', 'b.bin', 'c/d.bin']);
  });
});
