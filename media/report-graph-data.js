// The report page's graph view, its data half: the statistics it can colour by, their values per layer
// and step in each run, the colour scales and the colouring of a view. No DOM here: report-graph.js
// (the view) and report-graph-hover.js (the tooltip) read these through window.RbnGraphView.data.
(function () {
  'use strict';

  function formatNumber(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) {
      return 'n/a';
    }
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
  }

  const STATS = {
    std: { key: 'std', label: 'activation std', log: true, format: (v) => formatNumber(v) },
    nearZero: { key: 'nearZero', label: 'dead share', log: false, fixed: [0, 1], format: (v) => `${(v * 100).toFixed(1)}%` },
    gradNorm: { key: 'gradNorm', label: 'gradient norm', log: true, format: (v) => formatNumber(v) },
    nonFinite: { key: 'nonFinite', label: 'NaN/Inf count', log: false, count: true, format: (v) => String(Math.round(v)) },
  };

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

  function stepsOf(run) {
    const steps = new Set();
    for (const layer of run ? run.layers : []) {
      for (const s of layer.steps) {
        steps.add(s);
      }
    }
    return [...steps].sort((a, b) => a - b);
  }

  /** The runs a view shows: 'run:0', 'run:1' or 'diff' (the second run against the first). */
  function runsOf(data, view) {
    return view === 'diff' ? data.runs.slice(0, 2) : [data.runs[Number(view.split(':')[1]) || 0]];
  }

  function graphToDraw(data) {
    const withGraph = data.runs.find((r) => r.graph);
    return withGraph ? withGraph.graph : null;
  }

  const NORM_CLASSES = new Set(['BatchNormalization', 'RunningBatchNorm']);

  /**
   * Run `run`'s name for the layer the drawn graph (the first run's) calls `name`. The swap keeps every
   * layer's name; a report from an older version may hold a copy in which a custom layer whose config
   * drops its name got a new one: the two graphs then still match node by node, in order and class.
   */
  function nameIn(data, run, name) {
    const drawn = graphToDraw(data);
    if (!run || !run.graph || !drawn || run.graph === drawn || run.graph.nodes.length !== drawn.nodes.length) {
      return name;
    }
    const i = drawn.nodes.findIndex((n) => n.name === name);
    const other = i >= 0 ? run.graph.nodes[i] : null;
    const sameKind = other && (other.className === drawn.nodes[i].className || (NORM_CLASSES.has(other.className) && NORM_CLASSES.has(drawn.nodes[i].className)));
    return sameKind ? other.name : name;
  }

  /** The value of `stat` for `name` in `run` at the last sample at or before `step`; undefined when none. */
  function valueAt(data, run, name, stat, step) {
    const own = run ? nameIn(data, run, name) : name;
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

  /** The difference view's colours: the second run against the first, as a ratio for log statistics. */
  function diffColouring(data, nodeNames, stat, step) {
    const out = new Map();
    const [a, b] = data.runs;
    const diffs = new Map();
    for (const name of nodeNames) {
      const va = valueAt(data, a, name, stat, step);
      const vb = valueAt(data, b, name, stat, step);
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
    const legend = {
      title: `${data.runs[1].label} against ${data.runs[0].label}: ${stat.label} ${stat.log ? 'ratio' : 'difference'}`,
      stops: DIVERGING,
      low: stat.log ? `÷${formatNumber(Math.pow(10, span))}` : `−${stat.format(span)}`,
      high: stat.log ? `×${formatNumber(Math.pow(10, span))}` : `+${stat.format(span)}`,
    };
    return { colours: out, legend };
  }

  /**
   * Per layer name: its fill colour and the number shown, for the view, statistic and step chosen; and
   * the legend that explains them ({ title, stops, low, high }; stops null when there is no scale).
   */
  function colouring(data, view, nodeNames, stat, step) {
    if (view === 'diff') {
      return diffColouring(data, nodeNames, stat, step);
    }
    const out = new Map();
    const run = runsOf(data, view)[0];
    const range = domain(stat, [run]);
    for (const name of nodeNames) {
      const v = valueAt(data, run, name, stat, step);
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
      return { colours: out, legend: { title: `${stat.label}`, stops: [[70, 130, 90], [200, 40, 40]], low: 'none', high: 'some' } };
    }
    if (range) {
      const end = (x) => stat.format(stat.log ? Math.pow(10, x) : x);
      return { colours: out, legend: { title: `${stat.label}${stat.log ? ' (log scale)' : ''}`, stops: VIRIDIS, low: end(range.min), high: end(range.max) } };
    }
    return { colours: out, legend: { title: `${stat.label}: no values recorded yet`, stops: null, low: '', high: '' } };
  }

  /** The NaN origin and the exploding layer among the runs of the view, when `name` is one of them. */
  function marksFor(data, view, name) {
    const runs = runsOf(data, view);
    return {
      nan: runs.find((r) => r && r.nan && r.nan.layer === nameIn(data, r, name)),
      exploding: runs.find((r) => r && r.exploding && r.exploding.layer === nameIn(data, r, name)),
    };
  }

  function shortLabel(run) {
    return run.label.replace(/ \(.*\)$/, '');
  }

  window.RbnGraphView = window.RbnGraphView || {};
  window.RbnGraphView.data = { formatNumber, STATS, rgb, textOn, stepsOf, runsOf, graphToDraw, nameIn, valueAt, colouring, marksFor, shortLabel };
})();
