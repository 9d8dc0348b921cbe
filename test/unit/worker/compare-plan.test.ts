import { strict as assert } from 'node:assert';
import { evalRowsFor, nextGrant, pairedStepMs, planSeeds, seedOverheadMs, stepsThatFit, trainsConcurrently } from '../../../src/worker/compare/compare-plan';
import { CommandQueue, GrantGate, SeedAbandoned } from '../../../src/worker/compare/grant-gate';

describe('Compare scheduling (pure)', () => {
  it('trains side by side only with a share of cores for each worker', () => {
    const rows: [number, number, number, boolean][] = [
      [2, 2, 1, true],
      [1, 2, 1, false],
      [8, 2, 4, true],
      [8, 2, 5, false],
      [16, 1, 1, false],
    ];
    for (const [cores, workers, threads, expected] of rows) {
      assert.equal(trainsConcurrently(cores, workers, threads), expected, `${cores} cores, ${workers} workers × ${threads} threads`);
    }
  });

  it('a paired step and a seed’s overhead: the slower run side by side, the sum taking turns', () => {
    const arms = [
      { stepMs: 30, evalMsPerRow: 0.5, buildMs: 200 },
      { stepMs: 40, evalMsPerRow: 1, buildMs: 100 },
    ];
    assert.equal(pairedStepMs(arms, true), 40);
    assert.equal(pairedStepMs(arms, false), 70);
    // 1.5 × 0.5 × 1000 + 200 = 950 and 1.5 × 1 × 1000 + 100 = 1600.
    assert.equal(seedOverheadMs(arms, 1000, true), 1600);
    assert.equal(seedOverheadMs(arms, 1000, false), 2550);
  });

  it('plans as many full-length seeds as fit, at most the cap; else one shorter seed', () => {
    // 300 steps × 35 ms + 1500 ms = 12 s per seed.
    assert.deepEqual(planSeeds(300, 50_000, 35, 1500), { seeds: 4, steps: 300 });
    assert.deepEqual(planSeeds(300, 50_000, 1, 0, 10), { seeds: 10, steps: 300 });
    assert.deepEqual(planSeeds(300, 6000, 35, 1500), { seeds: 1, steps: 128 });
    assert.deepEqual(planSeeds(300, 100, 35, 1500), { seeds: 1, steps: 1 });
  });

  it('cuts the first seed to what fits, never below a granted step, and never above the plan', () => {
    assert.equal(stepsThatFit(300, 100, 5000, 40, 1000), 200);
    assert.equal(stepsThatFit(300, 100, 500, 40, 1000), 100);
    assert.equal(stepsThatFit(300, 100, 60_000, 40, 1000), 300);
  });

  it('grants about a second of steps (the first about 0.4 s), never past the seed’s steps', () => {
    assert.equal(nextGrant(0, 300, 40, true), 10);
    assert.equal(nextGrant(10, 300, 40, false), 35);
    assert.equal(nextGrant(290, 300, 40, false), 300);
    assert.equal(nextGrant(0, 300, 5000, false), 1);
  });

  it('scores every held-out example when three seeds’ scoring fits a fifth of the budget, else fewer, at least 100', () => {
    assert.equal(evalRowsFor(1000, [1, 1], 60_000, true), 1000);
    // 0.2 × 60 s / (3 × 40 ms) = 100 rows; side by side the slower run counts, taking turns both.
    assert.equal(evalRowsFor(1000, [20, 40], 60_000, true), 100);
    assert.equal(evalRowsFor(1000, [5, 5], 60_000, false), 400);
    assert.equal(evalRowsFor(50, [100, 100], 60_000, true), 50);
    // 4 s left after a step: one scoring may take 2 s, 20 examples at 100 ms; and always one.
    assert.equal(evalRowsFor(1000, [100, 50], 60_000, true, 4000), 20);
    assert.equal(evalRowsFor(1000, [100, 50], 60_000, true, -5), 1);
  });
});

describe('an arm’s grants', () => {
  it('trains to the granted step, says so, waits, and goes on with the next grant', async () => {
    const gate = new GrantGate();
    const reached: number[] = [];
    gate.startSeed(0, 5);
    const waiting = gate.planned(0, (step) => reached.push(step));
    await Promise.resolve();
    assert.deepEqual(reached, [0]);
    gate.grant(3, 5);
    assert.equal(await waiting, 5);
    assert.equal(await gate.planned(2, (step) => reached.push(step)), 5);
    const atThree = gate.planned(3, (step) => reached.push(step));
    await Promise.resolve();
    assert.deepEqual(reached, [0, 3]);
    // The scheduler cuts the seed to the step it is at: the run ends there.
    gate.grant(3, 3);
    assert.equal(await atThree, 3);
  });

  it('an abandoned seed throws out of the training loop, and the next seed starts clean', async () => {
    const gate = new GrantGate();
    gate.startSeed(2, 10);
    const waiting = gate.planned(2, () => undefined);
    gate.abandon();
    await assert.rejects(waiting, SeedAbandoned);
    gate.startSeed(4, 10);
    assert.equal(await gate.planned(1, () => undefined), 10);
  });

  it('queues seeds and finish in order, and routes grants to the gate', async () => {
    const gate = new GrantGate();
    const queue = new CommandQueue();
    const first = queue.next();
    queue.accept({ type: 'seed', seed: 1, steps: 5, upTo: 0, batchSize: 8, evalRows: 10, telemetry: true }, gate);
    queue.accept({ type: 'finish' }, gate);
    assert.equal((await first).type, 'seed');
    assert.equal((await queue.next()).type, 'finish');
    gate.startSeed(0, 5);
    queue.accept({ type: 'grant', upTo: 5, steps: 5 }, gate);
    assert.equal(await gate.planned(0, () => assert.fail('no wait after the grant')), 5);
  });
});
