/**
 * Shared by the browser tests of the report page: a local server for the page (an HTML string the test
 * sets) and for media/, as the webview serves them, and a page opened the way VS Code opens a webview
 * (acquireVsCodeApi reduced to postMessage, CSP violations and script errors collected).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { renderReportPage, type ReportPageState } from '../../../src/core/training/report/report-html';
import { GRAPH_SCRIPTS } from '../../../src/core/training/report/report-graph';
import { ROOT } from './report-fixtures';

export const REPO = path.resolve(__dirname, '../../..');

export interface PageServer {
  origin: string;
  /** The HTML that /page.html serves next. */
  html: string;
  close(): void;
}

export async function startPageServer(): Promise<PageServer> {
  const state = { html: '' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/page.html') {
      res.setHeader('content-type', 'text/html');
      res.end(state.html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.statusCode = 204; // The browser asks for it; a webview does not.
      res.end();
      return;
    }
    const file = path.join(REPO, path.normalize(url.pathname));
    if (!file.startsWith(path.join(REPO, 'media')) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', file.endsWith('.css') ? 'text/css' : 'text/javascript');
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    get html() {
      return state.html;
    },
    set html(value: string) {
      state.html = value;
    },
    close: () => server.close(),
  };
}

export interface LoadedPage {
  page: Page;
  problems: string[];
  posted: unknown[];
}

/**
 * Renders `state` as the panel would (with the graph scripts when `graph`), opens it at `width` px and
 * waits for it to load; `initScript` runs before the page's own scripts.
 */
export async function loadReportPage(browser: Browser, server: PageServer, state: ReportPageState, width: number, options: { graph?: boolean; initScript?: string } = {}): Promise<LoadedPage> {
  const { origin } = server;
  server.html = renderReportPage(
    state,
    {
      cspSource: origin,
      nonce: 'dGVzdC1ub25jZQ==',
      styleUri: `${origin}/media/report.css`,
      scriptUri: `${origin}/media/report.js`,
      chartUri: `${origin}/media/vendor/chart.umd.min.js`,
      layersScriptUri: `${origin}/media/report-layers.js`,
      ...(options.graph ? { graphScriptUris: GRAPH_SCRIPTS.map((file) => `${origin}/media/${file}`), graphLayoutUri: `${origin}/media/vendor/graph-layout.js` } : {}),
    },
    [ROOT],
  );
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  const posted: unknown[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') {
      problems.push(`console: ${m.text()}`);
    }
  });
  await page.exposeFunction('__post', (m: unknown) => posted.push(m));
  // What VS Code injects into a webview, reduced to the one call the page makes.
  // (A string, not a function: tsx would wrap a function's inner helpers in its own `__name` calls.)
  await page.addInitScript(`
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__post(m) });
    document.addEventListener('securitypolicyviolation', (e) => console.error('CSP blocked ' + e.violatedDirective + ': ' + e.blockedURI));
    ${options.initScript ?? ''}
  `);
  await page.goto(`${origin}/page.html`);
  await page.waitForLoadState('load');
  return { page, problems, posted };
}
