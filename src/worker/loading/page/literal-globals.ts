/**
 * The globals a classic script declares at its top level with a literal value (`var inx = 128;`,
 * `const LABELS = ['a', 'b'];`), limited to those another script's code reads and does not declare
 * itself: what a page's later script gives the builder's file, read without running it.
 */
import { evaluateLiteral, getTopLevelConsts, NOT_LITERAL } from '../../../core/analysis/arguments/literal-values';
import { loadTsMorph } from '../../../core/analysis/builders/tfjs-bindings';

/** The literal top-level declarations of `script` that `reader` uses and does not declare, in order. */
export function literalGlobalsOf(script: string, reader: string): Map<string, unknown> {
  const t = loadTsMorph().ts;
  const source = t.createSourceFile('page-script.js', script, t.ScriptTarget.Latest, false, t.ScriptKind.JS);
  const consts = getTopLevelConsts(source);
  const out = new Map<string, unknown>();
  for (const statement of source.statements) {
    if (!t.isVariableStatement(statement)) {
      continue;
    }
    for (const declaration of statement.declarationList.declarations) {
      if (!t.isIdentifier(declaration.name) || declaration.initializer === undefined) {
        continue;
      }
      const name = declaration.name.text;
      const value = evaluateLiteral(declaration.initializer, consts);
      if (value !== NOT_LITERAL && readsWithoutDeclaring(reader, name)) {
        out.set(name, value);
      }
    }
  }
  return out;
}

/** `name` stands in `code` as a name of its own (not `a.name`, not a key `name:`) and `code` declares no `name`. Text-based. */
function readsWithoutDeclaring(code: string, name: string): boolean {
  const n = name.replace(/\$/g, '\\$');
  const declared = new RegExp(`\\b(?:var|let|const|function|class)\\s+${n}(?![\\w$])`);
  const read = new RegExp(`(?<![\\w$.])${n}(?![\\w$]|\\s*:(?!:))`);
  return read.test(code) && !declared.test(code);
}
