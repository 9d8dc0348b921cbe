/**
 * The report page in a real browser (Debian's Chromium through playwright-core), served under the same
 * CSP the webview gets: proves the policy lets our scripts and Chart.js run and blocks nothing we use,
 * that the chart draws every run, and that links and buttons post the right messages. Needs Chromium
 * (CI installs it; set CHROMIUM to another binary) and `npm run build` (copies Chart.js into media/vendor).
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SanityReport } from '../../../src/core/training/protocol';
import type { LiveChartMessage, ReportPageState } from '../../../src/core/training/report/report-html';
import { loadReportPage, REPO, startPageServer, type PageServer } from './page-server';
import { compareReport, hostileReport, nanReport, regressionReport, ROOT, telemetryReport } from './report-fixtures';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHART = path.join(REPO, 'media/vendor/chart.umd.min.js');

const LIVE_RUNS: LiveChartMessage['data']['runs'] = [
  { label: 'BatchNorm (as written)', norm: 'batchNormalization', steps: [1, 2, 3], losses: [2.3, 2.1, null], nanStep: 3 },
  { label: 'RunningBatchNorm (swapped in memory)', norm: 'runningBatchNorm', steps: [1, 2], losses: [2.3, 2.0], nanStep: null },
];

interface Loaded {
  page: Page;
  problems: string[];
  posted: unknown[];
}

describe('report page in Chromium (CSP, chart, messages)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: PageServer;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      this.skip(); // Only where no Chromium is installed; CI installs it (.ci/run).
    }
    assert.ok(existsSync(CHART), 'media/vendor/chart.umd.min.js is missing: run `npm run build` first');
    server = await startPageServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  async function load(state: ReportPageState, width = 1000): Promise<Loaded> {
    return loadReportPage(browser, server, state, width);
  }

  async function chartDatasets(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const Chart = (window as unknown as { Chart?: { getChart(c: unknown): { data: { datasets: { label: string }[] } } | undefined } }).Chart;
      const chart = Chart?.getChart(document.getElementById('loss-chart'));
      return chart ? chart.data.datasets.map((d) => d.label) : [];
    });
  }

  const cases: [string, SanityReport, string[]][] = [
    ['NaN case', nanReport, ['BatchNorm (as written)', 'NaN/Inf at step 42']],
    [
      'compare case',
      compareReport,
      ['BatchNorm (as written)', 'BatchNorm (as written), per step', 'RunningBatchNorm (swapped in memory)', 'RunningBatchNorm (swapped in memory), per step'],
    ],
    ['hostile strings', hostileReport, ['BatchNorm (as written)', 'NaN/Inf at step 3']],
  ];
  for (const [name, report, datasets] of cases) {
    it(`${name}: loads with no CSP violation or script error and charts every run`, async () => {
      const { page, problems } = await load({ kind: 'report', report });
      try {
        assert.deepEqual(await chartDatasets(page), datasets);
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
      }
    });
  }

  it('the source link and the buttons post typed messages', async () => {
    const { page, posted, problems } = await load({ kind: 'report', report: nanReport });
    try {
      await page.click('a.source-link >> nth=0');
      await page.click('[data-action=compare]');
      await page.click('[data-action=showLog]');
      for (let i = 0; i < 50 && posted.length < 4; i++) {
        await page.waitForTimeout(20);
      }
      assert.deepEqual(posted, [
        { type: 'ready' },
        { type: 'openSource', file: `${ROOT}/src/model.ts`, line: 17 },
        { type: 'action', action: 'compare' },
        { type: 'action', action: 'showLog' },
      ]);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  it('running page: draws live curves from posted messages and offers Cancel', async () => {
    const { page, posted, problems } = await load({ kind: 'running', model: 'createModel', file: `${ROOT}/src/model.ts`, compare: true, steps: 300, batchSize: 8 });
    try {
      assert.deepEqual(await chartDatasets(page), [], 'empty until the first progress');
      assert.equal(await page.locator('.chart-box').isHidden(), true, 'no axis for steps that have not run');
      const live = (runs: number, status: string): LiveChartMessage => ({
        type: 'live',
        status,
        data: {
          task: null,
          maxStep: 300,
          runs: LIVE_RUNS.slice(0, runs),
        },
      });
      await page.evaluate((m) => window.postMessage(m, '*'), live(1, 'BatchNorm: step 3 of 300'));
      await page.waitForFunction(() => document.getElementById('live-status')?.textContent === 'BatchNorm: step 3 of 300');
      await page.waitForTimeout(50);
      assert.deepEqual(await chartDatasets(page), ['BatchNorm (as written)', 'NaN/Inf at step 3']);
      assert.equal(await page.evaluate(() => {
        const Chart = (window as unknown as { Chart: { getChart(c: unknown): { scales: { x: { max: number } } } } }).Chart;
        return Chart.getChart(document.getElementById('loss-chart')).scales.x.max;
      }), 3, 'the x axis ends at the last step that ran, not at the planned 300');
      await page.evaluate((m) => window.postMessage(m, '*'), live(2, 'RunningBatchNorm: step 2 of 300'));
      await page.waitForFunction(() => document.getElementById('live-status')?.textContent === 'RunningBatchNorm: step 2 of 300');
      await page.waitForTimeout(50);
      assert.deepEqual(await chartDatasets(page), ['BatchNorm (as written)', 'NaN/Inf at step 3', 'RunningBatchNorm (swapped in memory)']);
      await page.click('[data-action=cancel]');
      for (let i = 0; i < 50 && posted.length < 2; i++) {
        await page.waitForTimeout(20);
      }
      assert.deepEqual(posted, [{ type: 'ready' }, { type: 'action', action: 'cancel' }]);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  it('error page: no chart, no script error, its buttons post their place in the list', async () => {
    const { page, problems, posted } = await load({ kind: 'error', reason: 'timeout', message: 'no step within 60 s', actions: ['Run Again', 'Run Again with 2× Budget'] });
    try {
      assert.deepEqual(await chartDatasets(page), []);
      assert.equal(await page.locator('[role=alert] h2').textContent(), 'Sanity-train ran out of time');
      await page.click('text=Run Again with 2× Budget');
      await page.click('[data-action=showLog]');
      for (let i = 0; i < 50 && posted.length < 3; i++) {
        await page.waitForTimeout(20);
      }
      assert.deepEqual(posted, [{ type: 'ready' }, { type: 'action', action: 'recover', index: 1 }, { type: 'action', action: 'showLog' }]);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  /** Per layer chart of a run: dataset labels and border widths, and its axes' ranges. */
  async function layerChart(page: Page, id: string): Promise<{ labels: string[]; widths: number[]; xMin: number; xMax: number; yType: string } | null> {
    return page.evaluate((canvasId) => {
      type Chart = { data: { datasets: { label: string; borderWidth: number }[] }; scales: { x: { min: number; max: number }; y: { type: string } } };
      const chart = (window as unknown as { Chart: { getChart(c: unknown): Chart | undefined } }).Chart.getChart(document.getElementById(canvasId));
      return chart ? { labels: chart.data.datasets.map((d) => d.label), widths: chart.data.datasets.map((d) => d.borderWidth), xMin: chart.scales.x.min, xMax: chart.scales.x.max, yType: chart.scales.y.type } : null;
    }, id);
  }

  it('telemetry: per-layer mean, std and gradient charts for both runs, heatmaps drawn, the NaN layer highlighted', async () => {
    const { page, problems, posted } = await load({ kind: 'report', report: telemetryReport });
    try {
      const layers = ['conv2d_1 (Conv2D)', 'batch_normalization_1 (BatchNormalization)', 'flatten_1 (Flatten)', 'dense_1 (Dense)'];
      const mean0 = await layerChart(page, 'layer-mean-0');
      assert.deepEqual(mean0?.labels, layers);
      assert.deepEqual(mean0?.widths, [1.5, 3.5, 1.5, 1.5], 'the layer where the NaN started is drawn thick');
      assert.deepEqual([mean0?.xMin, mean0?.xMax], [1, 41], 'the x axis covers the sampled steps that ran');
      const std1 = await layerChart(page, 'layer-std-1');
      assert.deepEqual(std1?.widths, [1.5, 1.5, 1.5, 1.5], 'the healthy run highlights nothing');
      assert.deepEqual([std1?.xMin, std1?.xMax], [1, 299]);
      const grad0 = await layerChart(page, 'layer-grad-0');
      assert.equal(grad0?.yType, 'logarithmic');
      assert.deepEqual(grad0?.labels, ['conv2d_1 (Conv2D)', 'batch_normalization_1 (BatchNormalization)', 'dense_1 (Dense)'], 'a layer without weights has no gradient line');
      // Each heatmap drew more than its background: count distinct pixel colours.
      const colours = await page.evaluate(() =>
        Array.from(document.querySelectorAll('canvas.heatmap-canvas')).map((c) => {
          const canvas = c as HTMLCanvasElement;
          const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
          const seen = new Set<number>();
          for (let i = 0; i < pixels.length; i += 16) {
            seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
          }
          return seen.size;
        }),
      );
      assert.equal(colours.length, 2, 'one heatmap per run for the normalisation layer');
      assert.ok(colours.every((n) => n > 10), `heatmaps drawn: ${colours.join(', ')} colours`);
      assert.equal(await page.locator('.layer-run[data-run="0"] .heatmap.highlighted figcaption').count(), 1);
      assert.match((await page.locator('.layer-run[data-run="0"] .layer-list li.highlighted').textContent()) ?? '', /batch_normalization_1.*NaN\/Inf first seen here at step 41/);
      await page.click('.layer-run[data-run="1"] .layer-list a.source-link >> nth=0');
      for (let i = 0; i < 50 && posted.length < 2; i++) {
        await page.waitForTimeout(20);
      }
      assert.deepEqual(posted[1], { type: 'openSource', file: `${ROOT}/models/net.js`, line: 5 });
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  // 500 px: a side column (tables become lists); 800 px: just above that breakpoint, the tables must fit as tables.
  const widths = [500, 800];
  for (const [name, report] of [['telemetry', telemetryReport], ['NaN', nanReport], ['compare', compareReport], ['regression', regressionReport], ['hostile', hostileReport]] as const) {
    for (const width of widths) {
      it(`${name} report at ${width} px: no table scrolls sideways, the page does not either`, async () => {
        const { page, problems } = await load({ kind: 'report', report }, width);
        try {
          const overflow = await page.evaluate(() =>
            [document.documentElement, ...Array.from(document.querySelectorAll('.table-scroll, table'))]
              .filter((e) => e.scrollWidth > e.clientWidth)
              .map((e) => `${e.tagName}.${e.className}: ${e.scrollWidth} > ${e.clientWidth}`),
          );
          assert.deepEqual(overflow, []);
          assert.deepEqual(problems, []);
        } finally {
          await page.close();
        }
      });
    }
  }
});
