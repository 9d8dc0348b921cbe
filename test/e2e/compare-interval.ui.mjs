// Real-editor test of a Compare's result: click "Compare BatchNorm vs RunningBatchNorm" above a small model
// in code-server, wait for the report, and check that the panel shows the comparison with its 90% interval
// and one dot per paired seed (bold only when the interval excludes zero); screenshot it for the docs.
// Asserts no time (the machine is shared): only what the panel says.
// Usage: node compare-interval.ui.mjs <base-url> <workspace-dir> <out-dir> [file] [model]
import { openUiSession, openWorkspaceFile } from './ui-session.mjs';
import path from 'node:path';

const [base, wsDir, outDir, FILE = 'healthy.ts', MODEL = 'buildModel'] = process.argv.slice(2);
const T = Number(process.env.E2E_TIMEOUT_MS || 180_000);

const { page, log, step, finish } = await openUiSession({ name: 'compare-interval', outDir, viewport: { width: 1500, height: 1000 } });
const editor = page.locator(`.monaco-editor[data-uri$="/${FILE}"]`).first();
/** The report page lives two iframes deep: the webview host frame, then its active content frame. */
const report = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

await step(`workbench loads and ${FILE} opens`, async () => {
  await openWorkspaceFile(page, { base, wsDir, file: FILE, waitForText: 'batchNormalization', timeout: T });
});

await step('Compare: the panel says the interval, shows a dot per paired seed, and is bold only when the interval excludes zero', async () => {
  const lens = editor.locator('.codelens-decoration a', { hasText: 'Compare BatchNorm vs RunningBatchNorm' }).first();
  await lens.waitFor({ timeout: T });
  const clicked = Date.now();
  await lens.click();
  await page.locator('.tab', { hasText: `Sanity-train: ${MODEL}` }).first().waitFor({ timeout: T });
  await report.locator('section.runs, .verdict-error').first().waitFor({ timeout: T });
  log(`click to report: ${((Date.now() - clicked) / 1000).toFixed(1)} s`);
  if ((await report.locator('.verdict-error').count()) > 0) {
    throw new Error(`the panel shows an error: ${(await report.locator('.verdict-error').innerText()).replace(/\s+/g, ' ')}`);
  }
  const sentence = (await report.locator('.verdict p.comparison').textContent())?.trim() ?? '';
  const unclear = await report.locator('.verdict p.comparison.unclear').count();
  const dots = await report.locator('svg.comparison-strip circle.strip-seed').count();
  const caption = (await report.locator('.comparison-figure figcaption').textContent())?.trim() ?? '';
  log(`comparison: ${sentence}`);
  log(`strip: ${dots} seed dot(s); ${caption}`);
  if (!/90% interval/.test(sentence)) {
    throw new Error(`the comparison does not give its interval: "${sentence}"`);
  }
  if (/^No clear difference/.test(sentence) !== (unclear === 1)) {
    throw new Error(`"${sentence}" is ${unclear ? 'plain' : 'bold'}`);
  }
  const seeds = /(\d+) paired seeds/.exec(sentence)?.[1] ?? (/one seed/.test(sentence) ? '1' : undefined);
  if (seeds === undefined || Number(seeds) !== dots) {
    throw new Error(`the sentence names ${seeds} seed(s) and the strip has ${dots} dot(s)`);
  }
  // The strip in view with the verdict above it, the editor beside: what a user sees.
  await report.locator('.verdict').scrollIntoViewIfNeeded();
  await page.locator('.notification-toast .codicon-notifications-clear').first().click({ timeout: 1000 }).catch(() => {});
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(outDir, 'compare-interval.png') });
});

await finish();
