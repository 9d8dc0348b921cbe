import { strict as assert } from 'node:assert';
import { addLayerScriptTags, isTfjsScriptSrc, removeLayerScriptTags, resolveScriptSrc, scriptTags } from '../../../../src/core/refactor/html-pages';
import { applyTextEdits } from '../../../../src/core/refactor';

const ROOT = '/w';
const CDN = 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4.22.0/dist/tf.min.js';
const LAYER = '/w/js/running-batch-norm.browser.js';

interface Case {
  name: string;
  page: string;
  html: string;
  /** The page after the conversion; `null` when it must stay unchanged. */
  expected: string | null;
}

const cases: Case[] = [
  {
    name: 'right after the tfjs CDN tag, on its own line with its indent',
    page: '/w/index.html',
    html: `<!doctype html>\n<html>\n  <head>\n    <script src="${CDN}"></script>\n    <script src="js/app.js"></script>\n  </head>\n</html>\n`,
    expected: `<!doctype html>\n<html>\n  <head>\n    <script src="${CDN}"></script>\n    <script src="js/running-batch-norm.browser.js"></script>\n    <script src="js/app.js"></script>\n  </head>\n</html>\n`,
  },
  {
    name: 'a page in a nested folder loading ../js/app.js, CRLF and tabs',
    page: '/w/pages/demo/index.html',
    html: `<body>\r\n\t<script src='https://unpkg.com/@tensorflow/tfjs'></script>\r\n\t<script src='../../js/app.js?v=3' defer></script>\r\n</body>\r\n`,
    expected: `<body>\r\n\t<script src='https://unpkg.com/@tensorflow/tfjs'></script>\r\n\t<script src="../../js/running-batch-norm.browser.js"></script>\r\n\t<script src='../../js/app.js?v=3' defer></script>\r\n</body>\r\n`,
  },
  {
    name: 'a site-absolute src (/js/app.js), tfjs from node_modules, other scripts between',
    page: '/w/index.html',
    html: `<script src="/node_modules/@tensorflow/tfjs/dist/tf.js"></script><script src="/vendor/chart.js"></script>\n<script src="/js/app.js"></script>\n`,
    expected: `<script src="/node_modules/@tensorflow/tfjs/dist/tf.js"></script>\n<script src="js/running-batch-norm.browser.js"></script><script src="/vendor/chart.js"></script>\n<script src="/js/app.js"></script>\n`,
  },
  {
    name: 'no tfjs tag (tfjs loaded some other way): right before the converted file',
    page: '/w/index.html',
    html: `<body>\n  <script src="js/app.js" type="module"></script>\n</body>\n`,
    expected: `<body>\n  <script src="js/running-batch-norm.browser.js"></script>\n  <script src="js/app.js" type="module"></script>\n</body>\n`,
  },
  {
    name: 'comments, a quoted ">" in an attribute, inline scripts and styles that mention the file are not tags',
    page: '/w/index.html',
    html: `<!-- <script src="js/app.js"></script> -->\n<style>/* <script src="js/app.js"> */</style>\n<script>document.write('<script src="js/app.js"><\\/script>');</script>\n<SCRIPT data-x="a>b" SRC=${CDN}></SCRIPT>\n<script data-note="1 > 0" src=js/app.js></script>\n`,
    expected: `<!-- <script src="js/app.js"></script> -->\n<style>/* <script src="js/app.js"> */</style>\n<script>document.write('<script src="js/app.js"><\\/script>');</script>\n<SCRIPT data-x="a>b" SRC=${CDN}></SCRIPT>\n<script src="js/running-batch-norm.browser.js"></script>\n<script data-note="1 > 0" src=js/app.js></script>\n`,
  },
  {
    name: 'a page that already loads the layer stays as it is',
    page: '/w/index.html',
    html: `<script src="${CDN}"></script>\n<script src="js/running-batch-norm.browser.js"></script>\n<script src="js/app.js"></script>\n`,
    expected: null,
  },
  {
    name: 'a page that does not load the converted file stays as it is',
    page: '/w/other.html',
    html: `<script src="${CDN}"></script>\n<script src="js/other.js"></script>\n`,
    expected: null,
  },
  {
    name: 'the same file name in another folder is another file',
    page: '/w/legacy/index.html',
    html: `<script src="${CDN}"></script>\n<script src="js/app.js"></script>\n`,
    expected: null,
  },
];

