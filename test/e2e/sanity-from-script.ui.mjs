// Real-editor test of "Sanity-Train from Script…": in code-server (VS Code 1.96 in headless Chromium),
// open a training script of a package, run the command from the palette, pick the package's "train"
// script in the quick pick, and wait for the report panel to show the captured model trained on the
// program's own examples. Screenshots the quick pick and the report.
// Usage: node sanity-from-script.ui.mjs <base-url> <workspace-dir> <extension-dir> <out-dir>
// (<extension-dir> '-': the extension installed in code-server, as run-e2e.sh does with the .vsix).
import { openUiSession } from './ui-session.mjs';
import path from 'node:path';

const [base, wsDir, extDir, outDir] = process.argv.slice(2);
const T = Number(process.env.E2E_TIMEOUT_MS || 120_000);

const authority = new URL(base).host;
const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${extDir}`]];
const url = `${base}/?folder=${encodeURIComponent(wsDir)}${extDir === '-' ? '' : `&payload=${encodeURIComponent(JSON.stringify(payload))}`}`;

const { page, log, step, finish } = await openUiSession({ name: 'sanity-from-script', outDir, viewport: { width: 1600, height: 1000 } });

function reportFrame() {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

async function dismissNotifications() {
  for (const toast of await page.locator('.notification-toast').all()) {
    await toast.hover().catch(() => {});
    await toast.locator('.codicon-notifications-clear').click({ timeout: 1000 }).catch(() => {});
  }
}

await step('workbench loads and capture/train.js opens', async () => {
  await page.goto(url, { timeout: T });
  await page.locator('.monaco-workbench').waitFor({ timeout: T });
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'capture' }).first();
  await folder.waitFor({ timeout: T });
  await folder.click();
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'train.js' }).first();
  await row.waitFor({ timeout: T });
  await row.click();
  await page.locator('.monaco-editor[data-uri$="/capture/train.js"] .view-lines', { hasText: 'model.fit' }).waitFor({ timeout: T });
});

await step('"Sanity-Train from Script…" from the palette offers the package scripts; picking "npm run train" runs it', async () => {
  const title = 'RunningBatchNorm: Sanity-Train from Script…';
  // The extension registers its commands a few seconds after the workbench shows: retry the palette.
  for (let i = 0; ; i++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ timeout: T });
    await input.fill(`>${title}`);
    const found = await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Sanity-Train from Script' }).first().waitFor({ timeout: 5000 }).then(() => true, () => false);
    if (found) {
      break;
    }
    if (i > 10) {
      throw new Error('the command never showed in the palette');
    }
  }
  await page.keyboard.press('Enter');
  const script = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'npm run train' }).first();
  await script.waitFor({ timeout: T });
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Enter a command' }).first().waitFor({ timeout: 5000 });
  await dismissNotifications();
  await page.screenshot({ path: path.join(outDir, 'sanity-from-script-pick.png') });
  await script.click();
});

await step('the report panel shows the captured model, trained on the program\'s own examples', async () => {
  await page.locator('.tab', { hasText: 'Sanity-train: buildModel' }).first().waitFor({ timeout: T });
  const frame = reportFrame();
  await frame.locator('.verdict h2').first().waitFor({ timeout: T });
  const data = frame.locator('.setup dd', { hasText: "the program's own examples" }).first();
  await data.waitFor({ timeout: 5000 });
  const text = await data.textContent();
  if (!/500 from its fit\(\) at .*train\.js:31 \(`npm run train`\), the last 100 held out/.test(text)) {
    throw new Error(`unexpected data line: ${text}`);
  }
  log(`verdict: ${await frame.locator('.verdict h2').first().textContent()}; data: ${text}`);
  await dismissNotifications();
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(outDir, 'sanity-from-script.png') });
});

await finish();
