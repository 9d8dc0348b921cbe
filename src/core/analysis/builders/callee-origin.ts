/**
 * Whether a call in another file can be a call of the builder: the name it calls (`Network` in
 * `new Network(…)`, `models` in `models.createModel(…)`) must not be bound, in that file, to another
 * module of the package that defines the name itself, or to a declaration of the file's own.
 * Projects reuse names: two games' `Network` classes, a `createModel` in every experiment. A name
 * imported from the builder's file, through a module that only passes it on (an index that
 * re-exports), from a package, or bound nowhere (a page's global) may be the builder. Pure: reads the
 * package's files as given.
 */
import * as path from 'node:path';
import type { ts as Typescript } from 'ts-morph';

const SOURCE_EXTENSION = /\.(?:[cm]?[jt]sx?)$/;

/** `/p/src/net.ts`, `/p/src/net.js` and `/p/src/net/index.ts` all name the module `/p/src/net`. */
function moduleId(file: string): string {
  return file.replace(SOURCE_EXTENSION, '').replace(/[\\/]index$/, '');
}

interface Import {
  from: string;
  /** The name the module exports it by ('default' for a default import or a require, '*' for a namespace). */
  exported: string;
}

/** The module each name of `sourceFile` is imported or required from, and the names it declares itself. */
function bindingsOf(t: typeof Typescript, sourceFile: Typescript.SourceFile): { imported: Map<string, Import>; declared: Set<string> } {
  const imported = new Map<string, Import>();
  const declared = new Set<string>();
  for (const statement of sourceFile.statements) {
    if (t.isImportDeclaration(statement) && t.isStringLiteral(statement.moduleSpecifier)) {
      const from = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (clause?.name) {
        imported.set(clause.name.text, { from, exported: 'default' });
      }
      const bindings = clause?.namedBindings;
      if (bindings && t.isNamespaceImport(bindings)) {
        imported.set(bindings.name.text, { from, exported: '*' });
      } else if (bindings) {
        bindings.elements.forEach((e) => imported.set(e.name.text, { from, exported: (e.propertyName ?? e.name).text }));
      }
    } else if (t.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        const from = requiredModule(t, d.initializer);
        const names = t.isIdentifier(d.name) ? [d.name.text] : t.isObjectBindingPattern(d.name) ? d.name.elements.flatMap((e) => (t.isIdentifier(e.name) ? [e.name.text] : [])) : [];
        names.forEach((n) => (from !== undefined ? imported.set(n, { from, exported: t.isIdentifier(d.name) ? 'default' : n }) : declared.add(n)));
      }
    } else if ((t.isClassDeclaration(statement) || t.isFunctionDeclaration(statement)) && statement.name) {
      declared.add(statement.name.text);
    }
  }
  return { imported, declared };
}

/**
 * The names through which the file reaches tfjs (`import * as tf from '@tensorflow/tfjs'`, `const tf =
 * require('@tensorflow/tfjs-node')`, a page's global `tf`): `tf.layers.lstm(…)` is never a call of a
 * builder named `lstm`.
 */
export function tfjsRootsOf(t: typeof Typescript, sourceFile: Typescript.SourceFile): Set<string> {
  const { imported, declared } = bindingsOf(t, sourceFile);
  const roots = new Set([...imported].filter(([, binding]) => binding.from.startsWith('@tensorflow/')).map(([name]) => name));
  if (!imported.has('tf') && !declared.has('tf')) {
    roots.add('tf');
  }
  return roots;
}

/** `require('./x')` or `require('./x').Name`: './x'. */
function requiredModule(t: typeof Typescript, init: Typescript.Expression | undefined): string | undefined {
  const call = init && t.isPropertyAccessExpression(init) ? init.expression : init;
  return call && t.isCallExpression(call) && t.isIdentifier(call.expression) && call.expression.text === 'require' && call.arguments[0] && t.isStringLiteral(call.arguments[0]) ? call.arguments[0].text : undefined;
}

/** `code` defines `exported` itself: a declaration of that name, or for a default export a class or function written there. */
function definesItself(code: string, exported: string, member: string): boolean {
  const name = exported === 'default' || exported === '*' ? member : exported;
  const declares = new RegExp(`\\b(?:class|function\\*?|const|let|var)\\s+${name.replace(/\$/g, '\\$')}\\b`).test(code);
  const defaultWritten = exported === 'default' && /\bexport\s+default\s+(?:abstract\s+)?(?:class|(?:async\s+)?function)\b|\bmodule\.exports\s*=\s*(?:class|function)\b/.test(code);
  return declares || defaultWritten;
}

/**
 * A judge for the calls of one file: true when `root` (the identifier the call starts from) may be
 * the builder `name` of `builderFile`. `direct`: the root is the callee itself (`new Network()`),
 * which a class or function the file declares shadows; a member call's root (`net.build()`) is some
 * object the file may well make itself, and only an import from elsewhere rules it out. Every name
 * may be, in the builder's own file. `packageCode` holds the package's files by module (moduleId).
 */
export function calleeMayBeBuilder(t: typeof Typescript, sourceFile: Typescript.SourceFile, file: string, builderFile: string | undefined, packageCode: ReadonlyMap<string, string>): (root: string, direct: boolean, name: string) => boolean {
  if (builderFile === undefined || moduleId(file) === moduleId(builderFile)) {
    return () => true;
  }
  const { imported, declared } = bindingsOf(t, sourceFile);
  const target = moduleId(path.resolve(builderFile));
  return (root, direct, name) => {
    const binding = imported.get(root);
    if (binding !== undefined) {
      if (!binding.from.startsWith('.')) {
        return true;
      }
      const source = moduleId(path.resolve(path.dirname(path.resolve(file)), binding.from));
      const code = packageCode.get(source);
      return source === target || code === undefined || !definesItself(code, binding.exported, name);
    }
    return !(direct && declared.has(root));
  };
}

/** The package's files by module id, for calleeMayBeBuilder. */
export function codeByModule(files: readonly { file: string; code: string }[]): Map<string, string> {
  return new Map(files.map((f) => [moduleId(path.resolve(f.file)), f.code]));
}
