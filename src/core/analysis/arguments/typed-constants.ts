/**
 * A value of a parameter's declared type that the package itself holds: `export const
 * DEFAULT_ARCHITECTURE: ArchitectureConfig = { … }` for `buildModel(config: ArchitectureConfig)`, also
 * written `= { … } satisfies ArchitectureConfig` or `as ArchitectureConfig`, or with a JSDoc
 * `@type {ArchitectureConfig}`. A layer-list app's default or preset says what a real call passes,
 * where a guess from the type's members can only fill in sizes. Pure, text in, JSON out.
 */
import type { ts as Typescript } from 'ts-morph';
import { loadTsMorph } from '../builders/tfjs-bindings';
import { evaluateLiteral, getTopLevelConsts, NOT_LITERAL } from './literal-values';
import { GLOBAL_TYPES } from './object-types';

export interface TypedConstant {
  name: string;
  file: string;
  value: unknown;
}

/**
 * The first literal constant of `typeText` in `files` (the builder's file first, then the files it
 * imports, then the rest), preferring one whose name says it is the default; undefined when the type
 * is no named type or no file declares a literal constant of it.
 */
export function constantOfType(typeText: string | undefined, files: readonly { file: string; code: string }[]): TypedConstant | undefined {
  const name = namedType(typeText);
  if (name === undefined) {
    return undefined;
  }
  // Cheap text test before parsing: most files never name the type beside a const.
  const mentions = new RegExp(`(?::|satisfies|as|@type\\s*\\{)\\s*(?:[A-Za-z_$][\\w$]*\\.)*${name}\\b`);
  const found: TypedConstant[] = [];
  for (const { file, code } of files) {
    if (mentions.test(code)) {
      found.push(...literalConstantsOf(file, code, name));
    }
  }
  return found.find((c) => /default/i.test(c.name)) ?? found[0];
}

/** `ArchitectureConfig`, `Lab.ArchitectureConfig` → ArchitectureConfig; undefined for a union, array, literal or builtin. */
function namedType(typeText: string | undefined): string | undefined {
  const match = /^(?:[A-Za-z_$][\w$]*\.)*([A-Z][\w$]*)$/.exec(typeText?.replace(/\s+/g, '') ?? '');
  return match && !GLOBAL_TYPES.has(match[1]) ? match[1] : undefined;
}


function literalConstantsOf(file: string, code: string, type: string): TypedConstant[] {
  const t = loadTsMorph().ts;
  const source = t.createSourceFile(file, code, t.ScriptTarget.Latest, true, /\.[cm]?tsx?$/.test(file) ? t.ScriptKind.TSX : t.ScriptKind.JSX);
  const consts = getTopLevelConsts(source);
  const out: TypedConstant[] = [];
  for (const statement of source.statements) {
    if (!t.isVariableStatement(statement) || (statement.declarationList.flags & t.NodeFlags.Const) === 0) {
      continue;
    }
    for (const decl of statement.declarationList.declarations) {
      if (!t.isIdentifier(decl.name) || !decl.initializer || !declaresType(t, statement, decl, type)) {
        continue;
      }
      const value = evaluateLiteral(decl.initializer, consts);
      // An empty object or list is a starting point the app fills, not a model's configuration.
      if (value !== NOT_LITERAL && value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
        out.push({ name: decl.name.text, file, value });
      }
    }
  }
  return out;
}

/** The declaration says `type`: its annotation, a `satisfies`/`as` on its value, or a JSDoc `@type`. */
function declaresType(t: typeof Typescript, statement: Typescript.VariableStatement, decl: Typescript.VariableDeclaration, type: string): boolean {
  const named = (node: Typescript.TypeNode | undefined) => node !== undefined && namedType(node.getText()) === type;
  const init = decl.initializer;
  if (named(decl.type) || (init !== undefined && (t.isSatisfiesExpression(init) || t.isAsExpression(init)) && named(init.type))) {
    return true;
  }
  return t.getJSDocTags(statement).some((tag) => t.isJSDocTypeTag(tag) && named(tag.typeExpression.type)) || t.getJSDocTags(decl).some((tag) => t.isJSDocTypeTag(tag) && named(tag.typeExpression.type));
}

/**
 * The constant with each empty list the stand-in fills (`layers: []` in an app's starting state, which
 * its user fills by hand) taken from the stand-in: the rest stays the program's own. The paths filled,
 * for the detail; none when the constant has no empty list where the stand-in has one.
 */
export function fillEmptyLists(value: unknown, standIn: unknown, path = ''): { value: unknown; filled: string[] } {
  if (Array.isArray(value) && value.length === 0 && Array.isArray(standIn) && standIn.length > 0) {
    return { value: structuredClone(standIn), filled: [path] };
  }
  if (!isRecord(value) || !isRecord(standIn)) {
    return { value, filled: [] };
  }
  const out: Record<string, unknown> = { ...value };
  const filled: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    const inner = fillEmptyLists(member, standIn[key], path === '' ? key : `${path}.${key}`);
    out[key] = inner.value;
    filled.push(...inner.filled);
  }
  return { value: out, filled };
}

/** Whether the value holds an empty list anywhere inside its objects (what fillEmptyLists would fill). */
export function hasEmptyList(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.values(value).some(hasEmptyList));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
