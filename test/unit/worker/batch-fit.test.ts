import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { fitBatchToMemory, halvings, lowerForTime, memoryLimit, modelValuesPerExample, stepBytes, valuesPerExample, WASM_HEAP_MAX_BYTES, type MemoryState, type ModelLike, type StepShape } from '../../../src/worker/budget/batch-fit';
import { batchForTime, heldOutRows, type BudgetContext } from '../../../src/worker/budget/budget';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { SanityFailure } from '../../../src/worker/errors';
import { retryAfterOverflow, withRetryNote } from '../../../src/worker/launcher';

const MiB = 2 ** 20;

describe('valuesPerExample (the layers\' output sizes for one example)', () => {
  const rows: [string, unknown[], number][] = [
    ['dense 20 then 3', [[null, 20], [null, 3]], 23],
    ['a conv output of 8×8×4', [[null, 8, 8, 4]], 256],
    ['a layer with two outputs counts both', [[[null, 2], [null, 5]]], 7],
    ['an unknown dimension counts as 1 unless told the length', [[null, null, 3]], 3],
  ];
  for (const [title, shapes, expected] of rows) {
    it(title, () => assert.equal(valuesPerExample(shapes), expected));
  }

  it('a variable length counts as the length the run fills in', () => assert.equal(valuesPerExample([[null, null, 3], [null, 8]], 64), 64 * 3 + 8));

  it('reads a built model: input 6×6×1, conv 3×3 ×2 filters (4×4×2), flatten (32), dense 3', () => {
    const input = tf.input({ shape: [6, 6, 1] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(input) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(conv) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(flat) as tf.SymbolicTensor });
    assert.equal(valuesPerExample(model.layers.map((l) => l.outputShape)), 36 + 32 + 32 + 3);
    assert.equal(modelValuesPerExample(model as unknown as ModelLike), 36 + 32 + 32 + 3);
  });

  it('a layer shared by two inputs of different sizes counts both outputs (its outputShape would throw)', () => {
    const big = tf.input({ shape: [6, 6, 1] });
    const small = tf.input({ shape: [4, 4, 1] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3 });
    const pooled = [conv.apply(big), conv.apply(small)].map((t) => tf.layers.globalAveragePooling2d({}).apply(t) as tf.SymbolicTensor);
    const model = tf.model({ inputs: [big, small], outputs: tf.layers.concatenate().apply(pooled) as tf.SymbolicTensor });
    assert.throws(() => conv.outputShape);
    // Inputs 36 + 16, conv 32 + 8, two poolings 2 + 2, concatenate 4.
    assert.equal(modelValuesPerExample(model as unknown as ModelLike), 36 + 16 + 32 + 8 + 2 + 2 + 4);
  });

  it('a nested model counts its own layers, once per call', () => {
    const inner = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8 }), tf.layers.dense({ units: 2 })] });
    const input = tf.input({ shape: [4] });
    const once = tf.model({ inputs: input, outputs: inner.apply(input) as tf.SymbolicTensor });
    // Input 4, then the inner model's dense 8 and dense 2 (a sequential model lists no input layer).
    assert.equal(modelValuesPerExample(once as unknown as ModelLike), 4 + 8 + 2);
    const a = tf.input({ shape: [4] });
    const b = tf.input({ shape: [4] });
    const twice = tf.model({ inputs: [a, b], outputs: [inner.apply(a) as tf.SymbolicTensor, inner.apply(b) as tf.SymbolicTensor] });
    assert.equal(modelValuesPerExample(twice as unknown as ModelLike), 4 + 4 + 2 * (8 + 2));
    // Its call in the first model does not count in the second, nor the other way round.
    assert.equal(modelValuesPerExample(once as unknown as ModelLike), 4 + 8 + 2);
  });
});

