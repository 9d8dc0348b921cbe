// Real-editor test of sanity-train: in code-server (VS Code 1.96 in headless Chromium), open a tfjs model
// file, click its "Sanity-train" CodeLens, wait for the report panel and its verdict, accept the proposed
// arguments of a factory with parameters, follow the panel's source link back into the editor, and
// screenshot the panel and the argument box for the README.
// Usage: node sanity-lens.ui.mjs <base-url> <workspace-dir> <extension-dir> <out-dir>
// The extension loads as a development extension through the workbench's `payload` query, or, with
// <extension-dir> '-', is the one installed in code-server (run-e2e.sh installs the packaged .vsix).
import { openUiSession } from './ui-session.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [base, wsDir, extDir, outDir] = process.argv.slice(2);
const T = Number(process.env.E2E_TIMEOUT_MS || 120_000);

const authority = new URL(base).host;
const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${extDir}`]];
const url = `${base}/?folder=${encodeURIComponent(wsDir)}${extDir === '-' ? '' : `&payload=${encodeURIComponent(JSON.stringify(payload))}`}`;

const { page, log, step, finish } = await openUiSession({ name: 'sanity', outDir, viewport: { width: 1600, height: 1000 } });
if (process.env.E2E_VERBOSE) {
  page.on('console', (m) => log('[console]', m.type(), m.text().slice(0, 300)));
}

/** The report page lives two iframes deep: the webview host frame, then its active content frame. */
function reportFrame() {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

const editorOf = (file) => page.locator(`.monaco-editor[data-uri$="/${file}"]`).first();

async function openFile(file, text) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first();
  await row.waitFor({ timeout: T });
  await row.click();
  await editorOf(file).locator('.view-lines', { hasText: text }).waitFor({ timeout: T });
}

/** Clicks a lens of `file` (the nth with that title) once the development extension has provided it. */
async function clickLens(file, title, nth = 0) {
  const lens = editorOf(file).locator('.codelens-decoration a', { hasText: title }).nth(nth);
  await lens.waitFor({ timeout: T });
  await lens.click();
}

/** Closes VS Code's own notifications (e.g. its new-theme tip) so they do not cover screenshots. */
async function dismissNotifications() {
  for (const toast of await page.locator('.notification-toast').all()) {
    await toast.hover().catch(() => {});
    await toast.locator('.codicon-notifications-clear').click({ timeout: 1000 }).catch(() => {});
  }
}

/** Waits for the report page to show `verdict`; returns the page's frame. */
async function waitForReport(model, verdict) {
  await page.locator('.tab', { hasText: `Sanity-train: ${model}` }).first().waitFor({ timeout: T });
  const frame = reportFrame();
  await frame.locator('.verdict h2', { hasText: verdict }).waitFor({ timeout: T });
  await frame.locator('canvas#loss-chart').waitFor({ timeout: 5000 });
  return frame;
}

await step('workbench loads and healthy.ts opens', async () => {
  await page.goto(url, { timeout: T });
  await page.locator('.monaco-workbench').waitFor({ timeout: T });
  await openFile('healthy.ts', 'tf.sequential');
});

await step('the "Sanity-train" lens trains the model and the panel shows a clean report', async () => {
  await editorOf('healthy.ts').locator('.codelens-decoration a', { hasText: 'Compare BatchNorm vs RunningBatchNorm' }).first().waitFor({ timeout: T });
  await clickLens('healthy.ts', 'Sanity-train');
  const frame = await waitForReport('buildModel', 'Trains cleanly');
  const rows = await frame.locator('.runs tbody tr').count();
  if (rows !== 1) {
    throw new Error(`expected one run, got ${rows}`);
  }
  log(`backend: ${await frame.locator('.setup dd code').first().textContent()}`);
});

await step('a factory with parameters: its lens proposes the call found in the package, Enter runs it', async () => {
  await openFile('q-network.js', 'createQNetwork');
  await clickLens('q-network.js', 'Sanity-train');
  const box = page.locator('.quick-input-widget');
  await box.locator('.quick-input-message', { hasText: 'q-network-demo.js' }).waitFor({ timeout: T });
  const input = box.locator('input.input');
  const proposed = await input.inputValue();
  if (proposed.replace(/\s/g, '') !== '[6,6,3]') {
    throw new Error(`expected the arguments of the call in q-network-demo.js, got ${proposed}`);
  }
  log(`argument box: ${proposed} (${await box.locator('.quick-input-message').textContent()})`);
  await dismissNotifications();
  await page.screenshot({ path: path.join(outDir, 'sanity-arguments.png') });
  await input.press('Enter');
  await page.locator('.tab', { hasText: 'Sanity-train: createQNetwork' }).first().waitFor({ timeout: T });
  const frame = reportFrame();
  await frame.locator('.verdict h2').first().waitFor({ timeout: T });
  await frame.locator('header .call', { hasText: 'createQNetwork(6, 6, 3)' }).waitFor({ timeout: 5000 });
  log(`report: ${await frame.locator('.verdict h2').first().textContent()} / ${await frame.locator('header .call').textContent()}`);
  await dismissNotifications();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outDir, 'sanity-arguments-report.png') });
});

await step("a builder of a layer list: the box proposes the package's default of the parameter's type, Enter trains it", async () => {
  await openFile('lab-model.ts', 'buildLabModel');
  await clickLens('lab-model.ts', 'Sanity-train');
  const box = page.locator('.quick-input-widget');
  await box.locator('.quick-input-message', { hasText: 'DEFAULT_LAB_ARCHITECTURE' }).waitFor({ timeout: T });
  const proposed = (await box.locator('input.input').inputValue()).replace(/\s/g, '');
  if (!proposed.startsWith('[{blocks:[{filters:8,batchNorm:true}') || !proposed.endsWith(',10]')) {
    throw new Error(`expected DEFAULT_LAB_ARCHITECTURE and 10 classes, got ${proposed}`);
  }
  log(`argument box: ${proposed} (${await box.locator('.quick-input-message').textContent()})`);
  await dismissNotifications();
  await page.screenshot({ path: path.join(outDir, 'sanity-arguments-constant.png') });
  await box.locator('input.input').press('Enter');
  await page.locator('.tab', { hasText: 'Sanity-train: buildLabModel' }).first().waitFor({ timeout: T });
  const frame = reportFrame();
  await frame.locator('.verdict h2').first().waitFor({ timeout: T });
  log(`report: ${await frame.locator('.verdict h2').first().textContent()} / ${await frame.locator('header .call').textContent()}`);
});

await step("an app's starting state with an empty layer list: the box proposes it with the list filled from the kinds the code handles, Enter trains it", async () => {
  await openFile('network-service.ts', 'compileNetwork');
  await clickLens('network-service.ts', 'Sanity-train');
  const box = page.locator('.quick-input-widget');
  await box.locator('.quick-input-message', { hasText: 'startingNetwork' }).waitFor({ timeout: T });
  const proposed = (await box.locator('input.input').inputValue()).replace(/\s/g, '');
  const kinds = [...proposed.matchAll(/kind:'(\w+)'/g)].map((m) => m[1]).join(',');
  if (kinds !== 'input,dense,batchnorm,dense' || !proposed.includes("training:{loss:'meanSquaredError',learningRate:0.01}")) {
    throw new Error(`expected startingNetwork with the layers input, dense, batchnorm, dense, got ${proposed}`);
  }
  log(`argument box: ${proposed} (${await box.locator('.quick-input-message').textContent()})`);
  await dismissNotifications();
  await page.screenshot({ path: path.join(outDir, 'sanity-arguments-layer-list.png') });
  await box.locator('input.input').press('Enter');
  await page.locator('.tab', { hasText: 'Sanity-train: NetworkService.compileNetwork' }).first().waitFor({ timeout: T });
  const frame = reportFrame();
  await frame.locator('.verdict h2').first().waitFor({ timeout: T });
  log(`report: ${await frame.locator('.verdict h2').first().textContent()} / ${await frame.locator('header .call').textContent()}`);
});

await step('the "Compare" lens trains both flavours on MNIST into the same panel', async () => {
  await openFile('mnist-cnn.ts', 'conv2d');
  await clickLens('mnist-cnn.ts', 'Compare BatchNorm vs RunningBatchNorm');
  // While it trains, the panel draws the loss curves live from the worker's progress.
  await reportFrame().locator('#live-status', { hasText: /step \d+ of 300/ }).waitFor({ timeout: T });
  await page.screenshot({ path: path.join(outDir, 'sanity-live.png') });
  const frame = await waitForReport('createModel', 'Trains cleanly');
  // The comparison across paired seeds: a verdict with its interval, never a bare single-seed number.
  await frame.locator('.comparison', { hasText: /(No clear difference between RunningBatchNorm and BatchNorm|RunningBatchNorm is (better|worse) than BatchNorm).*interval/ }).waitFor({ timeout: 5000 });
  const rows = await frame.locator('.runs tbody tr').count();
  const panels = await page.locator('.tab', { hasText: /Sanity-train/ }).count();
  if (rows !== 2 || panels !== 1) {
    throw new Error(`expected 2 runs in 1 panel, got ${rows} runs in ${panels} panels`);
  }
  log(await frame.locator('.comparison').textContent());
  await dismissNotifications();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outDir, 'sanity-panel.png') });
  // Telemetry: the per-layer charts of both runs, side by side, drawn by the page's layer script.
  const layers = frame.locator('section.layers');
  await layers.waitFor({ timeout: 5000 });
  const charts = await frame.locator('canvas.layer-chart').count();
  const heatmaps = await frame.locator('canvas.heatmap-canvas').count();
  if (charts !== 6 || heatmaps !== 2) {
    throw new Error(`expected 6 per-layer charts and 2 heatmaps (mean, std, gradient and the BatchNorm histogram per run), got ${charts} and ${heatmaps}`);
  }
  // Drawn, not just laid out: the layer script (shipped in the .vsix) made a Chart.js chart of each canvas.
  const drawn = await frame.locator('canvas.layer-chart').evaluateAll((canvases) => canvases.filter((c) => window.Chart && window.Chart.getChart(c)).length);
  if (drawn !== charts) {
    throw new Error(`only ${drawn} of ${charts} per-layer charts were drawn (is media/report-layers.js in the package?)`);
  }
  // The panel's group widened (a double-click on its tab), so both runs' charts sit side by side as on a wide screen.
  const tab = page.locator('.tab', { hasText: 'Sanity-train: createModel' }).first();
  await tab.dblclick();
  await page.waitForTimeout(1000);
  await frame.locator('.layer-runs h3').first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(outDir, 'sanity-layers.png') });
  await tab.dblclick();
  await page.waitForTimeout(500);
  log(`per-layer charts: ${charts}, heatmaps: ${heatmaps}`);
});

await step('a NaN finding names the layer and its link opens the source line', async () => {
  await openFile('exploding.ts', 'tf.sequential');
  await clickLens('exploding.ts', 'Sanity-train');
  const frame = await waitForReport('buildModel', 'NaN/Inf found');
  const link = frame.locator('.verdict a.source-link').first();
  const line = Number(await link.getAttribute('data-line'));
  await page.screenshot({ path: path.join(outDir, 'sanity-nan.png') });
  await link.click();
  await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col`) }).first().waitFor({ timeout: T });
  log(`source link opened exploding.ts at line ${line}`);
});

