/**
 * Turns the layer's TypeScript source into JavaScript a person could have written (run at build time by
 * scripts/embed-layer.mjs): ES2022 classes and `import * as tf`, no compiler helpers, the source's
 * comments, 2-space indent, and every type as JSDoc (`@param`, `@returns`, `@type`, `@typedef`,
 * `@template`) so editors show it and `checkJs` + `strict` finds no error. Generic over the source: any
 * function, method, class field, interface or type alias gets its JSDoc the same way.
 */
import type * as TsMorph from 'ts-morph';
import { loadTsMorph } from '../core/analysis/builders/tfjs-bindings';
import { asciiText } from './ascii-text';

/**
 * A change to the source: `render` gets the text of `inner` (the whole range by default) with the edits
 * nested in it already applied, so a cast inside a cast, or a JSDoc inside a cast, both come through.
 */
interface Edit {
  start: number;
  end: number;
  inner?: [number, number];
  render: (inner: string) => string;
}

/**
 * The JavaScript module (ESM) for a TypeScript module.
 * @param source the TypeScript text
 * @param fileName where it lives, so that the checker resolves '@tensorflow/tfjs' from node_modules
 */
export function toJavaScriptModule(source: string, fileName: string): string {
  const { Project, ts } = loadTsMorph();
  const project = new Project({ compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true }, skipAddingFilesFromTsConfig: true });
  const file = project.createSourceFile(fileName.replace(/\.ts$/, '.__to-js__.ts'), source, { overwrite: true });
  const edits = collectEdits(file);
  const annotated = applyEdits(source, edits);
  const out = ts.transpileModule(annotated, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, useDefineForClassFields: true, removeComments: false, newLine: ts.NewLineKind.LineFeed, verbatimModuleSyntax: true },
  }).outputText;
  return asciiText(tidy(withDefiniteFields(out, file)).replace(/\( \/\*\*/g, '(/**').replace(/\*\/\(/g, '*/ ('));
}

/**
 * A `x!: T` field (assigned before use, in build()) has no start value in JavaScript either; a cast of
 * `undefined` says "trust me" to the checker as the `!` did.
 */
function withDefiniteFields(js: string, file: TsMorph.SourceFile): string {
  const { Node } = loadTsMorph();
  let out = js;
  file.forEachDescendant((node) => {
    if (Node.isPropertyDeclaration(node) && node.hasExclamationToken()) {
      out = out.replace(new RegExp(`^(\\s+)${node.getName()};$`, 'm'), `$1${node.getName()} = /** @type {never} */ (undefined); // assigned in build()`);
    }
  });
  return out;
}

function applyEdits(text: string, edits: Edit[]): string {
  // Outer edits first at the same start; a zero-width insertion sorts after the edit that contains it.
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  return renderRange(text, sorted, 0, text.length);
}

function renderRange(text: string, edits: Edit[], start: number, end: number): string {
  let out = '';
  let cursor = start;
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i]!;
    if (e.start < cursor || e.end > end || (e.start === e.end && e.start === end && end !== text.length)) {
      continue;
    }
    const [innerStart, innerEnd] = e.inner ?? [e.start, e.end];
    const nested = edits.slice(i + 1).filter((n) => n.start >= innerStart && n.end <= innerEnd && n !== e);
    out += text.slice(cursor, e.start) + e.render(renderRange(text, nested, innerStart, innerEnd));
    cursor = e.end;
  }
  return out + text.slice(cursor, end);
}

/**
 * 2-space indent (the printer writes 4), and the blank lines the printer drops: before each top-level
 * declaration or comment, and between class methods.
 */
