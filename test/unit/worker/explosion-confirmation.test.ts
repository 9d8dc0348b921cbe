import { strict as assert } from 'node:assert';
import type { ExplosionWarning } from '../../../src/core/training/protocol';
import { ExplosionConfirmer } from '../../../src/worker/telemetry/explosion-confirmation';

/**
 * A labelled set of training traces, step by step: the loss, the growth candidates the detectors raise
 * (a weight or gradient that grew 100× within 50 steps), the largest weight of the candidate's layer,
 * and a NaN/Inf step when there is one. Healthy traces are modelled on runs that trained well (among
 * them the two the old rule called exploding: a BatchNorm gradient rising from 1e-3 to 1.8, and a 105×
 * spike over the median once at step 237 with 91% accuracy, and a gradient that reached 1,210 in the
 * first Adam steps while the loss spiked once and recovered); bad ones grow weights to large values or
 * have consequences. Every healthy trace must give no finding; every bad one must give one.
 */
interface Trace {
  title: string;
  steps: number;
  loss: (step: number) => number;
  /** Candidates by step: [step, measure, own magnitude, growth]. */
  candidates: [number, 'weight' | 'gradient', number, number][];
  /** The largest weight of the candidate's layer at a step. */
  weight: (step: number) => number;
  nanAt?: number;
}

const falling = (start: number, end: number, steps: number) => (s: number) => start + ((end - start) * s) / steps;
const noisy = (base: (s: number) => number, amplitude: number) => (s: number) => base(s) * (1 + amplitude * Math.sin(s * 1.7));
const flat = (value: number) => () => value;
/** A loss that spikes at step 2 (an overshooting first update), recovers by step 9 and then falls. */
const firstStepSpike = (s: number) => (s === 1 ? 2.6 : s === 2 ? 345 : s <= 8 ? 50 / (s - 2) : falling(2, 1, 50)(s));

const healthy: Trace[] = [
  { title: 'a BatchNorm gradient rising from 1e-3 to 1.8 while the loss falls', steps: 300, loss: falling(2.3, 0.4, 300), candidates: [[40, 'gradient', 0.12, 120]], weight: (s) => 1 + s / 1000 },
  { title: 'a gradient spike 105x over its median once at step 237, accuracy 0.91', steps: 300, loss: noisy(falling(1.2, 0.3, 300), 0.2), candidates: [[237, 'gradient', 0.9, 105]], weight: flat(1.3) },
  { title: 'a bias leaving zero to 12 while the loss falls', steps: 200, loss: falling(1, 0.2, 200), candidates: [[30, 'weight', 12, 120]], weight: (s) => Math.min(12 + s / 100, 14) },
  { title: 'a gradient spike at the last step (no steps after it)', steps: 100, loss: falling(1, 0.5, 100), candidates: [[100, 'gradient', 5, 200]], weight: flat(2) },
  { title: 'two spikes in different layers, loss steady', steps: 150, loss: noisy(flat(0.7), 0.3), candidates: [[20, 'gradient', 0.3, 150], [90, 'gradient', 0.8, 130]], weight: flat(0.9) },
  { title: 'a noisy loss within 2x after a spike', steps: 120, loss: noisy(flat(1), 0.45), candidates: [[60, 'gradient', 2, 110]], weight: flat(1.5) },
  { title: 'a weight growing 3x more after its candidate step', steps: 120, loss: falling(0.9, 0.4, 120), candidates: [[10, 'weight', 20, 200]], weight: (s) => (s < 10 ? 0.1 : 20 + (s - 10) * 0.4) },
  { title: 'an embedding weight at 15 from 0.1 with the loss flat', steps: 80, loss: flat(0.69), candidates: [[5, 'weight', 15, 150]], weight: flat(15) },
  { title: 'a gradient candidate at 900 (under the large bar)', steps: 60, loss: falling(3, 1, 60), candidates: [[12, 'gradient', 900, 400]], weight: flat(3) },
  { title: 'a weight candidate at 999', steps: 60, loss: falling(3, 1, 60), candidates: [[12, 'weight', 999, 101]], weight: flat(999) },
  { title: 'a regression whose loss falls from 400 to 20 after a spike', steps: 100, loss: falling(400, 20, 100), candidates: [[8, 'gradient', 50, 300]], weight: flat(4) },
  { title: 'a DQN target jump: loss rises 1.6x for a few steps', steps: 200, loss: (s) => (s > 100 && s < 105 ? 1.6 : 1), candidates: [[100, 'gradient', 3, 120]], weight: flat(1) },
  { title: 'a GAN generator: loss oscillates, gradients spike', steps: 200, loss: noisy(flat(2), 0.4), candidates: [[50, 'gradient', 4, 130], [120, 'gradient', 6, 110]], weight: flat(1.2) },
  { title: 'a candidate with no finite loss before it (step 1)', steps: 50, loss: falling(2, 1, 50), candidates: [[1, 'gradient', 0.5, 500]], weight: flat(1) },
  { title: 'BatchNorm beta from 0 to 0.4 (floor) while training', steps: 100, loss: falling(1, 0.3, 100), candidates: [[20, 'weight', 0.4, 100.5]], weight: flat(0.4) },
  { title: 'a layer whose weights double after a spike', steps: 100, loss: falling(1, 0.6, 100), candidates: [[30, 'gradient', 1, 200]], weight: (s) => (s < 30 ? 1 : 2) },
  { title: 'a short run (5 steps) with a candidate at step 3', steps: 5, loss: falling(1, 0.9, 5), candidates: [[3, 'gradient', 0.2, 200]], weight: flat(1) },
  { title: 'many candidates, all small, loss falling', steps: 300, loss: falling(2, 0.2, 300), candidates: [[10, 'gradient', 0.2, 110], [60, 'weight', 3, 120], [200, 'gradient', 0.5, 150]], weight: flat(3) },
  { title: 'a loss that dips then returns to its level (not above 2x)', steps: 80, loss: (s) => (s > 40 && s < 50 ? 0.3 : 0.55), candidates: [[40, 'gradient', 1, 105]], weight: flat(1) },
  { title: 'growth of a weight from 0.05 to 9 (under the floor at first)', steps: 100, loss: falling(1, 0.5, 100), candidates: [[25, 'weight', 9, 101]], weight: flat(9) },
  { title: 'a gradient norm that reaches 5e4 while the loss falls and the weights stay put', steps: 50, loss: falling(1, 0.9, 50), candidates: [[10, 'gradient', 5e4, 5000]], weight: flat(2) },
  { title: "Adam's first steps on a 50,000-input layer: the next layer's gradient 4.6 -> 1,210 and the loss 2.6 -> 345 for a step, then learning", steps: 50, loss: firstStepSpike, candidates: [[3, 'gradient', 1210, 267]], weight: flat(0.5) },
];

