/**
 * Top-level `await` in a module the worker loads as CommonJS (TypeScript and ES-module JavaScript
 * are transpiled to CommonJS, module-loader.ts): CommonJS has no top-level await, so `await
 * tf.ready()` would fail to parse or run as a call of a function named `await` ("await is not
 * defined"). Such a module's body runs inside an async function instead; its exports fill in as the
 * body runs, and the worker waits for every such body before it reads the builder (settleTopLevelAwait).
 */
import type { ts as Typescript } from 'ts-morph';
import { loadTsMorph } from '../../core/analysis/builders/tfjs-bindings';

/** Global holding each wrapped module's running body, by file. */
export const PENDING_GLOBAL = '__rbnSanityTopLevelAwait__';

/** Whether `code` awaits (or `for await`s) outside every function. */
export function hasTopLevelAwait(code: string, file: string): boolean {
  if (!/\bawait\b/.test(code)) {
    return false;
  }
  const t = loadTsMorph().ts;
  const sf = t.createSourceFile(file, code, t.ScriptTarget.Latest, true, /\.[cm]?tsx?$/.test(file) ? t.ScriptKind.TSX : t.ScriptKind.JS);
  let found = false;
  const visit = (node: Typescript.Node): void => {
    if (found || t.isFunctionLike(node) || t.isClassStaticBlockDeclaration(node)) {
      return;
    }
    if (t.isAwaitExpression(node) || (t.isForOfStatement(node) && node.awaitModifier !== undefined)) {
      found = true;
      return;
    }
    t.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * The transpiled CommonJS `output` with its body inside an async function whose promise is kept for
 * settleTopLevelAwait. The opening goes on the first line and the inline source map stays last, so
 * stack traces still point at the user's lines.
 */
export function wrapTopLevelAwait(output: string, file: string): string {
  const map = /\n\/\/# sourceMappingURL=[^\n]*\s*$/.exec(output);
  // A shebang line (`#!/usr/bin/env tsx`) is a comment only at the very start of a script: inside the wrapper it must be one.
  const body = (map ? output.slice(0, map.index) : output).replace(/^#!/, '//');
  const key = JSON.stringify(file);
  return `(globalThis.${PENDING_GLOBAL} ??= {})[${key}] = (async () => {${body}\n})();${map ? map[0] : ''}`;
}

/** Waits for every wrapped module body that has started, then forgets them; the first that threw rejects. */
export async function settleTopLevelAwait(): Promise<void> {
  const g = globalThis as unknown as Record<string, Record<string, Promise<unknown>> | undefined>;
  const pending = g[PENDING_GLOBAL];
  if (!pending) {
    return;
  }
  delete g[PENDING_GLOBAL];
  await Promise.all(Object.values(pending));
}