describe('refactor: HTML pages of converted browser scripts', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { pages } = addLayerScriptTags([{ path: c.page, text: c.html }], [{ file: '/w/js/app.js', layerFile: LAYER }], ROOT);
      const after = pages[0] ? applyTextEdits(c.html, pages[0].edits) : null;
      assert.equal(after, c.expected);
      if (after !== null) {
        const again = addLayerScriptTags([{ path: c.page, text: after }], [{ file: '/w/js/app.js', layerFile: LAYER }], ROOT);
        assert.deepEqual(again.pages, [], 'idempotent');
        const [reverted] = removeLayerScriptTags([{ path: c.page, text: after }], [{ file: '/w/js/app.js', layerFile: LAYER }], new Set(), ROOT);
        assert.equal(applyTextEdits(after, reverted!.edits), c.html, 'revert removes exactly the tag it added');
      }
    });
  }

  it('one tag per page for two converted files it loads, and none where no page loads a file (the exact tag is in the message)', () => {
    const html = `<script src="${CDN}"></script>\n<script src="js/a.js"></script>\n<script src="js/app.js"></script>\n`;
    const { pages, unloaded } = addLayerScriptTags([{ path: '/w/index.html', text: html }], [{ file: '/w/js/a.js', layerFile: LAYER }, { file: '/w/js/app.js', layerFile: LAYER }, { file: '/w/js/lonely.js', layerFile: LAYER }], ROOT);
    assert.equal(applyTextEdits(html, pages[0]!.edits), `<script src="${CDN}"></script>\n<script src="js/running-batch-norm.browser.js"></script>\n<script src="js/a.js"></script>\n<script src="js/app.js"></script>\n`);
    assert.deepEqual(unloaded.map((u) => u.tag), ['<script src="running-batch-norm.browser.js"></script>']);
    assert.match(unloaded[0]!.message, /^No HTML page in the workspace loads lonely\.js: add <script src="running-batch-norm\.browser\.js"><\/script> right after the tfjs <script> tag, before the one that loads lonely\.js/);
  });

  it("a Flask template's url_for('static', …) tag: the layer's tag is written the same way, and revert removes it", () => {
    const page = '/w/app/templates/index.html';
    const html = `<script src="${CDN}"></script>\n<script src="{{ url_for('static', filename='js/app.js') }}"></script>\n`;
    const converted = [{ file: '/w/app/static/js/app.js', layerFile: '/w/app/static/js/running-batch-norm.browser.js' }];
    const { pages, unloaded } = addLayerScriptTags([{ path: page, text: html }], converted, ROOT);
    assert.deepEqual(unloaded, []);
    const after = applyTextEdits(html, pages[0]!.edits);
    assert.equal(after, `<script src="${CDN}"></script>\n<script src="{{ url_for('static', filename='js/running-batch-norm.browser.js') }}"></script>\n<script src="{{ url_for('static', filename='js/app.js') }}"></script>\n`);
    assert.deepEqual(addLayerScriptTags([{ path: page, text: after }], converted, ROOT).pages, [], 'idempotent');
    assert.equal(applyTextEdits(after, removeLayerScriptTags([{ path: page, text: after }], converted, new Set(), ROOT)[0]!.edits), html);
  });

  it('a template URL in double quotes gets its tag in single quotes', () => {
    const page = '/w/templates/index.html';
    const html = `<script src='{{ url_for("static", filename="app.js") }}'></script>\n`;
    const { pages } = addLayerScriptTags([{ path: page, text: html }], [{ file: '/w/static/app.js', layerFile: '/w/static/running-batch-norm.browser.js' }], ROOT);
    assert.equal(applyTextEdits(html, pages[0]!.edits), `<script src='{{ url_for("static", filename="running-batch-norm.browser.js") }}'></script>\n${html}`);
  });

  it('revert keeps the tag while another script of the page still uses the layer', () => {
    const html = `<script src="${CDN}"></script>\n<script src="js/running-batch-norm.browser.js"></script>\n<script src="js/a.js"></script>\n<script src="js/app.js"></script>\n`;
    const reverted = [{ file: '/w/js/app.js', layerFile: LAYER }];
    assert.deepEqual(removeLayerScriptTags([{ path: '/w/index.html', text: html }], reverted, new Set(['/w/js/a.js']), ROOT), []);
    assert.equal(removeLayerScriptTags([{ path: '/w/index.html', text: html }], reverted, new Set(), ROOT).length, 1);
  });

  it('scriptTags survives unclosed tags and attributes', () => {
    assert.deepEqual(scriptTags('<script src="a.js"'), [{ start: 0, end: 18, src: 'a.js' }]);
    assert.deepEqual(scriptTags('<p>x<script>'), [{ start: 4, end: 12 }]);
  });

  const tfjsSources: [string, boolean][] = [
    [CDN, true],
    ['https://cdn.jsdelivr.net/npm/@tensorflow/tfjs', true],
    ['https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@latest/dist/tf.min.js', true],
    ['https://unpkg.com/@tensorflow/tfjs@^4.0.0/', true],
    ['lib/tf.min.js', true],
    ['node_modules/@tensorflow/tfjs/dist/tf.es2017.js', true],
    ['https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-vis', false],
    ['https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.js', false],
    ['https://cdn.jsdelivr.net/npm/@tensorflow-models/mobilenet', false],
    ['vendor/tf-0.12.5.js', true],
    ['tfjs-1.7.4.min.js', true],
    ['tf-2d-canvas.js', false],
    ['js/app.js', false],
    ['js/mytf.js', false],
  ];
  for (const [src, expected] of tfjsSources) {
    it(`isTfjsScriptSrc(${src}) is ${expected}`, () => assert.equal(isTfjsScriptSrc(src), expected));
  }
});

describe("resolveScriptSrc: server templates' static URLs", () => {
  const rows: { src: string; page: string; expected: string | undefined }[] = [
    { src: "{{url_for('static', filename='ML.js')}}", page: '/app/templates/main.html', expected: '/app/static/ML.js' },
    { src: '{{ url_for("static", filename="js/net.js") }}', page: '/app/templates/pages/demo.html', expected: '/app/static/js/net.js' },
    { src: "{% static 'js/model.js' %}", page: '/site/shop/templates/shop/index.html', expected: '/site/shop/static/js/model.js' },
    { src: "{{url_for('static', filename='x.js')}}", page: '/app/pages/main.html', expected: '/app/pages/static/x.js' },
    { src: 'js/net.js', page: '/app/templates/main.html', expected: '/app/templates/js/net.js' },
    { src: 'https://cdn.example.com/{{ x }}.js', page: '/app/templates/main.html', expected: undefined },
  ];
  for (const row of rows) {
    it(`${row.src} in ${row.page}`, () => {
      assert.equal(resolveScriptSrc(row.src, row.page, '/'), row.expected);
    });
  }
});
