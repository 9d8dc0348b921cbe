/**
 * Evaluates expressions, declarations and type annotations to a {@link TfValue}: follows aliases
 * (`const L = tf.layers`), destructuring, imports and requires, parameters typed `typeof tf`,
 * `this.tf` members, and `let` bindings re-assigned to another tfjs package.
 */
import { isUsedAsTfjs } from './injected-tfjs';
import { Scopes, type Declaration } from './scopes';
import { mergeValues, moduleValue, namedImportValue, propertyValue, type TfValue } from './tfjs-values';
import type { ts, Ts } from '../typescript';

const PENDING = Symbol('pending');

export class Evaluator {
  readonly scopes: Scopes;
  private readonly cache = new Map<ts.Node, TfValue | undefined | typeof PENDING>();
  private assignments?: { toNames: Map<string, ts.Expression[]>; toThis: Map<string, ts.BinaryExpression[]> };

  /** @param globalTf whether an undeclared `tf` is the browser global (a script with no imports). */
  constructor(
    private readonly t: Ts,
    private readonly sourceFile: ts.SourceFile,
    readonly globalTf: boolean,
    /** A classic script (no module syntax): nothing can be imported there. */
    readonly script = false,
  ) {
    this.scopes = new Scopes(t);
  }

  /** The value of an expression (or entity name in a type query). */
  valueOf(node: ts.Node): TfValue | undefined {
    const cached = this.cache.get(node);
    if (cached === PENDING) {
      return undefined; // a cycle (`let a = b; let b = a`) is unknown
    }
    if (cached !== undefined || this.cache.has(node)) {
      return cached;
    }
    this.cache.set(node, PENDING);
    const value = this.compute(node);
    this.cache.set(node, value);
    return value;
  }

  private compute(node: ts.Node): TfValue | undefined {
    const t = this.t;
    if (t.isAsExpression(node) || t.isTypeAssertionExpression(node) || t.isSatisfiesExpression(node)) {
      return this.valueOf(node.expression) ?? this.annotatedValue(node.type);
    }
    if (t.isParenthesizedExpression(node) || t.isNonNullExpression(node) || t.isAwaitExpression(node)) {
      return this.valueOf(node.expression);
    }
    if (t.isConditionalExpression(node)) {
      // `gpu ? require('@tensorflow/tfjs-node-gpu') : require('@tensorflow/tfjs-node')`: tfjs either way.
      return mergeValues([this.valueOf(node.whenTrue), this.valueOf(node.whenFalse)]);
    }
    if (t.isBinaryExpression(node) && (node.operatorToken.kind === t.SyntaxKind.BarBarToken || node.operatorToken.kind === t.SyntaxKind.QuestionQuestionToken)) {
      // `tfnGpu || tf`, `gpuTf ?? tf`: whichever side is taken, a tfjs namespace when both sides are.
      return mergeValues([this.valueOf(node.left), this.valueOf(node.right)]);
    }
    if (t.isIdentifier(node)) {
      return this.identifierValue(node);
    }
    if (t.isPropertyAccessExpression(node)) {
      if (node.expression.kind === t.SyntaxKind.ThisKeyword) {
        return this.thisMemberValue(node, node.name.text);
      }
      return propertyValue(this.valueOf(node.expression), node.name.text);
    }
    if (t.isQualifiedName(node)) {
      return propertyValue(this.valueOf(node.left), node.right.text);
    }
    if (t.isElementAccessExpression(node) && t.isStringLiteralLike(node.argumentExpression)) {
      return propertyValue(this.valueOf(node.expression), node.argumentExpression.text);
    }
    if (t.isCallExpression(node)) {
      return this.moduleLoadValue(node);
    }
    return undefined;
  }