describe('stepBytes (peak bytes of one training step)', () => {
  // Backward: weights × (2 + slots) + batch × values × 4 bytes × 10; update: weights × the optimizer's copies.
  const rows: [string, StepShape, number, number][] = [
    ['a dense model is weight-bound: Adam holds 18 copies of its 4,000 bytes', { params: 1000, valuesPerExample: 23, optimizer: 'Adam' }, 8, 72_000],
    ['with SGD: 4 copies', { params: 1000, valuesPerExample: 23, optimizer: 'SGD' }, 8, 16_000],
    ['a conv model is activation-bound: 400 × 4 + 16 × 256 × 40', { params: 100, valuesPerExample: 256, optimizer: 'Adam' }, 16, 165_440],
    ['and grows with the batch', { params: 100, valuesPerExample: 256, optimizer: 'Adam' }, 32, 329_280],
    ['an optimizer not in the table counts as Adam', { params: 1000, valuesPerExample: 23, optimizer: 'Lamb' }, 8, 72_000],
    ['a frozen half gets no copies: 4,000 + 2,000 × 17', { params: 1000, trainableParams: 500, valuesPerExample: 23, optimizer: 'Adam' }, 8, 38_000],
    ['a model with every layer frozen holds its weights and outputs', { params: 1000, trainableParams: 0, valuesPerExample: 23, optimizer: 'Adam' }, 8, 4000 + 7360],
  ];
  for (const [title, shape, batch, expected] of rows) {
    it(title, () => assert.equal(stepBytes(shape, batch), expected));
  }
});

