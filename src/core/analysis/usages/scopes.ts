/**
 * Lexical scopes over the raw compiler AST: which declaration an identifier refers to. Enough of
 * JavaScript's rules for the analysis to tell the tfjs namespace from a look-alike: block scoping of
 * let/const/class/function, function-scoped (hoisted) `var`, parameters, imports, catch clauses and
 * for-loop heads. No type checker is involved, which keeps analysis of a 5,000-line file in milliseconds.
 */
import type { ts, Ts } from '../typescript';

/** The node that declares a name: VariableDeclaration, BindingElement, Parameter, an import form, or a
 *  function/class/enum/namespace declaration. */
export type Declaration = ts.Node;

export class Scopes {
  private readonly cache = new Map<ts.Node, Map<string, Declaration>>();

  constructor(private readonly t: Ts) {}

  /** The declaration `name` refers to at `site`, or undefined for a global. */
  lookup(name: string, site: ts.Node): Declaration | undefined {
    for (let n: ts.Node | undefined = site.parent; n; n = n.parent) {
      if (this.isScope(n)) {
        const found = this.declarationsIn(n).get(name);
        if (found) {
          return found;
        }
      }
    }
    return undefined;
  }

  /** Whether `node` opens a scope. */
  isScope(node: ts.Node): boolean {
    const k = this.t.SyntaxKind;
    switch (node.kind) {
      case k.SourceFile:
      case k.Block:
      case k.ModuleBlock:
      case k.CaseBlock:
      case k.ForStatement:
      case k.ForInStatement:
      case k.ForOfStatement:
      case k.CatchClause:
      case k.ClassExpression:
        return true;
      default:
        return this.t.isFunctionLike(node);
    }
  }

  /** Names declared directly in a scope (cached). */
  declarationsIn(scope: ts.Node): Map<string, Declaration> {
    let names = this.cache.get(scope);
    if (!names) {
      names = new Map();
      this.collect(scope, names);
      this.cache.set(scope, names);
    }
    return names;
  }

  private collect(scope: ts.Node, names: Map<string, Declaration>): void {
    const t = this.t;
    if (t.isSourceFile(scope) || t.isModuleBlock(scope)) {
      this.collectStatements(scope.statements, names);
      this.collectVars(scope, names);
    } else if (t.isBlock(scope)) {
      this.collectStatements(scope.statements, names);
    } else if (t.isCaseBlock(scope)) {
      scope.clauses.forEach((c) => this.collectStatements(c.statements, names));
    } else if (t.isForStatement(scope) || t.isForInStatement(scope) || t.isForOfStatement(scope)) {
      const init = scope.initializer;
      if (init && t.isVariableDeclarationList(init)) {
        init.declarations.forEach((d) => this.addBindingNames(d.name, d, names));
      }
    } else if (t.isCatchClause(scope)) {
      const d = scope.variableDeclaration;
      if (d) {
        this.addBindingNames(d.name, d, names);
      }
    } else if (t.isClassExpression(scope)) {
      if (scope.name) {
        names.set(scope.name.text, scope);
      }
    } else if (t.isFunctionLike(scope)) {
      this.collectFunction(scope, names);
    }
  }

  private collectFunction(fn: ts.SignatureDeclaration, names: Map<string, Declaration>): void {
    const t = this.t;
    if (t.isFunctionExpression(fn) && fn.name) {
      names.set(fn.name.text, fn);
    }
    fn.parameters.forEach((p) => this.addBindingNames(p.name, p, names));
    const body = (fn as ts.FunctionLikeDeclarationBase).body;
    if (body && t.isBlock(body)) {
      this.collectVars(body, names);
    }
  }

  private collectStatements(statements: ts.NodeArray<ts.Statement>, names: Map<string, Declaration>): void {
    const t = this.t;
    for (const s of statements) {
      if (t.isVariableStatement(s)) {
        if (s.declarationList.flags & t.NodeFlags.BlockScoped) {
          s.declarationList.declarations.forEach((d) => this.addBindingNames(d.name, d, names));
        }
      } else if ((t.isFunctionDeclaration(s) || t.isClassDeclaration(s) || t.isEnumDeclaration(s)) && s.name) {
        names.set(s.name.text, s);
      } else if (t.isModuleDeclaration(s) && t.isIdentifier(s.name)) {
        names.set(s.name.text, s);
      } else if (t.isImportDeclaration(s)) {
        this.collectImport(s, names);
      } else if (t.isImportEqualsDeclaration(s)) {
        names.set(s.name.text, s);
      }
    }
  }

  private collectImport(decl: ts.ImportDeclaration, names: Map<string, Declaration>): void {
    const t = this.t;
    const clause = decl.importClause;
    if (!clause) {
      return;
    }
    if (clause.name) {
      names.set(clause.name.text, clause);
    }
    const bindings = clause.namedBindings;
    if (bindings && t.isNamespaceImport(bindings)) {
      names.set(bindings.name.text, bindings);
    } else if (bindings) {
      bindings.elements.forEach((e) => names.set(e.name.text, e));
    }
  }

  /** `var` declarations anywhere below `root` without crossing into nested functions (hoisting). */
  private collectVars(root: ts.Node, names: Map<string, Declaration>): void {
    const t = this.t;
    const visit = (n: ts.Node): void => {
      if (t.isVariableDeclarationList(n) && !(n.flags & t.NodeFlags.BlockScoped)) {
        n.declarations.forEach((d) => this.addBindingNames(d.name, d, names));
      }
      if (!t.isFunctionLike(n) && !t.isClassLike(n)) {
        t.forEachChild(n, visit);
      }
    };
    t.forEachChild(root, visit);
  }

  private addBindingNames(name: ts.BindingName, decl: Declaration, names: Map<string, Declaration>): void {
    const t = this.t;
    if (t.isIdentifier(name)) {
      names.set(name.text, decl);
      return;
    }
    for (const element of name.elements) {
      if (t.isBindingElement(element)) {
        if (t.isIdentifier(element.name)) {
          names.set(element.name.text, element);
        } else {
          this.addBindingNames(element.name, element, names);
        }
      }
    }
  }
}
