/**
 * A builder declared as a top-level `const createModel = () => …` or `class Net { … }` is not hoisted
 * as a function declaration is: in a script that trains when it loads, the load stops at that
 * training call (training-at-load.ts) and the builder would be out of reach. A statement after its
 * declaration, on the same line so stack traces keep the user's line numbers, hands it over first.
 */
import type { ts as Typescript } from 'ts-morph';
import { loadTsMorph } from '../../core/analysis/builders/tfjs-bindings';
import { scriptKindFor } from '../../core/analysis/typescript';

/** `code` with `capture` (a statement reading `name`) after the top-level statement declaring `name` as a function or class; unchanged when none does. */
export function withDeclarationCapture(code: string, file: string, name: string, capture: string): string {
  const { ts } = loadTsMorph();
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, false, scriptKindFor(ts, file));
  const declaring = sf.statements.find((s) => declares(ts, s, name));
  return declaring ? `${code.slice(0, declaring.end)}${capture}${code.slice(declaring.end)}` : code;
}

function declares(t: typeof Typescript, statement: Typescript.Statement, name: string): boolean {
  if (t.isClassDeclaration(statement)) {
    return statement.name?.text === name;
  }
  // A function or a class: a model variable (`const net = tf.sequential()`) is read where the load stops (model-at-load.ts).
  return t.isVariableStatement(statement) && statement.declarationList.declarations.some((d) => t.isIdentifier(d.name) && d.name.text === name && d.initializer !== undefined && isFunctionOrClass(t, d.initializer));
}

function isFunctionOrClass(t: typeof Typescript, e: Typescript.Expression): boolean {
  if (t.isParenthesizedExpression(e) || t.isAsExpression(e) || t.isSatisfiesExpression(e)) {
    return isFunctionOrClass(t, e.expression);
  }
  return t.isArrowFunction(e) || t.isFunctionExpression(e) || t.isClassExpression(e);
}
