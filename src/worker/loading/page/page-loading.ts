/**
 * What the worker runs for an HTML page: its scripts as one text (core/analysis/page/page-scripts.ts),
 * checked first the way a browser parses each classic script, so a page that still cannot load says
 * which page, which `<script>` (its line in the HTML file) and what the parser rejected, instead of
 * a bare SyntaxError somewhere in a transpiled text.
 */
import * as path from 'node:path';
import * as vm from 'node:vm';
import { pageScripts, scriptAtLine, type PageScript } from '../../../core/analysis/page/page-scripts';

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
