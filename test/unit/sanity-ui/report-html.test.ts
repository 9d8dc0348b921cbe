import * as assert from 'node:assert/strict';
import type { SanityReport } from '../../../src/core/training/protocol';
import {
  chartDataOf,
  contentSecurityPolicy,
  escapeHtml,
  jsonForScriptBlock,
  renderReportPage,
  type ReportPageAssets,
  type ReportPageState,
} from '../../../src/core/training/report/report-html';
import { errorHeadline, errorHint } from '../../../src/core/training/report/report-errors';
import { bodyText, elementsOf, type HtmlElement } from './html-tree';
import { compareReport, hostileReport, nanReport, regressionReport, ROOT } from './report-fixtures';

const ASSETS: ReportPageAssets = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'bm9uY2Utb2YtdGhlLWRheQ==',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/report.css',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/report.js',
  chartUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/vendor/chart.umd.min.js',
};

const page = (report: SanityReport): string => renderReportPage({ kind: 'report', report }, ASSETS, [ROOT]);
const errorState: ReportPageState = {
  kind: 'error',
  reason: 'threw',
  message: 'Error: <boom> in "createModel"\n    at createModel (src/model.ts:3:9)',
  file: `${ROOT}/src/model.ts`,
  model: 'createModel',
};
const ALL_PAGES: [string, string][] = [
  ['nan', page(nanReport)],
  ['compare', page(compareReport)],
  ['regression', page(regressionReport)],
  ['hostile', page(hostileReport)],
  ['error', renderReportPage(errorState, ASSETS, [ROOT])],
  ['running', renderReportPage({ kind: 'running', model: '<m>', file: `${ROOT}/src/"m".ts`, compare: true, steps: 300, batchSize: 8 }, ASSETS, [ROOT])],
];

function byClass(html: string, cls: string): HtmlElement[] {
  return elementsOf(html).filter((e) => (e.attrs.class ?? '').split(/\s+/).includes(cls));
}

function chartJson(html: string): ReturnType<typeof chartDataOf> {
  const block = elementsOf(html).find((e) => e.attrs.id === 'report-data');
  assert.ok(block, 'report-data block present');
  return JSON.parse(block.text) as ReturnType<typeof chartDataOf>;
}

