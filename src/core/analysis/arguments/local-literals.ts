/**
 * A call-site argument bound inside the function that makes the call: `const size = 64` in the same
 * block, or the loop variable of `for (const modelDef of models)` over a local array of literals (a
 * training script that builds each model of a list: the first element stands for the call).
 */
import type { ts as Typescript } from 'ts-morph';
import { loadTsMorph } from '../builders/tfjs-bindings';
import { evaluateLiteral, NOT_LITERAL, type LiteralResult } from './literal-values';

type Node = Typescript.Node;

/** The literal value `id` has where it is used, from a local `const` or a `for…of` over a literal array; NOT_LITERAL otherwise. */
export function localLiteral(id: Typescript.Identifier, consts: ReadonlyMap<string, Typescript.Expression>, depth = 0): LiteralResult {
  const t = loadTsMorph().ts;
  const binding = depth > 4 ? undefined : localBinding(t, id);
  if (!binding) {
    return NOT_LITERAL;
  }
  const value = t.isIdentifier(binding.expr) ? resolveIdentifier(binding.expr, consts, depth) : evaluateLiteral(binding.expr, consts);
  if (!binding.firstElement) {
    return value;
  }
  return Array.isArray(value) && value.length > 0 ? (value[0] as unknown) : NOT_LITERAL;
}

function resolveIdentifier(id: Typescript.Identifier, consts: ReadonlyMap<string, Typescript.Expression>, depth: number): LiteralResult {
  const local = localLiteral(id, consts, depth + 1);
  return local !== NOT_LITERAL ? local : evaluateLiteral(id, consts);
}

/** The nearest binding of `id` above it in its function: a `for (const id of expr)`, or a `const id = expr` earlier in an enclosing block. */
function localBinding(t: typeof Typescript, id: Typescript.Identifier): { expr: Typescript.Expression; firstElement: boolean } | undefined {
  let child: Node = id;
  for (let node: Node | undefined = id.parent; node && !t.isSourceFile(node); child = node, node = node.parent) {
    if (t.isForOfStatement(node) && t.isVariableDeclarationList(node.initializer) && declares(t, node.initializer.declarations, id.text)) {
      return { expr: node.expression, firstElement: true };
    }
    if (t.isBlock(node)) {
      const before = node.statements.slice(0, node.statements.indexOf(child as Typescript.Statement));
      const init = constInitializer(t, before, id.text);
      if (init) {
        return { expr: init, firstElement: false };
      }
    }
    if (t.isFunctionLike(node)) {
      return undefined;
    }
  }
  return undefined;
}

function declares(t: typeof Typescript, decls: readonly Typescript.VariableDeclaration[], name: string): boolean {
  return decls.some((d) => t.isIdentifier(d.name) && d.name.text === name);
}

function constInitializer(t: typeof Typescript, statements: readonly Typescript.Statement[], name: string): Typescript.Expression | undefined {
  for (const statement of [...statements].reverse()) {
    if (t.isVariableStatement(statement) && (statement.declarationList.flags & t.NodeFlags.Const) !== 0) {
      const decl = statement.declarationList.declarations.find((d) => t.isIdentifier(d.name) && d.name.text === name);
      if (decl?.initializer) {
        return decl.initializer;
      }
    }
  }
  return undefined;
}
