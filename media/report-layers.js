// The report page's "Inside the network" charts (issue 13): per run, one line per layer for the
// activation mean, the activation std and the gradient norm (log scale), and a heatmap per histogram
// layer, all drawn from the page's #layer-data block. The layer where a NaN or an explosion started is
// drawn thick in the error colour, with a dashed marker at its step, in every chart. Links go through
// report.js's click handler (a click on a line clicks that layer's source link in the list).
/* global HTMLElement, ImageData, MutationObserver */
(function () {
  'use strict';
  const block = document.getElementById('layer-data');
  if (!block) {
    return;
  }
  let data = JSON.parse(block.textContent || '{"runs":[]}');
  /** @type {any[]} */
  let charts = [];

  function cssVar(name, fallback) {
    const value = window.getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  /** [r, g, b] of '#rgb', '#rrggbb(aa)' or 'rgb(a)(…)'; null for anything else. */
  function parseColor(color) {
    const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color);
    if (hex) {
      const h = hex[1].length === 3 ? hex[1].replace(/./g, '$&$&') : hex[1];
      return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
    }
    const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(color);
    return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : null;
  }

  /** The theme's chart colours first, then evenly spaced hues for models with many layers. */
  function layerColor(index) {
    const theme = [
      cssVar('--vscode-charts-blue', '#3794ff'),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-green', '#89d185'),
      cssVar('--vscode-charts-purple', '#b180d7'),
      cssVar('--vscode-charts-yellow', '#cca700'),
      '#2fb5b5',
      '#d16d9e',
    ];
    return index < theme.length ? theme[index] : `hsl(${(index * 137.5) % 360}, 60%, 55%)`;
  }

  function errorColor() {
    return cssVar('--vscode-errorForeground', '#f14c4c');
  }

  const SERIES = {
    mean: { key: 'mean', title: 'mean', log: false },
    std: { key: 'std', title: 'std', log: false },
    grad: { key: 'gradNorm', title: 'gradient L2 norm', log: true },
  };

  /** The values one chart shows for a layer; log scales drop zeros (a gradient of exactly 0). */
  function valuesOf(layer, series) {
    const values = layer[series.key] || [];
    return values.map((v) => (v === null || (series.log && v <= 0) ? null : v));
  }

  function valueRange(run, series) {
    let min = Infinity;
    let max = -Infinity;
    for (const layer of run.layers) {
      for (const v of valuesOf(layer, series)) {
        if (v !== null && Number.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    return min === Infinity ? null : { min, max };
  }

  /**
   * The y range of one run's chart: shared by the runs when their spans are alike (side by side, the
   * same height means the same value), its own when one run blew up and would flatten the other.
   */
  function yRange(runIndex, series) {
    const ranges = data.runs.map((run) => valueRange(run, series)).filter((r) => r !== null);
    const own = valueRange(data.runs[runIndex], series);
    if (!own) {
      return {};
    }
    const span = (r) => (series.log ? Math.log10(r.max / r.min) + 1 : r.max - r.min || Math.abs(r.max) || 1);
    const spans = ranges.map(span);
    const alike = Math.max(...spans) <= 10 * Math.min(...spans);
    const r = alike ? { min: Math.min(...ranges.map((x) => x.min)), max: Math.max(...ranges.map((x) => x.max)) } : own;
    return { suggestedMin: r.min, suggestedMax: r.max };
  }

  /** Powers of ten as 1e+N on a log axis (Chart.js would print 10,000,000.0), plain numbers otherwise. */
  function formatTick(value, index, ticks) {
    if (this.type !== 'logarithmic') {
      return window.Chart.Ticks.formatters.numeric.call(this, value, index, ticks);
    }
    const exponent = Math.log10(value);
    if (Math.abs(exponent - Math.round(exponent)) > 1e-9) {
      return '';
    }
    return Math.abs(exponent) < 3 ? String(Number(value.toPrecision(1))) : `1e${exponent >= 0 ? '+' : ''}${Math.round(exponent)}`;
  }

  /** The x range of what ran: first to last sampled step, never the planned steps. */
  function stepRange(run) {
    const steps = run.layers.flatMap((l) => (l.steps.length > 0 ? [l.steps[0], l.steps[l.steps.length - 1]] : []));
    return steps.length === 0 ? { min: 1, max: 1 } : { min: Math.min(...steps), max: Math.max(...steps, Math.min(...steps) + 1) };
  }

  /** Draws a dashed vertical line at the highlighted step (Chart.js has no annotations built in). */
  function markerPlugin(step) {
    return {
      id: 'highlightStep',
      afterDatasetsDraw(chart) {
        if (step === null) {
          return;
        }
        const x = chart.scales.x.getPixelForValue(step);
        const { top, bottom } = chart.chartArea;
        const ctx = chart.ctx;
        ctx.save();
        ctx.strokeStyle = errorColor();
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.stroke();
        ctx.restore();
      },
    };
  }

  function openLayerSource(runIndex, layerIndex) {
    const item = document.querySelectorAll(`.layer-run[data-run="${runIndex}"] .layer-list > li`)[layerIndex];
    const link = item ? item.querySelector('.source-link') : null;
    if (link instanceof HTMLElement) {
      link.click();
    }
  }

  function lineChart(canvas, runIndex, series) {
    const run = data.runs[runIndex];
    const highlight = run.highlight;
    const x = stepRange(run);
    const datasets = [];
    run.layers.forEach((layer, i) => {
      const values = valuesOf(layer, series);
      if (!values.some((v) => v !== null)) {
        return;
      }
      const marked = highlight !== null && highlight.layer === layer.name;
      const color = marked ? errorColor() : layerColor(i);
      datasets.push({
        label: `${layer.name} (${layer.className})`,
        layerIndex: i,
        data: values.map((y, k) => ({ x: layer.steps[k], y })),
        borderColor: color,
        backgroundColor: color,
        borderWidth: marked ? 3.5 : 1.5,
        pointRadius: layer.steps.length < 20 ? 2 : 0,
        spanGaps: false,
        order: marked ? 0 : 1,
      });
    });
    const y = yRange(runIndex, series);
    return new window.Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: { type: 'linear', bounds: 'data', min: x.min, max: x.max, title: { display: true, text: 'step' }, ticks: { precision: 0, maxTicksLimit: 7 } },
          y: { type: series.log ? 'logarithmic' : 'linear', ...y, title: { display: true, text: series.title }, ticks: { maxTicksLimit: 6, callback: formatTick } },
        },
        plugins: { legend: { display: false }, tooltip: { callbacks: { title: (items) => (items.length > 0 ? `step ${items[0].parsed.x}` : '') } } },
        onHover: (event, elements) => {
          canvas.style.cursor = elements.length > 0 ? 'pointer' : 'default';
        },
        onClick: (event, elements) => {
          if (elements.length > 0) {
            openLayerSource(runIndex, datasets[elements[0].datasetIndex].layerIndex);
          }
        },
      },
      plugins: [markerPlugin(highlight ? highlight.step : null)],
    });
  }

  /**
   * The heatmap's colour scale from the theme: background (empty bins), then the theme's blue, then its
   * orange for the busiest bins, so both light and dark themes get a scale with contrast at each end.
   */
  function heatColors() {
    const bg = parseColor(cssVar('--vscode-editor-background', '')) || parseColor(window.getComputedStyle(document.body).backgroundColor) || [30, 30, 30];
    const mid = parseColor(cssVar('--vscode-charts-blue', '#3794ff')) || [55, 148, 255];
    const hot = parseColor(cssVar('--vscode-charts-orange', '#d18616')) || [209, 134, 22];
    const light = bg[0] + bg[1] + bg[2] > 382;
    return { bg, mid, hot, fg: cssVar('--vscode-foreground', light ? '#333333' : '#cccccc') };
  }

  /** Colour at t in [0, 1] along background → blue → orange. */
  function heatAt(colors, t) {
    const [from, to, u] = t < 0.5 ? [colors.bg, colors.mid, t * 2] : [colors.mid, colors.hot, t * 2 - 1];
    return from.map((v, k) => Math.round(v + (to[k] - v) * u));
  }

  function formatValue(v) {
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e4 || a < 1e-2) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  }

  /** Step × bin heatmap: one column per sampled step, low values at the bottom, log-scaled brightness. */
  function drawHeatmap(canvas) {
    const run = data.runs[Number(canvas.getAttribute('data-run'))];
    const layer = run.layers[Number(canvas.getAttribute('data-layer'))];
    const h = layer.histogram;
    const width = Math.max(120, canvas.parentElement ? canvas.parentElement.clientWidth : 300);
    const height = 150;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx || !h || h.counts.length === 0) {
      return;
    }
    ctx.scale(ratio, ratio);
    const colors = heatColors();
    const font = cssVar('--vscode-font-family', 'sans-serif');
    const left = 46;
    const bottom = 16;
    const plotW = width - left - 4;
    const plotH = height - bottom - 4;
    ctx.fillStyle = `rgb(${colors.bg.join(',')})`;
    ctx.fillRect(0, 0, width, height);
    // One pixel per (step, bin) in an offscreen image, scaled up without smoothing: crisp cells, no seams.
    const most = Math.max(1, ...h.counts.map((row) => Math.max(...row)));
    const image = new ImageData(h.counts.length, h.bins);
    h.counts.forEach((row, s) => {
      row.forEach((count, b) => {
        const t = count === 0 ? 0 : 0.08 + 0.92 * (Math.log1p(count) / Math.log1p(most));
        const c = heatAt(colors, t);
        const at = ((h.bins - 1 - b) * h.counts.length + s) * 4;
        image.data.set([c[0], c[1], c[2], 255], at);
      });
    });
    const cells = document.createElement('canvas');
    cells.width = h.counts.length;
    cells.height = h.bins;
    const cellsCtx = cells.getContext('2d');
    if (cellsCtx) {
      cellsCtx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(cells, left, 4, plotW, plotH);
    }
    ctx.fillStyle = colors.fg;
    ctx.font = `10px ${font}`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText(formatValue(h.max), left - 4, 4);
    ctx.textBaseline = 'bottom';
    ctx.fillText(formatValue(h.min), left - 4, 4 + plotH);
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(`step ${layer.steps[0]}`, left, height - bottom + 3);
    ctx.textAlign = 'right';
    ctx.fillText(`${layer.steps[layer.steps.length - 1]}`, left + plotW, height - bottom + 3);
    if (run.highlight && run.highlight.layer === layer.name) {
      ctx.strokeStyle = errorColor();
      ctx.lineWidth = 2;
      ctx.strokeRect(left - 1, 3, plotW + 2, plotH + 2);
      const first = layer.steps[0];
      const last = layer.steps[layer.steps.length - 1];
      if (last > first) {
        const x = left + ((run.highlight.step - first) / (last - first)) * plotW;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, 4);
        ctx.lineTo(x, 4 + plotH);
        ctx.stroke();
      }
    }
  }

  function showFallback(text) {
    const fallback = document.getElementById('layer-fallback');
    if (fallback) {
      fallback.textContent = text;
      fallback.hidden = false;
    }
  }

  function colorSwatches() {
    for (const swatch of document.querySelectorAll('.layer-run .swatch')) {
      const run = data.runs[Number(swatch.closest('.layer-run').getAttribute('data-run'))];
      const index = Number(swatch.getAttribute('data-layer-index'));
      const layer = run.layers[index];
      // CSSOM assignments are allowed under the page's CSP (inline style attributes are not).
      swatch.style.backgroundColor = run.highlight && layer && run.highlight.layer === layer.name ? errorColor() : layerColor(index);
    }
  }

  function draw() {
    for (const chart of charts) {
      chart.destroy();
    }
    charts = [];
    colorSwatches();
    for (const canvas of document.querySelectorAll('canvas.heatmap-canvas')) {
      drawHeatmap(canvas);
    }
    if (typeof window.Chart !== 'function') {
      showFallback('The chart library did not load; the layer list above is complete.');
      return;
    }
    for (const canvas of document.querySelectorAll('canvas.layer-chart')) {
      // While training, the second run's charts wait for its first statistics.
      if (data.runs[Number(canvas.getAttribute('data-run'))]) {
        charts.push(lineChart(canvas, Number(canvas.getAttribute('data-run')), SERIES[canvas.getAttribute('data-kind')]));
      }
    }
  }

  /** The live messages' graph data (report-graph.ts's GraphViewData) as this script's runs; the NaN layer is the highlight. */
  function liveRuns(graph) {
    const classOf = (run, name) => {
      const node = run.graph ? run.graph.nodes.find((n) => n.name === name) : null;
      return node ? node.className : '';
    };
    return graph.runs.map((run) => ({ label: run.label, norm: run.norm, highlight: run.nan, layers: run.layers.map((l) => ({ ...l, className: classOf(run, l.name), source: null, histogram: null })) }));
  }

  // A running page: the per-layer statistics arrive with the live messages; the charts redraw at most
  // twice a second (a Chart.js rebuild per message would cost more than the training step it shows).
  if (data.live) {
    let timer = null;
    let lastDraw = 0;
    window.addEventListener('message', (event) => {
      const message = event.data;
      if (!message || message.type !== 'live' || !message.graph) {
        return;
      }
      data = { live: true, runs: liveRuns(message.graph) };
      if (timer === null) {
        timer = window.setTimeout(() => {
          timer = null;
          lastDraw = Date.now();
          const section = document.getElementById('live-layers');
          if (section && data.runs.some((r) => r.layers.length > 0)) {
            section.hidden = false;
          }
          data.runs.forEach((run, r) => {
            const heading = document.querySelector(`.layer-run[data-run="${r}"] h3`);
            if (heading) {
              heading.textContent = run.label;
            }
          });
          draw();
        }, Math.max(0, 500 - (Date.now() - lastDraw)));
      }
    });
  }

  draw();
  new MutationObserver(() => draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  let resizePending = false;
  window.addEventListener('resize', () => {
    if (!resizePending) {
      resizePending = true;
      window.requestAnimationFrame(() => {
        resizePending = false;
        for (const canvas of document.querySelectorAll('canvas.heatmap-canvas')) {
          drawHeatmap(canvas);
        }
      });
    }
  });
})();
