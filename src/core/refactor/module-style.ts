/**
 * How a file writes its imports, so that the line the refactoring adds looks like the user wrote it:
 * ESM `import` or CommonJS `require`, quote style, semicolons, line endings, `.js` suffixes.
 */
import * as path from 'node:path';
import { isTypeScriptFile, type ts, type Ts } from '../analysis/typescript';
import { isWrittenOnlySpecifier } from '../analysis/module-specifiers';

export interface ModuleStyle {
  esm: boolean;
  quote: "'" | '"';
  semicolon: boolean;
  newline: '\n' | '\r\n';
  /** Relative TS imports carry a `.js` suffix (NodeNext style). */
  jsSuffix: boolean;
  /** Relative TS imports carry their `.ts` suffix (Deno, which also reads `npm:` and URL specifiers). */
  tsSuffix: boolean;
}

/** A top-level statement that loads a module: `import`, `import x = require()`, `const x = require()`. */
export function isModuleLoadStatement(t: Ts, s: ts.Statement): boolean {
  if (t.isImportDeclaration(s) || t.isImportEqualsDeclaration(s)) {
    return true;
  }
  return t.isVariableStatement(s) && s.declarationList.declarations.some((d) => d.initializer !== undefined && isRequireCall(t, d.initializer));
}

export function isRequireCall(t: Ts, e: ts.Expression): boolean {
  return t.isCallExpression(e) && t.isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments.length === 1 && t.isStringLiteralLike(e.arguments[0]!);
}

export function detectModuleStyle(t: Ts, sf: ts.SourceFile, fileName: string): ModuleStyle {
  const text = sf.text;
  const loads = sf.statements.filter((s) => isModuleLoadStatement(t, s));
  const first = loads[0];
  const firstSpecifier = first ? specifierOf(t, first) : undefined;
  const quote = firstSpecifier && text[firstSpecifier.getStart(sf)] === '"' ? '"' : "'";
  const semicolon = first ? text.slice(first.pos, first.end).trimEnd().endsWith(';') : /;[ \t]*\r?$/m.test(text) || !text.trim();
  const specifiers = loads.map((s) => specifierOf(t, s)?.text).filter((s): s is string => !!s);
  const relativeSpecifiers = specifiers.filter((s) => s.startsWith('.'));
  return {
    esm: isEsm(t, sf, fileName, loads),
    quote,
    semicolon,
    newline: text.includes('\r\n') ? '\r\n' : '\n',
    jsSuffix: /\.(mts)$/i.test(fileName) || relativeSpecifiers.some((s) => /\.js$/.test(s)),
    tsSuffix: relativeSpecifiers.some((s) => /\.tsx?$/.test(s)) || (relativeSpecifiers.every((s) => !/\.js$/.test(s)) && specifiers.some(isWrittenOnlySpecifier)),
  };
}

