// Shared by the real-editor UI tests: headless Debian Chromium on one page, a step runner that counts,
// screenshots a failing step and dismisses whatever menu it left open (a leftover menu blocks the next
// step), and the closing line `N passed, N failed` that run-e2e.sh adds up.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/**
 * Opens the browser and returns `{ page, log, step, finish }`; `name` prefixes failure screenshots in `outDir`.
 * `finish()` closes the browser, prints the closing line and exits 0 only if every step passed.
 */
export async function openUiSession({ name, outDir, viewport }) {
  fs.mkdirSync(outDir, { recursive: true });
  const t0 = Date.now();
  const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => log('[pageerror]', e.message));
  let passed = 0;
  let failed = 0;

  async function step(stepName, fn) {
    const started = Date.now();
    try {
      await fn();
      passed++;
      log(`PASS ${stepName} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      log(`FAIL ${stepName}: ${e.stack || e}`);
      await page.screenshot({ path: path.join(outDir, `${name}-fail-${passed + failed}.png`) }).catch(() => {});
      await page.keyboard.press('Escape').catch(() => {});
    }
  }

  async function finish() {
    await browser.close();
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
  }

  return { page, log, step, finish };
}

/**
 * Opens the folder `wsDir` in code-server at `base`, clicks `file` in the explorer and waits until its
 * editor shows `waitForText`; returns that editor's locator.
 */
export async function openWorkspaceFile(page, { base, wsDir, file, waitForText, timeout }) {
  await page.goto(`${base}/?folder=${encodeURIComponent(wsDir)}`, { timeout });
  await page.locator('.monaco-workbench').waitFor({ timeout });
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first();
  await row.waitFor({ timeout });
  await row.click();
  const editor = page.locator(`.monaco-editor[data-uri$="/${file}"]`).first();
  await editor.locator('.view-lines', { hasText: waitForText }).waitFor({ timeout });
  return editor;
}
