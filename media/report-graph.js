// The report page's graph view (issue 21): the model's layers laid out by the bundled
// RbnGraphLayout.layoutGraph (src/core/training/graph/graph-layout.ts) and drawn as SVG, each coloured by
// the statistic the user picks at the step the slider picks (or the latest, live while training). With
// two runs the graph can show either run or their difference on the same layout. Hover shows a layer's
// numbers and their course; a click opens its source line through report.js's click handler (the node
// is a .source-link); the chevron of a nested model opens or closes it. Only CSSOM and SVG attributes:
// nothing here needs an inline style or a handler attribute, so the page's CSP holds.
// This file holds the view's state, controls and events; report-graph-data.js, report-graph-draw.js
// and report-graph-hover.js (loaded before it) hold the data, the drawing and the tooltip.
/* global Element, MouseEvent, MutationObserver, ResizeObserver */
(function () {
  'use strict';
  const block = document.getElementById('graph-data');
  const canvas = document.getElementById('graph-canvas');
  if (!block || !canvas || !window.RbnGraphView) {
    return;
  }
  const { STATS, stepsOf, runsOf, graphToDraw, colouring, marksFor, shortLabel } = window.RbnGraphView.data;
  const { renderLegend, graphSvg } = window.RbnGraphView.draw;
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

  function selectedStat() {
    return STATS[statSelect && statSelect.value] || STATS.std;
  }

  /** 'run:0', 'run:1' or 'diff' (the second run against the first). */
  function selectedView() {
    return runSelect && data.runs.length > 1 ? runSelect.value : 'run:0';
  }

  function allSteps() {
    return [...new Set(runsOf(data, selectedView()).flatMap(stepsOf))].sort((a, b) => a - b);
  }

  function currentStep() {
    const steps = allSteps();
    if (steps.length === 0) {
      return null;
    }
    return latest && latest.checked ? steps[steps.length - 1] : steps[Math.min(steps.length - 1, Number(slider.value))];
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

  /** Shows `text` in the fallback line in place of the graph; `null` hides the line. */
  function showFallback(fallback, text) {
    if (fallback) {
      fallback.hidden = text === null;
      if (text !== null) {
        fallback.textContent = text;
      }
    }
  }

  function draw() {
    const graph = graphToDraw(data);
    const fallback = document.getElementById('graph-fallback');
    if (!graph) {
      canvas.textContent = '';
      showFallback(fallback, data.live ? 'The graph appears when the model is built.' : 'This report has no graph.');
      return;
    }
    showFallback(fallback, null);
    if (!window.RbnGraphLayout) {
      showFallback(fallback, 'The graph layout did not load.');
      return;
    }
    updateControls();
    const stat = selectedStat();
    const step = currentStep();
    if (stepText) {
      stepText.textContent = step === null ? '–' : String(step);
    }
    const lay = ensureLayout(graph);
    const view = selectedView();
    const { colours, legend: legendSpec } = colouring(data, view, lay.nodes.map((n) => n.id), stat, step);
    renderLegend(legend, legendSpec);
    const svg = graphSvg(lay, colours, (name) => marksFor(data, view, name));
    canvas.textContent = '';
    canvas.appendChild(svg);
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

  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(() => {
        pending = false;
        draw();
      });
    }
  }

  window.RbnGraphView.hover.attach(canvas, tooltip, {
    layout: () => layout,
    data: () => data,
    stat: selectedStat,
    step: currentStep,
    view: selectedView,
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
    // Only the width shapes the layout; the drawing changes the height, which must not redraw it again
    // (a redraw replaces the nodes under the pointer and the keyboard focus).
    let drawnWidth = canvas.clientWidth;
    new ResizeObserver(() => {
      if (canvas.clientWidth !== drawnWidth) {
        drawnWidth = canvas.clientWidth;
        schedule();
      }
    }).observe(canvas);
  } else {
    window.addEventListener('resize', schedule);
  }
  new MutationObserver(schedule).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  draw();
})();
