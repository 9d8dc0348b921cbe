/**
 * What the panel and the CLI's summary show per explosion finding (layer, step, quantity, growth from →
 * to, what confirmed it, the cause where known) and per growth that was not confirmed.
 */
import * as assert from 'node:assert/strict';
import type { ExplosionWarning, NanFinding, RunReport, SanityReport } from '../../../src/core/training/protocol';
import { explosionsSection, spikesOf } from '../../../src/core/training/report/report-explosions';
import { renderReportPage, type ReportPageAssets } from '../../../src/core/training/report/report-html';
import { formatSanity } from '../../../src/cli/commands/sanity';
import { bodyText, elementsOf } from './html-tree';
import { ROOT } from './report-fixtures';

const SOURCE = { file: `${ROOT}/src/model.ts`, line: 12 };

const gradient = (over: Partial<ExplosionWarning> = {}): ExplosionWarning => ({
  step: 40,
  layer: 'conv_1',
  className: 'Conv2D',
  weight: 'conv_1/kernel, conv_1/bias',
  growth: 150,
  source: SOURCE,
  measure: 'gradient',
  ...over,
});

const weight = (over: Partial<ExplosionWarning> = {}): ExplosionWarning => ({
  step: 3,
  layer: 'dense_Dense1',
  className: 'Dense',
  weight: 'dense_Dense1/kernel',
  growth: 400,
  source: null,
  ...over,
});

const lrNaN: NanFinding = { step: 5, layer: 'dense_Dense1', className: 'Dense', where: 'weights', cause: 'the learning rate is not a number (the optimizer got [object Object])', source: null };

function reportOf(runs: Array<Partial<RunReport>>): SanityReport {
  return {
    backend: 'cpu',
    data: 'synthetic',
    task: 'classification',
    runs: runs.map((r, i) => ({ norm: i === 0 ? 'batchNormalization' : 'runningBatchNorm', steps: 50, batchSize: 8, finalLoss: 0.5, accuracy: 0.8, stepsPerSecond: 20, nan: null, exploding: [], ...r })),
  };
}

/** The section's heading, its rows as cell texts, and its quiet lines. */
function sectionOf(report: SanityReport): { heading: string | undefined; rows: string[][]; quiet: string[] } {
  const html = explosionsSection(report, [ROOT]);
  const elements = elementsOf(html);
  const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)]
    .map((m) => elementsOf(`<table><tr>${m[1]}</tr></table>`).filter((e) => e.tag === 'td').map((e) => e.text))
    .filter((cells) => cells.length > 0);
  return {
    heading: elements.find((e) => e.tag === 'h2')?.text,
    rows,
    quiet: elements.filter((e) => e.tag === 'li').map((e) => e.text.replace(/\s+/g, ' ')),
  };
}

