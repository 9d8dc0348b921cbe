import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeError } from '../../../src/worker/errors';

/** The error V8 throws compiling `compiled` as `file` (as the module loader does with transpiled code). */
function compileError(file: string, compiled: string): Error {
  const m = new Module(file) as Module & { _compile(code: string, file: string): void };
  try {
    m._compile(compiled, file);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a SyntaxError');
}

describe('describeError: a file that does not parse names its line as written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-syntax-'));
  const written = ['export class Engine {', '  spread(xs) {', '    return xs.reduce((sum, yield) => sum + yield, 0);', '  }', '}', ''].join('\n');
  // What the transpiler hands V8: helpers first, so the failing line has moved down by three.
  const compiled = ['"use strict";', 'Object.defineProperty(exports, "__esModule", { value: true });', 'exports.Engine = void 0;', 'class Engine {', '  spread(xs) {', '    return xs.reduce((sum, yield) => sum + yield, 0);', '  }', '}', ''].join('\n');
  const rows: { title: string; file: string; text: string; expected: string }[] = [
    { title: 'the line found by its text, not the compiled line number', file: 'engine.js', text: written, expected: 'SyntaxError: Unexpected strict mode reserved word (at FILE:3)' },
    { title: 'no line when the text is on two lines of the file', file: 'twice.js', text: `${written}// the same line again:\n    return xs.reduce((sum, yield) => sum + yield, 0);\n`, expected: 'SyntaxError: Unexpected strict mode reserved word' },
    { title: 'no line when the file cannot be read', file: 'gone.js', text: '', expected: 'SyntaxError: Unexpected strict mode reserved word' },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const file = path.join(dir, row.file);
      if (row.text !== '') {
        fs.writeFileSync(file, row.text);
      }
      assert.equal(describeError(compileError(file, compiled), file), row.expected.replace('FILE', file));
    });
  }
  it('a runtime error keeps its stack frame in the user file', () => {
    const err = new TypeError("Cannot read properties of undefined (reading '1')");
    err.stack = `TypeError: Cannot read properties of undefined (reading '1')\n    at createModel (/p/app.js:535:48)\n    at run (/x/worker.js:1:1)`;
    assert.equal(describeError(err, '/p/app.js'), "TypeError: Cannot read properties of undefined (reading '1') (at /p/app.js:535)");
  });
});
