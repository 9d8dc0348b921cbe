import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeSource, encodeSource, GitIgnore, isSourceFileName, writeFileAtomic } from '../../../../src/core/workspace';

describe('workspace: .gitignore matching', () => {
  const table: { patterns: string; path: string; dir: boolean; expected: boolean | undefined }[] = [
    { patterns: 'dist/', path: 'dist', dir: true, expected: true },
    { patterns: 'dist/', path: 'dist', dir: false, expected: undefined },
    { patterns: 'dist/', path: 'packages/a/dist', dir: true, expected: true },
    { patterns: '/dist', path: 'packages/a/dist', dir: true, expected: undefined },
    { patterns: '/dist', path: 'dist', dir: true, expected: true },
    { patterns: '*.gen.ts', path: 'src/x.gen.ts', dir: false, expected: true },
    { patterns: '*.gen.ts\n!keep.gen.ts', path: 'src/keep.gen.ts', dir: false, expected: false },
    { patterns: 'src/**/fixtures', path: 'src/a/b/fixtures', dir: true, expected: true },
    { patterns: 'src/**/fixtures', path: 'src/fixtures', dir: true, expected: true },
    { patterns: 'a?c', path: 'abc', dir: false, expected: true },
    { patterns: 'a[bx]c', path: 'axc', dir: false, expected: true },
    { patterns: '# comment\n\ncoverage', path: 'coverage', dir: true, expected: true },
    { patterns: 'build', path: 'src/builder', dir: true, expected: undefined },
  ];
  for (const c of table) {
    it(`${JSON.stringify(c.patterns)} on ${c.path}${c.dir ? '/' : ''}`, () => assert.equal(GitIgnore.parse(c.patterns).matches(c.path, c.dir), c.expected));
  }
});

describe('workspace: source file names', () => {
  const table: [string, boolean][] = [
    ['a.ts', true], ['a.tsx', true], ['a.mts', true], ['a.cts', true], ['a.js', true], ['a.jsx', true], ['a.mjs', true], ['a.cjs', true],
    ['a.d.ts', false], ['a.d.mts', false], ['tf.min.js', false], ['a.json', false], ['a.py', false],
  ];
  for (const [name, expected] of table) {
    it(`${name} → ${expected}`, () => assert.equal(isSourceFileName(name), expected));
  }
});

describe('workspace: decoding and encoding keep every byte', () => {
  const cases: { name: string; bytes: Buffer; text?: string; error?: RegExp }[] = [
    { name: 'UTF-8', bytes: Buffer.from('const é = 1;\n'), text: 'const é = 1;\n' },
    { name: 'UTF-8 with BOM', bytes: Buffer.from('\uFEFFa\r\nb'), text: 'a\r\nb' },
    { name: 'UTF-16 LE with BOM', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x = 1;', 'utf16le')]), text: 'x = 1;' },
    { name: 'UTF-16 BE with BOM', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('x = 1;', 'utf16le').swap16()]), text: 'x = 1;' },
    { name: 'binary', bytes: Buffer.from([1, 2, 0, 3]), error: /binary/ },
    { name: 'Latin-1', bytes: Buffer.from('caf\xe9', 'latin1'), error: /not valid UTF-8/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decoded = decodeSource(c.bytes);
      if (c.error) {
        assert.match('error' in decoded ? decoded.error : '', c.error);
        return;
      }
      assert.ok(!('error' in decoded));
      assert.equal(decoded.text, c.text);
      assert.deepEqual(encodeSource(decoded.text, decoded), c.bytes);
    });
  }
});

describe('workspace: atomic writes', () => {
  it('replaces the file, keeps its mode and leaves no temp file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-ws-'));
    const file = path.join(dir, 'a.ts');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o600);
    writeFileAtomic(file, 'new');
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(dir), ['a.ts']);
  });

  it('writes through a symbolic link and keeps the link', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-ws-'));
    fs.writeFileSync(path.join(dir, 'real.ts'), 'old');
    fs.symlinkSync(path.join(dir, 'real.ts'), path.join(dir, 'link.ts'));
    writeFileAtomic(path.join(dir, 'link.ts'), 'new');
    assert.equal(fs.lstatSync(path.join(dir, 'link.ts')).isSymbolicLink(), true);
    assert.equal(fs.readFileSync(path.join(dir, 'real.ts'), 'utf8'), 'new');
  });

  it('throws without leaving anything behind when the folder is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-ws-'));
    assert.throws(() => writeFileAtomic(path.join(dir, 'missing', 'a.ts'), 'x'), /ENOENT/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
