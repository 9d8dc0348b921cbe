/**
 * The calls a script makes at its top level (`main();`, `(async () => { … })();`, `run().catch(…)`):
 * tracked so that the worker can wait for the model they build (model-at-load.ts), and the functions
 * they run, whose bodies a last attempt runs statement by statement.
 */
import type * as TsMorph from 'ts-morph';
import { parseForGuards, withEdits, type Edit, type Ts } from './guarded-statements';
import type { SourceRange } from './guarded-builder-body';

/** The global each top-level call of a tracked entry file hands its result to. */
export const LOAD_TASK_GLOBAL = '__rbnLoadTask__';

/** Text that makes a layer or a model: the function it is in builds one. */
const BUILDS_MODEL = /\blayers\s*\.|\bsequential\s*\(|\bmodel\s*\(|\.add\s*\(/;

/**
 * `code` with each top-level call statement (`main();`, `(async () => { … })();`, `run().catch(…)`)
 * handing its result to the load-task global; lines stay where they were.
 */
export function withTrackedLoadCalls(code: string, file: string): string {
  const { ts, source } = parseForGuards(code, file);
  const edits: Edit[] = [];
  for (const statement of source.statements) {
    if (ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression)) {
      const expression = statement.expression;
      edits.push({ start: expression.getStart(source), end: expression.getEnd(), text: `globalThis.${LOAD_TASK_GLOBAL}(${expression.getText(source)})` });
    }
  }
  return withEdits(code, edits);
}

/** Whether the file makes top-level calls whose bodies build a model (so waiting for them can find it). */
export function hasModelBuildingLoadCalls(code: string, file: string): boolean {
  return loadCallBodies(code, file).length > 0;
}

/**
 * The functions the file's top-level calls run that build a model: an immediately called function
 * expression, or a top-level function called by name (`main()`, `run().then(…)`).
 */
export function loadCallBodies(code: string, file: string): SourceRange[] {
  const { ts, source } = parseForGuards(code, file);
  return bodiesIn(ts, source);
}

function bodiesIn(ts: Ts, source: TsMorph.ts.SourceFile): SourceRange[] {
  const declared = new Map<string, TsMorph.ts.FunctionLikeDeclaration>();
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
      declared.set(statement.name.text, statement);
    }
    // `const main = async () => { … }`
    for (const d of ts.isVariableStatement(statement) ? statement.declarationList.declarations : []) {
      if (ts.isIdentifier(d.name) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) {
        declared.set(d.name.text, d.initializer);
      }
    }
  }
  const ranges: SourceRange[] = [];
  for (const statement of source.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) {
      continue;
    }
    for (const fn of calledFunctions(ts, statement.expression, declared)) {
      if (BUILDS_MODEL.test(fn.getText(source))) {
        ranges.push({ start: fn.getStart(source), end: fn.getEnd() });
      }
    }
  }
  return ranges;
}

/**
 * The functions a top-level call statement runs: the one it calls (an immediately called function
 * expression, or a top-level function declaration called by name) and the callbacks of its
 * `.then(…)`/`.catch(…)`/`.finally(…)` chain (`tf.setBackend('cpu').then(async () => { … })`).
 */
function calledFunctions(ts: Ts, call: TsMorph.ts.CallExpression, declared: ReadonlyMap<string, TsMorph.ts.FunctionLikeDeclaration>): TsMorph.ts.FunctionLikeDeclaration[] {
  const found: TsMorph.ts.FunctionLikeDeclaration[] = [];
  let current: TsMorph.ts.CallExpression = call;
  while (ts.isPropertyAccessExpression(current.expression) && PROMISE_METHODS.has(current.expression.name.text) && ts.isCallExpression(current.expression.expression)) {
    found.unshift(...current.arguments.filter((a): a is TsMorph.ts.ArrowFunction | TsMorph.ts.FunctionExpression => ts.isArrowFunction(a) || ts.isFunctionExpression(a)));
    current = current.expression.expression;
  }
  let callee: TsMorph.ts.Expression = current.expression;
  while (ts.isParenthesizedExpression(callee)) {
    callee = callee.expression;
  }
  const first = ts.isFunctionExpression(callee) || ts.isArrowFunction(callee) ? callee : ts.isIdentifier(callee) ? declared.get(callee.text) : undefined;
  return first ? [first, ...found] : found;
}

const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

/** A call that makes a model: `tf.sequential()`, `tf.model({…})`, `sequential()`. */
const MAKES_MODEL = /(?:^|\.)(?:sequential|model)$/;

/**
 * What a script with no builder function builds as it loads, for `--model`: the top-level variable it
 * keeps the model in (`var net = tf.sequential()` at the top level, or `model = tf.sequential()` inside
 * a function it calls at once), else the top-level function it calls at once that builds one (`async
 * function main() { … } main();`); undefined when there is neither.
 */
export function modelBuiltAtLoad(code: string, file: string): string | undefined {
  const { ts, source } = parseForGuards(code, file);
  const bodies = bodiesIn(ts, source);
  return modelVariableIn(ts, source, bodies) ?? modelFunctionIn(ts, source, bodies);
}

/** The variable of {@link modelBuiltAtLoad} alone. */
export function modelVariableBuiltAtLoad(code: string, file: string): string | undefined {
  const { ts, source } = parseForGuards(code, file);
  return modelVariableIn(ts, source, bodiesIn(ts, source));
}

/** The function of {@link modelBuiltAtLoad} alone. */
export function modelFunctionCalledAtLoad(code: string, file: string): string | undefined {
  const { ts, source } = parseForGuards(code, file);
  return modelFunctionIn(ts, source, bodiesIn(ts, source));
}

function modelVariableIn(ts: Ts, source: TsMorph.ts.SourceFile, bodies: readonly SourceRange[]): string | undefined {
  const makesModel = (e: TsMorph.ts.Expression | undefined): boolean => e !== undefined && ts.isCallExpression(e) && MAKES_MODEL.test(e.expression.getText(source));
  const topLevel = new Set<string>();
  for (const statement of source.statements) {
    for (const d of ts.isVariableStatement(statement) ? statement.declarationList.declarations : []) {
      if (ts.isIdentifier(d.name)) {
        if (makesModel(d.initializer)) {
          return d.name.text;
        }
        topLevel.add(d.name.text);
      }
    }
  }
  let found: string | undefined;
  const visit = (node: TsMorph.ts.Node, inBody: boolean): void => {
    if (found) {
      return;
    }
    const body = inBody || bodies.some((b) => node.getStart(source) === b.start && node.getEnd() === b.end);
    if (ts.isFunctionLike(node) && !body) {
      return;
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left) && topLevel.has(node.left.text) && makesModel(node.right)) {
      found = node.left.text;
      return;
    }
    ts.forEachChild(node, (child) => visit(child, body));
  };
  visit(source, false);
  return found;
}

function modelFunctionIn(ts: Ts, source: TsMorph.ts.SourceFile, bodies: readonly SourceRange[]): string | undefined {
  const called = source.statements.find((s) => ts.isFunctionDeclaration(s) && s.name && bodies.some((b) => b.start === s.getStart(source) && b.end === s.getEnd()));
  return called && ts.isFunctionDeclaration(called) ? called.name?.text : undefined;
}
