/**
 * Headless Chromium for the GPU tests (webgl.test.ts, gpu-backends.test.ts): a page served from
 * http://localhost (a secure context, which WebGPU needs) with one test page script bundled in.
 * Without Chromium the caller's suite is skipped locally and fails when CI=true.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestPage {
  browser: import('playwright-core').Browser;
  page: import('playwright-core').Page;
}

async function bundle(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({ entryPoints: [entry], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'error', target: 'chrome120' });
  return result.outputFiles[0].text;
}

/** Opens the page with `entry` (a .ts file) bundled in, or skips `suite` when Chromium is missing outside CI. */
export async function openTestPage(suite: Mocha.Context, entry: string, args: string[], what: string): Promise<TestPage> {
  if (!fs.existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') {
      throw new Error(`Chromium not found at ${CHROMIUM}: the ${what} tests must run in CI (apt-get install chromium, or set CHROMIUM_PATH)`);
    }
    console.warn(`      skipped: Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH; these tests fail instead when CI=true)`);
    suite.skip();
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('http://localhost/**', (route) => route.fulfill({ body: '<!doctype html><html><body></body></html>', contentType: 'text/html' }));
  await page.goto('http://localhost/');
  await page.addScriptTag({ content: await bundle(entry) });
  assert.deepEqual(errors, []);
  return { browser, page };
}
