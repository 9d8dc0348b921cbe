// Real-editor test of the graph view: in code-server (VS Code 1.96 in headless Chromium) with the
// installed .vsix, sanity-train a functional model with a residual branch from its lens, find the graph
// in the report panel (drawn by the packaged media/report-graph.js and its bundled layout), check the
// residual add has its two inbound edges, click a layer's node and check the editor lands on the line
// that built that layer; and while a longer run trains, check the running page colours the graph and
// draws the per-layer charts live. Screenshots the panel with the graph.
// Usage: node sanity-graph.ui.mjs <base-url> <workspace-dir> <out-dir>
import { openUiSession } from './ui-session.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [base, wsDir, outDir] = process.argv.slice(2);
const T = Number(process.env.E2E_TIMEOUT_MS || 120_000);
const FILE = 'residual.ts';

const { page, log, step, finish } = await openUiSession({ name: 'sanity-graph', outDir, viewport: { width: 1600, height: 1000 } });
if (process.env.E2E_VERBOSE) {
  page.on('console', (m) => log('[console]', m.type(), m.text().slice(0, 300)));
}

const reportFrame = () => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
const editorOf = (file) => page.locator(`.monaco-editor[data-uri$="/${file}"]`).first();

/** The 1-based line of the call that builds the layer named `name` in the fixture (read from the file, not assumed). */
function lineOf(name) {
  const lines = fs.readFileSync(path.join(wsDir, FILE), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(`name: '${name}'`));
  if (index < 0) {
    throw new Error(`${FILE} builds no layer named ${name}`);
  }
  return index + 1;
}

await step('workbench loads and residual.ts opens', async () => {
  await page.goto(`${base}/?folder=${encodeURIComponent(wsDir)}`, { timeout: T });
  await page.locator('.monaco-workbench').waitFor({ timeout: T });
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).first();
  await row.waitFor({ timeout: T });
  await row.click();
  await editorOf(FILE).locator('.view-lines', { hasText: 'tf.model' }).waitFor({ timeout: T });
});

await step('sanity-train from the lens: the report panel draws the graph, the add with both inbound edges', async () => {
  const lens = editorOf(FILE).locator('.codelens-decoration a', { hasText: 'Sanity-train' }).first();
  await lens.waitFor({ timeout: T });
  await lens.click();
  await page.locator('.tab', { hasText: 'Sanity-train: buildResidual' }).first().waitFor({ timeout: T });
  const frame = reportFrame();
  await frame.locator('.verdict h2').first().waitFor({ timeout: T });
  await frame.locator('#graph-canvas svg .graph-node').first().waitFor({ timeout: 10_000 });
  const nodes = await frame.locator('#graph-canvas .graph-node').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-node')));
  const expected = ['features', 'stem', 'branch', 'branch_bn', 'residual', 'classes'];
  if (JSON.stringify(nodes) !== JSON.stringify(expected)) {
    throw new Error(`graph nodes ${JSON.stringify(nodes)}, expected ${JSON.stringify(expected)}`);
  }
  // Two arrows end on the residual add's top edge (its node's box), one from the stem and one from the branch.
  const into = await frame.locator('#graph-canvas').evaluate((canvas) => {
    const rect = canvas.querySelector('.graph-node[data-node="residual"] rect');
    const x = Number(rect.getAttribute('x'));
    const y = Number(rect.getAttribute('y'));
    const w = Number(rect.getAttribute('width'));
    return Array.from(canvas.querySelectorAll('path[marker-end]')).filter((p) => {
      const end = p.getAttribute('d').split(' ').pop().slice(1).split(',').map(Number);
      return Math.abs(end[1] - y) < 0.5 && end[0] >= x && end[0] <= x + w;
    }).length;
  });
  if (into !== 2) {
    throw new Error(`expected 2 edges into the residual add, got ${into}`);
  }
  await frame.locator('#graph-view').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(outDir, 'sanity-graph.png') });
  log(`graph: ${nodes.length} nodes, ${into} edges into the add`);
});

await step('clicking a layer in the graph opens the line that built it', async () => {
  const line = lineOf('branch_bn');
  await reportFrame().locator('#graph-canvas .graph-node[data-node="branch_bn"] rect').click();
  await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col`) }).first().waitFor({ timeout: T });
  const active = await page.locator('.tab.active').first().textContent();
  if (!active?.includes(FILE)) {
    throw new Error(`the active editor is ${active}, not ${FILE}`);
  }
  log(`graph node branch_bn opened ${FILE} at line ${line}`);
});

await step('while a longer run trains (Compare on MNIST), the running page draws the graph and the per-layer charts live', async () => {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'mnist-cnn.ts' }).first();
  await row.click();
  await editorOf('mnist-cnn.ts').locator('.view-lines', { hasText: 'conv2d' }).waitFor({ timeout: T });
  const lens = editorOf('mnist-cnn.ts').locator('.codelens-decoration a', { hasText: 'Compare BatchNorm vs RunningBatchNorm' }).first();
  await lens.waitFor({ timeout: T });
  await lens.click();
  await page.locator('.tab', { hasText: 'Sanity-training: createModel' }).first().waitFor({ timeout: T });
  // Both at once: still the running page (its live status) and already a coloured graph and per-layer lines.
  const frame = reportFrame();
  await frame.locator('#live-status').waitFor({ timeout: T });
  const seen = await frame.locator('body').evaluate(
    (body, timeout) =>
      new Promise((resolve) => {
        const started = Date.now();
        const check = () => {
          const running = body.querySelector('#live-status') !== null;
          const coloured = Array.from(body.querySelectorAll('#graph-canvas .graph-node rect')).filter((r) => r.getAttribute('fill')?.startsWith('rgb(')).length;
          const chart = window.Chart?.getChart(body.querySelector('#layer-std-0'));
          const lines = chart ? chart.data.datasets.length : 0;
          if (!running || (coloured > 0 && lines > 0) || Date.now() - started > timeout) {
            resolve({ running, coloured, lines, step: body.querySelector('#graph-step-text')?.textContent });
            return;
          }
          setTimeout(check, 200);
        };
        check();
      }),
    T,
  );
  if (!seen.running || seen.coloured === 0 || seen.lines === 0) {
    throw new Error(`expected a coloured graph and per-layer lines while training, got ${JSON.stringify(seen)}`);
  }
  await frame.locator('#graph-view').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(outDir, 'sanity-graph-live.png') });
  log(`live: ${seen.coloured} coloured layers and ${seen.lines} lines at step ${seen.step} while training`);
  await page.locator('.tab', { hasText: 'Sanity-train: createModel' }).first().waitFor({ timeout: T });
});

await finish();
