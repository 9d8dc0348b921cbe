/** Escaping for the report page's HTML and its inert JSON blocks, and source links (shared by the page's sections). */
import type { SourceLocation } from '../protocol';
import { displayPath } from './report-view';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** JSON that cannot end its `<script>` block or open a comment, whatever strings it holds. */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A link that opens the line that built a layer (report.js posts it); "source line unknown" without one. */
export function sourceLink(source: SourceLocation | null, roots: readonly string[]): string {
  if (!source) {
    return '<span class="muted">source line unknown</span>';
  }
  const text = `${displayPath(source.file, roots)}:${source.line}`;
  return `<a href="#" class="source-link" data-file="${escapeHtml(source.file)}" data-line="${source.line}" title="Open ${escapeHtml(text)}">${escapeHtml(text)}</a>`;
}