const PANEL_CASES: Array<{ name: string; report: SanityReport; heading?: string; rows: string[][]; quiet: string[] }> = [
  {
    name: 'a gradient confirmed by the loss rising: from → to, the consequence, the line',
    report: reportOf([{ exploding: [gradient({ magnitude: 1.5, confirmedBy: 'loss', evidence: 'the loss rose from 1 to 5 in the steps after' })] }]),
    heading: 'Exploding weights',
    rows: [['BatchNorm (as written)', 'conv_1 (Conv2D)', 'gradient norm', '0.01 → 1.5 (150×)', '40', 'loss rising: the loss rose from 1 to 5 in the steps after', 'src/model.ts:12']],
    quiet: [],
  },
  {
    name: 'a weight confirmed by a NaN the learning rate caused: non-finite at step k, and the cause',
    report: reportOf([{ nan: lrNaN, exploding: [weight({ magnitude: 40, confirmedBy: 'nonFinite', evidence: 'followed by NaN/Inf at step 5' })] }]),
    heading: 'Exploding weights',
    rows: [['BatchNorm (as written)', 'dense_Dense1 (Dense)', 'largest weight of dense_Dense1/kernel', '0.1 → 40 (400×)', '3', 'non-finite values: followed by NaN/Inf at step 5cause: the learning rate is not a number (the optimizer got [object Object])', 'source line unknown']],
    quiet: [],
  },
  {
    name: 'a large magnitude on its own; the swapped run; weights growing',
    report: reportOf([
      { exploding: [gradient({ growth: 5000, magnitude: 5e4, confirmedBy: 'magnitude', evidence: 'the gradient norm of conv_1 reached 5.00e+4' })] },
      { exploding: [gradient({ step: 15, growth: 300, magnitude: 2, confirmedBy: 'weights', evidence: 'the largest weight of conv_1 kept growing: 1 → 50 by step 16' })] },
    ]),
    heading: 'Exploding weights',
    rows: [
      ['BatchNorm (as written)', 'conv_1 (Conv2D)', 'gradient norm', '10 → 50000 (5000×)', '40', 'a large magnitude: the gradient norm of conv_1 reached 5.00e+4', 'src/model.ts:12'],
      ['RunningBatchNorm (swapped in memory)', 'conv_1 (Conv2D)', 'gradient norm', '0.00667 → 2 (300×)', '15', 'weights growing: the largest weight of conv_1 kept growing: 1 → 50 by step 16', 'src/model.ts:12'],
    ],
    quiet: [],
  },
  {
    name: 'a report from before the magnitude was recorded: the factor alone, the evidence as it is',
    report: reportOf([{ exploding: [weight({ growth: 153.4 })] }]),
    heading: 'Exploding weights',
    rows: [['BatchNorm (as written)', 'dense_Dense1 (Dense)', 'largest weight of dense_Dense1/kernel', '153×', '3', '—', 'source line unknown']],
    quiet: [],
  },
  {
    name: 'growth seen only: a quiet line, no heading',
    report: reportOf([{ growthSeen: [gradient({ growth: 120, magnitude: 0.12, evidence: 'the gradient norm of conv_1 grew 120× to 0.12 and nothing followed (loss 2.3 before, 2.1 after)' })] }]),
    rows: [],
    quiet: ['Growth seen, not confirmed: BatchNorm (as written), layer “conv_1” (Conv2D), step 40: gradient norm 0.001 → 0.12 (120×); nothing followed (loss 2.3 before, 2.1 after) (built at src/model.ts:12)'],
  },
  {
    name: 'a finding and growth seen in the other run: both',
    report: reportOf([{ exploding: [weight({ magnitude: 40, confirmedBy: 'loss', evidence: 'the loss rose from 0.5 to 3 in the steps after' })] }, { growthSeen: [weight({ growth: 101, magnitude: 9, evidence: 'the largest weight of dense_Dense1/kernel grew 101× to 9 and nothing followed' })] }]),
    heading: 'Exploding weights',
    rows: [['BatchNorm (as written)', 'dense_Dense1 (Dense)', 'largest weight of dense_Dense1/kernel', '0.1 → 40 (400×)', '3', 'loss rising: the loss rose from 0.5 to 3 in the steps after', 'source line unknown']],
    quiet: ['Growth seen, not confirmed: RunningBatchNorm (swapped in memory), layer “dense_Dense1” (Dense), step 3: largest weight of dense_Dense1/kernel 0.0891 → 9 (101×); nothing followed (built at source line unknown)'],
  },
];

describe('explosion evidence in the panel', () => {
  for (const c of PANEL_CASES) {
    it(c.name, () => {
      const section = sectionOf(c.report);
      assert.equal(section.heading, c.heading);
      assert.deepEqual(section.rows, c.rows);
      assert.deepEqual(section.quiet, c.quiet);
    });
  }

  it('nothing seen: no section', () => {
    assert.equal(explosionsSection(reportOf([{}]), [ROOT]), '');
  });

  it('on the page, escaped: a hostile layer name and cause stay text', () => {
    const assets: ReportPageAssets = { cspSource: 'vscode-resource:', nonce: 'n', styleUri: 's.css', scriptUri: 'r.js', chartUri: 'c.js' };
    const hostile = reportOf([{ nan: { ...lrNaN, cause: '<img src=x>' }, exploding: [weight({ layer: '<b>x</b>', confirmedBy: 'nonFinite', evidence: 'followed by NaN/Inf at step 5' })] }]);
    const html = renderReportPage({ kind: 'report', report: hostile }, assets, [ROOT]);
    assert.ok(!html.includes('<img src=x>') && !html.includes('<b>x</b>'));
    assert.match(bodyText(html), /cause: <img src=x>/);
  });
});

