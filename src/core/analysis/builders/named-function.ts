/**
 * `--model name` of a top-level function or class the builder analysis does not recognise (it builds
 * through helpers of other files, trains the model itself and returns `{ error, model }`, returns a
 * class instance that holds it; a class whose models come out of a destructured `this.build()`): its
 * parameters (a class's constructor's), so that arguments can be proposed for it the same way (the
 * worker still decides whether what it returns or holds is a model).
 */
import type * as TsMorph from 'ts-morph';
import type { ModelBuilder } from '../types';
import { describeParameters, type FunctionLike } from './builder-parameters';
import { getTfjsBindings, loadTsMorph, parseSourceFile } from './tfjs-bindings';

export function unrecognisedFunction(code: string, fileName: string, id: string): ModelBuilder | undefined {
  const method = /^([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)$/.exec(id);
  if (method) {
    return unrecognisedMethod(parseSourceFile(code, fileName), method[1], method[2]);
  }
  if (!/^[A-Za-z_$][\w$]*$/.test(id)) {
    return undefined;
  }
  const { Node } = loadTsMorph();
  const file = parseSourceFile(code, fileName);
  const declared = file.getFunction(id);
  const initializer = file.getVariableDeclaration(id)?.getInitializer();
  const fn: FunctionLike | undefined = declared ?? (initializer && (Node.isArrowFunction(initializer) || Node.isFunctionExpression(initializer)) ? initializer : undefined);
  if (fn === undefined) {
    return unrecognisedClass(file, id);
  }
  const start = fn.getStart();
  const { line, column } = file.getLineAndColumnAtPos(start);
  return {
    id,
    kind: 'function',
    exported: isExported(declared, file, id),
    async: fn.isAsync(),
    start,
    end: fn.getEnd(),
    line,
    column,
    parameters: describeParameters(fn, getTfjsBindings(file).namespaces),
    localName: id,
  };
}

function isExported(declared: TsMorph.FunctionDeclaration | undefined, file: TsMorph.SourceFile, id: string): boolean {
  return declared?.isExported() ?? file.getVariableStatement(id)?.isExported() ?? false;
}

/** A top-level class of that name: `new` with its constructor's parameters (none without a constructor). */
function unrecognisedClass(file: TsMorph.SourceFile, id: string): ModelBuilder | undefined {
  const cls = file.getClass(id);
  if (cls === undefined) {
    return undefined;
  }
  const ctor = cls.getConstructors().find((c) => c.hasBody());
  const start = cls.getStart();
  const { line, column } = file.getLineAndColumnAtPos(start);
  return {
    id,
    kind: 'constructor',
    className: id,
    exported: cls.isExported() || cls.isDefaultExport(),
    async: false,
    start,
    end: cls.getEnd(),
    line,
    column,
    parameters: ctor ? describeParameters(ctor, getTfjsBindings(file).namespaces) : [],
    localName: id,
  };
}

/**
 * `Class.method` of a top-level class (a method that trains the model it builds and returns its
 * metrics): the method's parameters, and the constructor's for `new`, to propose for.
 */
function unrecognisedMethod(file: TsMorph.SourceFile, className: string, member: string): ModelBuilder | undefined {
  const cls = file.getClass(className);
  const fn = cls?.getMethod(member);
  if (cls === undefined || fn === undefined || !fn.hasBody()) {
    return undefined;
  }
  const namespaces = getTfjsBindings(file).namespaces;
  const ctor = cls.getConstructors().find((c) => c.hasBody());
  const start = fn.getStart();
  const { line, column } = file.getLineAndColumnAtPos(start);
  return {
    id: `${className}.${member}`,
    kind: 'method',
    className,
    memberName: member,
    exported: cls.isExported() || cls.isDefaultExport(),
    async: fn.isAsync(),
    start,
    end: fn.getEnd(),
    line,
    column,
    parameters: describeParameters(fn, namespaces),
    localName: className,
    ...(fn.isStatic() ? { static: true } : { constructorParameters: ctor ? describeParameters(ctor, namespaces) : [] }),
  };
}