describe('report page: security', () => {
  for (const [name, html] of ALL_PAGES) {
    it(`${name}: a nonce CSP with no unsafe sources, and only nonce'd scripts`, () => {
      const meta = elementsOf(html).find((e) => e.tag === 'meta' && e.attrs['http-equiv'] === 'Content-Security-Policy');
      assert.ok(meta);
      const csp = meta.attrs.content;
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, new RegExp(`script-src 'nonce-${ASSETS.nonce.replace(/[+/=]/g, '\\$&')}'`));
      assert.doesNotMatch(csp, /unsafe-(inline|eval)|\*(?!\.vscode-cdn)/);
      const scripts = elementsOf(html).filter((e) => e.tag === 'script');
      for (const s of scripts) {
        assert.ok(s.attrs.type === 'application/json' || s.attrs.nonce === ASSETS.nonce, `script ${JSON.stringify(s.attrs)}`);
        assert.ok(s.attrs.src === undefined || s.attrs.src.startsWith(ASSETS.cspSource));
      }
      assert.deepEqual(scripts.filter((s) => s.attrs.src).map((s) => s.attrs.src), [ASSETS.chartUri, ASSETS.scriptUri]);
    });

    it(`${name}: no inline styles, no inline handlers, nothing from the network`, () => {
      for (const el of elementsOf(html)) {
        assert.ok(!('style' in el.attrs), `style attribute on <${el.tag}>`);
        assert.deepEqual(Object.keys(el.attrs).filter((a) => a.startsWith('on')), [], `handler on <${el.tag}>`);
        assert.notEqual(el.tag, 'style');
        assert.notEqual(el.tag, 'iframe');
      }
      const urls = html.match(/\bhttps?:\/\/[^\s"'<>;]+/g) ?? [];
      assert.deepEqual(urls.filter((u) => !u.startsWith(ASSETS.cspSource)), []);
    });
  }

  it('keeps hostile names, paths and backends as text, never as markup', () => {
    const html = page(hostileReport);
    const tags = elementsOf(html).map((e) => e.tag);
    assert.ok(!tags.includes('img'), 'no injected <img>');
    assert.ok(!tags.includes('b'), 'no injected <b>');
    assert.equal(tags.filter((t) => t === 'script').length, 3, 'JSON block + Chart.js + page script, nothing injected');
    const text = bodyText(html);
    assert.ok(text.includes('</script><script>alert("layer")</script>'), 'layer name shown verbatim');
    assert.ok(text.includes('<img src=x onerror=alert(1)>'), 'model name shown verbatim');
    assert.ok(text.includes('wasm<script>alert(1)</script>'));
    assert.ok(text.includes("it's<b>") && text.includes('w/<kernel>'));
    assert.ok(text.includes('<script>alert("note")</script>'), 'notes shown verbatim');
    const link = byClass(html, 'source-link')[0];
    assert.equal(link.attrs['data-file'], `${ROOT}/src/x" onclick="alert(1).ts`);
    assert.equal(link.attrs['data-line'], '5');
    assert.equal(chartJson(html).runs[0].label, 'BatchNorm (as written)');
  });

  it('escapes every character that can end text or an attribute', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('JSON for a script block cannot close the block and still parses back', () => {
    const value = { s: '</script><!-- \u2028 & >' };
    const json = jsonForScriptBlock(value);
    assert.doesNotMatch(json, /<|>|\u2028/);
    assert.deepEqual(JSON.parse(json), value);
  });

  it('CSP allows only the webview source for styles, images and fonts', () => {
    assert.equal(
      contentSecurityPolicy({ cspSource: 'vscode-resource:', nonce: 'n1' }),
      "default-src 'none'; img-src vscode-resource: data:; style-src vscode-resource:; font-src vscode-resource:; script-src 'nonce-n1'",
    );
  });
});

describe('report page: content', () => {
  const calls: [string, SanityReport['call'], string | undefined][] = [
    ['a builder with arguments', { model: 'createDeepQNetwork', args: [9, 9, 4], argsSource: 'call in dqn_test.js:25' }, 'Built by createDeepQNetwork(9, 9, 4) · arguments: call in dqn_test.js:25'],
    ['a method with constructor arguments', { model: 'Net.build', args: [], ctorArgs: [{ units: 8 }, 'relu'], argsSource: 'entered in the argument box' }, 'Built by Net.build(), constructor ({"units":8}, "relu") · arguments: entered in the argument box'],
    ['a builder without parameters', { model: 'createModel', args: [], argsSource: 'no parameters' }, 'Built by createModel()'],
    ['a builder that read module variables', { model: 'buildJudge', args: [], argsSource: 'no parameters', moduleVars: { labelCount: 3, side: 8 }, moduleVarsSource: 'side from side: 8 in gan.ts:8' }, 'Built by buildJudge() · module variables labelCount = 3, side = 8 (side from side: 8 in gan.ts:8)'],
    ['a method that read instance fields another method fills', { model: 'Classifier.buildModel', args: [], argsSource: 'no parameters', instanceVars: { numClasses: 10 }, instanceVarsSource: 'numClasses from the name numClasses' }, 'Built by Classifier.buildModel() · instance fields this.numClasses = 10 (numClasses from the name numClasses)'],
    ['an older report without call', undefined, undefined],
  ];
  for (const [name, call, line] of calls) {
    it(`the call under the title: ${name}`, () => {
      const html = page({ ...compareReport, ...(call ? { call } : {}) });
      assert.deepEqual(byClass(html, 'call').map((e) => e.text.replace(/\s+/g, ' ').trim()), line ? [line] : []);
    });
  }

  it('NaN case: names the step, layer, class and where, with a link to the source line', () => {
    const html = page(nanReport);
    assert.equal(byClass(html, 'verdict-nan').length, 1);
    const text = bodyText(html);
    assert.ok(text.includes('NaN/Inf at step 42 in layer "batch_normalization_1" (BatchNormalization): first seen in its gradient'), text);
    const links = byClass(html, 'source-link');
    assert.deepEqual(
      links.map((l) => [l.text, l.attrs['data-file'], l.attrs['data-line']]),
      [
        ['src/model.ts:17', `${ROOT}/src/model.ts`, '17'],
        ['src/layers.ts:8', `${ROOT}/src/layers.ts`, '8'],
      ],
    );
  });

  it('NaN case: explosion warnings, backend and why a better one was skipped', () => {
    const text = bodyText(page(nanReport));
    assert.ok(text.includes('Exploding weights'));
    assert.ok(text.includes('dense_Dense1/kernel') && text.includes('153×'));
    assert.ok(text.includes('tensorflow: @tensorflow/tfjs-node is not installed in the workspace'));
    assert.ok(text.includes('MNIST digits'));
    const setup = elementsOf(page(nanReport)).filter((e) => e.tag === 'dt' || e.tag === 'dd').map((e) => e.text);
    assert.deepEqual(setup.slice(setup.indexOf('tfjs'), setup.indexOf('tfjs') + 2), ['tfjs', '4.22.0, bundled with the extension']);
  });

  it('NaN case: the chart gets the loss curve with the non-finite step as a gap', () => {
    const data = chartJson(page(nanReport));
    assert.equal(data.runs.length, 1);
    assert.equal(data.runs[0].losses.length, 42);
    assert.equal(data.runs[0].losses[41], null);
    assert.deepEqual(data.runs[0].steps, Array.from({ length: 42 }, (_, i) => i + 1));
    assert.equal(data.runs[0].nanStep, 42);
  });

  it('compare case: both runs, both curves, and the comparison in points', () => {
    const html = page(compareReport);
    assert.equal(byClass(html, 'verdict-healthy').length, 1);
    const text = bodyText(html);
    assert.ok(text.includes('RunningBatchNorm 94.1% vs BatchNorm 93.2% held-out accuracy (+0.9 points; one seed, no interval: within the noise of seeds unless large).'), text);
    const rows = elementsOf(html).filter((e) => e.tag === 'tr' && /norm-/.test(e.attrs.class ?? ''));
    assert.deepEqual(rows.map((r) => r.attrs.class), ['norm-batchNormalization', 'norm-runningBatchNorm']);
    assert.ok(rows[1].text.includes('94.1%') && rows[1].text.includes('39.9'));
    assert.deepEqual(chartJson(html).runs.map((r) => r.label), ['BatchNorm (as written)', 'RunningBatchNorm (swapped in memory)']);
    assert.equal(elementsOf(html).filter((e) => e.attrs['data-action'] === 'compare').length, 0, 'no compare button once compared');
  });

  it('chance-level compare: no bold comparison, says it was too short, and how many steps "trains cleanly" covers', () => {
    const atChance: SanityReport = { ...compareReport, chanceAccuracy: 0.1, runs: compareReport.runs.map((r, i) => ({ ...r, steps: 2, stepsRequested: 2, stepsPlanned: 2, accuracy: i === 0 ? 0.108 : 0.1 })) };
    const html = page(atChance);
    assert.equal(byClass(html, 'comparison').length, 0);
    const text = bodyText(html);
    assert.ok(text.includes('No NaN/Inf or explosion in 2 steps of each run.'), text);
    assert.ok(byClass(html, 'caveat')[0]?.text.startsWith('Too short to compare: held-out accuracy (BatchNorm 10.8%, RunningBatchNorm 10.0%) is not clearly above chance (10.0%; needs 20.0%)'));
  });

  it('a run that had all its steps and did not clearly learn: a button runs again with twice the steps; none when it learned or the budget cut it short', () => {
    const single = (overrides: Partial<SanityReport['runs'][number]>): SanityReport => ({ ...compareReport, comparison: undefined, chanceAccuracy: 0.1, runs: [{ ...compareReport.runs[0], steps: 300, stepsRequested: 300, stepsPlanned: 300, ...overrides }] });
    const buttons = (report: SanityReport) => elementsOf(page(report)).map((e) => e.attrs['data-action']).filter(Boolean);
    assert.deepEqual(buttons(single({ accuracy: 0.11 })), ['rerun', 'rerunMoreSteps', 'compare', 'showLog']);
    assert.ok(elementsOf(page(single({ accuracy: 0.11 }))).some((e) => e.attrs['data-action'] === 'rerunMoreSteps' && e.text === 'Run Again with 2× Steps'));
    assert.deepEqual(buttons(single({ accuracy: 0.9 })), ['rerun', 'compare', 'showLog']);
    assert.deepEqual(buttons(single({ accuracy: 0.11, steps: 40 })), ['rerun', 'rerunLonger', 'compare', 'showLog']);
  });

  it('a failure says which backend and tfjs were in use, and why faster ones were skipped', () => {
    const runtime = { backend: 'cpu', backendSkipped: [{ name: 'wasm', reason: 'the wasm backend failed to initialise: <x>' }], tfjs: { source: 'workspace' as const, version: '4.22.0' } };
    const html = renderReportPage({ ...errorState, runtime } as ReportPageState, ASSETS, [ROOT]);
    assert.equal(byClass(html, 'runtime')[0]?.text, "Backend cpu on the workspace's tfjs 4.22.0; not used: wasm (the wasm backend failed to initialise: <x>).");
    assert.ok(html.includes('&lt;x&gt;') && !html.includes('<x>'));
  });

  it('a model that cannot train as written: a warning verdict with the reason, the swapped run, and no Compare (its BatchNorm side cannot train)', () => {
    const swapped: SanityReport = { ...nanReport, normSwapped: { reason: 'tfjs trains BatchNormalization only over the last axis, and bn1 normalises axis 1 (channels-first)', layers: ['bn1'] }, runs: [{ ...nanReport.runs[0], norm: 'runningBatchNorm', swapped: true, nan: null, exploding: [] }] };
    const html = page(swapped);
    assert.equal(byClass(html, 'verdict-cannot-train').length, 1);
    assert.ok(elementsOf(html).some((e) => e.tag === 'h2' && e.text === 'Cannot train as written'));
    assert.ok(byClass(html, 'caveat')[0]?.text.startsWith('The model as written cannot train: tfjs trains BatchNormalization only over the last axis, and bn1 normalises axis 1 (channels-first).'));
    assert.ok(bodyText(html).includes('RunningBatchNorm (swapped in memory)'));
    assert.deepEqual(elementsOf(html).map((e) => e.attrs['data-action']).filter(Boolean), ['rerun', 'showLog']);
  });

  it('single run offers a compare button; every report offers rerun and log', () => {
    const actions = elementsOf(page(nanReport)).map((e) => e.attrs['data-action']).filter(Boolean);
    assert.deepEqual(actions, ['rerun', 'compare', 'showLog']);
    const noBatchNorm = { ...nanReport, runs: [{ ...nanReport.runs[0], norm: 'none' as const }] };
    assert.deepEqual(elementsOf(page(noBatchNorm)).map((e) => e.attrs['data-action']).filter(Boolean), ['rerun', 'showLog'], 'nothing to swap, no compare');
  });

  it('runs the time budget cut short: a button runs again with twice the budget, and the page rewords the caveat and notes as asked', () => {
    const cut: SanityReport = { ...compareReport, comparison: undefined, runs: compareReport.runs.map((r) => ({ ...r, steps: 40, stepsRequested: 300 })), notes: ['--compare: a note in the CLI\'s words'] };
    const full = renderReportPage({ kind: 'report', report: { ...cut, runs: compareReport.runs.map((r) => ({ ...r, stepsRequested: r.steps })) } }, ASSETS, [ROOT]);
    assert.ok(!elementsOf(full).some((e) => e.attrs['data-action'] === 'rerunLonger'), 'no such button when every run went the whole way');
    const worded = renderReportPage({ kind: 'report', report: cut }, ASSETS, [ROOT], (text) => text.replace('raise the timeout', 'press the button').replace('--compare:', 'Compare:'));
    assert.deepEqual(elementsOf(worded).map((e) => e.attrs['data-action']).filter(Boolean), ['rerun', 'rerunLonger', 'showLog']);
    assert.match(byClass(worded, 'caveat')[0]?.text ?? '', /allowed 40 of 300 steps per run; press the button for the full run/);
    assert.ok(bodyText(worded).includes('Compare: a note in the CLI\'s words'));
  });

  it('regression case: MSE instead of accuracy, and says the swap did worse', () => {
    const html = page(regressionReport);
    const text = bodyText(html);
    assert.ok(text.includes('Held-out MSE'));
    assert.ok(!/held-out accuracy/i.test(text));
    assert.ok(text.includes('RunningBatchNorm MSE 0.0456 vs BatchNorm 0.0123: higher (worse) (one seed, no interval: within the noise of seeds unless large).'), text);
    assert.ok(text.includes('the module’s sanityData() export'));
    assert.equal(chartJson(html).task, 'regression');
    const notes = elementsOf(html).filter((e) => e.tag === 'section' && e.attrs.class === 'notes');
    assert.equal(notes.length, 1);
    assert.ok(notes[0].text.includes('sanityData() returned 64 samples;\n13 held out'));
    assert.equal(elementsOf(page(compareReport)).filter((e) => e.attrs.class === 'notes').length, 0, 'no empty notes section');
  });

  it('error case: a headline per reason and the message verbatim, no chart data', () => {
    const html = renderReportPage(errorState, ASSETS, [ROOT]);
    const alert = elementsOf(html).find((e) => e.attrs.role === 'alert');
    assert.ok(alert);
    assert.ok(alert.text.includes('The model factory threw'));
    assert.ok(alert.text.includes('Error: <boom> in "createModel"\n    at createModel (src/model.ts:3:9)'));
    assert.ok(bodyText(html).includes('createModel in src/model.ts'));
    assert.equal(elementsOf(html).find((e) => e.attrs.id === 'report-data'), undefined);
    assert.ok(elementsOf(html).some((e) => e.attrs.class === 'hint' && e.text.includes('Show Log')));
  });

  it('error case: the editor\'s buttons for the failure, the first one primary, by their place in the list, then Show Log', () => {
    const buttons = (actions?: string[]) => elementsOf(renderReportPage({ ...errorState, ...(actions ? { actions } : {}) }, ASSETS, [ROOT])).filter((e) => e.tag === 'button');
    assert.deepEqual(buttons().map((b) => [b.attrs['data-action'], b.attrs.class]), [['showLog', undefined]]);
    const offered = buttons(['Run Again', 'Run <npm install> and Train Again']);
    assert.deepEqual(offered.map((b) => [b.text, b.attrs['data-action'], b.attrs['data-index'], b.attrs.class]), [
      ['Run Again', 'recover', '0', undefined],
      ['Run <npm install> and Train Again', 'recover', '1', 'secondary'],
      ['Show Log', 'showLog', undefined, 'secondary'],
    ]);
  });

  it('error case: every launcher reason has a headline, and the actionable ones a hint', () => {
    const reasons = ['threw', 'notAModel', 'noFactory', 'timeout', 'badInput', 'internal', 'cancelled', 'memory', 'crashed'];
    for (const reason of reasons) {
      assert.notEqual(errorHeadline(reason), 'Sanity-train failed', reason);
    }
    for (const reason of ['timeout', 'memory', 'notAModel']) {
      assert.ok(errorHint(reason), reason);
    }
  });

  it('running page: title, what is being trained, Cancel, a status line and an empty chart', () => {
    const html = renderReportPage({ kind: 'running', model: 'createModel', file: `${ROOT}/src/model.ts`, compare: true, steps: 300, batchSize: 2 }, ASSETS, [ROOT]);
    const text = bodyText(html);
    assert.ok(text.includes('Sanity-training createModel…'));
    assert.ok(text.includes('src/model.ts · 300 steps at batch size 2, as written and with batch norm swapped'), text);
    assert.deepEqual(elementsOf(html).map((e) => e.attrs['data-action']).filter(Boolean), ['cancel', 'showLog']);
    assert.ok(elementsOf(html).some((e) => e.attrs.id === 'live-status'));
    assert.deepEqual(chartJson(html), { task: null, maxStep: 300, runs: [] });
    assert.ok(elementsOf(html).find((e) => e.tag === 'canvas')?.attrs['aria-label']?.includes('BatchNorm (as written) and RunningBatchNorm (swapped in memory)'));
  });

  it('a missing package gets its install command', () => {
    assert.equal(
      errorHint('threw', "loading /p/m.ts threw: Error: Cannot find module '@tensorflow/tfjs-vis/dist/x'"),
      'Your model imports @tensorflow/tfjs-vis, which your workspace does not have: install it (npm install @tensorflow/tfjs-vis) and run again.',
    );
    assert.match(errorHint('threw', "Cannot find module 'lodash'") ?? '', /npm install lodash\)/);
    assert.equal(errorHint('threw', "Cannot find module './helpers'"), errorHint('threw'), 'a missing sibling file is not a package');
  });

  it('a model that does not fit at batch size 1 is not told to lower the batch size', () => {
    assert.match(errorHint('memory', 'the worker used more than its 4096 MB memory cap') ?? '', /^Lower the batch size/);
    assert.equal(errorHint('memory', 'one training step needs about 3.5 GB even at batch size 1 and 3.3 GB is free for it'), 'Raise the memory cap (setting runningBatchNorm.sanity.maxMemoryMb), or give the model a smaller input.');
  });

  it("says the install command once when the worker's message already has it", () => {
    const message = "loading /p/m.ts threw: Error: Cannot find module 'jimp' — the package 'jimp' is not installed; install it: npm install jimp";
    assert.equal(errorHint('threw', message), 'The stack trace is in the log (Show Log).');
  });

  it('a cancelled run says it stopped, not that it could not run', () => {
    const heading = (reason: string) => elementsOf(renderReportPage({ ...errorState, reason }, ASSETS)).find((e) => e.tag === 'h1')?.text;
    assert.equal(heading('cancelled'), 'Sanity-train stopped');
    assert.equal(heading('threw'), 'Sanity-train could not run');
  });

  it('error headlines: known reasons differ, unknown ones fall back', () => {
    const reasons = ['threw', 'notAModel', 'noFactory', 'timeout', 'badInput', 'cancelled', 'memory', 'crashed', 'internal'];
    assert.equal(new Set(reasons.map(errorHeadline)).size, reasons.length);
    assert.equal(errorHeadline('somethingNew'), 'Sanity-train failed');
  });
});
