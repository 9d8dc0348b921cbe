/**
 * A retry for a method builder whose class's constructor throws (`this.memory = new Memory(…)` where
 * `Memory` is commented out, a file it reads, a config it looks up), while the method builds its model
 * from what the constructor had set before, or from nothing of it: each statement of the constructor
 * body runs on its own, one that throws is recorded and skipped, and the rest still runs. `super(…)`
 * stays as it is (nothing may touch `this` before it); a field initialiser (`memory = new Memory()`)
 * that throws leaves its field undefined. Classes, and ES5 constructor functions with
 * `F.prototype.m = function` methods. Lines stay where they were, as for guarded-statements.ts.
 */
import type * as TsMorph from 'ts-morph';
import { guardedDeclarations, parseForGuards, withEdits, type Edit, type Ts } from './guarded-statements';

/** The global each skipped constructor statement reports its error to. */
export const CONSTRUCTOR_ERROR_GLOBAL = '__rbnConstructorError__';

const CATCH = `catch (e) { globalThis.${CONSTRUCTOR_ERROR_GLOBAL}(e); }`;

/** `code` with the statements of its constructors guarded; as it is when it does not parse. */
export function withGuardedConstructors(code: string, file: string): string {
  const { ts, source } = parseForGuards(code, file);
  const es5Classes = new Set([...code.matchAll(/([A-Za-z_$][\w$]*)\.prototype\.[A-Za-z_$][\w$]*\s*=/g)].map((m) => m[1]));
  const edits: Edit[] = [];
  const visit = (node: TsMorph.ts.Node): void => {
    const init = guardedInitializer(ts, node, source);
    if (init) {
      edits.push(init);
      return;
    }
    const body = constructorBody(ts, node, es5Classes);
    if (body) {
      for (const statement of body.statements) {
        const text = guardedBodyStatement(ts, statement, source);
        if (text !== undefined) {
          edits.push({ start: statement.getStart(source), end: statement.getEnd(), text });
        }
      }
      // Statements inside are guarded as a whole: a class nested in one is left as it is.
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return withEdits(code, edits);
}

/** `memory = new Memory();`, a field initialiser that runs as the constructor does: guarded the same way. */
function guardedInitializer(ts: Ts, node: TsMorph.ts.Node, source: TsMorph.ts.SourceFile): Edit | undefined {
  if (!ts.isPropertyDeclaration(node) || !node.initializer || ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer) || ts.isClassExpression(node.initializer)) {
    return undefined;
  }
  if (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) {
    return undefined;
  }
  const init = node.initializer;
  // An arrow function keeps the instance as `this`, as the initialiser had it.
  return { start: init.getStart(source), end: init.getEnd(), text: `(() => { try { return (${init.getText(source)}); } ${CATCH} return undefined; })()` };
}

function constructorBody(ts: Ts, node: TsMorph.ts.Node, es5Classes: ReadonlySet<string>): TsMorph.ts.Block | undefined {
  if (ts.isConstructorDeclaration(node)) {
    return node.body;
  }
  if (ts.isFunctionDeclaration(node) && node.name && es5Classes.has(node.name.text)) {
    return node.body;
  }
  return undefined;
}

/** A statement of a function's body run on its own, its error handed to `onError`; undefined for one left as it is. */
export function guardedBodyStatement(ts: Ts, statement: TsMorph.ts.Statement, source: TsMorph.ts.SourceFile, onError = CATCH): string | undefined {
  if (isSuperCall(ts, statement) || ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEmptyStatement(statement)) {
    return undefined;
  }
  if (ts.isVariableStatement(statement)) {
    return guardedDeclarations(ts, statement, source, onError);
  }
  return `try { ${statement.getText(source)} } ${onError}`;
}

/** `super(…);`, the one statement that must run unguarded. */
function isSuperCall(ts: Ts, statement: TsMorph.ts.Statement): boolean {
  return ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression) && statement.expression.expression.kind === ts.SyntaxKind.SuperKeyword;
}
