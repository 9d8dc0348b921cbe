import { strict as assert } from 'node:assert';
import { checkWasmHost, tooOldToDrive } from '../../../src/worker/backends/wasm-compat';
import { durationText, heldOutRows, planSteps, safetyMarginMs, shownTotal, StepBudget, type PlanInput, type ProbeResult } from '../../../src/worker/budget/budget';
import { isWasmAbort, SanityFailure } from '../../../src/worker/errors';
import { describePhase, nextPhase } from '../../../src/worker/launcher';
import { describeWaits } from '../../../src/worker/budget/event-loop-waits';
import { hintFor, packageOfRequest } from '../../../src/worker/loading/failure-hints';

describe('durationText (a step\'s time in the budget note)', () => {
  const rows: [number, string][] = [[1300, '1.30 s'], [250, '0.25 s'], [100, '0.10 s'], [42.4, '42 ms'], [4.24, '4.2 ms'], [0.31, '0.3 ms']];
  for (const [ms, text] of rows) {
    it(`${ms} ms → ${text}`, () => assert.equal(durationText(ms), text));
  }
});

describe('shownTotal (the N of "step k of N" holds still while the plan moves a little)', () => {
  const rows: { title: string; shown: number | undefined; planned: number; step: number; expected: number }[] = [
    { title: 'the first line shows the plan', shown: undefined, planned: 287, step: 1, expected: 287 },
    { title: 'a re-plan of under a tenth keeps the total shown', shown: 287, planned: 301, step: 10, expected: 287 },
    { title: 'a re-plan down by under a tenth keeps it too', shown: 287, planned: 270, step: 10, expected: 287 },
    { title: 'a re-plan of more than a tenth is shown', shown: 287, planned: 200, step: 10, expected: 200 },
    { title: 'the run reaching its smaller plan shows the plan (its last line reads k of k)', shown: 287, planned: 270, step: 270, expected: 270 },
    { title: 'the steps passing the total shown show the larger plan', shown: 287, planned: 300, step: 287, expected: 300 },
  ];
  for (const row of rows) {
    it(row.title, () => assert.equal(shownTotal(row.shown, row.planned, row.step), row.expected));
  }

  it('a plan that wobbles by a few steps every step shows one total', () => {
    let shown: number | undefined;
    const totals = new Set<number>();
    for (let step = 1; step <= 200; step++) {
      shown = shownTotal(shown, 280 + ((step * 7) % 13), step);
      totals.add(shown);
    }
    assert.deepEqual([...totals], [287]);
  });
});

describe('planSteps (the budget rule)', () => {
  const base: PlanInput = { requested: 300, remainingMs: 60_000, run: 0, done: 0, stepMs: [100, 100], evalMs: [1000, 1000] };
  const rows: { title: string; input: Partial<PlanInput>; expected: number }[] = [
    { title: 'everything fits: the steps asked for', input: { remainingMs: 100_000 }, expected: 300 },
    { title: 'two runs of 100 ms and two 1 s evaluations (3 s reserved) in 60 s', input: {}, expected: 285 },
    { title: 'a slower swapped copy takes its share', input: { stepMs: [100, 200] }, expected: 190 },
    { title: 'mid-run: steps done count at the measured rate', input: { done: 100, remainingMs: 40_000 }, expected: 235 },
    { title: 'the last run can only end in time, never below what it did', input: { run: 1, done: 50, remainingMs: 1000 }, expected: 50 },
    { title: 'no room at all: zero (the caller says why)', input: { remainingMs: 1500 }, expected: 0 },
  ];
  for (const row of rows) {
    it(row.title, () => assert.equal(planSteps({ ...base, ...row.input }), row.expected));
  }

  it('keeps 5% of the budget, at least 1.5 s, for the report', () => {
    assert.deepEqual([safetyMarginMs(10_000), safetyMarginMs(60_000), safetyMarginMs(600_000)], [1500, 3000, 30_000]);
  });
});

