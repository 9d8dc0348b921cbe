// The report page's graph view (issue 21): the model's layers laid out by the bundled
// RbnGraphLayout.layoutGraph (src/core/training/graph-layout.ts) and drawn as SVG, each coloured by
// the statistic the user picks at the step the slider picks (or the latest, live while training). With
// two runs the graph can show either run or their difference on the same layout. Hover shows a layer's
// numbers and their course; a click opens its source line through report.js's click handler (the node
// is a .source-link); the chevron of a nested model opens or closes it. Only CSSOM and SVG attributes:
// nothing here needs an inline style or a handler attribute, so the page's CSP holds.
/* global Element, MouseEvent, MutationObserver, ResizeObserver */
(function () {
  'use strict';
  const block = document.getElementById('graph-data');
  const canvas = document.getElementById('graph-canvas');
  if (!block || !canvas) {
    return;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  const statSelect = document.getElementById('graph-stat');
  const runSelect = document.getElementById('graph-run');
  const runLabel = document.getElementById('graph-run-label');
  const slider = document.getElementById('graph-step');
  const stepText = document.getElementById('graph-step-text');
  const latest = document.getElementById('graph-latest');
  const legend = document.getElementById('graph-legend');
  const tooltip = document.getElementById('graph-tooltip');
  /** @type {{ live: boolean, runs: any[] }} */
  let data = JSON.parse(block.textContent || '{"live":false,"runs":[]}');
  const expanded = new Set();
  let layout = null;
  let layoutKey = '';
  let pending = false;

  const STATS = {
    std: { key: 'std', label: 'activation std', log: true, format: (v) => formatNumber(v) },
    nearZero: { key: 'nearZero', label: 'dead share', log: false, fixed: [0, 1], format: (v) => `${(v * 100).toFixed(1)}%` },
    gradNorm: { key: 'gradNorm', label: 'gradient norm', log: true, format: (v) => formatNumber(v) },
    nonFinite: { key: 'nonFinite', label: 'NaN/Inf count', log: false, count: true, format: (v) => String(Math.round(v)) },
  };

  function cssVar(name, fallback) {
    const value = window.getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  function formatNumber(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) {
      return 'n/a';
    }
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
  }

  function el(name, attributes, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attributes || {})) {
      node.setAttribute(k, String(v));
    }
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  // Viridis for one run (dark: small, yellow: large); blue–grey–red for a difference.
  const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const DIVERGING = [[49, 104, 176], [140, 170, 210], [150, 150, 150], [225, 140, 120], [200, 40, 40]];
  function ramp(stops, t) {
    const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(u));
    const f = u - i;
    return stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * f));
  }
  const rgb = (c) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
  const textOn = (c) => (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] > 140 ? '#111111' : '#f5f5f5');

  function selectedStat() {
    return STATS[statSelect && statSelect.value] || STATS.std;
  }

  /** 'run:0', 'run:1' or 'diff' (the second run against the first). */
  function selectedView() {
    return runSelect && data.runs.length > 1 ? runSelect.value : 'run:0';
  }

  function stepsOf(run) {
    const steps = new Set();
    for (const layer of run ? run.layers : []) {
      for (const s of layer.steps) {
        steps.add(s);
      }
    }
    return [...steps].sort((a, b) => a - b);
  }

  function allSteps() {
    const view = selectedView();
    const runs = view === 'diff' ? data.runs.slice(0, 2) : [data.runs[Number(view.split(':')[1]) || 0]];
    return [...new Set(runs.flatMap(stepsOf))].sort((a, b) => a - b);
  }

  function currentStep() {
    const steps = allSteps();
    if (steps.length === 0) {
      return null;
    }
    return latest && latest.checked ? steps[steps.length - 1] : steps[Math.min(steps.length - 1, Number(slider.value))];
  }

  const NORM_CLASSES = new Set(['BatchNormalization', 'RunningBatchNorm']);

  /**
   * Run `run`'s name for the layer the drawn graph (the first run's) calls `name`. The swap keeps layer
   * names, but a custom layer whose config drops its name gets a new one in the copy: the two graphs
   * then still match node by node, in order and class.
   */
  function nameIn(run, name) {
    const drawn = graphToDraw();
    if (!run || !run.graph || !drawn || run.graph === drawn || run.graph.nodes.length !== drawn.nodes.length) {
      return name;
    }
    const i = drawn.nodes.findIndex((n) => n.name === name);
    const other = i >= 0 ? run.graph.nodes[i] : null;
    const sameKind = other && (other.className === drawn.nodes[i].className || (NORM_CLASSES.has(other.className) && NORM_CLASSES.has(drawn.nodes[i].className)));
    return sameKind ? other.name : name;
  }

  /** The value of `stat` for `name` in `run` at the last sample at or before `step`; undefined when none. */
  function valueAt(run, name, stat, step) {
    const own = run ? nameIn(run, name) : name;
    const layer = run && run.layers.find((l) => l.name === own);
    if (!layer || step === null) {
      return undefined;
    }
    let at = -1;
    for (let i = 0; i < layer.steps.length && layer.steps[i] <= step; i++) {
      at = i;
    }
    if (at < 0) {
      return undefined;
    }
    const v = layer[stat.key][at];
    return v === null ? null : v;
  }

  /**
   * The colour domain over every layer and step of the runs shown, so scrubbing compares like with like:
   * from the 5th to the 95th percentile, so one layer that blew up (it still shows at the end of the
   * scale) does not flatten every other layer into one colour.
   */
  function domain(stat, runs) {
    if (stat.fixed) {
      return { min: stat.fixed[0], max: stat.fixed[1] };
    }
    const values = [];
    for (const run of runs) {
      for (const layer of run.layers) {
        for (const v of layer[stat.key]) {
          if (v !== null && Number.isFinite(v) && (!stat.log || v > 0)) {
            values.push(stat.log ? Math.log10(v) : v);
          }
        }
      }
    }
    if (values.length === 0) {
      return null;
    }
    values.sort((a, b) => a - b);
    const at = (q) => values[Math.min(values.length - 1, Math.floor(q * values.length))];
    const min = at(0.05);
    const max = at(0.95);
    return { min, max: max > min ? max : min + 1 };
  }

  /** Per layer name: its fill colour and the number shown, for the view, statistic and step chosen. */
  function colouring(nodeNames, stat, step) {
    const view = selectedView();
    const out = new Map();
    if (view === 'diff') {
      const [a, b] = data.runs;
      const diffs = new Map();
      for (const name of nodeNames) {
        const va = valueAt(a, name, stat, step);
        const vb = valueAt(b, name, stat, step);
        if (typeof va === 'number' && typeof vb === 'number') {
          diffs.set(name, stat.log ? (va > 0 && vb > 0 ? Math.log10(vb / va) : null) : vb - va);
        }
      }
      const finite = [...diffs.values()].filter((d) => d !== null && Number.isFinite(d));
      const span = Math.max(stat.log ? 0.3 : stat.fixed ? 0.1 : 1, ...finite.map(Math.abs));
      for (const [name, d] of diffs) {
        if (d !== null) {
          out.set(name, { color: ramp(DIVERGING, 0.5 + d / (2 * span)), text: stat.log ? `×${formatNumber(Math.pow(10, d))}` : `${d >= 0 ? '+' : ''}${stat.format(d)}` });
        }
      }
      legendFor(`${data.runs[1].label} against ${data.runs[0].label}: ${stat.label} ${stat.log ? 'ratio' : 'difference'}`, DIVERGING, stat.log ? `÷${formatNumber(Math.pow(10, span))}` : `−${stat.format(span)}`, stat.log ? `×${formatNumber(Math.pow(10, span))}` : `+${stat.format(span)}`);
      return out;
    }
    const run = data.runs[Number(view.split(':')[1]) || 0];
    const range = domain(stat, [run]);
    for (const name of nodeNames) {
      const v = valueAt(run, name, stat, step);
      if (typeof v !== 'number') {
        if (v === null) {
          out.set(name, { color: [200, 40, 40], text: 'NaN' });
        }
        continue;
      }
      if (stat.count) {
        out.set(name, { color: v > 0 ? [200, 40, 40] : [70, 130, 90], text: String(v) });
        continue;
      }
      const x = stat.log ? (v > 0 ? Math.log10(v) : null) : v;
      const t = range && x !== null ? (x - range.min) / (range.max - range.min) : 0;
      out.set(name, { color: ramp(VIRIDIS, t), text: stat.format(v) });
    }
    if (stat.count) {
      legendFor(`${stat.label}`, [[70, 130, 90], [200, 40, 40]], 'none', 'some');
    } else if (range) {
      const end = (x) => stat.format(stat.log ? Math.pow(10, x) : x);
      legendFor(`${stat.label}${stat.log ? ' (log scale)' : ''}`, VIRIDIS, end(range.min), end(range.max));
    } else {
      legendFor(`${stat.label}: no values recorded yet`, null, '', '');
    }
    return out;
  }

  function legendFor(title, stops, low, high) {
    if (!legend) {
      return;
    }
    legend.textContent = '';
    const caption = document.createElement('span');
    caption.textContent = title;
    legend.appendChild(caption);
    if (!stops) {
      return;
    }
    const lowText = document.createElement('span');
    lowText.className = 'graph-legend-end';
    lowText.textContent = low;
    const bar = document.createElement('span');
    bar.className = 'graph-legend-bar';
    bar.style.background = `linear-gradient(to right, ${stops.map(rgb).join(', ')})`;
    const highText = document.createElement('span');
    highText.className = 'graph-legend-end';
    highText.textContent = high;
    legend.append(lowText, bar, highText);
  }

  function fitText(text, width) {
    const max = Math.max(4, Math.floor(width / 6.6));
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
  }

  function graphToDraw() {
    const withGraph = data.runs.find((r) => r.graph);
    return withGraph ? withGraph.graph : null;
  }

  function ensureLayout(graph) {
    const width = Math.max(260, Math.floor(canvas.clientWidth || 500));
    const key = `${width}|${[...expanded].sort().join(',')}|${graph.nodes.length}|${graph.edges.length}`;
    if (!layout || key !== layoutKey) {
      layout = window.RbnGraphLayout.layoutGraph(graph, { width, expanded });
      layoutKey = key;
    }
    return layout;
  }

  function marksFor(name) {
    const view = selectedView();
    const runs = view === 'diff' ? data.runs.slice(0, 2) : [data.runs[Number(view.split(':')[1]) || 0]];
    return {
      nan: runs.find((r) => r && r.nan && r.nan.layer === nameIn(r, name)),
      exploding: runs.find((r) => r && r.exploding && r.exploding.layer === nameIn(r, name)),
    };
  }

  function draw() {
    const graph = graphToDraw();
    const fallback = document.getElementById('graph-fallback');
    if (!graph) {
      canvas.textContent = '';
      if (fallback) {
        fallback.hidden = false;
        fallback.textContent = data.live ? 'The graph appears when the model is built.' : 'This report has no graph.';
      }
      return;
    }
    if (fallback) {
      fallback.hidden = true;
    }
    if (!window.RbnGraphLayout) {
      if (fallback) {
        fallback.hidden = false;
        fallback.textContent = 'The graph layout did not load.';
      }
      return;
    }
    updateControls();
    const stat = selectedStat();
    const step = currentStep();
    if (stepText) {
      stepText.textContent = step === null ? '–' : String(step);
    }
    const lay = ensureLayout(graph);
    const colours = colouring(lay.nodes.map((n) => n.id), stat, step);
    const fg = cssVar('--vscode-foreground', '#cccccc');
    const border = cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808080'));
    const bg = cssVar('--vscode-editor-background', '#1e1e1e');
    const error = cssVar('--vscode-errorForeground', '#f14c4c');
    const warning = cssVar('--vscode-editorWarning-foreground', '#cca700');
    const svg = el('svg', { width: lay.width, height: lay.height, viewBox: `0 0 ${lay.width} ${lay.height}`, class: 'graph-svg' });
    const defs = el('defs', {}, svg);
    const marker = el('marker', { id: 'graph-arrow', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0,0 L8,4 L0,8 z', fill: fg, 'fill-opacity': 0.6 }, marker);
    for (const group of lay.groups) {
      el('rect', { x: group.x, y: group.y, width: group.width, height: group.height, rx: 6, fill: 'none', stroke: border, 'stroke-dasharray': '4 3' }, svg);
      const label = el('text', { x: group.x + 6, y: group.y + 11, fill: fg, 'font-size': 10, class: 'graph-group-label', 'data-group': group.id }, svg);
      label.textContent = `▾ ${group.name}`;
    }
    for (const edge of lay.edges) {
      const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ');
      el('path', { d, fill: 'none', stroke: fg, 'stroke-opacity': 0.45, 'stroke-width': 1.2, 'marker-end': 'url(#graph-arrow)' }, svg);
    }
    for (const n of lay.nodes) {
      drawNode(svg, n, colours.get(n.id), { fg, bg, border, error, warning });
    }
    canvas.textContent = '';
    canvas.appendChild(svg);
  }

  function drawNode(svg, n, colour, theme) {
    const source = n.node.source;
    const g = el('g', { class: `graph-node${source ? ' source-link' : ''}`, 'data-node': n.id, tabindex: 0 }, svg);
    if (source) {
      g.setAttribute('data-file', source.file);
      g.setAttribute('data-line', String(source.line));
    }
    const marks = marksFor(n.id);
    const fill = colour ? rgb(colour.color) : theme.bg;
    const stroke = marks.nan ? theme.error : marks.exploding ? theme.warning : colour ? 'none' : theme.border;
    el('rect', { x: n.x, y: n.y, width: n.width, height: n.height, rx: n.collapsed ? 8 : 4, fill, stroke, 'stroke-width': marks.nan || marks.exploding ? 3 : 1, 'stroke-dasharray': n.collapsed && !marks.nan ? '5 2' : 'none' }, g);
    const ink = colour ? textOn(colour.color) : theme.fg;
    const name = el('text', { x: n.x + 6, y: n.y + 14, fill: ink, 'font-size': 11.5, 'font-weight': 600 }, g);
    const badgeRoom = marks.nan || marks.exploding ? 30 : 0;
    name.textContent = fitText(`${n.collapsed ? '▸ ' : ''}${n.node.name}`, n.width - 10 - badgeRoom);
    const detail = el('text', { x: n.x + 6, y: n.y + 28, fill: ink, 'font-size': 10, 'fill-opacity': 0.85 }, g);
    detail.textContent = fitText(n.node.className, n.width - 14 - (colour ? colour.text.length * 6.2 + 8 : 0));
    if (colour) {
      // The number keeps its room; a long class name gives way.
      const value = el('text', { x: n.x + n.width - 6, y: n.y + 28, fill: ink, 'font-size': 10, 'font-weight': 600, 'text-anchor': 'end' }, g);
      value.textContent = colour.text;
    }
    if (marks.nan || marks.exploding) {
      // On a coloured box the badge takes the box's ink (red on a red NaN box would vanish); the outline carries the colour.
      const badge = el('text', { x: n.x + n.width - 5, y: n.y + 14, fill: colour ? ink : marks.nan ? theme.error : theme.warning, 'font-size': 11, 'font-weight': 700, 'text-anchor': 'end' }, g);
      badge.textContent = marks.nan ? 'NaN' : '↑↑';
    }
    if (n.collapsed) {
      g.setAttribute('data-group', n.id);
    }
  }

  function updateControls() {
    if (runSelect && runLabel) {
      const wanted = data.runs.map((r, i) => [`run:${i}`, r.label]);
      if (data.runs.length > 1) {
        wanted.push(['diff', `Difference (${shortLabel(data.runs[1])} vs ${shortLabel(data.runs[0])})`]);
      }
      if (runSelect.options.length !== wanted.length) {
        const value = runSelect.value;
        runSelect.textContent = '';
        for (const [v, label] of wanted) {
          const option = document.createElement('option');
          option.value = v;
          option.textContent = label;
          runSelect.appendChild(option);
        }
        runSelect.value = wanted.some(([v]) => v === value) ? value : data.runs.length > 1 ? 'diff' : 'run:0';
      }
      runLabel.hidden = data.runs.length < 2;
    }
    const steps = allSteps();
    if (slider) {
      slider.max = String(Math.max(0, steps.length - 1));
      if (latest && latest.checked) {
        slider.value = slider.max;
      }
      slider.disabled = steps.length < 2;
    }
  }

  function shortLabel(run) {
    return run.label.replace(/ \(.*\)$/, '');
  }

  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(() => {
        pending = false;
        draw();
      });
    }
  }

  // ----- hover: the layer's numbers and a sparkline of the chosen statistic -----

  function sparkline(runs, name, stat, step) {
    const width = 180;
    const height = 40;
    const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'graph-spark' });
    const series = runs.map((run) => run.layers.find((l) => l.name === nameIn(run, name)) || null).filter(Boolean);
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
      const l = run.layers.find((m) => m.name === nameIn(run, name));
      const pts = l ? l.steps.map((s, i) => [s, l[stat.key][i]]).filter((p) => p[1] !== null && (!stat.log || p[1] > 0)) : [];
      el('polyline', { points: pts.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' '), fill: 'none', stroke: palette[run.norm] || palette.none, 'stroke-width': 1.5 }, svg);
    });
    if (step !== null) {
      el('line', { x1: px(step), x2: px(step), y1: 0, y2: height, stroke: cssVar('--vscode-foreground', '#cccccc'), 'stroke-opacity': 0.5, 'stroke-dasharray': '2 2' }, svg);
    }
    return svg;
  }

  function showTooltip(target, clientX) {
    if (!tooltip || !layout) {
      return;
    }
    const n = layout.nodes.find((m) => m.id === target.getAttribute('data-node'));
    if (!n) {
      return;
    }
    const stat = selectedStat();
    const step = currentStep();
    const view = selectedView();
    const runs = view === 'diff' ? data.runs.slice(0, 2) : [data.runs[Number(view.split(':')[1]) || 0]];
    tooltip.textContent = '';
    const head = document.createElement('div');
    head.className = 'graph-tip-head';
    head.textContent = `${n.node.name} · ${n.node.className}`;
    const shape = document.createElement('div');
    shape.className = 'muted';
    const outputShape = JSON.stringify(n.node.outputShape).replace(/null/g, 'batch');
    shape.textContent = `output ${outputShape} · ${n.node.params.toLocaleString('en-US')} parameters${n.node.source ? ` · line ${n.node.source.line}` : ''}`;
    tooltip.append(head, shape);
    const table = document.createElement('table');
    const header = document.createElement('tr');
    header.appendChild(document.createElement('th')).textContent = `step ${step === null ? '–' : step}`;
    for (const run of runs) {
      header.appendChild(document.createElement('th')).textContent = shortLabel(run);
    }
    table.appendChild(header);
    const rows = [['mean', 'mean', formatNumber], ['std', 'std', formatNumber], ['dead share', 'nearZero', (v) => `${(v * 100).toFixed(1)}%`], ['gradient norm', 'gradNorm', formatNumber], ['weight norm', 'weightNorm', formatNumber], ['NaN/Inf', 'nonFinite', String]];
    for (const [label, key, format] of rows) {
      const tr = document.createElement('tr');
      tr.appendChild(document.createElement('td')).textContent = label;
      for (const run of runs) {
        const v = valueAt(run, n.id, { key }, step);
        tr.appendChild(document.createElement('td')).textContent = v === undefined ? '–' : v === null ? 'NaN/Inf' : format(v);
      }
      table.appendChild(tr);
    }
    tooltip.appendChild(table);
    const caption = document.createElement('div');
    caption.className = 'muted';
    caption.textContent = `${stat.label} over the sampled steps`;
    tooltip.append(caption, sparkline(runs, n.id, stat, step));
    const marks = marksFor(n.id);
    for (const mark of [marks.nan && marks.nan.nan, marks.exploding && marks.exploding.exploding]) {
      if (mark) {
        const line = document.createElement('div');
        line.className = 'graph-tip-alert';
        line.textContent = mark.text;
        tooltip.appendChild(line);
      }
    }
    tooltip.hidden = false;
    // Beside the layer's box (right, else left), so it hides neither the layer nor the column it sits in; else by the cursor.
    const box = tooltip.getBoundingClientRect();
    const node = target.getBoundingClientRect();
    const left = node.right + 12 + box.width <= window.innerWidth ? node.right + 12 : node.left - 12 - box.width >= 4 ? node.left - 12 - box.width : Math.min(window.innerWidth - box.width - 8, clientX + 14);
    const top = Math.min(window.innerHeight - box.height - 4, node.top);
    tooltip.style.left = `${Math.max(4, left)}px`;
    tooltip.style.top = `${Math.max(4, top)}px`;
  }

  canvas.addEventListener('mousemove', (event) => {
    const target = event.target instanceof Element ? event.target.closest('.graph-node') : null;
    if (target) {
      showTooltip(target, event.clientX);
    } else if (tooltip) {
      tooltip.hidden = true;
    }
  });
  canvas.addEventListener('mouseleave', () => {
    if (tooltip) {
      tooltip.hidden = true;
    }
  });
  // A closed nested model opens on a click on its chevron or a double click; an open one closes from its label.
  canvas.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const label = target ? target.closest('.graph-group-label') : null;
    const node = target ? target.closest('.graph-node[data-group]') : null;
    // On a nested model that has a source line, only its chevron (the first 18 px) opens it; the rest opens the line.
    const svg = canvas.querySelector('svg');
    const localX = svg ? event.clientX - svg.getBoundingClientRect().left : 0;
    const onChevron = node ? localX - Number(node.querySelector('rect').getAttribute('x')) < 18 : false;
    const id = label ? label.getAttribute('data-group') : node && (!node.classList.contains('source-link') || onChevron) ? node.getAttribute('data-group') : null;
    if (id) {
      event.stopPropagation();
      if (expanded.has(id)) {
        expanded.delete(id);
      } else {
        expanded.add(id);
      }
      schedule();
    }
  }, true);
  canvas.addEventListener('keydown', (event) => {
    const target = event.target instanceof Element ? event.target.closest('.graph-node') : null;
    if (target && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      target.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    }
  });

  for (const control of [statSelect, runSelect]) {
    if (control) {
      control.addEventListener('change', schedule);
    }
  }
  if (slider) {
    slider.addEventListener('input', () => {
      if (latest) {
        latest.checked = false;
      }
      schedule();
    });
  }
  if (latest) {
    latest.addEventListener('change', schedule);
  }

  // While training, the extension posts the graph and the statistics so far with the loss curves.
  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'live' && message.graph) {
      data = message.graph;
      schedule();
    }
  });
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(schedule).observe(canvas);
  } else {
    window.addEventListener('resize', schedule);
  }
  new MutationObserver(schedule).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  draw();
})();
