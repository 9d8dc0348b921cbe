/**
 * What the worker runs for an HTML page: its scripts as one text (core/analysis/page/page-scripts.ts),
 * checked first the way a browser parses each classic script, so a page that still cannot load says
 * which page, which `<script>` (its line in the HTML file) and what the parser rejected, instead of
 * a bare SyntaxError somewhere in a transpiled text. Also what else the worker reads of a page: its
 * element ids (page-element-writes.ts) and the script files it loads, for a page that builds nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { isHtmlPage, pageScripts, scriptAtLine, type PageScript } from '../../../core/analysis/page/page-scripts';
import { isTfjsScriptSrc } from '../../../core/refactor/html-pages';
import type { FieldValue } from '../../../core/analysis/page/page-form-values';

/** The page's script text, ready to transpile; throws a SyntaxError that names the page and the script. */
export function pageCodeForLoading(file: string, html: string): string {
  const page = pageScripts(html);
  const classic = page.scripts.filter((s) => s.kind === 'classic');
  for (const script of classic) {
    const complaint = parseComplaint(file, only(page.code, [script]));
    if (complaint) {
      throw new SyntaxError(`${path.basename(file)}: the <script> at line ${script.line} does not parse${complaint.where}: ${complaint.message}`);
    }
  }
  // Each parses alone; together they may not (`let model` in two scripts), where a browser runs the first and fails the later one.
  const together = parseComplaint(file, only(page.code, classic));
  if (together) {
    const script = together.line === undefined ? undefined : scriptAtLine(page, html, together.line);
    const which = script ? `the <script> at line ${script.line}` : 'a <script>';
    throw new SyntaxError(`${path.basename(file)}: ${which} does not run after the page's earlier scripts${together.where}: ${together.message}`);
  }
  return page.code;
}

/** The page's text with only `scripts` kept, each at its own lines (the rest blank). */
function only(code: string, scripts: readonly PageScript[]): string {
  let out = '';
  let at = 0;
  for (const s of scripts) {
    out += code.slice(at, s.start).replace(/[^\r\n]/g, ' ') + code.slice(s.start, s.end);
    at = s.end;
  }
  return out;
}

/** What V8 rejects when it compiles `code` as a browser's classic script (compiled, never run). */
function parseComplaint(file: string, code: string): { message: string; line?: number; where: string } | undefined {
  try {
    new vm.Script(code, { filename: file });
    return undefined;
  } catch (err) {
    if (!(err instanceof SyntaxError)) {
      throw err;
    }
    const line = new RegExp(`${escape(file)}:(\\d+)`).exec(err.stack ?? '')?.[1];
    return { message: err.message, ...(line === undefined ? {} : { line: Number(line) }), where: line === undefined ? '' : `, line ${line}` };
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The element ids of a page file, what its form fields hold and what its other elements show (empty when it cannot be read). */
export function pageElementsOf(file: string): { ids: string[]; values: Record<string, FieldValue>; shown: Record<string, string> } {
  try {
    const page = pageScripts(fs.readFileSync(file, 'utf8'));
    return { ids: page.elementIds, values: page.fieldValues, shown: page.shownTexts };
  } catch {
    return { ids: [], values: {}, shown: {} };
  }
}

/** For a page: the script files it loads, which its own text leaves out ("; the page loads model.js: run sanity on that file"). */
export function pageScriptFilesHint(file: string): string {
  if (!isHtmlPage(file)) {
    return '';
  }
  let html: string;
  try {
    html = fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const files = pageScripts(html)
    .skipped.map((s) => s.src)
    .filter((src): src is string => src !== undefined && !isTfjsScriptSrc(src) && !/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(src));
  return files.length === 0 ? '' : `; the page's inline scripts have none, and it loads ${files.join(', ')}: run sanity on ${files.length === 1 ? 'that file' : 'one of those files'}`;
}