describe('heldOutRows (the evaluation takes at most a fifth of the budget)', () => {
  const rows: [string, number, number[], number, number][] = [
    ['a fast model scores every held-out example', 512, [0.1, 0.1], 60_000, 512],
    ['a slow one as many as fit 12 s of a 60 s budget', 512, [100, 100], 60_000, 60],
    ['never fewer than 32', 512, [2000], 60_000, 32],
    ['nor more than there are', 20, [2000], 60_000, 20],
  ];
  for (const [title, total, perRow, budget, expected] of rows) {
    it(title, () => assert.equal(heldOutRows(total, perRow, budget), expected));
  }
});

describe('StepBudget before the first step', () => {
  const ctx = { budgetMs: 60_000, backend: 'wasm', params: 31_051_201 };
  const probe = (stepMs: number, estimated = false): ProbeResult => ({ stepMs, estimated, evalMs: 1000, evalMsPerRow: 10 });
  const deadline = () => performance.now() + 30_000;

  it('plans what fits from the timed step, evaluating the rows chosen', () => {
    const budget = new StepBudget(300, [probe(1000)], deadline(), 60, ctx, 32);
    assert.ok(budget.stepsPlanned >= 28 && budget.stepsPlanned <= 30, String(budget.stepsPlanned));
  });

  it('an estimated step too long for the plan still gets one try (the probe refused the hopeless)', () => {
    assert.equal(new StepBudget(300, [probe(40_000, true)], deadline(), 60, ctx, 32).stepsPlanned, 1);
  });

  it('the note says the steps run and their time, and leaves the advice to the verdict', () => {
    const budget = new StepBudget(300, [probe(1000)], deadline(), 60, ctx, 32);
    assert.equal(budget.note([74], 'wasm'), 'ran 74 of 300 steps in the 60 s budget (about 1.00 s per step on wasm)');
    assert.equal(budget.note([300], 'wasm'), undefined);
  });

  it('a timed step that cannot fit: one line with the step time, the backend and the parameter count', () => {
    assert.throws(
      () => new StepBudget(300, [probe(48_000)], deadline(), 60, ctx, 32),
      (err: unknown) => err instanceof SanityFailure && err.reason === 'timeout' && /^one training step takes about 48\.0 s on wasm for this model \(31\.1 M parameters\), and the 60 s budget has no room for one .*raise the time budget \(--timeout\) or pass a smaller input shape with --args/.test(err.message),
    );
  });

  it('a small timed step with no time left (loading took the budget): asks for a larger budget, not a smaller input', () => {
    assert.throws(
      () => new StepBudget(300, [probe(200)], performance.now() + 100, 60, ctx, 32),
      (err: unknown) => err instanceof SanityFailure && err.reason === 'timeout' && /^one training step takes about 0\.2 s .*has no room for one after loading and timing it \(\d+ s\); raise the time budget \(--timeout\)$/.test(err.message),
    );
  });
});

describe('StepBudget.rowsToScore (the held-out examples a run has time left to score)', () => {
  const ctx = { budgetMs: 60_000, backend: 'wasm', params: 1000 };
  // 10 ms per row for 100 rows as timed; the evaluation's reserve is 1.5 times its estimate.
  const probe = (stepMs: number): ProbeResult => ({ stepMs, evalMs: 1000, evalMsPerRow: 10 });
  const rows = [
    { name: 'plenty of time: every row', leftMs: 20_000, slower: 1, expected: 100 },
    { name: 'time for half of the reserve: half the rows', leftMs: 750, slower: 1, expected: 50 },
    { name: 'steps ran twice as slow as timed: the estimate doubles', leftMs: 1500, slower: 2, expected: 50 },
    { name: 'steps ran faster than timed: the estimate is not lowered', leftMs: 750, slower: 0.5, expected: 50 },
    { name: 'the deadline has passed: none', leftMs: -500, slower: 1, expected: 0 },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const budget = new StepBudget(10, [probe(10)], performance.now() + 60_000, 60, ctx, 100);
      // The run's steps as measured (stepsFor replaces the probe's time with them from the fourth step on).
      const internals = budget as unknown as { stepMs: number[]; deadlineMs: number };
      internals.stepMs[0] = 10 * row.slower;
      // One clock reading for the deadline and the question: the rows depend on the time left, not on this machine's speed.
      const now = performance.now();
      internals.deadlineMs = now + row.leftMs;
      const got = budget.rowsToScore(0, 100, now);
      assert.ok(Math.abs(got - row.expected) <= 1, `${got} rows, expected about ${row.expected}`);
    });
  }

  it('no held-out rows: none to score', () => {
    assert.equal(new StepBudget(10, [probe(10)], performance.now() + 60_000, 60, ctx, 0).rowsToScore(0, 0), 0);
  });
});

