/**
 * A classic browser script a page loads with `<script src>` runs after the page's earlier scripts,
 * in one global scope: `const modelConfig = {…}` in config.js is what SpeechResModel.js reads, with
 * no import. Before such a script loads, the worker runs the local scripts a page of its package
 * loads before it, in the page's order, as scripts of this global scope (their top-level
 * `const`/`let`/`class` and functions are then visible to the builder's file, as in the browser). A
 * script that fails as it runs is skipped, as a browser goes on past it; tfjs's own script is not run
 * (the worker's tfjs is the page's `tf`). The report says which page and scripts ran.
 *
 * The scripts the page loads after it have run too by the time a click calls the builder (`var inx =
 * 128` in transfer.js, read by ML.js's makeModel). They are not run (they start cameras and training
 * at load), but their top-level declarations of literal values that the builder's file reads and does
 * not declare become globals, said so in the report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { isHtmlPage, pageScripts } from '../../../core/analysis/page/page-scripts';
import { isTfjsScriptSrc, resolveScriptSrc } from '../../../core/refactor/html-pages';
import { findHtmlPages } from '../../../core/workspace/html-pages-plan';
import { literalGlobalsOf } from './literal-globals';
import { projectRoot } from '../../package-root';

export interface PageContext {
  /** The page that loads the script. */
  page: string;
  /** The local scripts it loads before it, in order. */
  scripts: string[];
  /** The local scripts it loads after it, in order. */
  later: string[];
}

/** Scripts larger than this are libraries or data the builder's script does not need to have run. */
const MAX_SCRIPT_BYTES = 8 * 1024 * 1024;

/** The first page under `root` that loads `file` with `<script src>`, and the local scripts it loads before it; undefined when none does. */
export function pageContextOf(root: string, file: string): PageContext | undefined {
  const target = path.resolve(file);
  for (const page of findHtmlPages(root)) {
    const sources = pageScripts(page.text, { handlers: false })
      .skipped.flatMap((s) => (s.src === undefined || isTfjsScriptSrc(s.src) ? [] : [resolveScriptSrc(s.src.split(/[?#]/)[0]!, page.path, root)]))
      .filter((f): f is string => f !== undefined)
      .map((f) => path.resolve(f));
    const at = sources.indexOf(target);
    if (at >= 0) {
      const local = (files: string[]) => files.filter((f) => f.endsWith('.js') && isSmallFile(f));
      return { page: page.path, scripts: local(sources.slice(0, at)), later: local(sources.slice(at + 1)) };
    }
  }
  return undefined;
}

function isSmallFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.size <= MAX_SCRIPT_BYTES;
  } catch {
    return false;
  }
}

/** Runs the scripts in this global scope, in order; returns those that threw, with their first line. */
export function runPageScripts(scripts: readonly string[]): { file: string; error: string }[] {
  const failed: { file: string; error: string }[] = [];
  for (const file of scripts) {
    try {
      vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
    } catch (err) {
      failed.push({ file, error: err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err) });
    }
  }
  return failed;
}

/** The report's note: which page's scripts ran before the builder's file, and which of them threw. */
export function pageContextNote(context: PageContext, failed: readonly { file: string; error: string }[], root: string): string {
  const rel = (f: string) => path.relative(root, f) || path.basename(f);
  const ran = `${context.scripts.length} script${context.scripts.length === 1 ? '' : 's'} that ${rel(context.page)} loads before it (${context.scripts.map(rel).join(', ')})`;
  const threw = failed.length === 0 ? '' : `; ${failed.length} of them threw and ${failed.length === 1 ? 'was' : 'were'} skipped, as a browser goes on: ${failed.map((f) => `${rel(f.file)} (${f.error})`).join(', ')}`;
  return `ran the ${ran} first, in one global scope as the page does${threw}`;
}

/** The page of the project that loads the script `file` with `<script src>`; undefined for a page or a script no page loads. */
export function pageLoadingScript(file: string): string | undefined {
  return isHtmlPage(file) ? undefined : pageContextOf(projectRoot(file), file)?.page;
}

/** Before a classic script loads: the page's earlier scripts run and its later scripts' literal globals are set; the report's notes. */
export function runPageContext(file: string, code: string): string[] {
  if (isHtmlPage(file)) {
    return [];
  }
  const root = projectRoot(file);
  const context = pageContextOf(root, file);
  if (!context) {
    return [];
  }
  const notes = context.scripts.length > 0 ? [pageContextNote(context, runPageScripts(context.scripts), root)] : [];
  const set = defineLaterGlobals(context.later, code);
  return set.length > 0 ? [...notes, laterGlobalsNote(context, set, file, root)] : notes;
}

interface SetGlobal {
  name: string;
  value: unknown;
  file: string;
}

/**
 * Sets the later scripts' literal globals that `code` reads and nothing defines yet (the first script's
 * value of a name wins). A script that cannot be read is passed over, as a browser goes on past it.
 */
export function defineLaterGlobals(later: readonly string[], code: string): SetGlobal[] {
  const set: SetGlobal[] = [];
  const global = globalThis as Record<string, unknown>;
  for (const file of later) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const [name, value] of literalGlobalsOf(text, code)) {
      if (!(name in global)) {
        global[name] = value;
        set.push({ name, value, file });
      }
    }
  }
  return set;
}

/** `took inx = 128, iny = 128 from transfer.js, which main.html loads after ML.js: …`. */
export function laterGlobalsNote(context: PageContext, set: readonly SetGlobal[], file: string, root: string): string {
  const rel = (f: string) => path.relative(root, f) || path.basename(f);
  const files = [...new Set(set.map((g) => rel(g.file)))];
  const values = set.map((g) => `${g.name} = ${JSON.stringify(g.value)}`).join(', ');
  return `took ${values} from ${files.join(', ')}, which ${rel(context.page)} loads after ${rel(file)}: the page has run ${set.length === 1 ? 'that declaration' : 'those declarations'} by the time its code calls the builder (the script${files.length > 1 ? 's were' : ' was'} not run)`;
}
