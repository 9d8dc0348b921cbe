/**
 * What the worker runs for an HTML page: its scripts as one text (core/analysis/page/page-scripts.ts),
 * checked first the way a browser parses each classic script, so a page that still cannot load says
 * which page, which `<script>` (its line in the HTML file) and what the parser rejected, instead of
 * a bare SyntaxError somewhere in a transpiled text.
 */
import * as path from 'node:path';
import * as vm from 'node:vm';
import { pageScripts, type PageScript } from '../../../core/analysis/page/page-scripts';

/** The page's script text, ready to transpile; throws a SyntaxError that names the page and the script. */
export function pageCodeForLoading(file: string, html: string): string {
  const page = pageScripts(html);
  for (const script of page.scripts.filter((s) => s.kind === 'classic')) {
    checkClassicScript(file, page.code, script);
  }
  return page.code;
}

/** One classic script alone, at its own lines (the rest blank), parsed by V8 as a browser's script. */
function checkClassicScript(file: string, code: string, script: PageScript): void {
  const alone = code.slice(0, script.start).replace(/[^\r\n]/g, ' ') + code.slice(script.start, script.end);
  try {
    // Compiled, never run.
    new vm.Script(alone, { filename: file });
  } catch (err) {
    if (!(err instanceof SyntaxError)) {
      throw err;
    }
    const line = new RegExp(`${escape(file)}:(\\d+)`).exec(err.stack ?? '')?.[1];
    const where = line === undefined ? '' : `, line ${line}`;
    throw new SyntaxError(`${path.basename(file)}: the <script> at line ${script.line} does not parse${where}: ${err.message}`);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