const bad: Trace[] = [
  { title: 'a gradient norm that reaches 5e4, then the loss rises 3x', steps: 50, loss: (s) => (s <= 10 ? 1 : 3), candidates: [[10, 'gradient', 5e4, 5000]], weight: flat(2) },
  { title: 'a weight that reaches 2e3', steps: 50, loss: falling(1, 0.9, 50), candidates: [[12, 'weight', 2e3, 900]], weight: flat(2e3) },
  { title: 'a gradient spike, then the loss rises 5x', steps: 60, loss: (s) => (s <= 20 ? 1 : 5), candidates: [[20, 'gradient', 3, 200]], weight: flat(1) },
  { title: 'a weight candidate, then NaN at step 33', steps: 40, loss: falling(1, 0.9, 40), candidates: [[30, 'weight', 40, 400]], weight: flat(40), nanAt: 33 },
  { title: 'a gradient spike, then the layer weights grow 50x', steps: 60, loss: falling(1, 0.9, 60), candidates: [[15, 'gradient', 2, 300]], weight: (s) => (s <= 15 ? 1 : 50) },
  { title: 'a gradient spike, then the weights pass 1e3', steps: 60, loss: falling(1, 0.9, 60), candidates: [[15, 'gradient', 8, 300]], weight: (s) => (s <= 16 ? 5 : 1500) },
  { title: 'a learning rate given as an object: NaN at step 1', steps: 1, loss: flat(Number.NaN), candidates: [], weight: flat(1), nanAt: 1 },
  { title: 'lr 10: the loss blows up after the first growth', steps: 30, loss: (s) => (s <= 4 ? 2 : 2 * 4 ** (s - 4)), candidates: [[4, 'weight', 30, 300]], weight: (s) => 30 * 1.5 ** Math.max(0, s - 4) },
  { title: 'a gradient spike, then NaN two steps later', steps: 20, loss: falling(1, 0.9, 20), candidates: [[10, 'gradient', 5, 150]], weight: flat(1), nanAt: 12 },
  { title: 'the loss doubles 3x in the steps after a weight candidate', steps: 40, loss: (s) => (s <= 10 ? 0.5 : 0.5 * 3), candidates: [[10, 'weight', 12, 120]], weight: flat(12) },
];

