import * as assert from 'node:assert/strict';
import { parseArgsLiteral, parseObjectLiteral } from '../../../../src/core/analysis/arguments/args-literal';

describe('the argument box: JS array literals without eval', () => {
  const accepted: [string, unknown[]][] = [
    ['[9, 9, 4]', [9, 9, 4]],
    ['[]', []],
    ['  [ ]  ', []],
    ['[[28, 28, 1], 10]', [[28, 28, 1], 10]],
    ["['relu', \"tanh\", `sigmoid`]", ['relu', 'tanh', 'sigmoid']],
    ['[1, 2, 3,]', [1, 2, 3]],
    ['[[64, 64, 3,], 1,]', [[64, 64, 3], 1]],
    ['[true, false, null]', [true, false, null]],
    ['[-1, +2, .5, 1e-3, -2.5E+2, 0x1F, 0b101, 0o17]', [-1, 2, 0.5, 0.001, -250, 31, 5, 15]],
    ["[{units: 64, 'activation': 'relu', \"rate\": 0.5, 2: 'two',}]", [{ units: 64, activation: 'relu', rate: 0.5, 2: 'two' }]],
    ["['it\\'s', \"a \\\"q\\\"\", 'tab\\tnl\\n', '\\u00e9\\x41\\u{1F600}']", ["it's", 'a "q"', 'tab\tnl\n', 'éA😀']],
    ['[1, // rows\n 2 /* cols */]', [1, 2]],
    ['[{}, {a: []}]', [{}, { a: [] }]],
    ['[{"__proto__": 1}]', [JSON.parse('{"__proto__": 1}')]],
  ];
  for (const [text, values] of accepted) {
    it(`accepts ${JSON.stringify(text)}`, () => {
      const result = parseArgsLiteral(text);
      assert.deepEqual(result, { ok: true, values });
    });
  }

  it('a __proto__ key stays a plain key and does not change the prototype', () => {
    const result = parseArgsLiteral('[{__proto__: {polluted: 1}}]');
    assert.ok(result.ok);
    const [object] = result.values as Record<string, unknown>[];
    assert.equal(Object.getPrototypeOf(object), Object.prototype);
    assert.deepEqual(Object.keys(object), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  const rejected: [string, RegExp][] = [
    ['', /Type the arguments as a JS array/],
    ['9, 9, 4', /Expected a JS array .* found '9'/],
    ['{a: 1}', /Expected a JS array/],
    ['[h, w, 4]', /Column 2: h is not a literal value/],
    ['[1, foo()]', /Column 5: foo is not a literal value/],
    ['[process.exit(1)]', /Column 2: process is not a literal value/],
    ['[undefined]', /undefined is not a JSON value: use null/],
    ['[NaN]', /NaN is not a JSON value/],
    ['[-Infinity]', /Infinity is not a JSON value/],
    ['[1e999]', /too large/],
    ['[1,,2]', /Column 4: empty slot/],
    ['[,]', /empty slot/],
    ['[...xs]', /spread/],
    ['[1 2]', /Column 4: expected ',' or '\]', found '2'/],
    ['[1, 2', /missing '\]'/],
    ['[1] [2]', /after the array/],
    ["['abc]", /Column 2: unterminated string/],
    ["['a\nb']", /unterminated string/],
    ['[`a${b}`]', /template substitutions/],
    ['[{a}]', /expected ':' after the key a/],
    ['[{a: 1 b: 2}]', /expected ',' or '\}'/],
    ['[12px]', /12p… is not a number/],
    ['[-x]', /a sign or '.' must start a number/],
    ['[1 /* open', /unterminated comment/],
    ["['\\u12']", /bad \\u escape/],
    ['[new Array(3)]', /new is not a literal value/],
  ];
  for (const [text, message] of rejected) {
    it(`rejects ${JSON.stringify(text)} with a message`, () => {
      const result = parseArgsLiteral(text);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.message, message);
    });
  }

  it('agrees with JSON.parse on JSON arrays', () => {
    const samples = ['[1,2.5,-3e2]', '["x","\\u0041\\n"]', '[[],{},{"a":[null,true]}]', '[0,-0.0,1E3]'];
    for (const s of samples) {
      assert.deepEqual(parseArgsLiteral(s), { ok: true, values: JSON.parse(s) }, s);
    }
  });

  it('parseObjectLiteral reads the module-variables object as people type it', () => {
    assert.deepEqual(parseObjectLiteral("{ numberOfClasses: 10, imageSize: 28, 'mode': 'gan', }"), { ok: true, value: { numberOfClasses: 10, imageSize: 28, mode: 'gan' } });
    assert.deepEqual(parseObjectLiteral('{"a": [1, 2]} // from the last run'), { ok: true, value: { a: [1, 2] } });
    assert.deepEqual(parseObjectLiteral('{}'), { ok: true, value: {} });
  });

  const rejectedObjects: [string, RegExp][] = [
    ['', /Type the values as a JS object/],
    ['[10]', /Expected a JS object such as \{ numberOfClasses: 10 \}, found '\['/],
    ['{ a: 1 } x', /after the object/],
    ['{ a: classes }', /classes is not a literal value/],
  ];
  for (const [text, message] of rejectedObjects) {
    it(`parseObjectLiteral rejects ${JSON.stringify(text)} with a message`, () => {
      const result = parseObjectLiteral(text);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.message, message);
    });
  }
});
