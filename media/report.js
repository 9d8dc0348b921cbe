// The sanity-train report page's script: loss chart (Chart.js, bundled in media/vendor) and the links
// and buttons, which post messages to the extension (inline handlers would break the CSP).
/* global Element, MutationObserver */
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  /** @type {any} */
  let chart;
  /** The chart's input: from the page's JSON block, then (while training) from 'live' messages. */
  let data = readData();
  const liveStatus = document.getElementById('live-status');
  let drawPending = false;

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('.source-link, [data-action]') : null;
    if (!target) {
      return;
    }
    event.preventDefault();
    if (target.classList.contains('source-link')) {
      vscode.postMessage({ type: 'openSource', file: target.getAttribute('data-file'), line: Number(target.getAttribute('data-line')) });
    } else {
      const index = target.getAttribute('data-index');
      vscode.postMessage(index === null ? { type: 'action', action: target.getAttribute('data-action') } : { type: 'action', action: target.getAttribute('data-action'), index: Number(index) });
    }
  });

  function cssVar(name, fallback) {
    const value = window.getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  /** '#rrggbb' / '#rgb' / 'rgb(…)' with an alpha; other colour syntaxes unchanged. */
  function withAlpha(color, alpha) {
    const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color);
    if (hex) {
      const h = hex[1].length === 3 ? hex[1].replace(/./g, '$&$&') : hex[1];
      const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
      return `rgba(${r}, ${g}, ${b}, ${alpha})`;
    }
    const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(color);
    return rgb ? `rgba(${rgb[1]},${rgb[2]},${rgb[3]}, ${alpha})` : color;
  }

  /** Debiased exponential moving average (as TensorBoard smooths), keeping gaps where the loss was not finite. */
  function smooth(losses, beta) {
    let average = 0;
    let seen = 0;
    return losses.map((loss) => {
      if (loss === null) {
        return null;
      }
      seen += 1;
      average = beta * average + (1 - beta) * loss;
      return average / (1 - Math.pow(beta, seen));
    });
  }

  function showFallback(text) {
    const fallback = document.getElementById('chart-fallback');
    const box = document.querySelector('.chart-box');
    if (fallback) {
      fallback.textContent = text;
      fallback.hidden = false;
    }
    if (box) {
      box.hidden = true;
    }
  }

  function datasetsFor(chartData) {
    const palette = {
      batchNormalization: cssVar('--vscode-charts-orange', '#d18616'),
      runningBatchNorm: cssVar('--vscode-charts-blue', '#3794ff'),
      none: cssVar('--vscode-charts-purple', '#b180d7'),
    };
    const datasets = [];
    // Chart.js draws lower `order` on top: NaN markers, then the smoothed curves (the later run above the
    // earlier, so near-identical curves still show both colours), then the faint per-step losses.
    const runCount = chartData.runs.length;
    for (const [index, run] of chartData.runs.entries()) {
      const color = palette[run.norm] || palette.none;
      const beta = run.losses.length >= 50 ? 0.9 : 0;
      const points = (values) => values.map((y, i) => ({ x: run.steps[i], y }));
      // A short run (one that hit NaN early) would be an invisible line without its points.
      const pointRadius = run.losses.length < 30 ? 3 : 0;
      datasets.push({ label: run.label, order: 1 + runCount - index, data: points(smooth(run.losses, beta)), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius, spanGaps: false });
      if (beta > 0) {
        datasets.push({ label: `${run.label}, per step`, raw: true, order: 10, data: points(run.losses), borderColor: withAlpha(color, 0.25), borderWidth: 1, pointRadius: 0, spanGaps: false });
      }
      if (run.nanStep !== null) {
        const finite = run.losses.filter((l) => l !== null);
        const error = cssVar('--vscode-errorForeground', '#f14c4c');
        datasets.push({
          type: 'scatter',
          order: 0,
          label: `NaN/Inf at step ${run.nanStep}`,
          data: [{ x: run.nanStep, y: finite.length > 0 ? finite[finite.length - 1] : 1 }],
          pointStyle: 'crossRot',
          pointRadius: 9,
          pointBorderWidth: 3,
          borderColor: error,
          backgroundColor: error,
        });
      }
    }
    return datasets;
  }

  function yScaleType(chartData) {
    const finite = chartData.runs.flatMap((r) => r.losses).filter((l) => l !== null && Number.isFinite(l));
    if (finite.length === 0 || finite.some((l) => l <= 0)) {
      return 'linear';
    }
    return Math.max(...finite) / Math.min(...finite) > 100 ? 'logarithmic' : 'linear';
  }

  /** Axis labels: powers of ten as 1e+N on a log axis (Chart.js would print 1.0E31), plain numbers otherwise. */
  function formatTick(value, index, ticks) {
    if (this.type !== 'logarithmic') {
      return window.Chart.Ticks.formatters.numeric.call(this, value, index, ticks);
    }
    const exponent = Math.log10(value);
    return Math.abs(exponent - Math.round(exponent)) < 1e-9 ? (Math.abs(exponent) < 4 ? String(value) : `1e${exponent >= 0 ? '+' : ''}${Math.round(exponent)}`) : '';
  }

  function readData() {
    const block = document.getElementById('report-data');
    return block ? JSON.parse(block.textContent || '{"runs":[]}') : undefined;
  }

  /** The x axis covers the steps that ran, never the planned ones still to come. */
  function stepRange(chartData) {
    const steps = chartData.runs.flatMap((r) => r.steps);
    return steps.length === 0 ? null : { min: Math.min(...steps), max: Math.max(Math.max(...steps), Math.min(...steps) + 1) };
  }

  /** Draws the chart; `rebuild` recreates it (theme change) instead of updating it in place (live data). */
  function draw(rebuild) {
    const canvas = document.getElementById('loss-chart');
    if (!data || !canvas) {
      return;
    }
    if (!liveStatus && !data.runs.some((r) => r.losses.length > 0)) {
      showFallback('No loss curve was recorded for this run.');
      return;
    }
    const steps = stepRange(data);
    const box = document.querySelector('.chart-box');
    // Until the first step there is nothing to draw: no chart at all rather than an empty, made-up axis.
    if (box) {
      box.hidden = steps === null;
    }
    if (steps === null) {
      return;
    }
    const Chart = window.Chart;
    if (typeof Chart !== 'function') {
      showFallback('The chart library did not load; the numbers below are complete.');
      return;
    }
    if (chart && !rebuild) {
      chart.data.datasets = datasetsFor(data);
      chart.options.scales.y.type = yScaleType(data);
      chart.options.scales.y.ticks.callback = formatTick;
      chart.options.scales.x.min = steps.min;
      chart.options.scales.x.max = steps.max;
      chart.update('none');
      return;
    }
    const foreground = cssVar('--vscode-foreground', '#cccccc');
    const grid = withAlpha(cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808059')), 0.5);
    Chart.defaults.color = foreground;
    Chart.defaults.borderColor = grid;
    Chart.defaults.font.family = cssVar('--vscode-font-family', 'sans-serif');
    chart?.destroy();
    chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: datasetsFor(data) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', bounds: 'data', min: steps.min, max: steps.max, title: { display: true, text: 'step' }, ticks: { precision: 0 } },
          y: { type: yScaleType(data), title: { display: true, text: 'training loss' }, ticks: { callback: formatTick } },
        },
        plugins: {
          legend: { labels: { filter: (item, chartData) => !chartData.datasets[item.datasetIndex].raw, sort: (a, b) => a.datasetIndex - b.datasetIndex } },
          tooltip: { filter: (item) => !item.dataset.raw },
        },
      },
    });
  }

  // While training, the extension posts the curves so far; draw once per frame however fast they come.
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || message.type !== 'live' || !liveStatus) {
      return;
    }
    data = message.data;
    liveStatus.textContent = message.status;
    if (!drawPending) {
      drawPending = true;
      window.requestAnimationFrame(() => {
        drawPending = false;
        draw(false);
      });
    }
  });

  draw(true);
  // VS Code swaps the body's theme class (and the CSS variables) when the colour theme changes.
  new MutationObserver(() => draw(true)).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  // A page that was hidden and shown again is a new page: ask for the curves so far.
  vscode.postMessage({ type: 'ready' });
})();
