/**
 * Calls of a builder with literal arguments anywhere in its package (tests, scripts, demos):
 * `createDeepQNetwork(9, 9, 4)`, `models.createModel([28, 28, 1])`, `new Agent(BOARD_SIZE, 4)` with
 * `const BOARD_SIZE = 9` at the top of that file. Pure: takes the files' text, reads nothing.
 * Uses the raw compiler AST (one createSourceFile per file that mentions the name).
 */
import type { ts as Typescript } from 'ts-morph';
import { evaluateLiteral, getTopLevelConsts, NOT_LITERAL } from '../arguments/literal-values';
import { localLiteral } from '../arguments/local-literals';
import { loadTsMorph } from './tfjs-bindings';
import { INPUT_KEY, MODEL_ARGUMENT_KEY } from '../arguments/model-arguments';
import { scriptKindFor } from '../typescript';
import { calleeMayBeBuilder, codeByModule, tfjsRootsOf } from './callee-origin';

export interface PackageFile {
  /** Path (absolute or relative to the package root). */
  file: string;
  code: string;
}

export interface CallSite {
  file: string;
  /** 1-based. */
  line: number;
  /** The literal arguments in order (tfjs arguments left out); null at a hole. */
  args: unknown[];
  /** Positions in `args` whose argument is no literal (`new Gen(gui, 7 * 7)`: the gui): guessed like a missing one. */
  holes?: number[];
  /** The file is a test or spec (`dqn_test.js`, `test/…`, `*.spec.ts`). */
  inTest: boolean;
  /** `this.name(…)` in the builder's own file: its class calling it, so surely this builder. */
  viaThis?: boolean;
}

export interface CallSiteQuery {
  /** Names the builder may be called by (its local and exported names, or the method's name). */
  names: string[];
  /** `call`: `name(…)` or `x.name(…)`; `new`: `new Name(…)` or `new x.Name(…)`. */
  kind: 'call' | 'new';
  /** Argument positions that receive tfjs (the caller passes `tf` there; not part of the args). */
  tfjsPositions?: number[];
  /**
   * Builder methods of the class: a `this.generator` argument that `this.generator =
   * this.buildGenerator(…)` fills is the model-argument `{ $model: 'buildGenerator', args: […] }`.
   */
  modelMembers?: ReadonlySet<string>;
  /** The builder's file: a call in another file whose callee that file imports from elsewhere, or declares itself, is not the builder's. */
  builderFile?: string;
  /** A method's class: `this.name(…)` inside another class (of any file) calls that class's own method. */
  className?: string;
}

/** Files bigger than this are generated bundles, not places where people call their builders. */
const MAX_FILE_CHARS = 1_000_000;

/**
 * Call sites in file order, then source order. A non-literal argument (a live object of the program)
 * is a hole in its call's list; a call with no literal argument at all is left out, and so are calls
 * a test expects to throw (`expect(() => f(0)).toThrow()`, `assert.throws(() => …)`, inside
 * `it('throws on…', …)`): their arguments are the invalid ones.
 */