function replay(trace: Trace): { exploding: ExplosionWarning[]; nan: boolean; seen: ExplosionWarning[] } {
  const confirmer = new ExplosionConfirmer();
  const exploding: ExplosionWarning[] = [];
  for (let step = 1; step <= trace.steps; step++) {
    if (trace.nanAt === step) {
      exploding.push(...confirmer.nanAt(step));
      return { exploding, nan: true, seen: confirmer.unconfirmed() };
    }
    const candidates = trace.candidates
      .filter(([s]) => s === step)
      .map(([, measure, magnitude, growth], i) => ({ warning: { step, layer: `layer${i}`, className: 'Dense', weight: `layer${i}/kernel`, growth, source: null, measure }, magnitude }));
    const loss = trace.loss(step);
    exploding.push(...confirmer.observe(step, Number.isFinite(loss) ? loss : null, candidates, () => trace.weight(step)));
  }
  return { exploding, nan: false, seen: confirmer.unconfirmed() };
}

describe('explosion findings: only when it is one (labelled traces)', () => {
  for (const trace of healthy) {
    it(`healthy: ${trace.title}`, () => {
      const { exploding, nan, seen } = replay(trace);
      assert.equal(nan, false);
      assert.deepEqual(exploding.map((e) => e.evidence), []);
      assert.equal(seen.length, trace.candidates.length, 'each candidate is kept as growth seen');
      assert.ok(seen.every((s) => /nothing followed/.test(s.evidence ?? '')), JSON.stringify(seen));
    });
  }
  for (const trace of bad) {
    it(`found: ${trace.title}`, () => {
      const { exploding, nan } = replay(trace);
      assert.ok(nan || exploding.length > 0, 'a NaN/Inf or an explosion finding');
      assert.ok(exploding.every((e) => typeof e.evidence === 'string' && e.evidence.length > 0));
    });
  }
  it('counts: 22 healthy with 0 false alarms, 10 bad all found', () => {
    assert.equal(healthy.length, 22);
    assert.equal(bad.length, 10);
    const falseAlarms = healthy.filter((t) => replay(t).exploding.length > 0).length;
    const found = bad.filter((t) => {
      const r = replay(t);
      return r.nan || r.exploding.length > 0;
    }).length;
    assert.deepEqual({ falseAlarms, found }, { falseAlarms: 0, found: 10 });
  });
  it('says what was seen: the loss rise with its numbers', () => {
    const [finding] = replay(bad[2]).exploding;
    assert.equal(finding.evidence, 'the loss rose from 1 to 5 in the steps after');
  });

  // What the panel and the CLI show per finding: the magnitude it grew to and what confirmed it.
  const confirmations: Array<{ trace: Trace; expected: Pick<ExplosionWarning, 'magnitude' | 'confirmedBy'> }> = [
    { trace: bad[0], expected: { magnitude: 5e4, confirmedBy: 'loss' } },
    { trace: bad[1], expected: { magnitude: 2e3, confirmedBy: 'magnitude' } },
    { trace: bad[2], expected: { magnitude: 3, confirmedBy: 'loss' } },
    { trace: bad[3], expected: { magnitude: 40, confirmedBy: 'nonFinite' } },
    { trace: bad[4], expected: { magnitude: 2, confirmedBy: 'weights' } },
    { trace: bad[5], expected: { magnitude: 8, confirmedBy: 'weights' } },
  ];
  for (const { trace, expected } of confirmations) {
    it(`confirmed by ${expected.confirmedBy}, grown to ${expected.magnitude}: ${trace.title}`, () => {
      const [finding] = replay(trace).exploding;
      assert.deepEqual({ magnitude: finding?.magnitude, confirmedBy: finding?.confirmedBy }, expected);
    });
  }
  it('growth seen carries its magnitude and no confirmation', () => {
    const [seen] = replay(healthy[0]).seen;
    assert.deepEqual({ magnitude: seen?.magnitude, confirmedBy: seen?.confirmedBy }, { magnitude: 0.12, confirmedBy: undefined });
  });
});