/**
 * Runs `body` with workspace settings in .vscode/settings.json, removed afterwards, then clicks `tab`
 * so the next file opens in the first editor group, not behind the panel.
 */
async function withWorkspaceSettings(settings, tab, body) {
  const settingsDir = path.join(wsDir, '.vscode');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify(settings));
  try {
    await body();
  } finally {
    fs.rmSync(settingsDir, { recursive: true, force: true });
    await page.waitForTimeout(2000);
    await page.locator('.editor-group-container').first().locator('.tab', { hasText: tab }).click();
  }
}

/**
 * The editor reads a new settings file a moment after it is written, and a run that started before
 * runs with the old settings: clicks the nth "Sanity-train" lens of `file` until `shown` appears.
 */
async function clickLensUntil(file, nth, shown, never) {
  for (let attempt = 0; ; attempt++) {
    await page.waitForTimeout(2000);
    await clickLens(file, 'Sanity-train', nth);
    if (await shown.waitFor({ timeout: 30_000 }).then(() => true, () => false)) {
      return;
    }
    if (attempt === 5) {
      throw new Error(never);
    }
  }
}

await step('a run the time budget cuts short: "Run Again with 2× Budget" in the panel runs it again with twice the budget', async () => {
  // Workspace settings that no run fits: 100,000 steps in 4 s.
  await withWorkspaceSettings({ 'runningBatchNorm.sanity.steps': 100000, 'runningBatchNorm.sanity.timeBudgetSeconds': 4 }, 'healthy.ts', async () => {
    await openFile('healthy.ts', 'tf.sequential');
    const frame = reportFrame();
    const longer = frame.locator('button[data-action=rerunLonger]', { hasText: 'Run Again with 2× Budget' });
    await clickLensUntil('healthy.ts', 0, longer, 'no run was cut short: the workspace settings were never read');
    await frame.locator('.notes li', { hasText: /of 100000 steps in the 4 s budget/ }).waitFor({ timeout: 5000 });
    await frame.locator('.caveat', { hasText: 'Run Again with 2× Budget' }).waitFor({ timeout: 5000 });
    await longer.click();
    await frame.locator('.notes li', { hasText: /of 100000 steps in the 8 s budget/ }).waitFor({ timeout: T });
    log(await frame.locator('.notes li', { hasText: /budget/ }).first().textContent());
  });
});

