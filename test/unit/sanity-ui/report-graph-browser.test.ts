/**
 * The graph view in a real browser (Debian's Chromium through playwright-core), served under the
 * webview's CSP as report-page-browser.test.ts does: the layout bundle and report-graph.js draw every
 * layer, the NaN origin and the exploding layer are marked, hover shows the numbers and a sparkline,
 * a click posts the layer's source line, the statistic and the step change the colours, a running page
 * draws the graph from live messages. Saves media/screenshots/graph-500.png and graph-1000.png.
 * Needs Chromium and `npm run build` (media/vendor/graph-layout.js).
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LiveChartMessage, ReportPageState } from '../../../src/core/training/report/report-html';
import { GraphLiveRuns } from '../../../src/core/training/report/report-graph';
import { loadReportPage, REPO, startPageServer, type LoadedPage, type PageServer } from './page-server';
import { UNET_FILE, unetGraph, unetReport } from './graph-fixtures';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const LAYOUT = path.join(REPO, 'media/vendor/graph-layout.js');

/** A dark theme's variables, as VS Code sets them on the webview's body (set through CSSOM: the CSP forbids inline styles). */
const DARK_THEME: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-font-family': 'system-ui, sans-serif',
  '--vscode-font-size': '13px',
};

describe('graph view in Chromium (layout, colours, hover, click, live)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let server: PageServer;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      this.skip(); // Only where no Chromium is installed; CI installs it.
    }
    assert.ok(existsSync(LAYOUT), 'media/vendor/graph-layout.js is missing: run `npm run build` first');
    server = await startPageServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  async function load(state: ReportPageState, width: number, waitForGraph = true): Promise<LoadedPage> {
    const theme = `document.addEventListener('DOMContentLoaded', () => { for (const [k, v] of Object.entries(${JSON.stringify(DARK_THEME)})) document.body.style.setProperty(k, v); });`;
    const loaded = await loadReportPage(browser, server, state, width, { graph: true, initScript: theme });
    if (waitForGraph) {
      await loaded.page.waitForSelector('#graph-canvas svg');
    }
    return loaded;
  }

  /** Waits until a change has been drawn: the graph redraws on the next animation frame, replacing its nodes. */
  async function drawn(page: Page): Promise<void> {
    await page.evaluate(() => new Promise((resolve) => window.requestAnimationFrame(() => window.requestAnimationFrame(resolve))));
  }

  const fill = (page: Page, node: string) => page.locator(`.graph-node[data-node="${node}"] rect`).getAttribute('fill');

  it('draws every layer of a compared U-Net, the nested model closed, the NaN and the exploding layer marked', async () => {
    const { page, problems } = await load({ kind: 'report', report: unetReport }, 1000);
    try {
      assert.equal(await page.locator('.graph-node').count(), 16);
      assert.equal(await page.locator('#graph-canvas path[marker-end]').count(), 17);
      assert.equal(await page.locator('#graph-run').inputValue(), 'diff', 'two runs: the difference first');
      await page.selectOption('#graph-run', 'run:0');
      await drawn(page);
      assert.match((await page.locator('.graph-node[data-node="up2_conv"]').textContent()) ?? '', /NaN/);
      assert.equal(await page.locator('.graph-node[data-node="up2_conv"] rect').getAttribute('stroke-width'), '3');
      assert.match((await page.locator('.graph-node[data-node="up2_bn"]').textContent()) ?? '', /↑↑/, 'the exploding layer');
      assert.match((await page.locator('.graph-node[data-node="bottleneck"]').textContent()) ?? '', /^▸ bottleneck/);
      await page.locator('.graph-node[data-node="bottleneck"]').scrollIntoViewIfNeeded();
      // Open the nested model from its chevron: its three layers appear inside a labelled box.
      const box = await page.locator('.graph-node[data-node="bottleneck"] rect').boundingBox();
      await page.mouse.click((box?.x ?? 0) + 6, (box?.y ?? 0) + 10);
      await page.waitForSelector('.graph-node[data-node="bottleneck/bottleneck_conv"]');
      assert.equal(await page.locator('.graph-node').count(), 18);
      assert.equal(await page.locator('.graph-group-label').textContent(), '▾ bottleneck');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  it('the statistic and the step change the colours; hover shows the numbers and a sparkline; a click posts the source line', async () => {
    const { page, problems, posted } = await load({ kind: 'report', report: unetReport }, 1000);
    try {
      await page.selectOption('#graph-run', 'run:0');
      await drawn(page);
      const atLast = await fill(page, 'up1_conv');
      await page.locator('#graph-step').fill('0');
      await page.waitForFunction(() => document.getElementById('graph-step-text')?.textContent === '1');
      assert.equal(await page.locator('#graph-latest').isChecked(), false, 'scrubbing leaves the last step');
      assert.notEqual(await fill(page, 'up1_conv'), atLast, 'its std grew over the run');
      const stdFill = await fill(page, 'mask');
      await page.selectOption('#graph-stat', 'nearZero');
      await page.waitForFunction(() => /dead share/.test(document.getElementById('graph-legend')?.textContent ?? ''));
      assert.notEqual(await fill(page, 'mask'), stdFill);
      await page.hover('.graph-node[data-node="down2_bn"] rect');
      const tip = page.locator('#graph-tooltip');
      await tip.waitFor({ state: 'visible' });
      assert.match((await tip.textContent()) ?? '', /down2_bn · BatchNormalization.*output \[batch,16,16,32\] · 128 parameters · line 17/);
      assert.match((await tip.textContent()) ?? '', /dead share5\.4%/, 'the dead share at step 1: 0.05 + 0.004');
      assert.equal(await tip.locator('svg.graph-spark polyline').count(), 1);
      await page.click('.graph-node[data-node="down2_bn"] rect');
      for (let i = 0; i < 50 && posted.length < 2; i++) {
        await page.waitForTimeout(20);
      }
      assert.deepEqual(posted, [{ type: 'ready' }, { type: 'openSource', file: UNET_FILE, line: 17 }]);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  it('difference: a layer the swap renamed (a custom layer dropping its name) still compares, matched by its place in the graph', async () => {
    const rename = (name: string) => (name === 'up1' ? 'up1_copy' : name);
    const swapped = unetReport.runs[1];
    const renamed = {
      ...unetReport,
      runs: [
        unetReport.runs[0],
        {
          ...swapped,
          graph: { nodes: swapped.graph!.nodes.map((n) => ({ ...n, name: rename(n.name) })), edges: swapped.graph!.edges.map(([a, b]): [string, string] => [rename(a), rename(b)]) },
          layers: swapped.layers!.map((l) => ({ ...l, name: rename(l.name) })),
        },
      ],
    };
    const { page, problems } = await load({ kind: 'report', report: renamed }, 1000);
    try {
      assert.equal(await page.locator('#graph-run').inputValue(), 'diff');
      assert.match((await page.locator('.graph-node[data-node="up1"]').textContent()) ?? '', /UpSampling2D×[\d.]+$/);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  it('a running page draws the graph from live messages and follows the latest step', async () => {
    const { page, problems } = await load({ kind: 'running', model: 'unet', file: UNET_FILE, compare: false, steps: 300, batchSize: 8 }, 700, false);
    try {
      assert.equal(await page.locator('#graph-fallback').textContent(), 'The graph appears when the model is built.');
      for (const message of liveMessages()) {
        await page.evaluate((m) => window.postMessage(m, '*'), message);
        await page.waitForFunction((status) => document.getElementById('live-status')?.textContent === status, message.status);
      }
      await page.waitForFunction(() => document.getElementById('graph-step-text')?.textContent === '5');
      assert.equal(await page.locator('.graph-node').count(), 16);
      assert.equal(await page.locator('#graph-latest').isChecked(), true);
      assert.match((await page.locator('.graph-node[data-node="up1_conv"]').textContent()) ?? '', /Conv2D0\.5$/, 'the std at step 5');
      // The per-layer charts below draw from the same stream: one line per layer in the std chart, the steps so far on the x axis.
      await page.waitForFunction(() => {
        const chart = (window as unknown as { Chart?: { getChart(c: unknown): { data: { datasets: unknown[] } } | undefined } }).Chart?.getChart(document.getElementById('layer-std-0'));
        return chart !== undefined && chart.data.datasets.length === 15;
      });
      assert.equal(await page.locator('#live-layers').isVisible(), true);
      assert.equal(await page.locator('#live-layers .layer-run[data-run="0"] h3').textContent(), 'BatchNorm (as written)');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  for (const width of [500, 1000]) {
    it(`screenshot at ${width} px (media/screenshots/graph-${width}.png): the graph fits the width`, async () => {
      const { page, problems } = await load({ kind: 'report', report: unetReport }, width);
      try {
        await page.selectOption('#graph-run', 'run:0');
        await drawn(page);
        if (width >= 1000) {
          // Hovered at its right edge, so the card opens beside the graph rather than over the marked layers.
          const rect = page.locator('.graph-node[data-node="up2_conv"] rect');
          await rect.scrollIntoViewIfNeeded();
          const box = (await rect.boundingBox())!;
          await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
          await page.locator('#graph-tooltip').waitFor({ state: 'visible' });
        }
        const overflow = await page.evaluate(() => {
          const scroll = document.getElementById('graph-canvas')!;
          return scroll.scrollWidth - scroll.clientWidth;
        });
        assert.ok(overflow <= 0, `the graph scrolls sideways by ${overflow} px`);
        await page.locator('#graph-view').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(REPO, `media/screenshots/graph-${width}.png`), fullPage: false, clip: await sectionClip(page) });
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
      }
    });
  }

  async function sectionClip(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
    const box = await page.locator('#graph-view').boundingBox();
    assert.ok(box);
    return { x: 0, y: box.y, width: page.viewportSize()!.width, height: Math.min(box.height, 900 - box.y) };
  }
});

/** The live messages a running page gets: the graph first, then statistics at three sampled steps. */
export function liveMessages(): LiveChartMessage[] {
  const live = new GraphLiveRuns();
  live.add({ type: 'graph', run: 0, norm: 'batchNormalization', graph: unetGraph() });
  const snapshots: LiveChartMessage[] = [];
  for (const step of [1, 3, 5]) {
    live.add({ type: 'layerStats', run: 0, norm: 'batchNormalization', step, layers: unetGraph().nodes.slice(1).map((n) => ({ name: n.name, mean: 0, std: 0.1 * step, nearZero: 0.1, weightNorm: 1, gradNorm: 0.5, nonFinite: 0 })) });
    snapshots.push({ type: 'live', status: `step ${step}`, data: { task: null, maxStep: 300, runs: [] }, graph: live.snapshot() });
  }
  return snapshots;
}
