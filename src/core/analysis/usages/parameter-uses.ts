/**
 * What a builder does with one of its parameters, as a tree: the properties it reads (`game.height`,
 * `opts.decoder.units`, `const { encoder: { units } } = opts`), the methods it calls and what it does
 * with their results (`const [x, y] = game.getBoardSize()`), whether a value is counted with (`> 0`,
 * `units: …`), indexed, or fed to a layer as its input (`.apply(input)`, `tf.model({ inputs: input })`).
 * It follows the parameter into `this.<field>` (read anywhere in the class), local aliases, and the
 * functions and methods of the same file it is passed to. Syntax only, on the raw compiler AST; a
 * value handed to a function outside the file is marked as escaping and nothing is assumed of it.
 */
import { getTypeScript, type ts, type Ts } from '../typescript';
import { bindsName, enclosingClass, enclosingFunction, findDeclaringFunction, findFunction, parse, type ParameterSite } from './parameter-sites';

export type { ParameterSite } from './parameter-sites';

export interface ParameterUse {
  /** Properties read, in first-read order. */
  props: Map<string, ParameterUse>;
  /** Called as a method (`game.getBoardSize()`): what the code does with its result. */
  result?: ParameterUse;
  /** Destructured as an array: the names of its elements (`const [x, y] = …`). */
  tuple?: string[];
  /** Names the value flows into (`this.actionSize = …`, `const units = …`, `{ units: … }`), first first. */
  names: string[];
  /** Counted with: arithmetic, a comparison, a size property, a shape's dimension, Number.isInteger. */
  numeric: boolean;
  /** Indexed or `.length` read: an array (of numbers, unless its elements are read further). */
  array: boolean;
  /** Constant positions read (`shape[1]`) or sliced from (`shape.slice(1)`): the list must reach past them. */
  indexes: number[];
  /** Mapped, filtered, iterated: an array whose elements the code reads in ways not followed here. */
  elementsUnknown: boolean;
  /**
   * What the code does with one element, where it names one: `data[0].features`, the parameter of a
   * `data.map((d) => d.label)` callback, `for (const d of data)`. A list of records is built from it.
   */
  element?: ParameterUse;
  /** A layer's input: `.apply(x)`, `tf.model({ inputs: x })`. */
  input: boolean;
  /** The layers it is fed to (`tf.layers.conv2d(…)`), for the input's rank. */
  inputLayers: string[];
  /** Read with a fallback (`|| 8`, `?? 8`, a destructuring default): the code copes without it. */
  fallback: boolean;
  /** Passed to a function outside the file. */
  escapes: boolean;
  /** Put into text: a template literal's `${…}` or `+` with a string literal (a name, a path part). */
  text: boolean;
  /** The literal separators it is split on (`stock.split(',')`): a list written as text. */
  separators: string[];
  /** The string literals it is compared with (`switch (kind) { case 'cnn': … }`, `kind === 'cnn'`), first first. */
  choices: string[];
  /** Given to `tf.sequential({ layers: … })` as its layers: a list of tfjs layers. */
  layerList: boolean;
  /** The `case` values whose code gives a layer its input shape (`case 'Conv2D': … inputShape …`): the kinds a layer list may start with. */
  inputCases: string[];
  /** Used as a key to look something up (`maps[col]`): a name, where it is not counted with. */
  key: boolean;
  /** The local names it is indexed with (`maps[col]` → `col`), to match with the elements of another list. */
  keyedBy: string[];
}