await step('a model too large for the memory cap: "Run Again with Smaller Input" runs it with the input its constructor set halved', async () => {
  // 12.6 M weights (a 128×128×3 image flattened into a dense layer) do not fit an 800 MB cap; halved, they do.
  await withWorkspaceSettings({ 'runningBatchNorm.sanity.maxMemoryMb': 800 }, 'batch-fit.ts', async () => {
    await openFile('batch-fit.ts', 'FlatImageClassifier');
    const frame = reportFrame();
    const smaller = frame.locator('nav.actions button[data-action=recover]', { hasText: 'Run Again with Smaller Input' });
    await clickLensUntil('batch-fit.ts', 1, smaller, 'the model never failed for memory: the workspace settings were never read');
    const message = (await frame.locator('pre.message').textContent()) ?? '';
    if (!/comes from this\.inputShape/.test(message) || !/Run Again with Smaller Input/.test(message)) {
      throw new Error(`the failure does not name this.inputShape and the button: ${message.slice(0, 600)}`);
    }
    const offered = await frame.locator('nav.actions button[data-action=recover]').allTextContents();
    if (offered.join('|') !== 'Run Again with Smaller Input|Run Again') {
      throw new Error(`the failure page offers ${JSON.stringify(offered)} (not a smaller batch: one example does not fit)`);
    }
    await dismissNotifications();
    await page.screenshot({ path: path.join(outDir, 'sanity-smaller-input.png') });
    await smaller.click();
    // The failure page and the live page have a verdict heading too: the report is there once its call line is.
    const call = (await frame.locator('header .call').textContent({ timeout: T })) ?? '';
    if (!/this\.inputShape = \[64, ?64, ?3\] \(input halved to 64×64×3 to fit\)/.test(call)) {
      throw new Error(`the run again did not use the halved input: ${call}`);
    }
    log(`run again: ${await frame.locator('.verdict h2').first().textContent()} / ${call}`);
  });
});

