/**
 * Parses one file and finds every call that builds a tfjs batch-norm layer, every RunningBatchNorm
 * call (for revert), and every low-level normalisation op (reported as `manual`). Detection and the
 * refactorings share this one analysis, so a usage is offered for conversion only where it converts.
 */
import { Evaluator } from './evaluate';
import type { TfValue } from './tfjs-values';
import type { Usage, UsageKind } from '../types';
import { getTypeScript, scriptKindFor, type ts, type Ts } from '../typescript';
import { bareSpecifier } from '../module-specifiers';

/** A usage plus the syntax the refactorings need. */
export interface FoundUsage extends Usage {
  call: ts.CallExpression | ts.NewExpression;
  callee: ts.Expression;
  /** Reached through tfjs handed in as a parameter (see injected-tfjs.ts). */
  injected?: boolean;
  /** Uses (or, converted, will use) the layer through the browser global `tf` (tf.runningBatchNorm). */
  global?: boolean;
}

/** Everything one parse of a file yields. */
export interface ParsedFile {
  ts: Ts;
  sourceFile: ts.SourceFile;
  evaluator: Evaluator;
  usages: FoundUsage[];
  /** Set when the file has syntax errors; `usages` is then empty and nothing may be edited. */
  error?: string;
}

export const RUNNING_BATCH_NORM = 'runningBatchNorm';

/** The vendored layer file itself (its internal `tf.batchNorm` calls are not the user's): by its default
 *  name, or by the header renderVendoredLayer writes (a layer file configured under another name). */