const MAX_DEPTH = 4;
/** Array methods whose callbacks get the elements: what they need of an element is not followed. */
const ELEMENT_CALLBACKS = new Set(['map', 'forEach', 'filter', 'reduce', 'every', 'some', 'find', 'flatMap']);
/** Other members that make the value an array (or string), not an object of settings. */
const ARRAY_MEMBERS = new Set(['length', 'slice', 'concat', 'join', 'indexOf', 'includes']);
/** Methods only a string has: a value they are called on is text. */
const STRING_METHODS = new Set(['startsWith', 'endsWith', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'trim', 'trimStart', 'trimEnd', 'replace', 'replaceAll', 'match', 'matchAll', 'search', 'split', 'substring', 'padStart', 'padEnd', 'charAt', 'charCodeAt', 'codePointAt', 'normalize', 'localeCompare']);
/** String methods that keep the text's meaning (`kind.toLowerCase()`): what the code compares the result with, it compares the value with. */
const SAME_TEXT_METHODS = new Set(['toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'trim', 'trimStart', 'trimEnd']);
/** Callees that only look at a value (`console.log('layer', layer)`, `Array.isArray(layers)`): it does not escape. */
const LOOKS_ONLY = /^(console\.\w+|Array\.isArray|JSON\.stringify|String|Boolean)$/;
/** Object properties whose value is a count or a size. */
const SIZE_KEYS = /^(units|filters|kernelSize|poolSize|strides|rate|inputDim|outputDim|numHeads|size|batchSize|epochs)$/;
/** Comparisons that name a value the parameter may take (`kind === 'cnn'`). */
const EQUALITY = new Set(['===', '==', '!==', '!=']);
const NUMERIC_OPERATORS = new Set(['+', '-', '*', '/', '%', '**', '<', '<=', '>', '>=', '-=', '+=', '*=', '/=']);
/** A callee whose argument is a number (`Number.isInteger(x)`, `assertPositiveInteger(x)`). */
const NUMERIC_CHECK = /^(Number\.\w+|Math\.\w+|parseInt|parseFloat|isFinite|\w*(assert|check|ensure|validate)\w*(Positive|Integer|Number|Int)\w*)$/i;

export function emptyUse(): ParameterUse {
  return { props: new Map(), names: [], numeric: false, array: false, indexes: [], elementsUnknown: false, input: false, inputLayers: [], fallback: false, escapes: false, text: false, separators: [], choices: [], layerList: false, inputCases: [], key: false, keyedBy: [] };
}

/** The uses of parameter `name`; undefined when the parameter is not found. */
export function findParameterUses(name: string, site: ParameterSite): ParameterUse | undefined {
  const t = getTypeScript();
  const file = parse(t, site.code, site.fileName);
  // An ES5 constructor (a function that assigns this.model) has no constructor member: its own range holds it.
  if (site.free || site.thisField) {
    const outer = outermostFunctionIn(t, file, site);
    if (!outer?.body) {
      return undefined;
    }
    const use = emptyUse();
    const collector = new UseCollector(t, file);
    if (site.thisField) {
      collector.usesOfThisField(name, outer.body, use);
    } else {
      collector.usesOfName(name, outer.body, use, 0, new Set());
    }
    return use;
  }
  const fn = findDeclaringFunction(t, file, name, site) ?? (site.ofConstructor ? findDeclaringFunction(t, file, name, { ...site, ofConstructor: false }) : undefined);
  const declaration = fn?.parameters.find((p) => bindsName(t, p.name, name));
  if (!fn || !declaration || !fn.body) {
    return undefined;
  }
  const use = emptyUse();
  new UseCollector(t, file).usesOfName(name, fn.body, use, 0, new Set());
  return use;
}

/** The first function-like node inside the site's range (the builder itself). */
function outermostFunctionIn(t: Ts, file: ts.SourceFile, site: ParameterSite): ts.FunctionLikeDeclaration | undefined {
  let found: ts.FunctionLikeDeclaration | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.end < site.start || n.getStart(file) > site.end) {
      return;
    }
    if (t.isFunctionLike(n) && n.getStart(file) >= site.start && n.end <= site.end && (n as ts.FunctionLikeDeclaration).body) {
      found = n as ts.FunctionLikeDeclaration;
      return;
    }
    t.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

class UseCollector {
  constructor(
    private readonly t: Ts,
    private readonly file: ts.SourceFile,
  ) {}

  /** Every read of the local `name` inside `scope` (a shadowing declaration is not told apart: rare in builders). */
  usesOfName(name: string, scope: ts.Node, use: ParameterUse, depth: number, seen: Set<ts.Node>): void {
    const { t } = this;
    const visit = (n: ts.Node): void => {
      if (t.isIdentifier(n) && n.text === name && this.isRead(n)) {
        this.useOf(n, use, depth, seen);
      }
      t.forEachChild(n, visit);
    };
    visit(scope);
  }

  private isRead(id: ts.Identifier): boolean {
    const { t } = this;
    const p = id.parent;
    if ((t.isPropertyAccessExpression(p) && p.name === id) || (t.isPropertyAssignment(p) && p.name === id) || t.isParameter(p) || t.isBindingElement(p)) {
      return false;
    }
    return !(t.isVariableDeclaration(p) && p.name === id) && !(t.isFunctionLike(p) && (p as ts.FunctionLikeDeclaration).name === id);
  }

  /** What the code does with the value of expression `e`. */
  private useOf(e: ts.Expression, use: ParameterUse, depth: number, seen: Set<ts.Node>): void {
    const { t } = this;
    if (seen.has(e) || depth > MAX_DEPTH) {
      return;
    }
    seen.add(e);
    let node: ts.Node = e;
    while (t.isParenthesizedExpression(node.parent) || t.isNonNullExpression(node.parent) || t.isAsExpression(node.parent) || t.isAwaitExpression(node.parent)) {
      node = node.parent;
    }
    const p = node.parent;
    if (t.isPropertyAccessExpression(p) && p.expression === node) {
      this.propertyRead(p, use, depth, seen);
    } else if (t.isElementAccessExpression(p) && p.expression === node) {
      use.array = true;
      if (t.isNumericLiteral(p.argumentExpression)) {
        use.indexes.push(Number(p.argumentExpression.text));
      }
      if (t.isIdentifier(p.argumentExpression) && !use.keyedBy.includes(p.argumentExpression.text)) {
        use.keyedBy.push(p.argumentExpression.text);
      }
      // `data[0]`, `rows[i]`: an element (a string key is a property of a map, not followed).
      if (!t.isStringLiteralLike(p.argumentExpression)) {
        this.useOf(p, (use.element ??= emptyUse()), depth + 1, seen);
      }
    } else if (t.isElementAccessExpression(p) && p.argumentExpression === node) {
      use.key = true;
    } else if ((t.isCallExpression(p) || t.isNewExpression(p)) && p.arguments?.includes(node as ts.Expression)) {
      this.passedTo(p, p.arguments.indexOf(node as ts.Expression), use, depth);
    } else if (t.isArrayLiteralExpression(p)) {
      this.inArray(p, use);
    } else if (t.isPropertyAssignment(p) && p.initializer === node) {
      this.asProperty(p, use);
    } else if (t.isShorthandPropertyAssignment(p)) {
      this.asProperty(p, use);
    } else if (t.isVariableDeclaration(p) && p.initializer === node) {
      this.bound(p.name, use, depth, seen);
    } else if (t.isBinaryExpression(p)) {
      this.inBinary(p, node, use, depth, seen);
    } else if (t.isPrefixUnaryExpression(p) && (p.operator === t.SyntaxKind.MinusToken || p.operator === t.SyntaxKind.PlusToken)) {
      use.numeric = true;
    } else if (t.isForOfStatement(p) && p.expression === node) {
      use.elementsUnknown = true;
      const declaration = t.isVariableDeclarationList(p.initializer) ? p.initializer.declarations[0] : undefined;
      if (declaration) {
        this.bound(declaration.name, (use.element ??= emptyUse()), depth + 1, seen);
      }
    } else if (t.isTemplateSpan(p) && p.expression === node) {
      use.text = true;
    } else if (t.isSwitchStatement(p) && p.expression === node) {
      const clauses = p.caseBlock.clauses.flatMap((c) => (t.isCaseClause(c) && t.isStringLiteralLike(c.expression) ? [{ value: c.expression.text, clause: c }] : []));
      use.choices.push(...clauses.map((c) => c.value).filter((c) => !use.choices.includes(c)));
      const givesInputShape = (c: ts.CaseClause) => c.statements.some((st) => /\b(inputShape|batchInputShape)\b/.test(st.getText(this.file)));
      use.inputCases.push(...clauses.filter((c) => givesInputShape(c.clause) && !use.inputCases.includes(c.value)).map((c) => c.value));
    }
  }

  private propertyRead(p: ts.PropertyAccessExpression, use: ParameterUse, depth: number, seen: Set<ts.Node>): void {
    const key = p.name.text;
    if (ELEMENT_CALLBACKS.has(key)) {
      use.elementsUnknown = true;
      this.elementOfCallback(p, key, use, depth, seen);
      return;
    }
    if (ARRAY_MEMBERS.has(key)) {
      use.array = true;
      const call = p.parent;
      const start = key === 'slice' && this.t.isCallExpression(call) && call.expression === p ? call.arguments[0] : undefined;
      if (start !== undefined && this.t.isNumericLiteral(start)) {
        use.indexes.push(Number(start.text));
      }
      return;
    }
    if (STRING_METHODS.has(key) && this.t.isCallExpression(p.parent) && p.parent.expression === p) {
      use.text = true;
      const separator = key === 'split' ? p.parent.arguments[0] : undefined;
      if (separator !== undefined && this.t.isStringLiteralLike(separator) && !use.separators.includes(separator.text)) {
        use.separators.push(separator.text);
      }
      if (SAME_TEXT_METHODS.has(key)) {
        // `switch (layer.type.toLowerCase()) { case 'dense': … }`: the cases are the values it takes.
        this.useOf(p.parent as ts.CallExpression, use, depth, seen);
      }
      return;
    }
    const child = use.props.get(key) ?? emptyUse();
    use.props.set(key, child);
    const call = p.parent;
    if (this.t.isCallExpression(call) && call.expression === p) {
      child.result ??= emptyUse();
      this.useOf(call, child.result, depth, seen);
    } else if (this.t.isBinaryExpression(call) && call.left === p && call.operatorToken.kind === this.t.SyntaxKind.EqualsToken) {
      // An assignment to the property (`opts.units = 8`) is no read.
      use.props.delete(key);
    } else {
      this.useOf(p, child, depth, seen);
    }
  }

  /** `data.map((d) => d.features)`: the callback's element parameter (`reduce`'s second) is one element. */
  private elementOfCallback(p: ts.PropertyAccessExpression, method: string, use: ParameterUse, depth: number, seen: Set<ts.Node>): void {
    const { t } = this;
    const call = p.parent;
    const callback = t.isCallExpression(call) && call.expression === p ? call.arguments[0] : undefined;
    if (!callback || !(t.isArrowFunction(callback) || t.isFunctionExpression(callback))) {
      return;
    }
    const parameter = callback.parameters[method === 'reduce' ? 1 : 0];
    if (parameter && t.isIdentifier(parameter.name)) {
      this.usesOfName(parameter.name.text, callback.body, (use.element ??= emptyUse()), depth + 1, seen);
    } else if (parameter) {
      this.bound(parameter.name, (use.element ??= emptyUse()), depth + 1, seen);
    }
  }

  private passedTo(call: ts.CallExpression | ts.NewExpression, index: number, use: ParameterUse, depth: number): void {
    const { t } = this;
    const callee = call.expression;
    if (t.isPropertyAccessExpression(callee) && callee.name.text === 'apply' && t.isCallExpression(callee.expression)) {
      use.input = true;
      use.inputLayers.push(callee.expression.expression.getText(this.file));
      return;
    }
    const calleeText = callee.getText(this.file);
    if (NUMERIC_CHECK.test(calleeText)) {
      use.numeric = true;
      return;
    }
    if (LOOKS_ONLY.test(calleeText)) {
      use.array ||= calleeText === 'Array.isArray';
      return;
    }
    const target = this.localFunction(callee);
    const parameter = target?.parameters[index];
    if (target?.body && parameter && this.t.isIdentifier(parameter.name)) {
      // Each value handed to the helper is followed through it afresh (`branch(opts.generator)`, then
      // `branch(opts.discriminator)`): the nodes one pass saw say nothing of the other's value; depth bounds recursion.
      this.usesOfName(parameter.name.text, target.body, use, depth + 1, new Set());
      return;
    }
    use.escapes = true;
  }

  private inArray(array: ts.ArrayLiteralExpression, use: ParameterUse): void {
    const { t } = this;
    const p = array.parent;
    if (t.isPropertyAssignment(p) && /shape$/i.test(p.name.getText(this.file))) {
      use.numeric = true;
    } else if (t.isPropertyAssignment(p) && p.name.getText(this.file) === 'inputs') {
      use.input = true;
    } else if (t.isCallExpression(p) && t.isPropertyAccessExpression(p.expression) && p.expression.name.text === 'apply' && t.isCallExpression(p.expression.expression)) {
      use.input = true;
      use.inputLayers.push(p.expression.expression.expression.getText(this.file));
    } else if (t.isVariableDeclaration(p) && t.isIdentifier(p.name) && /shape$/i.test(p.name.text)) {
      use.numeric = true;
    } else {
      // Stored whole (`[node.id, node]` into a Map): whatever reads it later is not followed.
      use.escapes = true;
    }
  }

  private asProperty(p: ts.PropertyAssignment | ts.ShorthandPropertyAssignment, use: ParameterUse): void {
    const key = p.name.getText(this.file);
    if (key === 'inputs') {
      use.input = true;
      return;
    }
    const call = p.parent.parent;
    if (key === 'layers' && this.t.isCallExpression(call) && /(^|\.)sequential$/.test(call.expression.getText(this.file))) {
      use.layerList = true;
      return;
    }
    use.names.push(key);
    if (SIZE_KEYS.test(key)) {
      use.numeric = true;
    }
  }

  /** `const v = e`, `const { a, b: { c } } = e`, `const [x, y] = e`. */
  private bound(name: ts.BindingName, use: ParameterUse, depth: number, seen: Set<ts.Node>): void {
    const { t } = this;
    const scope = enclosingFunction(t, name) ?? this.file;
    if (t.isIdentifier(name)) {
      use.names.push(name.text);
      this.usesOfName(name.text, scope, use, depth + 1, seen);
      return;
    }
    if (t.isArrayBindingPattern(name)) {
      use.tuple = name.elements.map((el) => (t.isBindingElement(el) && t.isIdentifier(el.name) ? el.name.text : ''));
      return;
    }
    for (const element of name.elements) {
      if (element.dotDotDotToken) {
        continue;
      }
      const key = element.propertyName ? element.propertyName.getText(this.file) : element.name.getText(this.file);
      const child = use.props.get(key) ?? emptyUse();
      use.props.set(key, child);
      child.fallback ||= element.initializer !== undefined;
      this.bound(element.name, child, depth, seen);
    }
  }

  private inBinary(b: ts.BinaryExpression, node: ts.Node, use: ParameterUse, depth: number, seen: Set<ts.Node>): void {
    const { t } = this;
    const op = b.operatorToken.kind;
    if (op === t.SyntaxKind.EqualsToken && b.right === node) {
      if (t.isPropertyAccessExpression(b.left) && b.left.expression.kind === t.SyntaxKind.ThisKeyword) {
        use.names.push(b.left.name.text);
        this.thisFieldUses(b.left, use, depth, seen);
      } else if (t.isIdentifier(b.left)) {
        use.names.push(b.left.text);
      }
      return;
    }
    if ((op === t.SyntaxKind.BarBarToken || op === t.SyntaxKind.QuestionQuestionToken) && b.left === node) {
      use.fallback = true;
      return;
    }
    const other = b.left === node ? b.right : b.left;
    if (EQUALITY.has(t.tokenToString(op) ?? '') && t.isStringLiteralLike(other)) {
      if (!use.choices.includes(other.text)) {
        use.choices.push(other.text);
      }
      return;
    }
    if (op === t.SyntaxKind.PlusToken && (t.isStringLiteral(other) || t.isTemplateExpression(other) || t.isNoSubstitutionTemplateLiteral(other))) {
      use.text = true;
    } else if (NUMERIC_OPERATORS.has(t.tokenToString(op) ?? '')) {
      use.numeric = true;
    }
  }

  /** Every read of `this.<name>` inside `scope` (the builder method's body). */
  usesOfThisField(name: string, scope: ts.Node, use: ParameterUse): void {
    const { t } = this;
    const seen = new Set<ts.Node>();
    const visit = (n: ts.Node): void => {
      if (t.isPropertyAccessExpression(n) && n.expression.kind === t.SyntaxKind.ThisKeyword && n.name.text === name && !isAssigned(t, n)) {
        this.useOf(n, use, 0, seen);
      }
      t.forEachChild(n, visit);
    };
    visit(scope);
  }

  /** `this.game = game`: every read of `this.game` in the class. */
  private thisFieldUses(field: ts.PropertyAccessExpression, use: ParameterUse, depth: number, seen: Set<ts.Node>): void {
    const { t } = this;
    const cls = enclosingClass(t, field);
    if (!cls) {
      return;
    }
    const name = field.name.text;
    const visit = (n: ts.Node): void => {
      if (t.isPropertyAccessExpression(n) && n.expression.kind === t.SyntaxKind.ThisKeyword && n.name.text === name && n !== field) {
        this.useOf(n, use, depth + 1, seen);
      }
      t.forEachChild(n, visit);
    };
    visit(cls);
  }

  /** A function of this file (`helper(x)`) or a method of the same class (`this.build(x)`). */
  private localFunction(callee: ts.LeftHandSideExpression): ts.FunctionLikeDeclaration | undefined {
    const { t } = this;
    if (t.isIdentifier(callee)) {
      return findFunction(t, this.file, (n) => (t.isFunctionDeclaration(n) && n.name?.text === callee.text ? n : t.isVariableDeclaration(n) && t.isIdentifier(n.name) && n.name.text === callee.text && n.initializer && (t.isArrowFunction(n.initializer) || t.isFunctionExpression(n.initializer)) ? n.initializer : undefined));
    }
    if (t.isPropertyAccessExpression(callee) && callee.expression.kind === t.SyntaxKind.ThisKeyword) {
      const cls = enclosingClass(t, callee);
      const member = cls ? cls.members.find((m) => t.isMethodDeclaration(m) && m.name.getText(this.file) === callee.name.text) : undefined;
      return member as ts.MethodDeclaration | undefined;
    }
    return undefined;
  }
}

/** `this.x = …`: the write, not a read of the field. */
function isAssigned(t: Ts, e: ts.Expression): boolean {
  const p = e.parent;
  return t.isBinaryExpression(p) && p.left === e && p.operatorToken.kind >= t.SyntaxKind.FirstAssignment && p.operatorToken.kind <= t.SyntaxKind.LastAssignment;
}
