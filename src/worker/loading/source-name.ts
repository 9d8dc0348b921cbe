import * as path from 'node:path';

/**
 * Stack traces name the file as written, not the name it was transpiled under: a page's scripts are
 * compiled as `page.html.js`, and `.mjs`/`.mts`/`.cjs`/`.cts` files as `.js`/`.ts` (TypeScript keeps an
 * `.mjs` file's ES-module syntax whatever the module setting says). The inline source map names the
 * file the frames map to, so a failure's `(at file:line)` finds the user's file.
 */
export function withSourceName(output: string, file: string): string {
  const marker = '//# sourceMappingURL=data:application/json;base64,';
  const at = output.lastIndexOf(marker);
  if (at < 0) {
    return output;
  }
  const map = JSON.parse(Buffer.from(output.slice(at + marker.length).trim(), 'base64').toString('utf8')) as { sources?: string[]; file?: string };
  map.sources = [path.basename(file)];
  map.file = path.basename(file);
  return `${output.slice(0, at)}${marker}${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}
