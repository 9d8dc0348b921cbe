/**
 * The HTML pages a conversion of browser scripts touches, read from disk (CLI) and planned with the
 * pure functions of core/refactor/html-pages.ts: tags to add after converting, to remove after
 * reverting, and the message for a converted file that no page loads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addLayerScriptTags, LAYER_SCRIPT_NAME, removeLayerScriptTags, resolveScriptSrc, scriptTags, USES_LAYER_SCRIPT, type HtmlPage, type PageEdits, type UnloadedScript } from '../refactor/html-pages';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'build', 'out', 'coverage']);
const MAX_PAGES = 2000;
const MAX_PAGE_BYTES = 2 * 1024 * 1024;

/** Every .html/.htm page under `root` (not in node_modules, build output or dot folders). */
export function findHtmlPages(root: string): HtmlPage[] {
  const pages: HtmlPage[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: no pages from it
    }
    for (const e of entries) {
      if (pages.length >= MAX_PAGES) {
        return;
      }
      const full = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIPPED_FOLDERS.has(e.name)) {
        walk(full);
      } else if (e.isFile() && /\.html?$/i.test(e.name)) {
        const text = readSmall(full);
        if (text !== undefined) {
          pages.push({ path: full, text });
        }
      }
    }
  };
  walk(root);
  return pages;
}

function readSmall(file: string): string | undefined {
  try {
    return fs.statSync(file).size <= MAX_PAGE_BYTES ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** The page edits for converted (`add`) or reverted (`remove`) browser scripts. */
export function planHtmlPages(pages: readonly HtmlPage[], direction: 'add' | 'remove', files: readonly { file: string; layerFile?: string }[], siteRoot: string): { pages: PageEdits[]; unloaded: UnloadedScript[] } {
  if (files.length === 0) {
    return { pages: [], unloaded: [] };
  }
  if (direction === 'add') {
    return addLayerScriptTags(pages, files.map((f) => ({ file: f.file, layerFile: f.layerFile ?? '' })), siteRoot);
  }
  const reverted = new Set(files.map((f) => f.file));
  return { pages: removeLayerScriptTags(pages, files, otherUsers(pages, reverted, siteRoot), siteRoot), unloaded: [] };
}

/** Scripts the pages load that still call the layer through the global `tf` (not the reverted ones). */
function otherUsers(pages: readonly HtmlPage[], reverted: ReadonlySet<string>, siteRoot: string): Set<string> {
  const users = new Set<string>();
  for (const page of pages) {
    for (const tag of scriptTags(page.text)) {
      const file = tag.src === undefined ? undefined : resolveScriptSrc(tag.src, page.path, siteRoot);
      if (file && !reverted.has(file) && !users.has(file) && path.basename(file) !== LAYER_SCRIPT_NAME && USES_LAYER_SCRIPT.test(readSmall(file) ?? '')) {
        users.add(file);
      }
    }
  }
  return users;
}
