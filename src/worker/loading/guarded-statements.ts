/**
 * The last attempt at a module whose body throws as it loads (an analysis script that reads data the
 * repository does not hold, then declares `const RANK = 5` that its builder reads): each top-level
 * statement runs on its own, one that throws is recorded and skipped, and the rest of the body still
 * runs, so the constants and helpers the builder needs exist. Top-level `const`/`let` become `var`
 * (a skipped initialiser leaves `undefined`, not a binding that throws when read). Lines stay where
 * they were: every insertion is on the statement's own lines, so error positions still match the file.
 */
import type * as TsMorph from 'ts-morph';
import { loadTsMorph } from '../../core/analysis/builders/tfjs-bindings';

/** The global each skipped statement reports its error to (module-loader.ts records the first). */
export const STATEMENT_ERROR_GLOBAL = '__rbnStatementError__';

export type Ts = ReturnType<typeof loadTsMorph>['ts'];

/** `code` with its top-level statements guarded; as it is when it does not parse. */
export function withGuardedStatements(code: string, file: string): string {
  const { ts, source } = parseForGuards(code, file);
  const edits: Edit[] = [];
  for (const statement of source.statements) {
    const text = guardedStatement(ts, statement, source);
    if (text !== undefined) {
      edits.push({ start: statement.getStart(source), end: statement.getEnd(), text });
    }
  }
  return withEdits(code, edits);
}

/** A replacement of `code`'s text from `start` to `end`, on the same lines. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The file parsed as its extension says (TSX, TS, else JavaScript with JSX). */
export function parseForGuards(code: string, file: string): { ts: Ts; source: TsMorph.ts.SourceFile } {
  const { ts } = loadTsMorph();
  const scriptKind = /\.tsx$/.test(file) ? ts.ScriptKind.TSX : /\.(c|m)?tsx?$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JSX;
  return { ts, source: ts.createSourceFile(file, code, ts.ScriptTarget.ES2022, true, scriptKind) };
}

/** `code` with non-overlapping `edits` applied, the last first so earlier offsets stay right. */
export function withEdits(code: string, edits: readonly Edit[]): string {
  let out = code;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

const CATCH = `catch (e) { globalThis.${STATEMENT_ERROR_GLOBAL}(e); }`;

function guardedStatement(ts: Ts, statement: TsMorph.ts.Statement, source: TsMorph.ts.SourceFile): string | undefined {
  if (ts.isVariableStatement(statement)) {
    return guardedDeclarations(ts, statement, source);
  }
  const declaration =
    ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement) || ts.isExportDeclaration(statement) || ts.isExportAssignment(statement) ||
    ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement) || ts.isEmptyStatement(statement);
  if (declaration) {
    return undefined;
  }
  return `try { ${statement.getText(source)} } ${CATCH}`;
}

/**
 * `export const a = f(), { b } = g();` → `export var a, b; try { a = f(); } catch … try { ({ b } = g()); } catch …`
 * on the same lines; `declare` and `using` declarations stay as they are.
 */
export function guardedDeclarations(ts: Ts, statement: TsMorph.ts.VariableStatement, source: TsMorph.ts.SourceFile, onError = CATCH): string | undefined {
  const modifiers = ts.getModifiers(statement) ?? [];
  if (modifiers.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) {
    return undefined;
  }
  const list = statement.declarationList;
  if ((list.flags & ts.NodeFlags.Using) !== 0) {
    return undefined;
  }
  const exported = modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ? 'export ' : '';
  const names = list.declarations.flatMap((d) => boundNames(ts, d.name));
  const assignments = list.declarations.flatMap((d) => {
    if (d.initializer === undefined) {
      return [];
    }
    const target = d.name.getText(source);
    const value = d.initializer.getText(source);
    return [`try { ${ts.isIdentifier(d.name) ? `${target} = ${value}` : `(${target} = ${value})`}; } ${onError}`];
  });
  return [`${exported}var ${names.join(', ')};`, ...assignments].join(' ');
}

/** The identifiers a binding pattern declares (`{ a, b: [c, ...d] }` → a, c, d). */
function boundNames(ts: Ts, name: TsMorph.ts.BindingName): string[] {
  if (ts.isIdentifier(name)) {
    return [name.text];
  }
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : boundNames(ts, element.name)));
}