describe('memoryLimit (the tightest of the wasm heap, the worker cap and the free memory)', () => {
  const base: MemoryState = { backend: 'wasm', capMb: 8192, rssBytes: 300 * MiB, tensorBytes: 100 * MiB, weightBytes: 60 * MiB, freeBytes: 16384 * MiB };
  const rows: [string, Partial<MemoryState>, number, RegExp][] = [
    // 0.9 × limit less the 40 MiB of tensors that are not the weights (the data).
    ['wasm with room everywhere: the heap', {}, 0.9 * WASM_HEAP_MAX_BYTES - 40 * MiB, /^the wasm heap \(4\.0 GB at most\)$/],
    ['a 1024 MB cap less the 200 MB the process holds besides tensors', { capMb: 1024 }, 0.9 * 824 * MiB - 40 * MiB, /^the worker's 1024 MB memory cap$/],
    ['a machine with 1 GB free: that and the tensors already resident', { freeBytes: 1024 * MiB }, 0.9 * 1124 * MiB - 40 * MiB, /^the free memory \(1\.0 GB free\)$/],
    ['cpu has no heap limit: the cap', { backend: 'cpu' }, 0.9 * 7992 * MiB - 40 * MiB, /memory cap/],
    ['no cap at all: the free memory', { backend: 'cpu', capMb: undefined }, 0.9 * 16484 * MiB - 40 * MiB, /free memory/],
  ];
  for (const [title, over, bytes, name] of rows) {
    it(title, () => {
      const limit = memoryLimit({ ...base, ...over });
      assert.ok(Math.abs(limit.stepRoomBytes - bytes) < 1, `${limit.stepRoomBytes} vs ${bytes}`);
      assert.match(limit.name, name);
    });
  }
});

describe('the batch choice', () => {
  it('halves down to 1', () => {
    assert.deepEqual([halvings(8), halvings(12), halvings(1), halvings(0)], [[8, 4, 2, 1], [12, 6, 3, 1], [1], [1]]);
  });

  // 100 parameters (Adam: 7,200 bytes), 256 values per example: 40,960 bytes per example in the backward pass plus 1,600.
  const conv: StepShape = { params: 100, valuesPerExample: 256, optimizer: 'Adam' };
  const limit = (bytes: number) => ({ stepRoomBytes: bytes, name: 'the test limit' });
  const rows: [string, number, number, number | undefined][] = [
    ['fits: the batch asked for', 8, 8 * 10_240 + 1600, 8],
    ['half fits: halved once', 8, 7 * 10_240 + 1600, 4],
    ['only one example fits: down to 1', 8, 10_240 + 1600, 1],
    ['a batch of 12 halves to 6 and 3', 12, 5 * 10_240 + 1600, 3],
  ];
  for (const [title, requested, room, expected] of rows) {
    it(title, () => {
      const choice = fitBatchToMemory(requested, conv, limit(room));
      assert.equal(choice.batchSize, expected);
      assert.equal(choice.requested, requested);
      assert.equal(choice.reason, expected === requested ? undefined : 'memory');
      assert.equal(choice.stepBytes, stepBytes(conv, expected!));
      if (expected !== requested) {
        assert.match(choice.note ?? '', new RegExp(`^batch size lowered from ${requested} to ${expected} to fit the test limit \\(100 parameters, ~0 MB per step at batch size ${requested}\\)$`));
      }
    });
  }

  it('a model whose one example cannot fit: one line naming its parameter count, the limit and what to do', () => {
    const huge: StepShape = { params: 31_051_201, valuesPerExample: 32_407_552, optimizer: 'Adam' };
    assert.throws(
      () => fitBatchToMemory(8, huge, { stepRoomBytes: 1024 * MiB, name: "the worker's 1500 MB memory cap" }),
      (err: unknown) =>
        err instanceof SanityFailure &&
        err.reason === 'memory' &&
        /^the model \(31\.1 M parameters\) cannot train within the worker's 1500 MB memory cap: one training step needs about 2\.1 GB even at batch size 1 and 1\.0 GB is free for it; pass a smaller input shape with --args or use a smaller model$/.test(err.message),
    );
  });

  it('the time budget lowers it further and says why', () => {
    const memory = fitBatchToMemory(8, conv, limit(5 * 10_240 + 1600));
    const time = lowerForTime(memory, 1, 60, 'one step at batch size 4 would take about 48.0 s on wasm', conv);
    assert.equal(time.batchSize, 1);
    assert.equal(time.reason, 'time');
    assert.equal(time.note, 'batch size lowered from 8 to 4 to fit the test limit (100 parameters, ~0 MB per step at batch size 8), then to 1 to fit the 60 s budget (one step at batch size 4 would take about 48.0 s on wasm)');
    assert.equal(lowerForTime(memory, 4, 60, 'unused', conv), memory);
    const timeOnly = lowerForTime(fitBatchToMemory(8, conv, limit(1e9)), 2, 60, 'one step would take about 9.0 s on cpu', conv);
    assert.equal(timeOnly.note, 'batch size lowered from 8 to 2 to fit the 60 s budget (100 parameters; one step would take about 9.0 s on cpu)');
  });
});

describe('batchForTime (a step too long for the time left gets a smaller batch before a refusal)', () => {
  const ctx: BudgetContext = { budgetMs: 60_000, backend: 'wasm', params: 31_051_201 };
  // The step estimate is 3 × the forward pass × the batch; 2.5 times that (per run) must fit half the time left.
  const rows: [string, number, number, number, Partial<BudgetContext>, number][] = [
    ['fits: the batch asked for', 100, 8, 12_000, {}, 8],
    ['a step of 8 would need 6 s with the caution, of 4 only 3 s: 4', 100, 8, 10_000, {}, 4],
    ['two runs share the time: 2', 100, 8, 10_000, { runs: 2 }, 2],
    ['not even one example with the caution, but 30% faster it could: 1', 1000, 8, 3_000, {}, 1],
    ['the swapped copy keeps the batch it is given', 1000, 8, 3_000, { mayRefuse: false }, 8],
  ];
  for (const [title, forwardMs, batch, remainingMs, over, expected] of rows) {
    it(title, () => assert.equal(batchForTime(forwardMs, batch, remainingMs, { ...ctx, ...over }), expected));
  }

  it('even one example cannot fit: one line with the step time at batch size 1, the parameter count and what to do', () => {
    assert.throws(
      () => batchForTime(20_000, 8, 30_000, ctx),
      (err: unknown) =>
        err instanceof SanityFailure &&
        err.reason === 'timeout' &&
        /^one training step would take about 60\.0 s on wasm for this model \(31\.1 M parameters; a forward pass of one example takes 20\.0 s\) even at batch size 1, more than the 30 s left of the 60 s budget; raise the time budget \(--timeout\) or pass a smaller input shape with --args$/.test(err.message),
    );
  });

  it('a small step with no time left: the line says the time went to loading and building, and asks for no smaller input', () => {
    assert.throws(
      () => batchForTime(30, 8, 50, { ...ctx, budgetMs: 30_000 }),
      (err: unknown) =>
        err instanceof SanityFailure &&
        err.reason === 'timeout' &&
        err.message === 'loading the module and building the model (code the module runs as it loads counts) took 30 s of the 30 s budget, leaving 0 s, too little for one training step (about 0.1 s at batch size 1); raise the time budget (--timeout)',
    );
    assert.throws(() => batchForTime(30, 8, 50, { ...ctx, budgetMs: 30_000, before: 'running the program up to the training call captured' }), (err: unknown) => err instanceof SanityFailure && err.message.startsWith('running the program up to the training call captured took 30 s of the 30 s budget, leaving 0 s'));
  });
});

describe('heldOutRows for a model so slow that scoring crowds out training', () => {
  const rows: [string, number, number[], number, number][] = [
    ['room to spare: never fewer than 32', 512, [2000], Infinity, 32],
    ['20 s left after one step, 1 s per example: 10', 512, [1000], 20_000, 10],
    ['no room at all: still 1', 512, [1000], 0, 1],
    ['the room caps a fifth of the budget too', 512, [100], 1000, 5],
  ];
  for (const [title, total, perRow, roomMs, expected] of rows) {
    it(title, () => assert.equal(heldOutRows(total, perRow, 60_000, 32, roomMs), expected));
  }
});

describe('a wasm overflow the estimate missed: one retry at half the batch', () => {
  const request: SanityRequest = { file: '/w/m.ts', steps: 300, batchSize: 8, compare: false, backend: 'auto', timeoutMs: 60_000, seed: 1 };
  const overflow = (batchSize?: number): SanityOutcome => ({ kind: 'error', reason: 'memory', message: 'the wasm backend ran out of memory (…) at batch size 8; lower --batch-size', ...(batchSize !== undefined ? { batchSize } : {}) });
  const rows: [string, SanityOutcome, number, { batchSize: number; timeoutMs: number } | undefined][] = [
    ['in training at batch 8, 20 s in: batch 4 in the 40 s left', overflow(8), 20_000, { batchSize: 4, timeoutMs: 40_000 }],
    ['at batch 1: nothing lower to try', overflow(1), 20_000, undefined],
    ['before the batch was fitted (the estimate itself refused): no retry', overflow(), 20_000, undefined],
    ['too little of the budget left', overflow(8), 50_000, undefined],
    ['another failure', { kind: 'error', reason: 'timeout', message: 'ran past', batchSize: 8 }, 20_000, undefined],
  ];
  for (const [title, outcome, elapsed, expected] of rows) {
    it(title, () => {
      const retry = retryAfterOverflow(outcome, request, elapsed);
      assert.deepEqual(retry && { batchSize: retry.batchSize, timeoutMs: retry.timeoutMs }, expected);
    });
  }

  it('the retried report keeps the batch asked for and says what happened first', () => {
    const fit = { requested: 4, batchSize: 4, stepBytesRequested: 1, stepBytes: 1, memoryRoomBytes: 2, memoryLimit: 'the wasm heap (4.0 GB at most)' };
    const report: SanityReport = { backend: 'wasm', data: 'synthetic', task: 'classification', runs: [], notes: ['optimizer: Adam'], batchFit: fit };
    const first = overflow(8) as Extract<SanityOutcome, { kind: 'error' }>;
    const retried = withRetryNote({ kind: 'report', report }, first, request);
    assert.equal(retried.kind, 'report');
    const { batchFit, notes } = (retried as { report: SanityReport }).report;
    const line = 'batch size 8 ran out of memory in a first try (more than its estimate), so it ran again at 4 in a fresh worker';
    assert.deepEqual(batchFit, { ...fit, requested: 8, reason: 'memory', note: line });
    assert.deepEqual(notes, [line, 'optimizer: Adam']);
    const failed = withRetryNote({ kind: 'error', reason: 'memory', message: 'still too big' }, first, request);
    assert.equal(failed.kind === 'error' && failed.message, `still too big (${line})`);
  });
});
