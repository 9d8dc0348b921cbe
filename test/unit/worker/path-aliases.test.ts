import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { aliasCandidates, withoutJsonComments } from '../../../src/worker/loading/path-aliases';
import { pnpmPatterns, workspaceCandidates, workspacePackagesOf } from '../../../src/worker/loading/workspace-packages';

const APP = path.resolve(__dirname, '../../fixtures/sanity/generalised/aliased-app');
const IMPORTER = path.join(APP, 'src', 'lib', 'server', 'model.ts');

describe('path aliases (what bundlers and tsc resolve and Node does not)', () => {
  const rows: [string, string[]][] = [
    ['$lib/board', [path.join(APP, 'src', 'lib', 'board')]],
    ['$lib', [path.join(APP, 'src', 'lib')]],
    ['@shared/moves', [path.join(APP, 'shared', 'moves')]],
    ['./board', []],
    ['@tensorflow/tfjs', []],
    ['$library/x', []],
  ];
  for (const [request, expected] of rows) {
    it(`${request} → ${expected.map((e) => path.relative(APP, e)).join(', ') || 'none'}`, () => assert.deepEqual(aliasCandidates(request, IMPORTER), expected));
  }

  it('reads tsconfig files as tsc does: comments and trailing commas', () => {
    const text = '{\n  // a comment\n  "a": "http://x/*y*/", /* block */\n  "b": [1, 2,],\n}';
    assert.deepEqual(JSON.parse(withoutJsonComments(text)), { a: 'http://x/*y*/', b: [1, 2] });
  });
});

describe('packages of the same monorepo that are not installed (workspace-packages.ts)', () => {
  const WORKSPACE = path.resolve(__dirname, '../../fixtures/sanity/generalised/workspace-app');
  const TRAINER = path.join(WORKSPACE, 'apps', 'trainer', 'model.ts');
  const board = (...p: string[]) => path.join(WORKSPACE, 'packages', 'board', ...p);
  const agent = (...p: string[]) => path.join(WORKSPACE, 'packages', 'agent', ...p);
  const rows: [string, string[]][] = [
    ['@games/board', [board('out/index.js'), board('src/index.js'), board('src', 'index'), board('index')]],
    ['@games/board/out/moves.js', [board('out/moves.js'), board('src/moves.js')]],
    ['@games/board/moves', [board('moves'), board('src', 'moves')]],
    ['agent', [agent('dist/index.js'), agent('src/index.js'), agent('src', 'index'), agent('index')]],
    ['agents', []],
    ['lodash', []],
  ];
  for (const [request, expected] of rows) {
    it(`${request} → ${expected.map((e) => path.relative(WORKSPACE, e)).join(', ') || 'none'}`, () => assert.deepEqual(workspaceCandidates(request, TRAINER), expected));
  }

  it('the workspace lists its packages by name, from pnpm-workspace.yaml', () => {
    assert.deepEqual([...workspacePackagesOf(TRAINER).keys()].sort(), ['@games/board', 'agent', 'trainer']);
  });

  it('outside any workspace there are none', () => assert.equal(workspacePackagesOf(IMPORTER).size, 0));

  const yaml: [string, string[]][] = [
    ["packages:\n  - 'apps/*'\n  - \"packages/*\" # libraries\n  - '!**/test/**'\noverrides:\n  - x", ['apps/*', 'packages/*']],
    ['packages:\n- tools/cli\n', ['tools/cli']],
    ['catalog:\n  react: ^18\n', []],
  ];
  for (const [text, expected] of yaml) {
    it(`pnpm-workspace.yaml ${JSON.stringify(text.slice(0, 30))}… → ${expected.join(', ') || 'none'}`, () => assert.deepEqual(pnpmPatterns(text), expected));
  }
});
