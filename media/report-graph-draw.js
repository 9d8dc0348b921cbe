// The report page's graph view, its drawing half: the laid-out graph (report-graph.js gets the layout
// from the bundled RbnGraphLayout) as SVG, each layer's box in its colour with its number and marks,
// and the legend. Only SVG attributes and CSSOM, so the page's CSP holds. Read through
// window.RbnGraphView.draw.
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const { rgb, textOn } = window.RbnGraphView.data;

  function cssVar(name, fallback) {
    const value = window.getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
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

  /** The legend's caption and, where there is a scale (`stops`), its ends and gradient bar. */
  function renderLegend(legend, spec) {
    if (!legend) {
      return;
    }
    legend.textContent = '';
    const caption = document.createElement('span');
    caption.textContent = spec.title;
    legend.appendChild(caption);
    if (!spec.stops) {
      return;
    }
    const lowText = document.createElement('span');
    lowText.className = 'graph-legend-end';
    lowText.textContent = spec.low;
    const bar = document.createElement('span');
    bar.className = 'graph-legend-bar';
    bar.style.background = `linear-gradient(to right, ${spec.stops.map(rgb).join(', ')})`;
    const highText = document.createElement('span');
    highText.className = 'graph-legend-end';
    highText.textContent = spec.high;
    legend.append(lowText, bar, highText);
  }

  function fitText(text, width) {
    const max = Math.max(4, Math.floor(width / 6.6));
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
  }

  /** The graph as an SVG element: groups of nested models, edges, then the layers' boxes. */
  function graphSvg(lay, colours, marksOf) {
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
      drawNode(svg, n, colours.get(n.id), marksOf(n.id), { fg, bg, border, error, warning });
    }
    return svg;
  }

  function drawNode(svg, n, colour, marks, theme) {
    const source = n.node.source;
    const g = el('g', { class: `graph-node${source ? ' source-link' : ''}`, 'data-node': n.id, tabindex: 0 }, svg);
    if (source) {
      g.setAttribute('data-file', source.file);
      g.setAttribute('data-line', String(source.line));
    }
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

  window.RbnGraphView.draw = { cssVar, el, renderLegend, graphSvg };
})();
