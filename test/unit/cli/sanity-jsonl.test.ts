import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { LayerSample, ModelGraph, SanityReport } from '../../../src/core/training/protocol';
import { rbn } from './cli-helpers';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity');

interface Line {
  type?: string;
  step?: number;
  totalSteps?: number;
  layers?: LayerSample[];
  graph?: ModelGraph;
}

describe('rbn sanity --jsonl', function () {
  this.timeout(180_000);

  it('streams phases, the graph, progress and per-layer statistics from the first half of a 300-step run, the report last', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'residual.ts', '--jsonl', '--steps', '300', '--batch-size', '4', '--backend', 'cpu', '--timeout', '150'], FIXTURES);
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as Line);
    const report = parsed[parsed.length - 1] as unknown as SanityReport;
    assert.equal(report.runs[0].steps, 300, 'the whole run fitted the budget');
    const events = parsed.slice(0, -1);
    assert.ok(events.every((e) => typeof e.type === 'string'), 'every line before the report is a typed message');
    const order = [...new Set(events.map((e) => e.type))];
    assert.deepEqual(order.slice(0, 2), ['phase', 'graph']);
    assert.ok(order.includes('progress') && order.includes('layerStats'), order.join(', '));

    // Per-layer statistics arrive while the run goes: well before its middle, and before the progress of later steps.
    const stats = events.filter((e) => e.type === 'layerStats');
    const early = stats.filter((e) => (e.step ?? Infinity) <= 150);
    assert.ok(early.length >= 10, `${early.length} samples in the first half`);
    const firstStats = events.indexOf(stats[0]);
    const laterProgress = events.findIndex((e) => e.type === 'progress' && (e.step ?? 0) > 150);
    assert.ok(firstStats < laterProgress, 'statistics of the first half are printed before the second half has run');
    assert.deepEqual(stats[0].layers?.map((l) => l.name), ['stem', 'branch', 'branch_bn', 'residual', 'classes']);
    assert.ok(stats[0].layers?.every((l) => typeof l.std === 'number' && l.nonFinite === 0));
    // The streamed values are the report's own, step for step.
    const branch = report.runs[0].layers?.find((l) => l.name === 'branch');
    const at = branch?.steps.indexOf(stats[3].step ?? -1) ?? -1;
    assert.ok(at >= 0);
    assert.equal(stats[3].layers?.find((l) => l.name === 'branch')?.std, branch?.std[at]);

    // The graph: the residual add has the branch's two inbound edges, and the report carries it too.
    const graph = events.find((e) => e.type === 'graph')?.graph;
    assert.deepEqual(graph?.edges.filter(([, to]) => to === 'residual'), [['stem', 'residual'], ['branch_bn', 'residual']]);
    assert.deepEqual(report.runs[0].graph, graph);
    assert.deepEqual(graph?.nodes.find((n) => n.name === 'branch')?.source, { file: 'residual.ts', line: 7 });
  });

  it('a run that cannot start ends with an error line (exit 2) and the one-line reason on stderr', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'failing.ts', '--model', 'throws', '--jsonl', '--backend', 'cpu'], FIXTURES);
    assert.equal(code, 2);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; reason?: string; message?: string });
    assert.deepEqual(lines[0], { ...lines[0], type: 'phase' });
    const last = lines[lines.length - 1];
    assert.equal(last.type, 'error');
    assert.equal(last.reason, 'threw');
    assert.match(last.message ?? '', /cannot build the model today/);
    assert.match(stderr, /^rbn sanity: throws\(\) threw/);
  });

  it('--compare: both runs carry their graph; the text output summarises it', async () => {
    const { code, stdout, stderr } = await rbn(['sanity', 'residual.ts', '--json', '--compare', '--steps', '10', '--batch-size', '4', '--backend', 'cpu'], FIXTURES);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as SanityReport;
    assert.deepEqual(report.runs.map((r) => r.graph?.nodes.find((n) => n.name === 'branch_bn')?.className), ['BatchNormalization', 'RunningBatchNorm']);
    const text = await rbn(['sanity', 'residual.ts', '--steps', '10', '--batch-size', '4', '--backend', 'cpu'], FIXTURES);
    assert.match(text.stdout, /^ {2}graph: 5 layers \(3 Dense, 1 Add, 1 BatchNormalization\), 1 input, 1 output, 1 merge \(residual\), 1 branch point \(stem\), \d+ parameters$/m);
  });
});
