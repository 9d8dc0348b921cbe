// The report page's graph view, its hover half: over a layer's box, a tooltip with the layer's numbers
// in each run shown at the chosen step, a sparkline of the chosen statistic and the NaN or explosion
// finding on it; placed beside the box. report-graph.js attaches it through
// window.RbnGraphView.hover.attach(canvas, tooltip, view), `view` giving the current layout, data,
// statistic, step and view.
/* global Element */
(function () {
  'use strict';
  const { formatNumber, nameIn, valueAt, marksFor, runsOf, shortLabel } = window.RbnGraphView.data;
  const { cssVar, el } = window.RbnGraphView.draw;

  const ROWS = [
    ['mean', 'mean', formatNumber],
    ['std', 'std', formatNumber],
    ['dead share', 'nearZero', (v) => `${(v * 100).toFixed(1)}%`],
    ['gradient norm', 'gradNorm', formatNumber],
    ['weight norm', 'weightNorm', formatNumber],
    ['NaN/Inf', 'nonFinite', String],
  ];

  function sparkline(data, runs, name, stat, step) {
    const width = 180;
    const height = 40;
    const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'graph-spark' });
    const series = runs.map((run) => run.layers.find((l) => l.name === nameIn(data, run, name)) || null).filter(Boolean);
    const points = series.flatMap((l) => l.steps.map((s, i) => [s, l[stat.key][i]])).filter((p) => p[1] !== null && (!stat.log || p[1] > 0));
    if (points.length === 0) {
      return svg;
    }
    const tx = (v) => (stat.log ? Math.log10(v) : v);
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => tx(p[1]));
    const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
    const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    const px = (s) => 2 + ((s - x0) / (x1 - x0)) * (width - 4);
    const py = (v) => height - 3 - (y1 > y0 ? ((tx(v) - y0) / (y1 - y0)) * (height - 6) : (height - 6) / 2);
    // The loss chart's colours: BatchNorm orange, RunningBatchNorm blue.
    const palette = { batchNormalization: cssVar('--vscode-charts-orange', '#d18616'), runningBatchNorm: cssVar('--vscode-charts-blue', '#3794ff'), none: cssVar('--vscode-charts-purple', '#b180d7') };
    runs.forEach((run) => {
      const l = run.layers.find((m) => m.name === nameIn(data, run, name));
      const pts = l ? l.steps.map((s, i) => [s, l[stat.key][i]]).filter((p) => p[1] !== null && (!stat.log || p[1] > 0)) : [];
      el('polyline', { points: pts.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' '), fill: 'none', stroke: palette[run.norm] || palette.none, 'stroke-width': 1.5 }, svg);
    });
    if (step !== null) {
      el('line', { x1: px(step), x2: px(step), y1: 0, y2: height, stroke: cssVar('--vscode-foreground', '#cccccc'), 'stroke-opacity': 0.5, 'stroke-dasharray': '2 2' }, svg);
    }
    return svg;
  }

  /** The table of every statistic at `step`, one column per run. */
  function numbersTable(data, runs, name, step) {
    const table = document.createElement('table');
    const header = document.createElement('tr');
    header.appendChild(document.createElement('th')).textContent = `step ${step === null ? '–' : step}`;
    for (const run of runs) {
      header.appendChild(document.createElement('th')).textContent = shortLabel(run);
    }
    table.appendChild(header);
    for (const [label, key, format] of ROWS) {
      const tr = document.createElement('tr');
      tr.appendChild(document.createElement('td')).textContent = label;
      for (const run of runs) {
        const v = valueAt(data, run, name, { key }, step);
        tr.appendChild(document.createElement('td')).textContent = v === undefined ? '–' : v === null ? 'NaN/Inf' : format(v);
      }
      table.appendChild(tr);
    }
    return table;
  }

  function fillTooltip(tooltip, n, view) {
    const data = view.data();
    const stat = view.stat();
    const step = view.step();
    const runs = runsOf(data, view.view());
    tooltip.textContent = '';
    const head = document.createElement('div');
    head.className = 'graph-tip-head';
    head.textContent = `${n.node.name} · ${n.node.className}`;
    const shape = document.createElement('div');
    shape.className = 'muted';
    const outputShape = JSON.stringify(n.node.outputShape).replace(/null/g, 'batch');
    shape.textContent = `output ${outputShape} · ${n.node.params.toLocaleString('en-US')} parameters${n.node.source ? ` · line ${n.node.source.line}` : ''}`;
    tooltip.append(head, shape);
    tooltip.appendChild(numbersTable(data, runs, n.id, step));
    const caption = document.createElement('div');
    caption.className = 'muted';
    caption.textContent = `${stat.label} over the sampled steps`;
    tooltip.append(caption, sparkline(data, runs, n.id, stat, step));
    const marks = marksFor(data, view.view(), n.id);
    for (const mark of [marks.nan && marks.nan.nan, marks.exploding && marks.exploding.exploding]) {
      if (mark) {
        const line = document.createElement('div');
        line.className = 'graph-tip-alert';
        line.textContent = mark.text;
        tooltip.appendChild(line);
      }
    }
  }

  function showTooltip(tooltip, target, clientX, view) {
    const layout = view.layout();
    if (!tooltip || !layout) {
      return;
    }
    const n = layout.nodes.find((m) => m.id === target.getAttribute('data-node'));
    if (!n) {
      return;
    }
    fillTooltip(tooltip, n, view);
    tooltip.hidden = false;
    // Beside the layer's box (right, else left), so it hides neither the layer nor the column it sits in; else by the cursor.
    const box = tooltip.getBoundingClientRect();
    const node = target.getBoundingClientRect();
    const left = node.right + 12 + box.width <= window.innerWidth ? node.right + 12 : node.left - 12 - box.width >= 4 ? node.left - 12 - box.width : Math.min(window.innerWidth - box.width - 8, clientX + 14);
    const top = Math.min(window.innerHeight - box.height - 4, node.top);
    tooltip.style.left = `${Math.max(4, left)}px`;
    tooltip.style.top = `${Math.max(4, top)}px`;
  }

  function attach(canvas, tooltip, view) {
    canvas.addEventListener('mousemove', (event) => {
      const target = event.target instanceof Element ? event.target.closest('.graph-node') : null;
      if (target) {
        showTooltip(tooltip, target, event.clientX, view);
      } else if (tooltip) {
        tooltip.hidden = true;
      }
    });
    canvas.addEventListener('mouseleave', () => {
      if (tooltip) {
        tooltip.hidden = true;
      }
    });
  }

  window.RbnGraphView.hover = { attach };
})();
