/**
 * Globals TypeScript code declares and something else defines at run time: `declare const bci: any`
 * for a library the page's `<script src>` loads, `declare var google` in a typings file. In Node
 * nothing defines them, so the builder fails with "bci is not defined" although the code is right;
 * such a name may get an inert stand-in (browser-stand-ins.ts). Read from the builder's file and the
 * `.d.ts` files of its folder and the folders above it, up to its package root.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withoutComments } from '../../../core/analysis/comments';

/** `declare var|let|const X`, `declare function X`, `declare class X` (as statements), and `var X` inside `declare global { … }`. */
export function ambientGlobals(code: string): string[] {
  const plain = withoutComments(code);
  const names = new Set<string>();
  for (const m of plain.matchAll(/(?:^|[;{}])\s*(?:export\s+)?declare\s+(?:var|let|const|function|class)\s+([A-Za-z_$][\w$]*)/gm)) {
    names.add(m[1]);
  }
  for (const block of plain.matchAll(/(?:^|[;{}])\s*declare\s+global\s*\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g)) {
    for (const m of block[1].matchAll(/\b(?:var|let|const|function|class)\s+([A-Za-z_$][\w$]*)/g)) {
      names.add(m[1]);
    }
  }
  return [...names];
}

/** Typings files read at most per folder: a folder of generated declarations is no app's typings. */
const MAX_DTS_PER_FOLDER = 8;

/** The ambient globals of `file` (its text `code`) and of the `.d.ts` files beside it and above it, up to `root`. */
export function ambientGlobalsAround(file: string, code: string, root: string): Set<string> {
  const names = new Set(/\.(c|m)?tsx?$/.test(file) ? ambientGlobals(code) : []);
  let dir = path.dirname(file);
  for (;;) {
    for (const typings of typingsIn(dir)) {
      ambientGlobals(fs.readFileSync(typings, 'utf8')).forEach((n) => names.add(n));
    }
    const parent = path.dirname(dir);
    if (dir === root || parent === dir || !dir.startsWith(root)) {
      return names;
    }
    dir = parent;
  }
}

function typingsIn(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.d.ts'))
      .slice(0, MAX_DTS_PER_FOLDER)
      .map((f) => path.join(dir, f))
      .filter((f) => fs.statSync(f).isFile());
  } catch {
    return [];
  }
}