  /** `require('…')` (when `require` is not a local) and `import('…')`. */
  private moduleLoadValue(call: ts.CallExpression): TfValue | undefined {
    const t = this.t;
    const arg = call.arguments[0];
    const isImport = call.expression.kind === t.SyntaxKind.ImportKeyword;
    const isRequire = t.isIdentifier(call.expression) && call.expression.text === 'require' && !this.scopes.lookup('require', call.expression);
    if (call.arguments.length !== 1 || !arg || !(isImport || isRequire)) {
      return undefined;
    }
    // `require(gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node')`: tfjs either way.
    const specifiers = t.isConditionalExpression(arg) ? [arg.whenTrue, arg.whenFalse] : [arg];
    return mergeValues(specifiers.map((s) => (t.isStringLiteralLike(s) ? moduleValue(s.text) : undefined)));
  }

  private identifierValue(id: ts.Identifier): TfValue | undefined {
    const decl = this.scopes.lookup(id.text, id);
    if (decl) {
      return this.declarationValue(decl);
    }
    return this.globalTf && id.text === 'tf' ? { kind: 'namespace', module: null } : undefined;
  }

  /** The value a declaration binds. */
  declarationValue(decl: Declaration): TfValue | undefined {
    const t = this.t;
    if (t.isVariableDeclaration(decl)) {
      return this.variableValue(decl);
    }
    if (t.isBindingElement(decl)) {
      const key = decl.propertyName ?? decl.name;
      const parent = this.patternValue(decl.parent);
      if (decl.dotDotDotToken) {
        return parent;
      }
      if (!t.isIdentifier(key) && !t.isStringLiteralLike(key)) {
        return undefined;
      }
      const required = this.requiredSpecifier(decl.parent);
      return required !== undefined ? namedImportValue(required, key.text) : propertyValue(parent, key.text);
    }
    if (t.isParameter(decl)) {
      return this.parameterValue(decl);
    }
    if (t.isImportSpecifier(decl)) {
      const spec = decl.parent.parent.parent.moduleSpecifier;
      const name = (decl.propertyName ?? decl.name).text;
      return t.isStringLiteral(spec) ? namedImportValue(spec.text, name) : undefined;
    }
    if (t.isNamespaceImport(decl) || t.isImportClause(decl)) {
      const spec = t.isNamespaceImport(decl) ? decl.parent.parent.moduleSpecifier : decl.parent.moduleSpecifier;
      return t.isStringLiteral(spec) ? moduleValue(spec.text) : undefined;
    }
    if (t.isImportEqualsDeclaration(decl)) {
      const ref = decl.moduleReference;
      if (t.isExternalModuleReference(ref)) {
        return t.isStringLiteral(ref.expression) ? moduleValue(ref.expression.text) : undefined;
      }
      return this.valueOf(ref);
    }
    return undefined;
  }

  private variableValue(decl: ts.VariableDeclaration): TfValue | undefined {
    const t = this.t;
    const values: (TfValue | undefined)[] = [];
    const type = decl.type ?? t.getJSDocType(decl);
    if (decl.initializer && !this.isNothing(decl.initializer)) {
      // `const tf: typeof tfjs = loadTfjs()`: the annotation vouches where the value is opaque.
      values.push(this.valueOf(decl.initializer) ?? (type ? this.annotatedValue(type) : undefined));
    } else if (type) {
      values.push(this.typeValue(type));
    }
    const list = decl.parent;
    const isConst = t.isVariableDeclarationList(list) && (list.flags & t.NodeFlags.Const) !== 0;
    if (!isConst && t.isIdentifier(decl.name)) {
      for (const rhs of this.assignmentsTo(decl.name.text, decl)) {
        if (!this.isNothing(rhs)) {
          values.push(this.valueOf(rhs));
        }
      }
    }
    return mergeValues(values);
  }

  private patternValue(pattern: ts.BindingPattern): TfValue | undefined {
    const t = this.t;
    const owner = pattern.parent;
    if (t.isArrayBindingPattern(pattern)) {
      return undefined;
    }
    if (t.isVariableDeclaration(owner)) {
      const initial = owner.initializer ? this.valueOf(owner.initializer) : undefined;
      return initial ?? (owner.type ? this.annotatedValue(owner.type) : undefined);
    }
    if (t.isParameter(owner)) {
      return this.parameterValue(owner);
    }
    return t.isBindingElement(owner) ? this.declarationValue(owner) : undefined;
  }