await step('Cancel in the panel stops a factory that never returns', async () => {
  await openFile('failing.ts', 'hangs');
  await clickLens('failing.ts', 'Sanity-train', 1); // throws, hangs, spins: the second factory
  await page.locator('.tab', { hasText: 'Sanity-training: hangs' }).first().waitFor({ timeout: T });
  const cancel = reportFrame().locator('button[data-action=cancel]');
  await cancel.waitFor({ timeout: T });
  await cancel.click();
  await reportFrame().locator('h1', { hasText: 'Sanity-train stopped' }).waitFor({ timeout: 15_000 });
  // The stopped page's Run Again runs the same builder again, with no argument box in the way.
  await reportFrame().locator('nav.actions button[data-action=recover]', { hasText: 'Run Again' }).click();
  await reportFrame().locator('h1', { hasText: 'Sanity-training hangs' }).waitFor({ timeout: T });
  await reportFrame().locator('button[data-action=cancel]').click();
  await reportFrame().locator('h1', { hasText: 'Sanity-train stopped' }).waitFor({ timeout: 15_000 });
});

await step('Cancel in the progress notification stops a factory stuck in a loop', async () => {
  await clickLens('failing.ts', 'Sanity-train', 2);
  const toast = page.locator('.notification-toast', { hasText: 'Sanity-training spins' }).first();
  await toast.waitFor({ timeout: T });
  await toast.hover();
  await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
  await reportFrame().locator('h1', { hasText: 'Sanity-train stopped' }).waitFor({ timeout: 15_000 });
});

await finish();