describe('isWasmAbort (the wasm heap ran out)', () => {
  const abort = Object.assign(new Error('Aborted(). Build with -sASSERTIONS for more info.'), { name: 'RuntimeError' });
  const rows: [unknown, boolean][] = [
    [abort, true],
    [new WebAssembly.RuntimeError('Aborted(OOM)'), true],
    [new WebAssembly.RuntimeError('memory access out of bounds'), true],
    [new WebAssembly.RuntimeError('unreachable'), false],
    [new Error('Aborted()'), false],
    ['Aborted()', false],
  ];
  for (const [err, expected] of rows) {
    it(`${String(err)} → ${expected}`, () => assert.equal(isWasmAbort(err), expected));
  }
});

describe('describePhase (where a timeout before the first step was)', () => {
  const rows: [Parameters<typeof describePhase>[0], RegExp][] = [
    [undefined, /^loading tfjs$/],
    [{ type: 'phase', phase: 'buildModel', elapsedMs: 1200 }, /^loading the module and building the model, since 1\.2 s$/],
    [{ type: 'phase', phase: 'buildModel', elapsedMs: 800, params: 157_700_000 }, /^loading the module and building the model \(157\.7 M parameters so far\), since 0\.8 s$/],
    [{ type: 'phase', phase: 'prepareData', elapsedMs: 4300, params: 31_051_201 }, /^preparing the data for the model \(31\.1 M parameters\), since 4\.3 s$/],
    [{ type: 'phase', phase: 'timeStep', elapsedMs: 7000, params: 2500 }, /^timing one training step of the model \(2\.5 k parameters\), since 7\.0 s$/],
    [{ type: 'phase', phase: 'firstStep', elapsedMs: 9000, params: 31_051_201, stepMs: 52_000 }, /^in the first training step of the model \(31\.1 M parameters\), started at 9\.0 s \(expected to take about 52\.0 s\)$/],
  ];
  for (const [phase, expected] of rows) {
    it(phase?.phase ?? 'no phase yet', () => assert.match(describePhase(phase), expected));
  }

  const build = { type: 'phase', phase: 'buildModel', elapsedMs: 1200 } as const;
  it('a build waiting on a download says what it waits on', () => {
    assert.equal(describePhase({ ...build, waitingOn: ['a network socket', 'a DNS lookup'] }, 500), 'loading the module and building the model, since 1.2 s; its code was waiting on a network socket, a DNS lookup');
  });
  it('a build whose worker fell silent was computing, whatever it last waited on', () => {
    assert.equal(describePhase({ ...build, waitingOn: ['a file'] }, 9000), 'loading the module and building the model, since 1.2 s; its code was computing: the event loop gave no answer for the last 9 s');
  });
  it('a build idle with nothing open waits on something that never came; a missing package is named as the likely cause', () => {
    assert.equal(describePhase({ ...build, waitingOn: [] }, 500), 'loading the module and building the model, since 1.2 s; its code was waiting on something that never came (no download, file or child process was open)');
    assert.equal(
      describePhase({ ...build, waitingOn: [], standIns: ['axios'] }, 500),
      "loading the module and building the model, since 1.2 s; its code was waiting on something that never came (no download, file or child process was open); it imports axios, not installed here, which got an inert stand-in: install the project's packages (npm install) and run it again",
    );
  });
  it('a wait report keeps the weights counted so far, and a new phase starts afresh', () => {
    const growing = nextPhase(undefined, { ...build, params: 5000 });
    assert.deepEqual(nextPhase(growing, { ...build, waitingOn: ['a file'] }), { ...build, params: 5000, waitingOn: ['a file'] });
    assert.deepEqual(nextPhase(growing, { type: 'phase', phase: 'prepareData', elapsedMs: 4000 }), { type: 'phase', phase: 'prepareData', elapsedMs: 4000 });
  });
});