  /** The specifier of `const { … } = require('…')` for a top-level pattern, else undefined. */
  private requiredSpecifier(pattern: ts.BindingPattern): string | undefined {
    const t = this.t;
    const owner = pattern.parent;
    const init = t.isVariableDeclaration(owner) ? owner.initializer : undefined;
    if (!init || !t.isCallExpression(init) || !t.isIdentifier(init.expression) || init.expression.text !== 'require') {
      return undefined;
    }
    const arg = init.arguments[0];
    return init.arguments.length === 1 && arg && t.isStringLiteralLike(arg) && !this.scopes.lookup('require', init.expression) ? arg.text : undefined;
  }

  private parameterValue(param: ts.ParameterDeclaration): TfValue | undefined {
    const t = this.t;
    const type = param.type ?? t.getJSDocType(param);
    if (type) {
      // A namespace type has one value; a parameter typed as the factory may receive any such function.
      const value = this.typeValue(type);
      if (value || !this.isOpaqueTypeReference(type)) {
        return value?.kind === 'bnFactory' ? { ...value, viaType: true } : value;
      }
    } else if (param.initializer) {
      return this.valueOf(param.initializer);
    }
    // Untyped, or typed by a name from another module: how the function uses it decides.
    return isUsedAsTfjs(t, this.scopes, param) ? { kind: 'namespace', module: null, injected: true } : undefined;
  }

  /** A type named by a reference the analysis cannot follow (imported, or `any`-like), not `number`. */
  private isOpaqueTypeReference(type: ts.TypeNode): boolean {
    const t = this.t;
    return t.isTypeReferenceNode(type) || t.isImportTypeNode(type) || type.kind === t.SyntaxKind.AnyKeyword || type.kind === t.SyntaxKind.UnknownKeyword;
  }

  /**
   * The value a type annotation vouches for on a value the analysis cannot follow (`require(expr)`, a
   * loader's result): a namespace or its parts; a factory that way may be any function of its type, so
   * its calls are reported, not converted (as for parameters).
   */
  private annotatedValue(type: ts.TypeNode): TfValue | undefined {
    const value = this.typeValue(type);
    return value?.kind === 'bnFactory' ? { ...value, viaType: true } : value;
  }

  /** A top-level `type TF = typeof tf` alias, followed once. */
  private aliasedTypeValue(name: string): TfValue | undefined {
    const t = this.t;
    const alias = this.sourceFile.statements.find((s): s is ts.TypeAliasDeclaration => t.isTypeAliasDeclaration(s) && s.name.text === name);
    return alias ? this.typeValue(alias.type) : undefined;
  }

  /** `typeof tf`, `typeof tf.layers`, `typeof import('@tensorflow/tfjs')`. */
  typeValue(type: ts.TypeNode): TfValue | undefined {
    const t = this.t;
    if (t.isParenthesizedTypeNode(type)) {
      return this.typeValue(type.type);
    }
    if (t.isUnionTypeNode(type)) {
      // `typeof tfjs | undefined` (a `let` filled in later): the one member that is not nullish.
      const members = type.types.filter((m) => !this.isNullishType(m));
      return members.length === 1 ? this.typeValue(members[0]!) : undefined;
    }
    if (t.isTypeQueryNode(type)) {
      return this.valueOf(type.exprName);
    }
    if (t.isTypeReferenceNode(type) && t.isIdentifier(type.typeName) && !type.typeArguments) {
      return this.aliasedTypeValue(type.typeName.text);
    }
    if (t.isImportTypeNode(type) && type.isTypeOf && t.isLiteralTypeNode(type.argument) && t.isStringLiteral(type.argument.literal)) {
      let value = moduleValue(type.argument.literal.text);
      const names: string[] = [];
      for (let q: ts.EntityName | undefined = type.qualifier; q; q = t.isQualifiedName(q) ? q.left : undefined) {
        names.unshift(t.isQualifiedName(q) ? q.right.text : q.text);
      }
      names.forEach((n) => (value = propertyValue(value, n)));
      return value;
    }
    return undefined;
  }

