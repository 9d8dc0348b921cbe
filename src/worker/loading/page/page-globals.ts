/**
 * The globals a page's or a Web Worker's script finds in the browser and not in Node: the page's `tf`,
 * `window`/`self`, and a `postMessage` that goes nowhere.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { withoutComments } from '../../../core/analysis/comments';

/**
 * A script for a page's `<script>` tag: it never imports or requires the tfjs package (a commented-out
 * import does not count; a CDN URL of tfjs is the page's tfjs).
 */
export function isBrowserScript(code: string): boolean {
  return !/['"`](npm:\/?)?@tensorflow\/tfjs/.test(withoutComments(code));
}

/** `tf` as the page's global, and the minimal `window`/`self` aliases page scripts reach for. */
export function defineBrowserGlobals(tf: typeof tfjs): void {
  const g = globalThis as Record<string, unknown>;
  g.tf ??= tf;
  g.window ??= globalThis;
  g.self ??= globalThis;
}

/**
 * A Web Worker's script posts its results and logs to the page (`postMessage(line)`, also through a
 * `console` it redefines): in Node there is no page and no global postMessage, so it goes nowhere.
 */
export function answerWorkerMessages(code: string): string[] {
  const g = globalThis as Record<string, unknown>;
  if (!/\bpostMessage\s*\(/.test(code) || typeof g.postMessage === 'function') {
    return [];
  }
  g.postMessage = () => undefined;
  return ['the code posts messages to a page (postMessage, as a Web Worker does): in sanity-train they go nowhere'];
}
