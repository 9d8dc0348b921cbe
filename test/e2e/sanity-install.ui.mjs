// Real-editor test of the INSTALLED .vsix in a project cloned but never installed (test/fixtures/install):
// its model reads its layer sizes from a package its package.json lists. The "Sanity-train" lens fails
// naming the project's install; the notification and the panel's failure page both offer "Run npm install and
// Train Again"; the panel's button runs it in a terminal and trains again, and the panel shows a report.
// Usage: node sanity-install.ui.mjs <base-url> <workspace-dir> <out-dir>
import { openUiSession, openWorkspaceFile } from './ui-session.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [base, wsDir, outDir] = process.argv.slice(2);
const T = Number(process.env.E2E_TIMEOUT_MS || 180_000);
const FILE = 'tabular-model.js';
const MODEL = 'buildTabularModel';
const BUTTON = 'Run npm install and Train Again';

const { page, log, step, finish } = await openUiSession({ name: 'sanity-install', outDir, viewport: { width: 1600, height: 1000 } });
const editor = page.locator(`.monaco-editor[data-uri$="/${FILE}"]`).first();
const report = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

await step(`workbench loads and ${FILE} opens`, async () => {
  await openWorkspaceFile(page, { base, wsDir, file: FILE, waitForText: 'batchNormalization', timeout: T });
});

await step('a package the project lists but never installed: the failure names the install and offers it', async () => {
  if (fs.existsSync(path.join(wsDir, 'node_modules'))) {
    throw new Error('the workspace has node_modules before the test: nothing would be missing');
  }
  const lens = editor.locator('.codelens-decoration a', { hasText: 'Sanity-train' }).first();
  await lens.waitFor({ timeout: T });
  await lens.click();
  const toast = page.locator('.notification-toast', { hasText: `Sanity-train of ${MODEL}` }).first();
  await toast.waitFor({ timeout: T });
  log(`notification: ${(await toast.locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' ')}`);
  await toast.locator('.monaco-button', { hasText: BUTTON }).waitFor({ timeout: 5000 });
  // The panel's failure page offers the same install first, then Run Again.
  const offered = report.locator('nav.actions button[data-action=recover]');
  await offered.first().waitFor({ timeout: T });
  const titles = await offered.allTextContents();
  log(`failure page buttons: ${titles.join(' | ')}`);
  if (titles.join('|') !== `${BUTTON}|Run Again`) {
    throw new Error(`the failure page offers ${JSON.stringify(titles)}`);
  }
  await page.screenshot({ path: path.join(outDir, 'sanity-install-offer.png') });
  await report.locator('nav.actions button', { hasText: BUTTON }).click({ timeout: 5000 });
});

await step('the install runs in a terminal, then the model trains and the panel shows its report', async () => {
  // The panel still shows the first run's error until the run after the install replaces it.
  const installed = path.join(wsDir, 'node_modules', 'rbn-fixture-layer-sizes', 'index.js');
  const deadline = Date.now() + T;
  while (!fs.existsSync(installed)) {
    if (Date.now() > deadline) {
      throw new Error('npm install did not install the package into the workspace');
    }
    await page.waitForTimeout(500);
  }
  log('npm install put the package into node_modules');
  await report.locator('section.runs').first().waitFor({ timeout: T });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outDir, 'sanity-install-report.png') });
  log(`verdict: ${(await report.locator('.verdict h2').textContent())?.trim()}`);
});

await finish();
