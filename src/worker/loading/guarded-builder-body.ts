/**
 * The last attempt at a builder whose own body throws before it has its model (a trainer that first
 * loads its images from S3 or its rows from a database, through packages that are not installed or
 * data the repository does not hold; a custom training loop over data it never got): each statement of
 * the builder's body runs on its own, one that throws is recorded and skipped, and the rest still runs,
 * so the model is built, and its first training call hands it over (training-in-builder.ts). The
 * statements that build the model are never skipped: one that makes a layer or a model in its text
 * (`layers.`, `model.add(`, `.apply(`, `sequential(`, `model(`; not the tensor arithmetic of a call's
 * result, `tf.sqrt(variance).add(eps)`) stays as it is, as does one that throws
 * itself (`if (cols !== 2 * rows) throw …`: the builder's own check; a `throw` deeper inside a
 * statement, in a download's error branch, is not), and past-builder-error.ts
 * refuses to skip one that made a layer through a helper before it threw, so a skipped statement
 * never leaves a different model. Lines stay where they were, as for guarded-statements.ts.
 */
import type * as TsMorph from 'ts-morph';
import { guardedBodyStatement } from './guarded-constructors';
import { parseForGuards, withEdits, type Edit, type Ts } from './guarded-statements';

/** The global each skipped statement of the builder reports its error to. */
export const BUILDER_ERROR_GLOBAL = '__rbnBuilderError__';
/** The global each guarded statement calls as it starts. */
export const BUILDER_STATEMENT_GLOBAL = '__rbnBuilderStatement__';

/**
 * A statement whose text makes a layer or a model (part of the model), or throws itself (the builder's
 * own check of its arguments): never skipped.
 */
const KEPT = /\blayers\s*\.|(?<!\))\.add\s*\(|\.apply\s*\(|\bsequential\s*\(|\bmodel\s*\(/;

const CATCH = `catch (e) { globalThis.${BUILDER_ERROR_GLOBAL}(e); }`;

/** Where the builder lies in its file (the analysis's start and end offsets). */
export interface SourceRange {
  start: number;
  end: number;
}

/** `code` with the statements of the outermost function inside `range` guarded (those that build the model left as they are); as it is when there is none. */
export function withGuardedBuilderBody(code: string, file: string, range: SourceRange): string {
  const { ts, source } = parseForGuards(code, file);
  const body = builderBody(ts, source, range);
  if (!body) {
    return code;
  }
  const edits: Edit[] = [];
  for (const { statement, inTry } of statementsToGuard(ts, body.statements, false)) {
    // Inside a `try` whose catch swallows, the builder's own checks stop it as silently as the rest.
    const kept = KEPT.test(statement.getText(source)) || (!inTry && ownCheck(ts, statement));
    const text = kept ? undefined : guardedBodyStatement(ts, statement, source, CATCH);
    if (text !== undefined) {
      edits.push({ start: statement.getStart(source), end: statement.getEnd(), text: `globalThis.${BUILDER_STATEMENT_GLOBAL}(); ${text}` });
    }
  }
  return withEdits(code, edits);
}

/**
 * The body's statements, those of a `try` block in place of the `try` (a builder that wraps its work
 * in `try { … } catch (e) { console.error(e); }` and so swallows what stopped it): each runs on its
 * own, so its catch no longer ends the build before the model is made.
 */
function statementsToGuard(ts: Ts, statements: readonly TsMorph.ts.Statement[], inTry: boolean): { statement: TsMorph.ts.Statement; inTry: boolean }[] {
  return statements.flatMap((statement) => (ts.isTryStatement(statement) ? statementsToGuard(ts, statement.tryBlock.statements, true) : [{ statement, inTry }]));
}

/** `throw …`, or `if (…) throw …` (also in the branch's block): the builder's own check of its input, never skipped. */
function ownCheck(ts: Ts, statement: TsMorph.ts.Statement): boolean {
  const throws = (s: TsMorph.ts.Statement | undefined): boolean => s !== undefined && (ts.isThrowStatement(s) || (ts.isBlock(s) && s.statements.some((inner) => ts.isThrowStatement(inner))));
  return ts.isThrowStatement(statement) || (ts.isIfStatement(statement) && (throws(statement.thenStatement) || throws(statement.elseStatement)));
}

/**
 * Where the function `id` lies when the analysis did not list it as a builder (one that trains its model
 * and returns a score): a function declaration or a variable holding a function, or `Class.method`.
 */
export function functionRangeByName(code: string, file: string, id: string): SourceRange | undefined {
  const { ts, source } = parseForGuards(code, file);
  const [first, member] = id.split('.', 2);
  let found: SourceRange | undefined;
  const range = (node: TsMorph.ts.Node): SourceRange => ({ start: node.getStart(source), end: node.getEnd() });
  const visit = (node: TsMorph.ts.Node): void => {
    if (found) {
      return;
    }
    if (member === undefined && ts.isFunctionDeclaration(node) && node.name?.text === first) {
      found = range(node);
    } else if (member === undefined && ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === first && node.initializer && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) {
      found = range(node.initializer);
    } else if (member !== undefined && (ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name?.text === first) {
      const method = node.members.find((m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === member);
      found = method ? range(method) : undefined;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function builderBody(ts: Ts, source: TsMorph.ts.SourceFile, range: SourceRange): TsMorph.ts.Block | undefined {
  let found: TsMorph.ts.Block | undefined;
  const visit = (node: TsMorph.ts.Node): void => {
    if (found || node.getEnd() < range.start || node.getStart(source) > range.end) {
      return;
    }
    const inside = node.getStart(source) >= range.start && node.getEnd() <= range.end;
    if (inside && isFunctionLike(ts, node) && node.body && ts.isBlock(node.body)) {
      found = node.body;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isFunctionLike(ts: Ts, node: TsMorph.ts.Node): node is TsMorph.ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node);
}