export function findCallSites(files: readonly PackageFile[], query: CallSiteQuery): CallSite[] {
  const t = loadTsMorph().ts;
  const names = new Set(query.names.filter((n) => n.length > 0 && n !== 'default'));
  const out: CallSite[] = [];
  const packageCode = codeByModule(files);
  for (const { file, code } of files) {
    if (code.length > MAX_FILE_CHARS || ![...names].some((n) => code.includes(n))) {
      continue;
    }
    const sourceFile = t.createSourceFile(file, code, t.ScriptTarget.Latest, true, scriptKindFor(t, file));
    const consts = getTopLevelConsts(sourceFile);
    const mayBeBuilder = calleeMayBeBuilder(t, sourceFile, file, query.builderFile, packageCode);
    const tfjsRoots = tfjsRootsOf(t, sourceFile);
    const visit = (node: Typescript.Node): void => {
      const site = matchCall(t, node, names, query, mayBeBuilder, tfjsRoots);
      if (site && !expectsThrow(t, node) && !(isThisCall(t, node) && !ownThisCall(t, node, file, query))) {
        const found = literalArguments(t, site, consts, query.tfjsPositions ?? [], query.modelMembers);
        if (found.args.length === 0 || found.holes.length < found.args.length) {
          const holes = found.holes.length > 0 ? { holes: found.holes } : {};
          const viaThis = file === query.builderFile && isThisCall(t, node) ? { viaThis: true } : {};
          out.push({ file, line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1, args: found.args, ...holes, inTest: isTestFile(file), ...viaThis });
        }
      }
      t.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return out;
}

function matchCall(
  t: typeof Typescript,
  node: Typescript.Node,
  names: Set<string>,
  query: CallSiteQuery,
  mayBeBuilder: (root: string, direct: boolean, name: string) => boolean,
  tfjsRoots: ReadonlySet<string>,
): readonly Typescript.Expression[] | undefined {
  const isCall = query.kind === 'call' ? t.isCallExpression(node) : t.isNewExpression(node);
  if (!isCall) {
    return undefined;
  }
  const call = node as Typescript.CallExpression | Typescript.NewExpression;
  const callee = call.expression;
  const name = t.isIdentifier(callee) ? callee.text : t.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  const root = t.isIdentifier(callee) ? callee.text : t.isPropertyAccessExpression(callee) && t.isIdentifier(callee.expression) ? callee.expression.text : undefined;
  if (t.isPropertyAccessExpression(callee) && tfjsRoots.has(baseName(t, callee) ?? '')) {
    return undefined;
  }
  return name !== undefined && names.has(name) && (root === undefined || mayBeBuilder(root, t.isIdentifier(callee), name)) ? (call.arguments ?? []) : undefined;
}

/**
 * `this.name(…)` calls the builder only inside its own class (or, for a function of an object, in its
 * own file): elsewhere `this` is another class, whose method merely shares the name.
 */
function ownThisCall(t: typeof Typescript, node: Typescript.Node, file: string, query: CallSiteQuery): boolean {
  if (file !== query.builderFile && query.builderFile !== undefined) {
    return false;
  }
  let cls: Typescript.Node | undefined = node.parent;
  while (cls && !t.isClassDeclaration(cls) && !t.isClassExpression(cls)) {
    cls = cls.parent;
  }
  const name = cls && (t.isClassDeclaration(cls) || t.isClassExpression(cls)) ? cls.name?.text : undefined;
  return cls === undefined || query.className === undefined || name === undefined || name === query.className;
}

function isThisCall(t: typeof Typescript, node: Typescript.Node): boolean {
  return t.isCallExpression(node) && t.isPropertyAccessExpression(node.expression) && node.expression.expression.kind === t.SyntaxKind.ThisKeyword;
}

/** The identifier a chain of property accesses starts from (`tf` of `tf.layers.lstm`). */
function baseName(t: typeof Typescript, expr: Typescript.Expression): string | undefined {
  let current = expr;
  while (t.isPropertyAccessExpression(current)) {
    current = current.expression;
  }
  return t.isIdentifier(current) ? current.text : undefined;
}

/** The arguments' literal values, null at the holes (the positions of those that are not literals). */
function literalArguments(t: typeof Typescript, args: readonly Typescript.Expression[], consts: ReadonlyMap<string, Typescript.Expression>, tfjsPositions: number[], modelMembers?: ReadonlySet<string>): { args: unknown[]; holes: number[] } {
  const out: unknown[] = [];
  const holes: number[] = [];
  for (const [i, arg] of args.entries()) {
    if (tfjsPositions.includes(i)) {
      continue;
    }
    const evaluated = t.isPropertyAccessExpression(arg) && arg.expression.kind === t.SyntaxKind.ThisKeyword ? fieldValue(t, arg, consts, modelMembers) : evaluateLiteral(arg, consts);
    const literal = evaluated === NOT_LITERAL && t.isIdentifier(arg) ? localLiteral(arg, consts) : evaluated;
    const value = literal === NOT_LITERAL ? symbolicInput(t, arg, consts) : literal;
    if (value === NOT_LITERAL) {
      holes.push(out.length);
    }
    out.push(value === NOT_LITERAL ? null : value);
  }
  return { args: out, holes };
}

/**
 * `tf.input({ shape: [124, 13, 1] })`, or a top-level const bound to it (`const inputs = tf.input(…)`
 * then `resnet8(inputs, 8)`): the symbolic input marker `{ $input: shape }` the worker makes real.
 */
function symbolicInput(t: typeof Typescript, arg: Typescript.Expression, consts: ReadonlyMap<string, Typescript.Expression>): unknown {
  const call = t.isIdentifier(arg) ? consts.get(arg.text) : arg;
  if (!call || !t.isCallExpression(call) || !t.isPropertyAccessExpression(call.expression) || call.expression.name.text !== 'input' || call.arguments.length !== 1) {
    return NOT_LITERAL;
  }
  const config = evaluateLiteral(call.arguments[0], consts) as { shape?: unknown } | typeof NOT_LITERAL;
  const shape = config !== NOT_LITERAL && config !== null && typeof config === 'object' ? config.shape : undefined;
  const dims = Array.isArray(shape) && shape.length > 0 && shape.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0));
  return dims ? { [INPUT_KEY]: shape } : NOT_LITERAL;
}

