import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { aliasCandidates, withoutJsonComments } from '../../../src/worker/loading/path-aliases';

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
