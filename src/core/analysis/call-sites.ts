/**
 * Calls of a builder with literal arguments anywhere in its package (tests, scripts, demos):
 * `createDeepQNetwork(9, 9, 4)`, `models.createModel([28, 28, 1])`, `new Agent(BOARD_SIZE, 4)` with
 * `const BOARD_SIZE = 9` at the top of that file. Pure: takes the files' text, reads nothing.
 * Uses the raw compiler AST (one createSourceFile per file that mentions the name).
 */
import type { ts as Typescript } from 'ts-morph';
import { evaluateLiteral, getTopLevelConsts, NOT_LITERAL } from './literal-values';
import { loadTsMorph } from './tfjs-bindings';
import { scriptKindFor } from './typescript';

export interface PackageFile {
  /** Path (absolute or relative to the package root). */
  file: string;
  code: string;
}

export interface CallSite {
  file: string;
  /** 1-based. */
  line: number;
  /** The literal arguments in order (tfjs arguments left out). */
  args: unknown[];
}

export interface CallSiteQuery {
  /** Names the builder may be called by (its local and exported names, or the method's name). */
  names: string[];
  /** `call`: `name(…)` or `x.name(…)`; `new`: `new Name(…)` or `new x.Name(…)`. */
  kind: 'call' | 'new';
  /** Argument positions that receive tfjs (the caller passes `tf` there; not part of the args). */
  tfjsPositions?: number[];
}

/** Files bigger than this are generated bundles, not places where people call their builders. */
const MAX_FILE_CHARS = 1_000_000;

/** Call sites in file order, then source order; calls with a non-literal argument are left out. */
export function findCallSites(files: readonly PackageFile[], query: CallSiteQuery): CallSite[] {
  const t = loadTsMorph().ts;
  const names = new Set(query.names.filter((n) => n.length > 0 && n !== 'default'));
  const out: CallSite[] = [];
  for (const { file, code } of files) {
    if (code.length > MAX_FILE_CHARS || ![...names].some((n) => code.includes(n))) {
      continue;
    }
    const sourceFile = t.createSourceFile(file, code, t.ScriptTarget.Latest, true, scriptKindFor(t, file));
    const consts = getTopLevelConsts(sourceFile);
    const visit = (node: Typescript.Node): void => {
      const site = matchCall(t, node, names, query);
      if (site) {
        const args = literalArguments(site, consts, query.tfjsPositions ?? []);
        if (args) {
          out.push({ file, line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1, args });
        }
      }
      t.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return out;
}

function matchCall(t: typeof Typescript, node: Typescript.Node, names: Set<string>, query: CallSiteQuery): readonly Typescript.Expression[] | undefined {
  const isCall = query.kind === 'call' ? t.isCallExpression(node) : t.isNewExpression(node);
  if (!isCall) {
    return undefined;
  }
  const call = node as Typescript.CallExpression | Typescript.NewExpression;
  const callee = call.expression;
  const name = t.isIdentifier(callee) ? callee.text : t.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  return name !== undefined && names.has(name) ? (call.arguments ?? []) : undefined;
}

function literalArguments(args: readonly Typescript.Expression[], consts: ReadonlyMap<string, Typescript.Expression>, tfjsPositions: number[]): unknown[] | undefined {
  const out: unknown[] = [];
  for (const [i, arg] of args.entries()) {
    if (tfjsPositions.includes(i)) {
      continue;
    }
    const value = evaluateLiteral(arg, consts);
    if (value === NOT_LITERAL) {
      return undefined;
    }
    out.push(value);
  }
  return out;
}