/** `this.x`: the constructor's literal for it, else the model a builder method of the class fills it with. */
function fieldValue(t: typeof Typescript, access: Typescript.PropertyAccessExpression, consts: ReadonlyMap<string, Typescript.Expression>, modelMembers: ReadonlySet<string> | undefined): unknown {
  const value = constructorValue(t, access, consts);
  if (value !== NOT_LITERAL || !modelMembers || modelMembers.size === 0) {
    return value;
  }
  const filled = fieldAssignments(t, access, false).filter((e) => !(e.kind === t.SyntaxKind.NullKeyword || (t.isIdentifier(e) && e.text === 'undefined')));
  const call = filled.length === 1 ? filled[0] : undefined;
  if (!call || !t.isCallExpression(call) || !t.isPropertyAccessExpression(call.expression) || call.expression.expression.kind !== t.SyntaxKind.ThisKeyword || !modelMembers.has(call.expression.name.text)) {
    return NOT_LITERAL;
  }
  const { args, holes } = literalArguments(t, call.arguments, consts, [], undefined);
  return holes.length > 0 ? NOT_LITERAL : { [MODEL_ARGUMENT_KEY]: call.expression.name.text, args };
}

/** The values `this.<name>` is assigned in the class around `access` (the constructor only, or every member), and its field initialiser. */
function fieldAssignments(t: typeof Typescript, access: Typescript.PropertyAccessExpression, constructorOnly: boolean): Typescript.Expression[] {
  let cls: Typescript.Node | undefined = access.parent;
  while (cls !== undefined && !t.isClassLike(cls)) {
    cls = cls.parent;
  }
  if (cls === undefined) {
    return [];
  }
  const name = access.name.text;
  const values: Typescript.Expression[] = [];
  for (const member of (cls as Typescript.ClassLikeDeclaration).members) {
    if (t.isPropertyDeclaration(member) && member.initializer && t.isIdentifier(member.name) && member.name.text === name) {
      values.push(member.initializer);
    }
    if ((t.isConstructorDeclaration(member) || (!constructorOnly && t.isMethodDeclaration(member))) && member.body) {
      const visit = (node: Typescript.Node): void => {
        if (t.isBinaryExpression(node) && node.operatorToken.kind === t.SyntaxKind.EqualsToken && t.isPropertyAccessExpression(node.left) && node.left.expression.kind === t.SyntaxKind.ThisKeyword && node.left.name.text === name) {
          values.push(node.right);
        }
        t.forEachChild(node, visit);
      };
      visit(member.body);
    }
  }
  return values;
}

