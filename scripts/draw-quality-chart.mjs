// Draws media/screenshots/quality-chart.png, the front page's one chart: held-out accuracy of BatchNorm and
// RunningBatchNorm at batch 1/2/8/32 (Adam and SGD), every seed a dot and the mean a bar, from the quality
// bench's own run lines. The SVG is built here and rendered by headless Chromium (no chart library, no
// network). Run: node scripts/draw-quality-chart.mjs [runs.jsonl] [out.png]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const input = process.argv[2] ?? path.join(root, 'bench/results/quality-epsilon-1e-4.jsonl');
const output = process.argv[3] ?? path.join(root, 'media/screenshots/quality-chart.png');
const chromium = process.env.CHROMIUM_PATH ?? process.env.CHROMIUM ?? '/usr/bin/chromium';

const runs = fs.readFileSync(input, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const BATCHES = [1, 2, 8, 32];
const PANELS = [
  { optimizer: 'adam', title: 'Adam 3e-3' },
  { optimizer: 'sgd', title: 'SGD 0.4' },
];
const NORMS = [
  { norm: 'bn', label: 'tf.layers.batchNormalization', colour: '#9aa5b1' },
  { norm: 'rbn', label: 'RunningBatchNorm', colour: '#ff8f00' },
];

const W = 880;
const H = 380;
const PANEL_W = 400;
const TOP = 70;
const PLOT_H = 230;
const y = (accuracy) => TOP + PLOT_H * (1 - accuracy);

function panel(offsetX, { optimizer, title }) {
  const parts = [`<text x="${offsetX + PANEL_W / 2}" y="${TOP - 14}" class="title">${title}</text>`];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${offsetX + 40}" x2="${offsetX + PANEL_W}" y1="${y(tick)}" y2="${y(tick)}" class="grid"/>`);
    parts.push(`<text x="${offsetX + 34}" y="${y(tick) + 4}" class="tick" text-anchor="end">${tick * 100}%</text>`);
  }
  const groupW = (PANEL_W - 50) / BATCHES.length;
  BATCHES.forEach((batch, b) => {
    const gx = offsetX + 50 + b * groupW;
    parts.push(`<text x="${gx + groupW / 2 - 5}" y="${TOP + PLOT_H + 20}" class="tick" text-anchor="middle">batch ${batch}</text>`);
    NORMS.forEach(({ norm, colour }, n) => {
      const seeds = runs.filter((r) => r.optimizer === optimizer && r.batchSize === batch && r.norm === norm).map((r) => r.accuracy);
      if (seeds.length === 0) {
        return;
      }
      const mean = seeds.reduce((a, v) => a + v, 0) / seeds.length;
      const x = gx + 8 + n * (groupW / 2 - 6);
      const barW = groupW / 2 - 14;
      parts.push(`<rect x="${x}" y="${y(mean)}" width="${barW}" height="${y(0) - y(mean)}" fill="${colour}" opacity="0.85"/>`);
      parts.push(`<text x="${x + barW / 2}" y="${y(mean) - 5}" class="value" text-anchor="middle">${(mean * 100).toFixed(0)}</text>`);
      seeds.forEach((accuracy, i) => {
        const jitter = ((i % 5) - 2) * (barW / 7);
        parts.push(`<circle cx="${x + barW / 2 + jitter}" cy="${y(accuracy)}" r="2.2" class="seed"/>`);
      });
    });
  });
  return parts.join('');
}

const legend = NORMS.map(({ label, colour }, i) =>
  `<rect x="${60 + i * 300}" y="16" width="14" height="14" fill="${colour}"/><text x="${80 + i * 300}" y="28" class="legend">${label}</text>`,
).join('');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<style>
  text { font-family: 'DejaVu Sans', sans-serif; fill: #1f2933; }
  .title { font-size: 15px; font-weight: bold; text-anchor: middle; }
  .tick { font-size: 12px; fill: #52606d; }
  .value { font-size: 11px; fill: #1f2933; }
  .legend { font-size: 13px; }
  .grid { stroke: #e4e7eb; stroke-width: 1; }
  .seed { fill: #1f2933; opacity: 0.7; }
  .note { font-size: 11px; fill: #52606d; }
</style>
<rect width="${W}" height="${H}" fill="#ffffff"/>
${legend}
${panel(20, PANELS[0])}${panel(20 + PANEL_W + 40, PANELS[1])}
<text x="20" y="${H - 12}" class="note">Held-out accuracy on MNIST digits after one epoch (bars: mean; dots: seeds, 10 at batch 8 and 32, 3 at batch 1 and 2). Source: ${path.basename(input)}</text>
</svg>`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-chart-'));
const page = path.join(dir, 'chart.html');
fs.writeFileSync(page, `<!doctype html><html><body style="margin:0">${svg}</body></html>`);
execFileSync(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(dir, 'profile')}`,
  '--hide-scrollbars', `--window-size=${W},${H}`, `--screenshot=${output}`, `file://${page}`,
], { stdio: 'ignore' });
fs.rmSync(dir, { recursive: true, force: true });
console.log(output);