function isEsm(t: Ts, sf: ts.SourceFile, fileName: string, loads: ts.Statement[]): boolean {
  if (/\.(mjs|mts)$/i.test(fileName)) {
    return true;
  }
  if (/\.cjs$/i.test(fileName)) {
    return false; // a .cts file may still write `import` (TypeScript compiles it to require)
  }
  const hasEsmSyntax = sf.statements.some((s) => t.isImportDeclaration(s) || t.isImportEqualsDeclaration(s) || t.isExportDeclaration(s) || t.isExportAssignment(s) || (t.canHaveModifiers(s) && (t.getModifiers(s) ?? []).some((m) => m.kind === t.SyntaxKind.ExportKeyword)));
  if (hasEsmSyntax) {
    return true;
  }
  const usesRequire = loads.some((s) => t.isVariableStatement(s)) || /\b(require\s*\(|module\.exports|exports\.)/.test(sf.text);
  return !usesRequire;
}

function specifierOf(t: Ts, s: ts.Statement): ts.StringLiteralLike | undefined {
  if (t.isImportDeclaration(s)) {
    return t.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier : undefined;
  }
  if (t.isImportEqualsDeclaration(s)) {
    const ref = s.moduleReference;
    return t.isExternalModuleReference(ref) && t.isStringLiteral(ref.expression) ? ref.expression : undefined;
  }
  if (t.isVariableStatement(s)) {
    const init = s.declarationList.declarations[0]?.initializer;
    return init && t.isCallExpression(init) ? (init.arguments[0] as ts.StringLiteralLike) : undefined;
  }
  return undefined;
}

/** The specifier that imports `targetFile` from `fileName`: relative, POSIX separators, suffix per style. */
export function importSpecifierFor(fileName: string, targetFile: string, style: ModuleStyle): string {
  let rel = path.relative(path.dirname(fileName), targetFile).split(path.sep).join('/');
  if (!rel.startsWith('.')) {
    rel = `./${rel}`;
  }
  if (isTypeScriptFile(targetFile)) {
    const stem = rel.replace(/\.(ts|mts|cts)$/i, '');
    return style.tsSuffix ? rel : style.jsSuffix ? `${stem}.js` : stem;
  }
  if (/\.js$/i.test(rel) && !style.esm) {
    return rel.slice(0, -3); // require() resolves `.js`; ESM needs the full name
  }
  return rel;
}

/** `import { a, b } from './x';` or `const { a, b } = require('./x');` in the file's style. */
export function importStatementText(names: string[], specifier: string, style: ModuleStyle): string {
  const q = style.quote;
  const semi = style.semicolon ? ';' : '';
  const list = names.join(', ');
  return style.esm ? `import { ${list} } from ${q}${specifier}${q}${semi}` : `const { ${list} } = require(${q}${specifier}${q})${semi}`;
}

/** `import * as tf from '…';` or `const tf = require('…');`. */
export function namespaceImportText(name: string, specifier: string, style: ModuleStyle): string {
  const q = style.quote;
  const semi = style.semicolon ? ';' : '';
  return style.esm ? `import * as ${name} from ${q}${specifier}${q}${semi}` : `const ${name} = require(${q}${specifier}${q})${semi}`;
}

/** Where to insert a new import line, and the text around it: after the last top-level import/require,
 *  else before the first statement after any directive prologue ('use strict'). */
export function importInsertion(t: Ts, sf: ts.SourceFile, style: ModuleStyle, statementText: string): { start: number; end: number; newText: string } {
  const loads = sf.statements.filter((s) => isModuleLoadStatement(t, s));
  const last = loads[loads.length - 1];
  if (last) {
    // After the comments that trail the last import on its line, so they stay with their statement.
    const trailing = t.getTrailingCommentRanges(sf.text, last.end) ?? [];
    const at = trailing.length > 0 ? trailing[trailing.length - 1]!.end : last.end;
    return { start: at, end: at, newText: `${style.newline}${statementText}` };
  }
  const firstCode = sf.statements.find((s) => !(t.isExpressionStatement(s) && t.isStringLiteral(s.expression)));
  if (!firstCode) {
    const at = sf.text.length;
    const lead = at > 0 && !sf.text.endsWith('\n') ? style.newline : '';
    return { start: at, end: at, newText: `${lead}${statementText}${style.newline}` };
  }
  const at = attachedCommentsStart(t, sf, firstCode);
  return { start: at, end: at, newText: `${statementText}${style.newline}${style.newline}` };
}

/** Comments that must stay at the top of a file: @ts-check and @ts-nocheck, eslint directives, @jsx, licences. */
const FILE_PRAGMA = /^(\/\/\s*@ts-|\/\*\s*eslint|\/\/\s*eslint|\/\*\*?\s*@(jsx|license|preserve|flow))|@ts-(no)?check/;

/** Where the comments attached to `statement` start (a JSDoc right above it, not a detached header). */
function attachedCommentsStart(t: Ts, sf: ts.SourceFile, statement: ts.Statement): number {
  let start = statement.getStart(sf);
  const comments = t.getLeadingCommentRanges(sf.text, statement.getFullStart()) ?? [];
  for (let i = comments.length - 1; i >= 0; i--) {
    const comment = comments[i]!;
    const text = sf.text.slice(comment.pos, comment.end);
    if (/\n[ \t]*\r?\n/.test(sf.text.slice(comment.end, start)) || FILE_PRAGMA.test(text)) {
      break;
    }
    start = comment.pos;
  }
  return start;
}

/** The modules a file loads, in order: its import declarations' specifiers, then those of `require('…')` and `import('…')` calls. */
export function moduleSpecifiersOf(t: Ts, sf: ts.SourceFile): string[] {
  const declared = sf.statements.flatMap((s) => (t.isImportDeclaration(s) && t.isStringLiteral(s.moduleSpecifier) ? [s.moduleSpecifier.text] : []));
  const called = [...sf.text.matchAll(/\b(?:require|import)\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g)].map((m) => m[2]!);
  return [...declared, ...called];
}