/** 20 steps of a layer's gradient norm around 5, with spikes at the given steps (and their losses). */
function spikyRun(spikeSteps: number[], tail = 5): Pick<RunReport, 'layers' | 'losses'> {
  const steps = Array.from({ length: 20 }, (_, i) => i + 1);
  const gradNorm = steps.map((s) => (spikeSteps.includes(s) ? 2e4 : s === 20 ? tail : 5));
  const losses = steps.map((s) => (spikeSteps.includes(s) ? 600 : 1.5));
  const layer = { name: 'conv_1', className: 'Conv2D', source: SOURCE, steps, mean: [], std: [], nearZero: [], weightNorm: [], gradNorm, nonFinite: [] };
  return { layers: [layer as unknown as NonNullable<RunReport['layers']>[number]], losses };
}

describe('a gradient that spikes and falls back, described as spikes', () => {
  const big = gradient({ step: 4, growth: 4000, magnitude: 2e4, confirmedBy: 'magnitude', evidence: 'the gradient norm of conv_1 reached 2.00e+4' });
  const table: Array<[string, Pick<RunReport, 'layers' | 'losses'>, ExplosionWarning, string | null]> = [
    ['spikes each back by the next step: how many, how high, the loss then', spikyRun([4, 9, 15]), big, '3 spikes of the gradient norm (up to 20000, ≥100× its median 5), each back near the median by the next sampled step; the training loss on those steps: up to 600 (median of all steps 1.5)'],
    ['one that stays high at the end is growth, not spikes', spikyRun([4], 3e4), big, null],
    ['a spike on the last step has not fallen back', spikyRun([20]), big, null],
    ['a weight finding is never described so', spikyRun([4, 9]), weight({ magnitude: 2e4 }), null],
    ['no telemetry: nothing to say', { losses: [] }, big, null],
  ];
  for (const [name, run, w, expected] of table) {
    it(name, () => assert.equal(spikesOf(w, run), expected));
  }

  it('the CLI and the panel both show it under the finding', () => {
    const report = reportOf([{ exploding: [big], ...spikyRun([4, 9, 15]) }]);
    assert.ok(formatSanity(report).split('\n').includes('      seen: 3 spikes of the gradient norm (up to 20000, ≥100× its median 5), each back near the median by the next sampled step; the training loss on those steps: up to 600 (median of all steps 1.5)'));
    assert.match(sectionOf(report).rows[0]![5]!, /seen: 3 spikes of the gradient norm/);
  });
});

const CLI_CASES: Array<{ name: string; runs: Array<Partial<RunReport>>; expected: string[] }> = [
  {
    name: 'a gradient confirmed by the loss: grew from → to, confirmed by',
    runs: [{ exploding: [gradient({ source: null, magnitude: 1.5, confirmedBy: 'loss', evidence: 'the loss rose from 1 to 5 in the steps after' })] }],
    expected: [
      '    exploding gradient: the gradient norm of conv_1 (Conv2D) grew 150.0× within 50 steps, by step 40',
      '      grew: 0.01 → 1.5 (150×)',
      '      confirmed by loss rising: the loss rose from 1 to 5 in the steps after',
    ],
  },
  {
    name: 'a weight that ended in NaN: the cause',
    runs: [{ nan: lrNaN, exploding: [weight({ magnitude: 40, confirmedBy: 'nonFinite', evidence: 'followed by NaN/Inf at step 5' })] }],
    expected: [
      '    exploding weights: dense_Dense1/kernel grew 400.0× within 50 steps, by step 3',
      '      grew: 0.1 → 40 (400×)',
      '      confirmed by non-finite values: followed by NaN/Inf at step 5',
      '      cause: the learning rate is not a number (the optimizer got [object Object])',
    ],
  },
  {
    name: 'growth seen: one quiet line',
    runs: [{ growthSeen: [gradient({ growth: 120, magnitude: 0.12, evidence: 'the gradient norm of conv_1 grew 120× to 0.12 and nothing followed (loss 2.3 before, 2.1 after)' })] }],
    expected: ['    growth seen, not confirmed: layer “conv_1” (Conv2D), step 40: gradient norm 0.001 → 0.12 (120×); nothing followed (loss 2.3 before, 2.1 after)'],
  },
];

describe('explosion evidence in the CLI summary', () => {
  for (const c of CLI_CASES) {
    it(c.name, () => {
      const lines = formatSanity(reportOf(c.runs)).split('\n');
      const from = lines.findIndex((l) => l.startsWith(c.expected[0]!.slice(0, 20)));
      assert.ok(from >= 0, lines.join('\n'));
      assert.deepEqual(lines.slice(from, from + c.expected.length), c.expected);
    });
  }
});
