/**
 * A builder's parameters as sanity-train needs them: name, optionality, default and type as written,
 * and whether the parameter receives the tfjs namespace (named `tf`/`tfjs`, typed as tfjs, or used as
 * tfjs in the body: `p.sequential(…)`, `p.model(…)`, `p.input(…)`, `p.layers.dense(…)`).
 */
import type * as TsMorph from 'ts-morph';
import type { BuilderParameter } from '../types';
import { loadTsMorph } from './tfjs-bindings';

export type FunctionLike =
  | TsMorph.FunctionDeclaration
  | TsMorph.ArrowFunction
  | TsMorph.FunctionExpression
  | TsMorph.MethodDeclaration
  | TsMorph.ConstructorDeclaration;

export const TFJS_PARAMETER_NAMES: ReadonlySet<string> = new Set(['tf', 'tfjs']);
/** Array methods that `x.layers.<name>(…)` may call on a model's layer list: not tfjs use. */
const ARRAY_METHODS = new Set(['forEach', 'map', 'filter', 'find', 'findIndex', 'some', 'every', 'reduce', 'slice', 'concat', 'indexOf', 'includes', 'push', 'at', 'entries', 'keys', 'values', 'join', 'reverse', 'splice', 'sort', 'flatMap']);

/**
 * The parameters of `fn` in order.
 * @param namespaces the file's local names for tfjs (for `typeof tf` annotations).
 */
export function describeParameters(fn: FunctionLike, namespaces: ReadonlySet<string>): BuilderParameter[] {
  const bodyText = fn.getBody()?.getText() ?? '';
  return fn.getParameters().map((p) => {
    const typeText = getTypeText(p);
    const defaultText = p.getInitializer()?.getText();
    const name = p.getNameNode().getText();
    const parameter: BuilderParameter = {
      name,
      optional: p.isOptional() || p.hasInitializer() || p.isRestParameter() || isJsDocOptional(p),
      receivesTfjs: isTfjsParameter(name, typeText, bodyText, namespaces),
    };
    if (p.isRestParameter()) {
      parameter.rest = true;
    }
    if (defaultText !== undefined) {
      parameter.defaultText = defaultText;
    }
    if (typeText !== undefined) {
      parameter.typeText = typeText;
    }
    return parameter;
  });
}

/** The TypeScript annotation, else the JSDoc `@param {…}` type. */
function getTypeText(p: TsMorph.ParameterDeclaration): string | undefined {
  const annotated = p.getTypeNode()?.getText();
  if (annotated !== undefined) {
    return annotated;
  }
  const { ts } = loadTsMorph();
  for (const tag of ts.getJSDocParameterTags(p.compilerNode)) {
    const type = tag.typeExpression?.type;
    if (type) {
      return type.getText(p.getSourceFile().compilerNode);
    }
  }
  return undefined;
}

/** `@param {number} [units=32]`: JSDoc's optional parameter. */
function isJsDocOptional(p: TsMorph.ParameterDeclaration): boolean {
  const { ts } = loadTsMorph();
  return ts.getJSDocParameterTags(p.compilerNode).some((tag) => tag.isBracketed);
}

function isTfjsParameter(name: string, typeText: string | undefined, bodyText: string, namespaces: ReadonlySet<string>): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
    return false;
  }
  if (TFJS_PARAMETER_NAMES.has(name)) {
    return true;
  }
  if (typeText !== undefined && isTfjsType(typeText, namespaces)) {
    return true;
  }
  return isUsedAsTfjs(name, bodyText);
}

/** `typeof tf`, `typeof import('@tensorflow/tfjs')`, `typeof tfNode`. */
function isTfjsType(typeText: string, namespaces: ReadonlySet<string>): boolean {
  const text = typeText.replace(/\s+/g, ' ').trim();
  if (/^typeof import\(\s*['"]@tensorflow\/tfjs(-[a-z-]+)?['"]\s*\)$/.test(text)) {
    return true;
  }
  const query = /^typeof ([A-Za-z_$][\w$]*)$/.exec(text);
  return query !== null && (namespaces.has(query[1]) || TFJS_PARAMETER_NAMES.has(query[1]));
}

function isUsedAsTfjs(name: string, bodyText: string): boolean {
  const escaped = name.replace(/\$/g, '\\$');
  if (new RegExp(`(?<![\\w$.])${escaped}\\s*\\.\\s*(?:sequential|model|input|loadLayersModel)\\s*\\(`).test(bodyText)) {
    return true;
  }
  const layers = new RegExp(`(?<![\\w$.])${escaped}\\s*\\.\\s*layers\\s*\\.\\s*([A-Za-z_$][\\w$]*)\\s*\\(`, 'g');
  for (const match of bodyText.matchAll(layers)) {
    if (!ARRAY_METHODS.has(match[1])) {
      return true;
    }
  }
  return false;
}
