import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { submoduleFolders, uncheckedSubmoduleOf } from '../../../src/worker/loading/missing-files';
import { missingFileNotes } from '../../../src/worker/loading/arguments/invocation-notes';
import { isDecoratorApplication } from '../../../src/worker/loading/missing-modules';

describe('missing files of the user\'s own', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-missing-'));
    fs.writeFileSync(path.join(root, '.gitmodules'), '[submodule "models"]\n\tpath = app/models/\n\turl = x\n[submodule "lib"]\n  path = lib\n');
    fs.mkdirSync(path.join(root, 'app'));
    fs.mkdirSync(path.join(root, 'lib'));
    fs.writeFileSync(path.join(root, 'lib', 'index.js'), '');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads the paths a .gitmodules declares, none when it is absent', () => {
    assert.deepEqual(submoduleFolders(path.join(root, '.gitmodules')), ['app/models', 'lib']);
    assert.deepEqual(submoduleFolders(path.join(root, 'nothing', '.gitmodules')), []);
  });

  const rows: { file: string; expected: string | undefined }[] = [
    { file: 'app/models/RES8.js', expected: 'app/models' },
    { file: 'app/models/deep/w.json', expected: 'app/models' },
    { file: 'lib/missing.js', expected: undefined },
    { file: 'app/config.local.js', expected: undefined },
  ];
  for (const row of rows) {
    it(`${row.file} → ${row.expected ?? 'no submodule to check out'}`, () => {
      assert.equal(uncheckedSubmoduleOf(path.join(root, row.file))?.folder, row.expected);
    });
  }

  it('one note per importing file, the submodule named once', () => {
    const importer = path.join(root, 'app', 'weights.js');
    const notes = missingFileNotes([
      { request: './models/RES8', importer, absolute: path.join(root, 'app/models/RES8') },
      { request: './models/RES8_40', importer, absolute: path.join(root, 'app/models/RES8_40') },
      { request: './config.local', importer: path.join(root, 'app', 'main.js'), absolute: path.join(root, 'app/config.local') },
    ]);
    assert.deepEqual(notes, [
      './models/RES8 and 1 more file that weights.js imports are missing: the module loaded with inert stand-ins; they lie in the git submodule app/models, which is not checked out (git submodule update --init app/models)',
      './config.local that main.js imports is missing: the module loaded with an inert stand-in',
    ]);
  });
});

describe('decorators of a missing package', () => {
  class Service {}
  const rows: { title: string; args: unknown[]; decorator: boolean }[] = [
    { title: 'a class', args: [Service], decorator: true },
    { title: 'a prototype and a member name (legacy member decorator)', args: [Service.prototype, 'units', undefined], decorator: true },
    { title: 'a value and its context (standard decorator)', args: [() => 1, { kind: 'method', name: 'build' }], decorator: true },
    { title: 'a plain function argument (a callback)', args: [() => 1], decorator: false },
    { title: 'an options object', args: [{ providedIn: 'root' }], decorator: false },
    { title: 'two strings', args: ['a', 'b'], decorator: false },
  ];
  for (const row of rows) {
    it(`${row.title}: ${row.decorator ? 'a decorator application' : 'a call'}`, () => assert.equal(isDecoratorApplication(row.args), row.decorator));
  }
});