  /** `this.name` inside a class: property declarations, parameter properties and `this.name = …`. */
  private thisMemberValue(site: ts.Node, name: string): TfValue | undefined {
    const cls = this.enclosingClassOfThis(site);
    if (!cls) {
      return undefined;
    }
    const t = this.t;
    const values: (TfValue | undefined)[] = [];
    for (const member of cls.members) {
      if (t.isPropertyDeclaration(member) && t.isIdentifier(member.name) && member.name.text === name) {
        values.push(member.initializer ? this.valueOf(member.initializer) : member.type ? this.typeValue(member.type) : undefined);
      }
      if (t.isConstructorDeclaration(member)) {
        for (const p of member.parameters) {
          const isProperty = (t.getModifiers(p)?.length ?? 0) > 0;
          if (isProperty && t.isIdentifier(p.name) && p.name.text === name) {
            values.push(this.parameterValue(p));
          }
        }
      }
    }
    for (const assignment of this.collectAssignments().toThis.get(name) ?? []) {
      if (assignment.pos >= cls.pos && assignment.end <= cls.end && this.enclosingClassOfThis(assignment.left) === cls) {
        values.push(this.valueOf(assignment.right));
      }
    }
    return mergeValues(values);
  }

  /** The class whose instance `this` is at `site` (arrow functions see through; other functions do not). */
  private enclosingClassOfThis(site: ts.Node): ts.ClassLikeDeclaration | undefined {
    const t = this.t;
    for (let n: ts.Node | undefined = site.parent; n; n = n.parent) {
      if (t.isClassLike(n)) {
        return n;
      }
      if (t.isFunctionDeclaration(n) || t.isFunctionExpression(n)) {
        return undefined;
      }
    }
    return undefined;
  }

  private assignmentsTo(name: string, decl: Declaration): ts.Expression[] {
    return (this.collectAssignments().toNames.get(name) ?? []).filter((rhs) => {
      const lhs = (rhs.parent as ts.BinaryExpression).left;
      return this.scopes.lookup(name, lhs) === decl;
    });
  }

  private collectAssignments(): { toNames: Map<string, ts.Expression[]>; toThis: Map<string, ts.BinaryExpression[]> } {
    if (this.assignments) {
      return this.assignments;
    }
    const t = this.t;
    const toNames = new Map<string, ts.Expression[]>();
    const toThis = new Map<string, ts.BinaryExpression[]>();
    // `tf ??= await import(…)` and `tf ||= …` fill a `let` as `=` does.
    const assignments = new Set([t.SyntaxKind.EqualsToken, t.SyntaxKind.QuestionQuestionEqualsToken, t.SyntaxKind.BarBarEqualsToken]);
    const visit = (n: ts.Node): void => {
      if (t.isBinaryExpression(n) && assignments.has(n.operatorToken.kind)) {
        const lhs = n.left;
        if (t.isIdentifier(lhs)) {
          push(toNames, lhs.text, n.right);
        } else if (t.isPropertyAccessExpression(lhs) && lhs.expression.kind === t.SyntaxKind.ThisKeyword) {
          push(toThis, lhs.name.text, n);
        }
      }
      t.forEachChild(n, visit);
    };
    visit(this.sourceFile);
    this.assignments = { toNames, toThis };
    return this.assignments;
  }

  private isNullishType(type: ts.TypeNode): boolean {
    const t = this.t;
    return type.kind === t.SyntaxKind.UndefinedKeyword || (t.isLiteralTypeNode(type) && type.literal.kind === t.SyntaxKind.NullKeyword);
  }

  private isNothing(expr: ts.Expression): boolean {
    const t = this.t;
    return expr.kind === t.SyntaxKind.NullKeyword || (t.isIdentifier(expr) && expr.text === 'undefined');
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}
