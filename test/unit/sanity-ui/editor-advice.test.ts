import { strict as assert } from 'node:assert';
import type { SanityRequest } from '../../../src/core/training/protocol';
import { editorAdvice, installStepOf, recoveryActions } from '../../../src/vscode/sanity/editor-advice';

describe('editor advice: VS Code actions instead of CLI flags', () => {
  const table: [string, string][] = [
    ['sanity-train ran past its 60 s budget (before the first training step: timing one training step of the model, since 3.1 s); one step does not fit the budget: raise it (--timeout) or pass a smaller input shape with --args', 'sanity-train ran past its 60 s budget (before the first training step: timing one training step of the model, since 3.1 s); one step does not fit the budget: raise it (Run Again with 2× Budget) or give the builder a smaller input shape in its argument box'],
    ['sanity-train ran past its 60 s budget (run 1, step 40 of 300); raise the timeout or lower the steps', 'sanity-train ran past its 60 s budget (run 1, step 40 of 300); raise the time budget (Run Again with 2× Budget) or lower the steps (runningBatchNorm.sanity.steps)'],
    ['the worker used more than its 4096 MB memory cap; lower --batch-size or use a smaller model', 'the worker used more than its 4096 MB memory cap; lower the batch size (Run Again at a Smaller Batch) or use a smaller model'],
    ['--data mnist needs a model with 28×28×1 (or 784) inputs', 'the data setting mnist (runningBatchNorm.sanity.data) needs a model with 28×28×1 (or 784) inputs'],
    ["f() threw: Error: bad shape (f takes 1 argument (inputShape); got 0: inputShape ran as undefined, as JavaScript passes them; to fill them as proposed, pass --args '[[28, 28, 1]]')", "f() threw: Error: bad shape (f takes 1 argument (inputShape); got 0: inputShape ran as undefined, as JavaScript passes them; to fill them as proposed, enter '[[28, 28, 1]]' in the argument box)"],
    ["new Agent() takes 2 arguments (a, b); got 1: b ran as undefined, as JavaScript passes them; to fill them as proposed, pass --ctor-args '[4, 8]'", "new Agent() takes 2 arguments (a, b); got 1: b ran as undefined, as JavaScript passes them; to fill them as proposed, enter '[4, 8]' in the constructor argument box"],
    ['user code threw: TypeError: x is undefined', 'user code threw: TypeError: x is undefined'],
    ["the code asked for the 'tensorflow' backend (tf.setBackend): sanity-train kept wasm, the backend it chose for training (--backend picks another)", "the code asked for the 'tensorflow' backend (tf.setBackend): sanity-train kept wasm, the backend it chose for training (the backend setting, runningBatchNorm.sanity.backend, picks another)"],
    ['--compare: the model has no BatchNormalization or RunningBatchNorm layer to swap, so only the model as written ran', 'Compare: the model has no BatchNormalization or RunningBatchNorm layer to swap, so only the model as written ran'],
    ['sanity-train built it with 64 sides instead (inputShape [64, 64, 3]): pass --args for the sizes you mean', 'sanity-train built it with 64 sides instead (inputShape [64, 64, 3]): enter the sizes you mean in the argument box'],
    ['Too short to judge learning: held-out MSE (1.02) is not clearly below predicting the mean (1.02; needs 0.766 or less); train for more steps.', 'Too short to judge learning: held-out MSE (1.02) is not clearly below predicting the mean (1.02; needs 0.766 or less); train for more steps (Run Again with 2× Steps).'],
    ['sanity-train gave 10 from what the code does with it (pass --instance-vars to set it)', 'sanity-train gave 10 from what the code does with it (set it in the instance fields box)'],
    ["one training step needs about 3.5 GB even at batch size 1; the input [224, 224, 3] comes from this.inputShape: halve it with --instance-vars '{ inputShape: [112, 112, 3] }' or use a smaller model", 'one training step needs about 3.5 GB even at batch size 1; the input [224, 224, 3] comes from this.inputShape: halve it (Run Again with Smaller Input) or use a smaller model'],
  ];
  for (const [cli, editor] of table) {
    it(cli.slice(0, 70), () => assert.equal(editorAdvice(cli), editor));
  }

  const request: SanityRequest = { file: '/w/m.ts', steps: 300, batchSize: 8, compare: false, backend: 'auto', timeoutMs: 60_000, seed: 1 };
  it('a timeout offers twice the budget; memory half the batch it failed at; other failures nothing', () => {
    assert.deepEqual(recoveryActions('timeout', request), [{ title: 'Run Again with 2× Budget', change: { timeoutMs: 120_000 } }]);
    assert.deepEqual(recoveryActions('memory', request, 4), [{ title: 'Run Again at Batch Size 2', change: { batchSize: 2 } }]);
    assert.deepEqual(recoveryActions('memory', { ...request, batchSize: 1 }), []);
    assert.deepEqual(recoveryActions('threw', request), []);
  });

  it('where the worker found where the input shape comes from, a memory or time failure also offers it halved', () => {
    const smaller = { from: 'this.inputShape', was: [224, 224, 3], now: [112, 112, 3], change: { instanceVars: { inputShape: [112, 112, 3] } }, flag: "--instance-vars '{ inputShape: [112, 112, 3] }'" };
    const halved = { title: 'Run Again with Smaller Input', change: { instanceVars: { inputShape: [112, 112, 3] } } };
    assert.deepEqual(recoveryActions('memory', { ...request, batchSize: 1 }, undefined, smaller), [halved]);
    assert.deepEqual(recoveryActions('timeout', request, undefined, smaller), [{ title: 'Run Again with 2× Budget', change: { timeoutMs: 120_000 } }, halved]);
    assert.deepEqual(recoveryActions('threw', request, undefined, smaller), []);
  });

  const installs: [string, ReturnType<typeof installStepOf>][] = [
    ["createPgNetwork() threw: TypeError: x is not a function (ramda is not installed: the module loaded with an inert stand-in for it (if the model needs it, the dependencies of /w/my repo/package.json list it: run `npm install` in /w/my repo))", { command: 'npm install', cwd: '/w/my repo' }],
    ["user code threw: Error: Cannot find module 'pako' — the package 'pako' is not installed; the dependencies of /w/a/package.json list it: run `pnpm install` in /w", { command: 'pnpm install', cwd: '/w' }],
    ['the dependencies of /w/package.json list ramda: run `yarn install` in /w; install lodash: yarn add lodash', { command: 'yarn install', cwd: '/w' }],
    ["the package 'canvas' is not installed; install it: npm install canvas", undefined],
    ['a message that names no install', undefined],
  ];
  for (const [message, step] of installs) {
    it(`an install step from: ${message.slice(0, 60)}`, () => assert.deepEqual(installStepOf(message), step));
  }
});
