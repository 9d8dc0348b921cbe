import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installAdvice, managerOf } from '../../../src/worker/loading/install-advice';
import { hintFor } from '../../../src/worker/loading/failure-hints';

/** Writes `files` (path → text) under a fresh folder and returns it. */
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-install-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

const deps = (names: string[], extra: Record<string, unknown> = {}) => JSON.stringify({ dependencies: Object.fromEntries(names.map((n) => [n, '^1.0.0'])), ...extra });

describe('install advice for packages that are not installed', () => {
  const roots: string[] = [];
  const make = (files: Record<string, string>) => {
    const root = project(files);
    roots.push(root);
    return root;
  };
  after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

  const rows: { name: string; files: Record<string, string>; importer: string; packages: string[]; expected: (root: string) => string }[] = [
    {
      name: 'no package.json anywhere: npm install the package',
      files: { 'src/model.js': '' }, importer: 'src/model.js', packages: ['ramda'],
      expected: () => 'install it: npm install ramda',
    },
    {
      name: 'listed in the package.json above a nested file, never installed: npm install at that package.json',
      files: { 'package.json': deps(['ramda']), 'package-lock.json': '{}', 'src/deep/net/model.js': '' }, importer: 'src/deep/net/model.js', packages: ['ramda'],
      expected: (root) => `the dependencies of ${root}/package.json list it: run \`npm install\` in ${root}`,
    },
    {
      name: 'devDependencies count, and a pnpm lock file makes it pnpm',
      files: { 'package.json': JSON.stringify({ devDependencies: { 'plotly.js': '2' } }), 'pnpm-lock.yaml': '', 'm.js': '' }, importer: 'm.js', packages: ['plotly.js'],
      expected: (root) => `the dependencies of ${root}/package.json list it: run \`pnpm install\` in ${root}`,
    },
    {
      name: "the packageManager field wins over a lock file",
      files: { 'package.json': deps(['pako'], { packageManager: 'yarn@4.1.0' }), 'package-lock.json': '{}', 'm.js': '' }, importer: 'm.js', packages: ['pako'],
      expected: (root) => `the dependencies of ${root}/package.json list it: run \`yarn install\` in ${root}`,
    },
    {
      name: "a workspace's package lists it: the install runs at the workspace's root",
      files: { 'package.json': JSON.stringify({ workspaces: ['packages/*'] }), 'packages/app/package.json': deps(['ramda'], { name: 'app' }), 'packages/app/src/m.js': '' },
      importer: 'packages/app/src/m.js', packages: ['ramda'],
      expected: (root) => `the dependencies of ${root}/packages/app/package.json list it: run \`npm install\` in ${root}`,
    },
    {
      name: 'one listed, one not, in a yarn project: each gets its own command',
      files: { 'package.json': deps(['ramda']), 'yarn.lock': '', 'm.js': '' }, importer: 'm.js', packages: ['ramda', 'lodash'],
      expected: (root) => `the dependencies of ${root}/package.json list ramda: run \`yarn install\` in ${root}; install lodash: yarn add lodash`,
    },
    {
      name: 'a nearer package.json that lists neither does not hide the one above that does',
      files: { 'package.json': deps(['ramda', 'pako']), 'tools/package.json': deps(['left-pad']), 'tools/m.js': '' }, importer: 'tools/m.js', packages: ['ramda', 'pako'],
      expected: (root) => `the dependencies of ${root}/package.json list them: run \`npm install\` in ${root}`,
    },
    {
      name: 'a package.json that does not parse lists nothing',
      files: { 'package.json': '{ "dependencies": ', 'm.js': '' }, importer: 'm.js', packages: ['ramda'],
      expected: () => 'install it: npm install ramda',
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const root = make(row.files);
      assert.equal(installAdvice(row.packages, path.join(root, row.importer)), row.expected(root));
    });
  }

  it('with no importer known, the package is installed by name', () => {
    assert.equal(installAdvice(['canvas', 'jimp'], undefined), 'install them: npm install canvas jimp');
  });

  it('a project with no lock file and no packageManager uses npm', () => {
    assert.equal(managerOf(make({ 'package.json': '{}' })), 'npm');
  });

  it("a missing package's error names the install of the package.json of the file that required it", () => {
    const root = make({ 'package.json': deps(['ramda']), 'src/net.js': '' });
    const importer = path.join(root, 'src/net.js');
    const err = Object.assign(new Error(`Cannot find module 'ramda/src/pipe'\nRequire stack:\n- ${importer}`), { code: 'MODULE_NOT_FOUND', requireStack: [importer] });
    assert.equal(hintFor(err)?.text, `the package 'ramda' is not installed; the dependencies of ${root}/package.json list it: run \`npm install\` in ${root}`);
  });
});
