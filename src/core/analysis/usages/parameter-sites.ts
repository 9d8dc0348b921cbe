/**
 * Where a builder's parameter lives in its file, for parameter-uses.ts: the function or constructor
 * that declares it, the functions of the file and the methods of a class a value may be passed to.
 * Raw compiler AST; the last file parsed is kept, since one proposal asks about several parameters.
 */
import { scriptKindFor, type ts, type Ts } from '../typescript';

/** Where the parameter is declared: the builder's own function (in its range), or its class's constructor (`ofConstructor`). */
export interface ParameterSite {
  code: string;
  fileName: string;
  /** The builder's range in the file. */
  start: number;
  end: number;
  className?: string;
  ofConstructor: boolean;
  /** The name is a module variable the function at the range reads, not one of its parameters. */
  free?: boolean;
  /** The name is a field of the instance (`this.<name>`) the method at the range reads. */
  thisField?: boolean;
}

let cached: { code: string; fileName: string; file: ts.SourceFile } | undefined;

/** The file's syntax tree, parsed once for all the parameters of one proposal. */
export function parse(t: Ts, code: string, fileName: string): ts.SourceFile {
  if (cached?.code !== code || cached.fileName !== fileName) {
    cached = { code, fileName, file: t.createSourceFile(fileName, code, t.ScriptTarget.Latest, true, scriptKindFor(t, fileName)) };
  }
  return cached.file;
}

/** The function in the builder's range (or its class's constructor) that declares parameter `name`. */
export function findDeclaringFunction(t: Ts, file: ts.SourceFile, name: string, site: ParameterSite): ts.FunctionLikeDeclaration | undefined {
  const declares = (n: ts.Node): n is ts.FunctionLikeDeclaration => t.isFunctionLike(n) && (n as ts.FunctionLikeDeclaration).parameters.some((p) => bindsName(t, p.name, name));
  let found: ts.FunctionLikeDeclaration | undefined;
  const visit = (n: ts.Node): void => {
    if (found) {
      return;
    }
    const inRange = n.getStart(file) >= site.start && n.end <= site.end;
    const ctorOfClass = site.ofConstructor && t.isConstructorDeclaration(n) && className(t, n.parent) === site.className;
    if (declares(n) && (site.ofConstructor ? ctorOfClass : inRange)) {
      found = n;
      return;
    }
    t.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

/** `name` itself, or a name a destructuring parameter (`{ game, opts: { units } }`) binds. */
export function bindsName(t: Ts, binding: ts.BindingName, name: string): boolean {
  if (t.isIdentifier(binding)) {
    return binding.text === name;
  }
  return binding.elements.some((e) => t.isBindingElement(e) && bindsName(t, e.name, name));
}

function className(t: Ts, n: ts.Node): string | undefined {
  if ((t.isClassDeclaration(n) || t.isClassExpression(n)) && n.name) {
    return n.name.text;
  }
  return t.isClassExpression(n) && t.isVariableDeclaration(n.parent) && t.isIdentifier(n.parent.name) ? n.parent.name.text : undefined;
}

/** The first function-like node of the file `match` accepts. */
export function findFunction(t: Ts, file: ts.SourceFile, match: (n: ts.Node) => ts.FunctionLikeDeclaration | undefined): ts.FunctionLikeDeclaration | undefined {
  let found: ts.FunctionLikeDeclaration | undefined;
  const visit = (n: ts.Node): void => {
    found ??= match(n);
    if (!found) {
      t.forEachChild(n, visit);
    }
  };
  visit(file);
  return found;
}

/** The function (or the file) whose scope holds `n`. */
export function enclosingFunction(t: Ts, n: ts.Node): ts.Node | undefined {
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) {
    if (t.isFunctionLike(p) || t.isSourceFile(p)) {
      return p;
    }
  }
  return undefined;
}

export function enclosingClass(t: Ts, n: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) {
    if (t.isClassLike(p)) {
      return p;
    }
  }
  return undefined;
}
