// Real-editor test of the INSTALLED .vsix in a workspace that has its own @tensorflow/tfjs: the "Compare
// BatchNorm vs RunningBatchNorm" lens of a fashion-MNIST-sized CNN must train both runs on the workspace's
// tfjs with the bundled wasm backend. Logs the steps and seconds of each run; asserts no time (the machine
// is shared and noisy), only that both runs did the same steps and that a cut below 300 says so.
// Usage: node sanity-own-tfjs.ui.mjs <base-url> <workspace-dir> <out-dir>
import { openUiSession, openWorkspaceFile } from './ui-session.mjs';
import path from 'node:path';

const [base, wsDir, outDir] = process.argv.slice(2);
const T = Number(process.env.E2E_TIMEOUT_MS || 180_000);
const FILE = 'fashion-cnn.ts';
const MODEL = 'buildFashionCnn';
const STEPS_ASKED = 300; // the default of runningBatchNorm.sanity.steps

const { page, log, step, finish } = await openUiSession({ name: 'sanity-own-tfjs', outDir, viewport: { width: 1600, height: 1000 } });
const editor = page.locator(`.monaco-editor[data-uri$="/${FILE}"]`).first();
/** The report page lives two iframes deep: the webview host frame, then its active content frame. */
const report = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

await step(`workbench loads and ${FILE} opens`, async () => {
  await openWorkspaceFile(page, { base, wsDir, file: FILE, waitForText: 'conv2d', timeout: T });
});

await step("Compare on the workspace's own tfjs: wasm, two runs of the same steps, no error", async () => {
  const lens = editor.locator('.codelens-decoration a', { hasText: 'Compare BatchNorm vs RunningBatchNorm' }).first();
  await lens.waitFor({ timeout: T });
  const clicked = Date.now();
  await lens.click();
  await page.locator('.tab', { hasText: `Sanity-train: ${MODEL}` }).first().waitFor({ timeout: T });
  // The finished page: either the report (its runs table) or the error page.
  await report.locator('section.runs, .verdict-error').first().waitFor({ timeout: T });
  const wallSeconds = (Date.now() - clicked) / 1000;
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outDir, 'sanity-own-tfjs.png') });
  if ((await report.locator('.verdict-error').count()) > 0) {
    throw new Error(`the panel shows an error: ${(await report.locator('.verdict-error').innerText()).replace(/\s+/g, ' ')}`);
  }
  const backend = (await report.locator('.setup dd code').first().textContent())?.trim();
  const tfjs = (await report.locator('.setup dt:text-is("tfjs") + dd').textContent())?.trim() ?? '';
  log(`backend: ${backend}; tfjs: ${tfjs}; verdict: ${(await report.locator('.verdict h2').textContent())?.trim()}`);
  if (backend !== 'wasm' || !tfjs.includes('your workspace')) {
    throw new Error(`expected backend wasm on the workspace's tfjs, got backend ${backend}, tfjs ${tfjs}`);
  }
  const runs = await runsOfTable();
  for (const r of runs) {
    log(`run ${r.label}: ${r.steps} steps at ${r.stepsPerSecond} steps/s = ${(r.steps / r.stepsPerSecond).toFixed(1)} s of training`);
  }
  log(`click to finished report: ${wallSeconds.toFixed(1)} s`);
  if (runs.length !== 2 || runs[0].steps !== runs[1].steps || !(runs[0].steps > 0)) {
    throw new Error(`expected 2 runs of the same steps, got ${JSON.stringify(runs)}`);
  }
  if (runs[0].steps < STEPS_ASKED) {
    const caveat = (await report.locator('.verdict .caveat').textContent().catch(() => '')) ?? '';
    log(`cut by the budget: ${caveat}`);
    if (!caveat.includes(`the time budget allowed ${runs[0].steps} of ${STEPS_ASKED} steps`)) {
      throw new Error(`${runs[0].steps} of ${STEPS_ASKED} steps ran but the panel does not say the budget cut them (caveat: ${caveat})`);
    }
  }
});

/** Each row of the panel's runs table: its label, steps and steps per second. */
async function runsOfTable() {
  return report.locator('.runs tbody tr').evaluateAll((rows) =>
    rows.map((tr) => {
      const cell = (label) => tr.querySelector(`td[data-label="${label}"]`)?.textContent ?? '';
      return { label: tr.querySelector('th')?.textContent ?? '', steps: Number(cell('Steps')), stepsPerSecond: Number(cell('Steps/s').replace(/[^0-9.]/g, '')) };
    }),
  );
}

await finish();
