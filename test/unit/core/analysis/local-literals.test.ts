import { strict as assert } from 'node:assert';
import * as ts from 'typescript';
import { getTopLevelConsts, NOT_LITERAL } from '../../../../src/core/analysis/arguments/literal-values';
import { localLiteral } from '../../../../src/core/analysis/arguments/local-literals';

/** The value localLiteral gives the argument `x` of the call `use(x)` in `code`. */
function argumentOfUse(code: string): unknown {
  const file = ts.createSourceFile('m.ts', code, ts.ScriptTarget.Latest, true);
  let found: ts.Identifier | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'use' && ts.isIdentifier(node.arguments[0])) {
      found = node.arguments[0];
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  assert.ok(found, 'no use(x) in the code');
  return localLiteral(found as never, getTopLevelConsts(file as never) as never);
}

describe('localLiteral (a call-site argument bound in the calling function)', () => {
  const rows: { title: string; code: string; expected: unknown }[] = [
    { title: 'a const earlier in the same block', code: 'function f() { const x = [3, 4]; use(x); }', expected: [3, 4] },
    { title: 'a const of an enclosing block', code: 'function f() { const x = 7; if (ok) { use(x); } }', expected: 7 },
    { title: 'the loop variable over a local array: its first element', code: 'function f() { const defs = [{ units: 8 }, { units: 3 }]; for (const x of defs) { use(x); } }', expected: { units: 8 } },
    { title: 'the loop variable over an inline array', code: 'function f() { for (const x of [5, 6]) use(x); }', expected: 5 },
    { title: 'the loop variable over a top-level const', code: 'const SIZES = [16, 32];\nfunction f() { for (const x of SIZES) use(x); }', expected: 16 },
    { title: 'a const declared after the call does not count', code: 'function f() { use(x); const x = 3; }', expected: NOT_LITERAL },
    { title: 'a let is not a const', code: 'function f() { let x = 3; x = read(); use(x); }', expected: NOT_LITERAL },
    { title: 'a loop over something not literal', code: 'function f(rows) { for (const x of rows) use(x); }', expected: NOT_LITERAL },
    { title: 'an empty array has no first element', code: 'function f() { for (const x of []) use(x); }', expected: NOT_LITERAL },
    { title: "an outer function's const is not the callee's scope", code: 'function outer() { const x = 3; function inner(x) { use(x); } }', expected: NOT_LITERAL },
  ];
  for (const row of rows) {
    it(row.title, () => {
      assert.deepEqual(argumentOfUse(row.code), row.expected);
    });
  }
});