describe('describeWaits (what the event loop waits on, in words)', () => {
  const rows: [string[], string[]][] = [
    [['TCPSocketWrap', 'TCPSocketWrap', 'GetAddrInfoReqWrap', 'Timeout', 'PipeWrap', 'TTYWrap'], ['a network socket (2)', 'a DNS lookup']],
    [['FSReqCallback', 'ProcessWrap', 'TLSWrap'], ['a network socket', 'a file', 'a child process']],
    [['Timeout', 'Immediate', 'PipeWrap', 'SignalWrap'], []],
  ];
  for (const [resources, expected] of rows) {
    it(resources.join(', '), () => assert.deepEqual(describeWaits(resources), expected));
  }
});

describe('checkWasmHost (bundled wasm inside the workspace tfjs-core)', () => {
  const rows: [string | undefined, boolean][] = [
    ['4.22.0', true],
    ['4.17.0', true],
    ['4.23.1', true],
    ['4.16.9', false],
    ['4.2.0', false],
    ['3.21.0', false],
    ['5.0.0', false],
    [undefined, false],
  ];
  for (const [core, compatible] of rows) {
    it(`${core ?? 'unknown'} → ${compatible ? 'register wasm' : 'bundled tfjs'}`, () => {
      const check = checkWasmHost(core, '4.22.0');
      assert.equal(check.compatible, compatible);
      assert.equal(check.reason === '', compatible);
    });
  }
});

describe('tooOldToDrive (a workspace tfjs the worker cannot run a session in)', () => {
  const rows: [string | undefined, boolean][] = [
    ['0.15.4', true],
    ['0.3.1', true],
    ['1.7.4', false],
    ['2.8.6', false],
    ['4.22.0', false],
    [undefined, false],
  ];
  for (const [core, tooOld] of rows) {
    it(`${core ?? 'unknown'} → ${tooOld ? 'the bundled tfjs' : 'tried'}`, () => {
      const reason = tooOldToDrive(core);
      assert.equal(reason !== undefined, tooOld);
      if (reason) {
        assert.equal(reason, `the workspace's tfjs ${core} is older than sanity-train can run (1.0 or later)`);
      }
    });
  }
});