const VENDORED_LAYER_FILE = /(^|[\\/])running-batch-norm(\.browser)?\.(ts|js|mjs|cjs)$/;
const VENDORED_LAYER_HEADER = /^\uFEFF?\/\/ RunningBatchNorm layer for TensorFlow\.js \(/;

/** Parses `code` and finds its usages; never throws on bad syntax (sets `error` instead). */
export function parseAndFindUsages(code: string, fileName: string): ParsedFile {
  const t = getTypeScript();
  const sourceFile = parseSource(t, code, fileName);
  const calls = linkParentsAndCollectCalls(t, sourceFile);
  const evaluator = new Evaluator(t, sourceFile, isGlobalScript(t, sourceFile, code), isPlainScript(t, sourceFile, code));
  const syntaxError = firstSyntaxError(t, sourceFile);
  if (syntaxError) {
    return { ts: t, sourceFile, evaluator, usages: [], error: syntaxError };
  }
  const usages: FoundUsage[] = [];
  if (VENDORED_LAYER_FILE.test(fileName) || VENDORED_LAYER_HEADER.test(code)) {
    return { ts: t, sourceFile, evaluator, usages }; // the layer's own code is not user code
  }
  for (const call of calls) {
    const usage = mayBeUsage(t, call.expression) ? classify(t, evaluator, sourceFile, call) : undefined;
    if (usage) {
      usages.push(usage);
    }
  }
  return { ts: t, sourceFile, evaluator, usages };
}

/**
 * TypeScript files are parsed without JSDoc (TS ignores JSDoc types) and without the compiler's own
 * parent-linking pass, which {@link linkParentsAndCollectCalls} folds into the one walk the analysis
 * makes anyway: together about half the time of a 5,000-line file. JavaScript keeps JSDoc (typed
 * parameters: `@param {typeof import('@tensorflow/tfjs')} tf`), whose nodes need the compiler's linking.
 */
function parseSource(t: Ts, code: string, fileName: string): ts.SourceFile {
  const kind = scriptKindFor(t, fileName);
  const isTs = kind === t.ScriptKind.TS || kind === t.ScriptKind.TSX;
  const options = { languageVersion: t.ScriptTarget.Latest, jsDocParsingMode: isTs ? t.JSDocParsingMode.ParseNone : t.JSDocParsingMode.ParseAll };
  return t.createSourceFile(fileName, code, options, !isTs, kind);
}

/** Sets `parent` on every node (when the parser did not) and returns the calls and `new`s in source order. */
function linkParentsAndCollectCalls(t: Ts, sourceFile: ts.SourceFile): (ts.CallExpression | ts.NewExpression)[] {
  const calls: (ts.CallExpression | ts.NewExpression)[] = [];
  let parent: ts.Node = sourceFile;
  // One shared callback (no closure per node): this walk touches every node of the file.
  const visit = (node: ts.Node): void => {
    (node as { parent: ts.Node }).parent = parent;
    if (t.isCallExpression(node) || t.isNewExpression(node)) {
      calls.push(node);
    }
    const saved = parent;
    parent = node;
    t.forEachChild(node, visit);
    parent = saved;
  };
  t.forEachChild(sourceFile, visit);
  return calls;
}

/** Names a matching call can end in; a property call ending otherwise (`x.map()`) is never a usage. */
const USAGE_NAMES = new Set(['batchNormalization', 'runningBatchNorm', 'RunningBatchNorm', 'batchNorm', 'batchNorm2d', 'batchNorm3d', 'batchNorm4d', 'moments']);

function mayBeUsage(t: Ts, callee: ts.Expression): boolean {
  if (t.isPropertyAccessExpression(callee)) {
    return USAGE_NAMES.has(callee.name.text);
  }
  if (t.isElementAccessExpression(callee)) {
    return t.isStringLiteralLike(callee.argumentExpression) && USAGE_NAMES.has(callee.argumentExpression.text);
  }
  return true; // identifiers (aliases such as `const bn = tf.layers.batchNormalization`), parentheses, …
}

function classify(t: Ts, evaluator: Evaluator, sf: ts.SourceFile, call: ts.CallExpression | ts.NewExpression): FoundUsage | undefined {
  const value = evaluator.valueOf(call.expression);
  const kind = usageKindOf(value, t.isNewExpression(call));
  if (!kind || !value) {
    return undefined;
  }
  const start = call.getStart(sf);
  const { line, character } = sf.getLineAndCharacterOfPosition(start);
  const module = value.kind === 'bnFactory' || value.kind === 'manualOp' ? value.module : null;
  const reason = reasonNotConvertible(evaluator, call, value);
  const usage: FoundUsage = { kind, start, end: call.getEnd(), line: line + 1, column: character + 1, module, convertible: !reason, call, callee: call.expression };
  if ('injected' in value && value.injected) {
    usage.injected = true;
  }
  // A script (no module syntax) cannot import the layer: tfjs handed in there is the global `tf` too.
  const viaGlobal = value.kind === 'bnFactory' ? value.module === null && (!value.injected || evaluator.script) : 'global' in value && value.global === true;
  if (viaGlobal) {
    usage.global = true;
  }
  if (reason) {
    usage.reason = reason;
  }
  return usage;
}

function usageKindOf(value: TfValue | undefined, isNew: boolean): UsageKind | undefined {
  switch (value?.kind) {
    case 'bnFactory':
      return isNew ? undefined : 'batchNormalization';
    case 'rbnFactory':
      return isNew ? undefined : 'runningBatchNorm';
    case 'rbnClass':
      return isNew ? 'runningBatchNorm' : undefined;
    case 'manualOp':
      return isNew ? undefined : 'manual';
    default:
      return undefined;
  }
}

function reasonNotConvertible(evaluator: Evaluator, call: ts.Node, value: TfValue): string | undefined {
  if (value.kind === 'manualOp') {
    return `tf.${value.op} is a low-level op, not a layer: normalise with a RunningBatchNorm layer by hand`;
  }
  if (value.kind !== 'bnFactory') {
    return undefined;
  }
  if (value.viaType) {
    return 'called through a parameter typed as the batchNormalization factory: convert the function passed in';
  }
  if (value.module === null && !value.injected) {
    return undefined; // the browser global `tf`: converted to tf.runningBatchNorm from the layer's browser script
  }
  const taken = evaluator.scopes.lookup(RUNNING_BATCH_NORM, call);
  if (taken && evaluator.declarationValue(taken)?.kind !== 'rbnFactory') {
    return `the name \`${RUNNING_BATCH_NORM}\` is already declared here for something else`;
  }
  return undefined;
}

/**
 * Where an undeclared `tf` is the browser global: a script with no imports, exports or requires, or a
 * JavaScript ES module that loads no tfjs package itself (a browser module that imports its siblings and
 * uses the `tf` a <script> tag put there). Not CommonJS, and not TypeScript (which would not compile).
 */
function isGlobalScript(t: Ts, sf: ts.SourceFile, code: string): boolean {
  if (/\brequire\s*\(/.test(code)) {
    return false;
  }
  if (isPlainScript(t, sf, code)) {
    return true;
  }
  const isJavaScript = /\.(js|mjs|jsx)$/i.test(sf.fileName);
  const isTfjs = (specifier: string) => /^@tensorflow\/tfjs/.test(bareSpecifier(specifier));
  const loadsTfjs =
    sf.statements.some((s) => t.isImportDeclaration(s) && t.isStringLiteral(s.moduleSpecifier) && isTfjs(s.moduleSpecifier.text)) ||
    [...code.matchAll(/import\s*\(\s*['"]([^'"\n]+)['"]/g)].some((m) => isTfjs(m[1]!));
  return isJavaScript && !loadsTfjs;
}

/** No imports, exports or requires: a classic browser script. */
function isPlainScript(t: Ts, sf: ts.SourceFile, code: string): boolean {
  const isModuleStatement = (s: ts.Statement): boolean =>
    t.isImportDeclaration(s) || t.isImportEqualsDeclaration(s) || t.isExportDeclaration(s) || t.isExportAssignment(s) || (t.canHaveModifiers(s) && (t.getModifiers(s) ?? []).some((m) => m.kind === t.SyntaxKind.ExportKeyword));
  return !sf.statements.some(isModuleStatement) && !/\brequire\s*\(/.test(code);
}

/** The first parse error as a one-line message, or undefined. */
function firstSyntaxError(t: Ts, sf: ts.SourceFile): string | undefined {
  const diagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const first = diagnostics[0];
  if (!first) {
    return undefined;
  }
  const { line, character } = sf.getLineAndCharacterOfPosition(first.start);
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
  return `syntax error at ${line + 1}:${character + 1}: ${t.flattenDiagnosticMessageText(first.messageText, ' ')}${more}; fix it before converting`;
}
