/**
 * Lazy access to the TypeScript compiler that ts-morph ships. The analysis works on the raw compiler AST
 * (one `createSourceFile` per file, no Project, no type checker) because it is an order of magnitude
 * faster than wrapping every node, and the analysis only needs syntax plus its own scope resolution.
 */
import type { ts as TsNamespace } from 'ts-morph';

export type Ts = typeof TsNamespace;
export type { TsNamespace as ts };

let loaded: Ts | undefined;

/** The compiler, loaded on first use so that activation and the CLI's `--help` stay fast. */
export function getTypeScript(): Ts {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = (require('ts-morph') as typeof import('ts-morph')).ts;
  }
  return loaded;
}

/** Script kind from the file extension (.ts .tsx .mts .cts .js .jsx .mjs .cjs). */
export function scriptKindFor(t: Ts, fileName: string): TsNamespace.ScriptKind {
  const ext = /\.[^./\\]+$/.exec(fileName)?.[0].toLowerCase() ?? '';
  switch (ext) {
    case '.tsx':
      return t.ScriptKind.TSX;
    case '.jsx':
      return t.ScriptKind.JSX;
    case '.js':
    case '.mjs':
    case '.cjs':
    case '.html':
    case '.htm':
      // A page's scripts (page/page-scripts.ts).
      return t.ScriptKind.JS;
    default:
      return t.ScriptKind.TS;
  }
}

/** Whether the file is TypeScript by its extension. */
export function isTypeScriptFile(fileName: string): boolean {
  return /\.(ts|tsx|mts|cts)$/i.test(fileName);
}