/**
 * `this.latentSize` in a method of a class whose constructor sets `this.latentSize = opts.latentSize ??
 * 100` (or `= 100`, or declares `latentSize = 100`): the literal, or the literal fallback.
 */
function constructorValue(t: typeof Typescript, access: Typescript.PropertyAccessExpression, consts: ReadonlyMap<string, Typescript.Expression>): unknown {
  const values = fieldAssignments(t, access, true);
  if (values.length !== 1) {
    return NOT_LITERAL;
  }
  const right = values[0];
  const value = evaluateLiteral(right, consts);
  const fallback = t.isBinaryExpression(right) && [t.SyntaxKind.QuestionQuestionToken, t.SyntaxKind.BarBarToken].includes(right.operatorToken.kind) ? evaluateLiteral(right.right, consts) : NOT_LITERAL;
  // `this.generator = null` says only that something else fills it.
  const found = value !== NOT_LITERAL ? value : fallback;
  return found === null || found === undefined ? NOT_LITERAL : found;
}

const TEST_FILE = /(^|[\\/])(tests?|specs?|__tests__)[\\/]|[._-](test|spec)\.[cm]?[jt]sx?$/i;

/** `dqn_test.js`, `test/agent.js`, `model.spec.ts`. */
export function isTestFile(file: string): boolean {
  return TEST_FILE.test(file);
}

/** Callees whose function argument is expected to throw or reject. */
const THROW_ASSERTIONS = /^(expect|assert\.(throws|rejects)|(t|chai|should)\.(throws|throwsAsync|rejects))$/;
/** Matchers that say the subject throws: `expect(fn).toThrow()`, `.to.throw()`, `.rejects`. */
const THROW_MATCHERS = /^(toThrow\w*|throws?|rejects?|rejectedWith|toReject\w*)$/;
function expectsFailure(matchers: string[]): boolean {
  return !matchers.includes('not') && matchers.some((n) => THROW_MATCHERS.test(n));
}

/** Titles of tests and suites that check a failure: `it('throws on a zero height', …)`. */
const FAILURE_TITLE = /\b(throw|throws|reject|rejects|invalid|error|errors|fail|fails)\b/i;

/** The call sits in a function a test expects to throw, or in a test case about failing. */
function expectsThrow(t: typeof Typescript, call: Typescript.Node): boolean {
  for (let node: Typescript.Node = call; node.parent !== undefined; node = node.parent) {
    const parent = node.parent;
    if (!t.isCallExpression(parent) || !parent.arguments.some((a) => a === node) || !(t.isArrowFunction(node) || t.isFunctionExpression(node))) {
      continue;
    }
    const callee = parent.expression.getText();
    if (THROW_ASSERTIONS.test(callee) && (callee !== 'expect' || expectsFailure(matcherNames(t, parent)))) {
      return true;
    }
    const title = parent.arguments[0];
    if (/^(it|test|specify|describe|context)(\.only)?$/.test(callee) && title !== undefined && t.isStringLiteralLike(title) && FAILURE_TITLE.test(title.text)) {
      return true;
    }
  }
  return false;
}

/** `expect(fn).not.to.throw()` → ['not', 'to', 'throw']: the chain after the subject call. */
function matcherNames(t: typeof Typescript, subject: Typescript.Node): string[] {
  const names: string[] = [];
  let child = subject;
  let node = subject.parent;
  while (node !== undefined && ((t.isPropertyAccessExpression(node) && node.expression === child) || (t.isCallExpression(node) && node.expression === child))) {
    if (t.isPropertyAccessExpression(node)) {
      names.push(node.name.text);
    }
    child = node;
    node = node.parent;
  }
  return names;
}
