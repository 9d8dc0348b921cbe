// Real-editor test of sanity-train: in code-server (VS Code 1.96 in headless Chromium), open a tfjs model
// file, click its "Sanity-train" CodeLens, wait for the report panel and its verdict, follow the panel's
// source link back into the editor, and screenshot the panel for the README.
// Usage: node sanity-lens.ui.mjs <base-url> <workspace-dir> <extension-dir> <out-dir>
// The extension loads as a development extension through the workbench's `payload` query (no .vsix needed).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [base, wsDir, extDir, outDir] = process.argv.slice(2);
const T = Number(process.env.E2E_TIMEOUT_MS || 120_000);
const FILE = process.env.SANITY_FILE || 'healthy.ts';
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
let passed = 0;
let failed = 0;

const authority = new URL(base).host;
const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${extDir}`]];
const url = `${base}/?folder=${encodeURIComponent(wsDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

fs.mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
page.on('pageerror', (e) => log('[pageerror]', e.message));
if (process.env.E2E_VERBOSE) {
  page.on('console', (m) => log('[console]', m.type(), m.text().slice(0, 300)));
}

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    log(`PASS ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    log(`FAIL ${name}: ${e.stack || e}`);
    await page.screenshot({ path: path.join(outDir, `sanity-fail-${passed + failed}.png`) }).catch(() => {});
    await page.keyboard.press('Escape').catch(() => {});
  }
}

/** The report page lives two iframes deep: the webview host frame, then its active content frame. */
function reportFrame() {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

const editor = page.locator(`.monaco-editor[data-uri$="${FILE}"]`).first();

await step(`workbench loads and ${FILE} opens`, async () => {
  await page.goto(url, { timeout: T });
  await page.locator('.monaco-workbench').waitFor({ timeout: T });
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).first();
  await row.waitFor({ timeout: T });
  await row.click();
  await editor.locator('.view-lines', { hasText: 'tf.sequential' }).waitFor({ timeout: T });
});

await step('the "Sanity-train" CodeLens appears above the factory and runs it', async () => {
  // Lenses come once the development extension has activated (a few seconds on a busy machine).
  const lens = editor.locator('.codelens-decoration a', { hasText: 'Sanity-train' }).first();
  await lens.waitFor({ timeout: T });
  await editor.locator('.codelens-decoration a', { hasText: 'Compare BatchNorm vs RunningBatchNorm' }).first().waitFor({ timeout: T });
  await lens.click();
});

await step('the report panel opens and shows the verdict, the chart and the runs', async () => {
  await page.locator('.tab', { hasText: /Sanity-train(ing)?: buildModel/ }).first().waitFor({ timeout: T });
  const frame = reportFrame();
  await frame.locator('.verdict h2', { hasText: /Trains cleanly|NaN\/Inf found|Exploding weights/ }).waitFor({ timeout: T });
  await frame.locator('table tbody tr').first().waitFor({ timeout: 5000 });
  await frame.locator('canvas#loss-chart').waitFor({ timeout: 5000 });
  const backend = await frame.locator('.setup dd code').first().textContent();
  log(`report shown; backend ${backend}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(outDir, 'sanity-panel.png') });
});

if (process.env.SANITY_SOURCE_LINK) {
  await step('the NaN finding links back to the source line', async () => {
    const link = reportFrame().locator('a.source-link').first();
    const line = Number(await link.getAttribute('data-line'));
    await link.click();
    await page.locator('.editor-group-container .tab.active', { hasText: FILE }).first().waitFor({ timeout: T });
    await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col`) }).first().waitFor({ timeout: T });
  });
}

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