function tidy(js: string): string {
  const lines = js.split('\n').map((line) => line.replace(/^( {4})+/, (m) => ' '.repeat(m.length / 2)));
  const out: string[] = [];
  for (const line of lines) {
    const previous = out[out.length - 1] ?? '';
    if (previous.trim() !== '' && needsBlankLineBefore(previous, line)) {
      out.push('');
    }
    out.push(line);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

const ONE_LINE_TYPEDEF = /^\/\*\* @typedef .*\*\/$/;
const TOP_DECLARATION = /^((export )?(async )?(function|class|const|let) |tf\.serialization)/;
const METHOD = /^ {2}(static |async |get |set )*[A-Za-z_$][\w$]*\(.*\{$/;

function needsBlankLineBefore(previous: string, line: string): boolean {
  const endsComment = /^\s*(\*\/|\/\/.*|\/\*\*.*\*\/)$/.test(previous);
  if (/^(\/\*\*|\/\/ )/.test(line)) {
    return !(ONE_LINE_TYPEDEF.test(previous) && ONE_LINE_TYPEDEF.test(line)) && !/^\/\/ /.test(previous) && !/^import /.test(line);
  }
  if (TOP_DECLARATION.test(line)) {
    return !endsComment && !TOP_DECLARATION.test(previous);
  }
  if (/^ {2}\/\*\*/.test(line) || METHOD.test(line)) {
    return previous === '  }' || (METHOD.test(line) && !endsComment);
  }
  return false;
}

function collectEdits(file: TsMorph.SourceFile): Edit[] {
  const { Node } = loadTsMorph();
  const edits: Edit[] = [];
  file.forEachDescendant((node) => {
    if (Node.isInterfaceDeclaration(node)) {
      edits.push(...interfaceEdits(node));
    } else if (Node.isTypeAliasDeclaration(node)) {
      edits.push(replaceWithComment(node, `/** @typedef {${typeText(node.getTypeNodeOrThrow())}} ${node.getName()} */`));
    } else if (Node.isFunctionDeclaration(node) || Node.isMethodDeclaration(node) || Node.isConstructorDeclaration(node)) {
      edits.push(...functionDocEdits(node, node));
    } else if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) {
      const holder = docHolderOf(node);
      if (holder) {
        edits.push(...functionDocEdits(node, holder));
      }
    } else if (Node.isPropertyDeclaration(node)) {
      edits.push(...fieldDocEdits(node));
    } else if (Node.isVariableDeclaration(node) && node.getTypeNode() && !isFunctionInit(node)) {
      edits.push(...docTagsEdit(node.getVariableStatementOrThrow(), [`@type {${typeText(node.getTypeNodeOrThrow())}}`]));
    } else if (Node.isAsExpression(node) || Node.isTypeAssertion(node)) {
      edits.push(castEdit(node, typeText(node.getTypeNodeOrThrow())));
    } else if (Node.isNonNullExpression(node)) {
      edits.push(castEdit(node, checkerTypeText(node)));
    } else if (Node.isCallExpression(node) && node.getTypeArguments().length > 0 && !Node.isNonNullExpression(node.getParent()) && !Node.isAsExpression(node.getParent())) {
      edits.push(wrapCast(node, checkerTypeText(node)));
    }
  });
  return edits;
}

function isFunctionInit(decl: TsMorph.VariableDeclaration): boolean {
  const { Node } = loadTsMorph();
  const init = decl.getInitializer();
  return init !== undefined && (Node.isArrowFunction(init) || Node.isFunctionExpression(init)) && decl.getTypeNode() === undefined;
}

/** One line of type text (JSDoc holds TypeScript type syntax). */
function typeText(node: TsMorph.Node): string {
  return node.getText().replace(/\s+/g, ' ').replace(/;\s*}/g, ' }');
}

/** The checker's name for an expression's type, written from inside the file (`tf.X`, local aliases). */
function checkerTypeText(node: TsMorph.Expression): string {
  const { ts } = loadTsMorph();
  const type = loadTsMorph().Node.isNonNullExpression(node) ? node.getType().getNonNullableType() : node.getType();
  return type.getText(node, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
}

/** `x as T` / `x!` → `/** @type {T} *\/ (x)`: a JSDoc cast, still valid TypeScript until types are stripped. */
function castEdit(node: TsMorph.AsExpression | TsMorph.TypeAssertion | TsMorph.NonNullExpression, type: string): Edit {
  const inner = node.getExpression();
  const parenthesized = loadTsMorph().Node.isParenthesizedExpression(inner);
  return { start: node.getStart(), end: node.getEnd(), inner: [inner.getStart(), inner.getEnd()], render: (text) => `/** @type {${type}} */ ${parenthesized ? text : `(${text})`}` };
}

function wrapCast(node: TsMorph.Node, type: string): Edit {
  return { start: node.getStart(), end: node.getEnd(), render: (text) => `/** @type {${type}} */ (${text})` };
}

function replaceWithComment(node: TsMorph.Node, comment: string): Edit {
  const jsDocs = loadTsMorph().Node.isJSDocable(node) ? node.getJsDocs() : [];
  const start = jsDocs[0]?.getStart() ?? node.getStart();
  const description = jsDocs.map((d) => d.getDescription().trim()).filter((d) => d !== '').join('\n');
  const body = comment.replace(/^\/\*\*\s*/, ' * ').replace(/\s*\*\/$/, '');
  const text = description ? `/**\n${starLines(description)}\n${body}\n */` : comment.includes('\n') ? `/**\n${body}\n */` : comment;
  return { start, end: node.getEnd(), render: () => text };
}

function starLines(text: string): string {
  return text
    .split('\n')
    .map((l) => ` * ${l.trim()}`.trimEnd())
    .join('\n');
}

/** An interface becomes `@typedef {Object}` with one `@property` per member (methods as function types). */
function interfaceEdits(node: TsMorph.InterfaceDeclaration): Edit[] {
  const own = node.getName();
  const bases = node.getExtends().map((e) => e.getText());
  const name = bases.length > 0 ? `${own}Own` : own;
  const lines = [`@typedef {Object} ${name}`];
  for (const member of node.getMembers()) {
    const { Node } = loadTsMorph();
    const doc = Node.isJSDocable(member) ? member.getJsDocs().map((d) => d.getDescription().trim().replace(/\s+/g, ' ')).join(' ') : '';
    if (Node.isPropertySignature(member)) {
      const type = member.getTypeNode() ? typeText(member.getTypeNodeOrThrow()) : 'unknown';
      const key = member.hasQuestionToken() ? `[${member.getName()}]` : member.getName();
      lines.push(`@property {${type}} ${key}${doc ? ` ${doc}` : ''}`);
    } else if (Node.isMethodSignature(member)) {
      const params = member.getParameters().map((p) => p.getText().replace(/\s+/g, ' ')).join(', ');
      const returns = member.getReturnTypeNode()?.getText() ?? 'void';
      lines.push(`@property {(${params}) => ${returns}} ${member.getName()}${doc ? ` ${doc}` : ''}`);
    }
  }
  const typedef = replaceWithComment(node, `/** ${lines.join('\n * ')} */`);
  if (bases.length === 0) {
    return [typedef];
  }
  const combined = `\n\n/** @typedef {${[...bases, name].join(' & ')}} ${own} */`;
  return [{ ...typedef, render: (inner) => typedef.render(inner) + combined }];
}

/** The node whose JSDoc types an arrow function or function expression: its `const`, or itself. */
function docHolderOf(fn: TsMorph.ArrowFunction | TsMorph.FunctionExpression): TsMorph.Node | undefined {
  const { Node } = loadTsMorph();
  const hasTypes = fn.getParameters().some((p) => p.getTypeNode()) || fn.getReturnTypeNode() !== undefined || fn.getTypeParameters().length > 0;
  if (!hasTypes) {
    return undefined; // typed by its context
  }
  const parent = fn.getParent();
  if (Node.isVariableDeclaration(parent) && !parent.getTypeNode()) {
    return parent.getVariableStatement();
  }
  return fn;
}

/** `@template`, `@param` and `@returns` tags from a function's annotations, merged into its JSDoc. */
function functionDocEdits(fn: TsMorph.FunctionLikeDeclaration | TsMorph.ArrowFunction, holder: TsMorph.Node): Edit[] {
  const tags: string[] = fn.getTypeParameters().map((t) => `@template ${t.getText()}`);
  for (const p of fn.getParameters()) {
    const typeNode = p.getTypeNode();
    const nameNode = p.getNameNode();
    const name = loadTsMorph().Node.isIdentifier(nameNode) ? nameNode.getText() : undefined;
    if (!typeNode || !name) {
      continue;
    }
    const optional = p.hasQuestionToken() || p.hasInitializer();
    const type = p.isRestParameter() ? `...${typeText(typeNode).replace(/^Array<(.*)>$/, '($1)').replace(/^(.*)\[\]$/, '$1')}` : typeText(typeNode);
    tags.push(`@param {${type}} ${optional ? `[${name}]` : name}`);
  }
  const returnType = fn.getReturnTypeNode();
  if (returnType) {
    tags.push(`@returns {${typeText(returnType)}}`);
  }
  const node: TsMorph.Node = fn as TsMorph.Node;
  if (loadTsMorph().Node.isMethodDeclaration(node) && node.hasModifier(loadTsMorph().SyntaxKind.PrivateKeyword)) {
    tags.push('@private');
  }
  return tags.length > 0 ? docTagsEdit(holder, tags) : [];
}

function fieldDocEdits(node: TsMorph.PropertyDeclaration): Edit[] {
  const typeNode = node.getTypeNode();
  const tags = [...(typeNode ? [`@type {${typeText(typeNode)}}`] : []), ...(node.hasModifier(loadTsMorph().SyntaxKind.PrivateKeyword) ? ['@private'] : [])];
  const edits = tags.length > 0 ? docTagsEdit(node, tags) : [];
  return edits;
}

/** Adds tags to the node's JSDoc (keeping its text and tags), or a new JSDoc above it. */
function docTagsEdit(node: TsMorph.Node, tags: string[]): Edit[] {
  const { Node } = loadTsMorph();
  const docs = Node.isJSDocable(node) ? node.getJsDocs() : [];
  const last = docs[docs.length - 1];
  if (last) {
    const inner = last.getInnerText().trim();
    const body = [...inner.split('\n').map((l) => l.replace(/^\s*\*?\s?/, '')), ...tags];
    const indent = ' '.repeat(lineIndent(node));
    const text = `/**\n${body.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */`;
    return [{ start: last.getStart(), end: last.getEnd(), render: () => text }];
  }
  const indent = ' '.repeat(lineIndent(node));
  const at = node.getStart();
  const short = tags.join(' ').length <= 72 && (tags.length === 1 || !tags.some((t) => t.startsWith('@param')));
  const oneLine = short && loadTsMorph().Node.isArrowFunction(node);
  const doc = short ? `/** ${tags.join(' ')} */` : `/**\n${tags.map((t) => `${indent} * ${t}`).join('\n')}\n${indent} */`;
  const text = oneLine || isInline(node) ? `${doc} ` : `${doc}\n${indent}`;
  return [{ start: at, end: at, render: () => text }];
}

/** Whether the node starts mid-line (an arrow function passed as an argument). */
function isInline(node: TsMorph.Node): boolean {
  const text = node.getSourceFile().getFullText();
  const lineStart = text.lastIndexOf('\n', node.getStart() - 1) + 1;
  return text.slice(lineStart, node.getStart()).trim() !== '';
}

function lineIndent(node: TsMorph.Node): number {
  const text = node.getSourceFile().getFullText();
  const lineStart = text.lastIndexOf('\n', node.getStart() - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0].length;
}
