/**
 * The HTML side of converting a browser script that uses the global `tf`: the converted calls need the
 * layer's browser script (`running-batch-norm.browser.js`), which must run after tfjs and before the
 * converted file. Pure: pages in, text edits out. A small careful scanner instead of a full parser:
 * comments, quoted attributes (with `>` inside), inline scripts and styles are skipped correctly, and
 * everything else in the page stays byte for byte.
 */
import * as path from 'node:path';
import type { TextEdit } from './types';
import { htmlElements } from '../analysis/page/html-elements';

/** The file name of the layer's browser script (layer/vendor.ts, flavour `script`). */
export const LAYER_SCRIPT_NAME = 'running-batch-norm.browser.js';

/** Text that calls the layer through the global `tf` (a page's other scripts keep the tag for it). */
export const USES_LAYER_SCRIPT = /\.runningBatchNorm\s*\(|\.RunningBatchNorm\b/;

export interface ScriptTag {
  /** Offsets of the whole element, `<script …>` to `</script>` (or the end of the open tag if unclosed). */
  start: number;
  end: number;
  src?: string;
}

export interface HtmlPage {
  /** Absolute path. */
  path: string;
  text: string;
}

export interface PageEdits {
  path: string;
  edits: TextEdit[];
}

/** A converted file no page of the workspace loads: the tag to add by hand, and where. */
export interface UnloadedScript {
  file: string;
  tag: string;
  message: string;
}

/** Every `<script>` element of a page, in document order. */
export function scriptTags(html: string): ScriptTag[] {
  const tags: ScriptTag[] = [];
  for (const element of htmlElements(html)) {
    if (element.name === 'script') {
      const src = element.attributes.find((a) => a.name === 'src');
      // An unclosed script ends where its open tag does (its "body" would be the rest of the page).
      const end = element.bodyEnd === html.length ? element.openEnd : element.end;
      tags.push({ start: element.start, end, ...(src ? { src: src.value } : {}) });
    }
  }
  return tags;
}

/** The tfjs bundle itself (a CDN URL or a local copy), not tfjs-vis, a backend or a model package. */
export function isTfjsScriptSrc(src: string): boolean {
  const clean = src.split(/[?#]/)[0]!;
  // A vendored copy may carry its version: tf-0.12.5.js, tfjs-1.7.4.min.js.
  return /@tensorflow\/tfjs(@[\w.^~-]+)?(\/dist\/tf(\.min|\.es2017)?(\.min)?\.js)?\/?$/.test(clean) || /(^|\/)tf(\.min|\.es2017)?(\.min)?\.js$/.test(clean) || /(^|\/)tf(js)?[-@]v?\d+(\.\d+)*(\.min)?\.js$/.test(clean);
}

/** The file a `src` names, seen from a page (site-absolute `/x.js` from `siteRoot`); undefined for URLs. */
export function resolveScriptSrc(src: string, pagePath: string, siteRoot: string): string | undefined {
  const fromTemplate = templateStaticName(src);
  if (fromTemplate !== undefined) {
    return path.join(templateStaticRoot(pagePath), fromTemplate);
  }
  if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(src)) {
    return undefined;
  }
  let clean = src.split(/[?#]/)[0]!;
  try {
    clean = decodeURI(clean);
  } catch {
    // a malformed escape: use the name as written
  }
  return clean.startsWith('/') ? path.join(siteRoot, clean) : path.resolve(path.dirname(pagePath), clean);
}

/**
 * A server template's static URL: Flask's `{{ url_for('static', filename='js/ML.js') }}` or Django's
 * `{% static 'js/ML.js' %}`: the file's name in the static folder, else undefined.
 */
function templateStaticName(src: string): string | undefined {
  const text = src.trim();
  const flask = /^\{\{\s*url_for\(\s*(['"])static\1\s*,\s*filename\s*=\s*(['"])([^'"]+)\2\s*\)\s*\}\}$/.exec(text);
  const django = /^\{%\s*static\s+(['"])([^'"]+)\1\s*%\}$/.exec(text);
  return flask?.[3] ?? django?.[2];
}

/** The frameworks' default layout: the `static` folder beside the `templates` folder that holds the page (else beside the page). */
function templateStaticRoot(pagePath: string): string {
  const parts = path.resolve(pagePath).split(path.sep);
  const templates = parts.lastIndexOf('templates');
  return path.join(templates > 0 ? parts.slice(0, templates).join(path.sep) || path.sep : path.dirname(path.resolve(pagePath)), 'static');
}

/** The layer's `src` as the page writes the converted file's: the same template URL where it uses one, else a relative path. */
function layerSrc(pagePath: string, fileSrc: string | undefined, layerFile: string): string {
  const name = fileSrc === undefined ? undefined : templateStaticName(fileSrc);
  if (name === undefined) {
    return relativeSrc(pagePath, layerFile);
  }
  return fileSrc!.replace(name, path.relative(templateStaticRoot(pagePath), layerFile).split(path.sep).join('/'));
}

/** `<script src="…">`, in single quotes when the src holds double ones (a template's `url_for("static", …)`). */
function scriptTag(src: string): string {
  return src.includes('"') ? `<script src='${src}'></script>` : `<script src="${src}"></script>`;
}

/** `src` for `target` as a page in `pagePath`'s folder writes it. */
function relativeSrc(pagePath: string, target: string): string {
  return path.relative(path.dirname(pagePath), target).split(path.sep).join('/');
}

/**
 * The edits that load the layer's browser script in every page that loads a converted file: one
 * `<script src="…running-batch-norm.browser.js"></script>` right after the tfjs tag (else right before
 * the first converted file's tag), on its own line with the tfjs tag's indent. Pages that already load
 * the layer are left alone. Converted files that no page loads come back in `unloaded`.
 */
export function addLayerScriptTags(pages: readonly HtmlPage[], converted: readonly { file: string; layerFile: string }[], siteRoot: string): { pages: PageEdits[]; unloaded: UnloadedScript[] } {
  const out = new Map<string, PageEdits>();
  const loadedSomewhere = new Set<string>();
  for (const page of pages) {
    const tags = scriptTags(page.text);
    const resolved = tags.map((t) => (t.src === undefined ? undefined : resolveScriptSrc(t.src, page.path, siteRoot)));
    for (const { file, layerFile } of converted) {
      const fileIndex = resolved.indexOf(file);
      if (fileIndex < 0) {
        continue;
      }
      loadedSomewhere.add(file);
      const tag = scriptTag(layerSrc(page.path, tags[fileIndex]!.src, layerFile));
      if (resolved.includes(layerFile) || out.get(page.path)?.edits.some((e) => e.newText.includes(tag))) {
        continue;
      }
      const tfjsIndex = tags.slice(0, fileIndex).map((t) => t.src !== undefined && isTfjsScriptSrc(t.src)).lastIndexOf(true);
      const edit = tfjsIndex >= 0 ? insertAfter(page.text, tags[tfjsIndex]!, tag) : insertBefore(page.text, tags[fileIndex]!, tag);
      out.set(page.path, { path: page.path, edits: [...(out.get(page.path)?.edits ?? []), edit] });
    }
  }
  const unloaded = converted
    .filter((c) => !loadedSomewhere.has(c.file))
    .map(({ file, layerFile }) => {
      const tag = `<script src="${relativeSrc(file, layerFile)}"></script>`;
      const name = path.basename(file);
      return { file, tag, message: `No HTML page in the workspace loads ${name}: add ${tag} right after the tfjs <script> tag, before the one that loads ${name}, in the page that uses it (src relative to a page next to ${name}).` };
    });
  return { pages: [...out.values()], unloaded };
}

/**
 * The edits that remove the layer's tag again (revert) from the pages that load a reverted file, unless
 * the page also loads a file in `stillUsing` (another script that calls tf.runningBatchNorm).
 */
export function removeLayerScriptTags(pages: readonly HtmlPage[], reverted: readonly { file: string; layerFile?: string }[], stillUsing: ReadonlySet<string>, siteRoot: string): PageEdits[] {
  const out: PageEdits[] = [];
  for (const page of pages) {
    const tags = scriptTags(page.text);
    const resolved = tags.map((t) => (t.src === undefined ? undefined : resolveScriptSrc(t.src, page.path, siteRoot)));
    if (resolved.some((r) => r !== undefined && stillUsing.has(r))) {
      continue;
    }
    const loading = reverted.filter((r) => resolved.includes(r.file));
    // Without a known layer file: any `running-batch-norm.browser.js` the page loads.
    const isLayer = (file: string): boolean => loading.some((r) => (r.layerFile ? r.layerFile === file : path.basename(file) === LAYER_SCRIPT_NAME));
    const edits = tags.filter((_, i) => resolved[i] !== undefined && isLayer(resolved[i]!)).map((t) => removeTag(page.text, t));
    if (edits.length > 0) {
      out.push({ path: page.path, edits });
    }
  }
  return out;
}

function lineBounds(text: string, tag: ScriptTag): { lineStart: number; indent: string; newline: string } {
  const lineStart = text.lastIndexOf('\n', tag.start - 1) + 1;
  const before = text.slice(lineStart, tag.start);
  return { lineStart, indent: /^[ \t]*$/.test(before) ? before : '', newline: text.includes('\r\n') ? '\r\n' : '\n' };
}

function insertAfter(text: string, tag: ScriptTag, newTag: string): TextEdit {
  const { indent, newline } = lineBounds(text, tag);
  return { start: tag.end, end: tag.end, newText: `${newline}${indent}${newTag}` };
}

function insertBefore(text: string, tag: ScriptTag, newTag: string): TextEdit {
  const { indent, newline } = lineBounds(text, tag);
  return { start: tag.start, end: tag.start, newText: `${newTag}${newline}${indent}` };
}

/** Removes a tag, with the line break and indent before it when it starts its line (as inserted). */
function removeTag(text: string, tag: ScriptTag): TextEdit {
  const { lineStart } = lineBounds(text, tag);
  if (!/^[ \t]*$/.test(text.slice(lineStart, tag.start))) {
    return { start: tag.start, end: tag.end, newText: '' };
  }
  if (lineStart === 0) {
    const rest = /^\r?\n[ \t]*/.exec(text.slice(tag.end));
    return { start: 0, end: tag.end + (rest?.[0].length ?? 0), newText: '' };
  }
  const prevBreak = text[lineStart - 2] === '\r' ? 2 : 1;
  return { start: lineStart - prevBreak, end: tag.end, newText: '' };
}