describe('failure hints', () => {
  it('names the package of a bare module request', () => {
    const rows: [string, string | undefined][] = [
      ['jimp', 'jimp'],
      ['jimp/fonts', 'jimp'],
      ['@tensorflow-models/coco-ssd', '@tensorflow-models/coco-ssd'],
      ['@scope/pkg/deep/file.js', '@scope/pkg'],
      ['./utils', undefined],
      ['/abs/file', undefined],
      ['node:fs', undefined],
    ];
    for (const [request, expected] of rows) {
      assert.equal(packageOfRequest(request), expected, request);
    }
  });

  const notFound = Object.assign(new Error("Cannot find module 'canvas'\nRequire stack:\n- /w/model.ts"), { code: 'MODULE_NOT_FOUND' });
  const rows: { error: Error; kind?: string; text?: RegExp }[] = [
    { error: notFound, kind: 'missingPackage', text: /^the package 'canvas' is not installed; install it: npm install canvas$/ },
    { error: Object.assign(new Error("Cannot find module './sibling'"), { code: 'MODULE_NOT_FOUND' }) },
    { error: new ReferenceError('document is not defined'), kind: 'browserApi', text: /^document is browser-only/ },
    { error: new ReferenceError('localStorage is not defined'), kind: 'browserApi', text: /^localStorage is browser-only/ },
    { error: new ReferenceError('myHelper is not defined') },
    { error: new TypeError('globalObject.OfflineAudioContext is not a constructor'), kind: 'browserApi', text: /^OfflineAudioContext is browser-only/ },
    { error: new TypeError('window.requestAnimationFrame is not a function'), kind: 'browserApi', text: /^requestAnimationFrame is browser-only/ },
    { error: new ReferenceError('AudioContext is not defined'), kind: 'browserApi', text: /^AudioContext is browser-only/ },
    { error: new TypeError('WebGL2RenderingContext is not a constructor'), kind: 'browserApi', text: /^WebGL2RenderingContext is browser-only/ },
    { error: new TypeError('helpers.makeThing is not a function') },
    { error: new ReferenceError('Worker is not a constructor') },
    { error: new Error('pixels passed to tf.browser.fromPixels() must be either an HTMLVideoElement'), kind: 'browserApi', text: /^tf\.browser\.fromPixels is browser-only/ },
    { error: new TypeError('Failed to parse URL from model/model.json'), kind: 'browserApi', text: /relative URL 'model\/model\.json'.*absolute http\(s\) URL/ },
    { error: new TypeError('tf.layers.lambda is not a function'), kind: 'notInTfjs', text: /^tfjs has no tf\.layers\.lambda .*fails in your program too: write the function as a custom layer/ },
    { error: new TypeError('tfjs.layers.upSampling1d is not a function'), kind: 'notInTfjs', text: /^tfjs has no tf\.layers\.upSampling1d .*use a layer tfjs has/ },
    { error: new TypeError('layers.Lambda is not a constructor') },
    { error: new TypeError('tf.image.adjustContrast is not a function'), kind: 'notInTfjs', text: /^tfjs has no tf\.image\.adjustContrast, so this line fails in your program too/ },
    { error: new TypeError('helpers.image.adjustContrast is not a function') },
    { error: new Error('Input 0 is incompatible with layer conv1: expected ndim=4, found ndim=3'), kind: 'inputRank', text: /^the input that reaches conv1 has 3 dimensions with the batch, and it takes 4: its shape, without the batch, must have 3 numbers \(an image: \[height, width, channels\]\), and the shape the model was given has 2$/ },
    { error: new Error('Input 0 is incompatible with layer lstm_LSTM1: expected ndim=3, found ndim=2'), kind: 'inputRank', text: /takes 3: .* must have 2 numbers \(a sequence: \[steps, features\]\)/ },
    { error: new Error('Unknown activation: leakyReLU. This may be due to one of the following reasons:\n1. The activation is defined in Python'), kind: 'notInTfjs', text: /^tfjs has no activation 'leakyReLU', so this line fails in your program too: leaky ReLU is a layer in tfjs: tf\.layers\.leakyReLU\(\)/ },
    { error: new Error('Unknown activation: ReLU. This may be due to one of the following reasons:'), kind: 'notInTfjs', text: /the name is 'relu'/ },
    { error: new Error('Unknown activation: sofmax. This may be due to'), kind: 'notInTfjs', text: /its activations are elu, selu, relu, .*softmax/ },
    { error: new Error('something else') },
  ];
  for (const row of rows) {
    it(`${row.error.name}: ${row.error.message.split('\n')[0]} → ${row.kind ?? 'no hint'}`, () => {
      const hint = hintFor(row.error);
      assert.equal(hint?.kind, row.kind);
      if (row.text) {
        assert.match(hint?.text ?? '', row.text);
      }
    });
  }
});
