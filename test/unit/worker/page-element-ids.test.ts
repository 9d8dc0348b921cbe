import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { BrowserOnlyError, definePageElement, elementIdCandidate, removeStandIns, setModuleLoading } from '../../../src/worker/loading/page/browser-stand-ins';
import { pageElementIds } from '../../../src/worker/loading/page/page-element-ids';
import type { SanityOutcome, SanityReport, SanityRequest } from '../../../src/core/training/protocol';
import { runSanityTrain } from '../../../src/worker/launcher';

const BUILDERS = path.resolve(__dirname, '../../fixtures/sanity/builders');
const WORKER = path.resolve(__dirname, '../../../src/worker/sanity-worker.ts');
const MODEL = "function f() { const m = tf.sequential(); m.add(tf.layers.dense({ units: 2, inputShape: [2] })); return m; }\n";

describe('element ids used as page globals', () => {
  const rows: [string, string, string[]][] = [
    ['a listener, an on… handler and a property on undeclared names of a page script', `recordButton.addEventListener('click', go);\nstopButton.onclick = stop;\nstatus.textContent = 'ready';\n${MODEL}`, ['recordButton', 'stopButton', 'status']],
    ['a page script that also uses document', `document.title = 'x';\ncanvas.getContext('2d');\n${MODEL}`, ['canvas']],
    ['declared names are not element ids (const, function, parameter, destructuring, catch)', `const a = document.getElementById('a');\na.addEventListener('click', go);\nfunction b() {}\nb.onclick = 1;\nfunction g(c) { c.value = 1; }\nconst { d } = window;\nd.style.color = 'red';\ntry {} catch (e) { e.value = 1; }\n${MODEL}`, []],
    ['names used in other ways (a call, an unrelated property) are not', `speechCommands.create('BROWSER_FFT');\nhelper();\nconfig.epochs = 3;\n${MODEL}`, []],
    ['a page ES module that imports its siblings and uses the page global tf', `import { Util } from './util.js';\nrecordButton.addEventListener('click', Util.go);\n${MODEL}`, ['recordButton']],
    ['a module that imports tfjs and never touches the page is not browser-side', `import * as tf from '@tensorflow/tfjs';\nrecordButton.addEventListener('click', go);\n${MODEL}`, []],
    ['a module that imports tfjs and uses document is', `import * as tf from '@tensorflow/tfjs';\ndocument.title = 'x';\nrecordButton.addEventListener('click', go);\n${MODEL}`, ['recordButton']],
    ['a CommonJS module is none either', `const tf = require('@tensorflow/tfjs');\nrecordButton.addEventListener('click', go);\n${MODEL}`, []],
    ["the page's own globals used with element members are not element ids (document.querySelector, window.addEventListener)", `document.querySelector('#go').onclick = go;\nwindow.addEventListener('load', go);\nlog.textContent = '';\n${MODEL}`, ['log']],
    ['a commented-out import does not make it a module', `// import * as tf from '@tensorflow/tfjs';\nrecordButton.onclick = go;\n${MODEL}`, ['recordButton']],
  ];
  for (const [title, code, expected] of rows) {
    it(title, () => {
      assert.deepEqual([...pageElementIds(code, 'page.js')].sort(), [...expected].sort());
    });
  }

  it('which errors get an element: "X is not defined" for one of the ids, not yet defined', () => {
    const ids = new Set(['recordButton', 'tf', 'setTimeout']);
    assert.equal(elementIdCandidate(new ReferenceError('recordButton is not defined'), ids), 'recordButton');
    assert.equal(elementIdCandidate(new ReferenceError('stopButton is not defined'), ids), undefined);
    assert.equal(elementIdCandidate(new ReferenceError('tf is not defined'), ids), undefined);
    assert.equal(elementIdCandidate(new ReferenceError('setTimeout is not defined'), ids), undefined);
    assert.equal(elementIdCandidate(new TypeError('recordButton is not defined'), ids), undefined);
    assert.equal(elementIdCandidate('recordButton is not defined', ids), undefined);
  });

  it('the element takes listeners, handlers and attributes while the module loads; a read while building throws naming it', () => {
    definePageElement('recordButtonForTest');
    const g = globalThis as unknown as Record<string, { addEventListener(n: string, f: () => void): void; onclick?: unknown; value?: unknown; classList: { add(c: string): void } }>;
    try {
      setModuleLoading(true);
      const el = g.recordButtonForTest;
      el.addEventListener('click', () => undefined);
      el.classList.add('on');
      el.onclick = 1;
      assert.equal(el.onclick, 1);
      setModuleLoading(false);
      assert.equal(el.onclick, 1);
      assert.throws(() => el.value, (err: unknown) => err instanceof BrowserOnlyError && err.message === 'recordButtonForTest.value is browser-only; sanity-train runs your model in Node and gave the module an inert stand-in for recordButtonForTest');
    } finally {
      setModuleLoading(true);
      removeStandIns(['recordButtonForTest']);
    }
  });
});

describe('element ids used as page globals (through the worker)', function () {
  this.timeout(60_000);

  function request(model: string): SanityRequest {
    return { file: path.join(BUILDERS, 'element-globals.js'), model, steps: 2, batchSize: 4, compare: false, backend: 'cpu', timeoutMs: 30_000, seed: 1, data: 'synthetic' };
  }
  const run = (req: SanityRequest): Promise<SanityOutcome> => runSanityTrain(req, { workerScript: WORKER, maxMemoryMb: 2048 });

  it('a page script wiring its controls by id and listening on window loads with inert stand-ins, and the report says so', async () => {
    const outcome = await run(request('buildCommandModel'));
    assert.equal(outcome.kind, 'report', outcome.kind === 'error' ? outcome.message : '');
    const report = (outcome as { report: SanityReport }).report;
    assert.deepEqual(report.browserStandIns, ['recordButton', 'stopButton', 'statusText', 'addEventListener']);
    assert.ok(report.notes?.includes('The module used recordButton, stopButton, statusText and addEventListener at import (browser-only): sanity-train gave them inert stand-ins.'), JSON.stringify(report.notes));
    assert.equal(report.runs[0].steps, 2);
  });

  it('a builder that reads an element while it builds fails in one line naming it', async () => {
    const outcome = await run(request('buildFromForm'));
    assert.equal(outcome.kind, 'error');
    assert.match((outcome as { message: string }).message, /unitsInput\.value is browser-only; sanity-train runs your model in Node and gave the module an inert stand-in for unitsInput/);
  });
});
