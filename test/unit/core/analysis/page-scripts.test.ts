import { strict as assert } from 'node:assert';
import { pageScripts, scriptAtLine, scriptCodeOf } from '../../../../src/core/analysis/page/page-scripts';
import { findModelBuilders } from '../../../../src/core/analysis/builders/model-builders';
import { proposeArguments } from '../../../../src/core/analysis/arguments/argument-proposals';
import { TFJS_URL } from '../../../../src/core/analysis/builders/tfjs-bindings';

interface Row {
  title: string;
  html: string;
  /** The page's script text with runs of blanks shown as one space, trimmed. */
  code: string;
  handlers?: string[];
  skipped?: string[];
}

/** Blank runs collapsed: what a reader sees of the kept text. */
function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const rows: Row[] = [
  { title: 'one inline script', html: '<html><script>var a = 1;</script></html>', code: '; var a = 1;' },
  {
    title: 'classic scripts in document order; HTML text with ** and && between them is not code',
    html: '<script>var a = 1</script>\n<p>2 ** 3 && "x" < y</p>\n<script>(a)</script>',
    code: '; var a = 1 ; (a)',
  },
  { title: 'a commented-out script is no script', html: '<!-- <script>var gone = 1;</script> --><script>var kept = 2;</script>', code: '; var kept = 2;' },
  { title: 'src scripts are skipped, their inline text too', html: '<script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs"></script><script src="app.js">ignored()</script>', code: '', skipped: ['loads https://cdn.jsdelivr.net/npm/@tensorflow/tfjs', 'loads app.js'] },
  {
    title: 'text/babel, shaders and JSON are not scripts the browser runs',
    html: '<script type="text/babel">const A = () => <div/>;</script><script type="x-shader/x-vertex">void main(){}</script><script type="application/json">{"a":1}</script>',
    code: '',
    skipped: ['type="text/babel" is not a script the browser runs', 'type="x-shader/x-vertex" is not a script the browser runs', 'type="application/json" is not a script the browser runs'],
  },
  { title: 'type="module" and text/javascript are kept', html: '<script type="module">const m = 1;</script><script type="text/javascript">var c = 2;</script>', code: '; const m = 1; ; var c = 2;' },
  { title: '<!-- and --> opening lines of a script are line comments', html: '<script>\n<!--\nvar a = 1;\n  -->\n</script>', code: '; // var a = 1; //' },
  { title: 'a /* */ block with old tfjs names stays a comment', html: '<script>/* model.add(tf.layers.batchNormalization()) */ var b;</script>', code: '; /* model.add(tf.layers.batchNormalization()) */ var b;' },
  { title: 'a <script> inside a string ends at its own </script>', html: '<script>var s = "<b>";</script><p>`</p>', code: '; var s = "<b>";' },
  { title: 'upper-case tags, a charset in the type and CRLF lines', html: '<SCRIPT TYPE="text/javascript; charset=utf-8">\r\nvar a = 1;\r\n</SCRIPT>\r\n<p>**</p>', code: '; var a = 1;' },
  { title: 'JSON-LD is data, not a script', html: '<script type="application/ld+json">{"@type": "Thing"}</script>', code: '', skipped: ['type="application/ld+json" is not a script the browser runs'] },
  { title: 'an unclosed script runs to the end', html: '<script>var open = 1;', code: '; var open = 1;' },
  { title: 'style and textarea hold no tags', html: '<style>p::before { content: "<script>x()</script>"; }</style><textarea><script>y()</script></textarea>', code: '' },
  {
    title: 'event attributes become functions nothing calls',
    html: '<button onclick="myDefineModel(); train()">go</button><input onchange=\'show(this.value)\'>',
    code: ';()=>{myDefineModel(); train()} ;()=>{show(this.value)}',
    handlers: ['onclick: myDefineModel(); train()', 'onchange: show(this.value)'],
  },
  { title: 'character references in a handler are decoded in place', html: '<a onclick="if (a &amp;&amp; b) f(&quot;x&quot;)">x</a>', code: ';()=>{if (a && b) f("x") }', handlers: ['onclick: if (a && b) f("x")'] },
  { title: 'a handler that does not parse is left out', html: '<button onclick="go(;">x</button><script>var a;</script>', code: '; var a;', handlers: [] },
  { title: 'an attribute that is no event handler is never code', html: '<div data-onclick="x()" title="onclick=y()"></div>', code: '', handlers: [] },
];

describe('page scripts: the JavaScript an HTML page runs', () => {
  for (const row of rows) {
    it(row.title, () => {
      const page = pageScripts(row.html);
      assert.equal(page.code.length, row.html.length, 'offsets are the page\'s');
      assert.equal(page.code.split('\n').length, row.html.split('\n').length, 'lines are the page\'s');
      assert.equal(squeeze(page.code), row.code);
      if (row.handlers) {
        assert.deepEqual(page.handlers.map((h) => `${h.attribute}: ${h.code}`), row.handlers);
      }
      if (row.skipped) {
        assert.deepEqual(page.skipped.map((s) => s.reason), row.skipped);
      }
    });
  }

  it('keeps every script at its own line and column, and finds the script of a line', () => {
    const html = '<html>\n<body>\n<p>x</p>\n<script>\nfunction f() {\n  return 1;\n}\n</script>\n<script>\nvar g = 2;\n</script>\n';
    const page = pageScripts(html);
    assert.deepEqual(page.scripts.map((s) => s.line), [4, 9]);
    assert.equal(page.code.split('\n')[5], '  return 1;');
    assert.equal(page.code.indexOf('function f'), html.indexOf('function f'));
    assert.equal(scriptAtLine(page, html, 6)?.line, 4);
    assert.equal(scriptAtLine(page, html, 10)?.line, 9);
    assert.equal(scriptAtLine(page, html, 3), undefined);
  });

  it('reads only pages as pages', () => {
    assert.equal(scriptCodeOf('model.js', '<script>x</script>'), '<script>x</script>');
    assert.equal(squeeze(scriptCodeOf('index.HTM', '<script>x</script>')), '; x');
  });
});

describe('builders and call sites of a page', () => {
  const page = [
    '<script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs"></script>',
    '<button onclick="defineModel(12, 3); train()">define</button>',
    '<script>',
    '  let model;',
    '  function defineModel(inputs, classes) {',
    '    model = tf.sequential();',
    '    model.add(tf.layers.dense({ inputShape: [inputs], units: classes }));',
    '  }',
    '</script>',
  ].join('\n');

  it('finds the builder at its line in the page', () => {
    const builders = findModelBuilders(scriptCodeOf('index.html', page), 'index.html');
    assert.deepEqual(builders.map((b) => [b.id, b.line, b.modelVariable]), [['defineModel', 5, 'model']]);
  });

  it('a call in an onclick attribute is a call site for the arguments', () => {
    const code = scriptCodeOf('index.html', page);
    const builder = findModelBuilders(code, 'index.html')[0]!;
    const proposal = proposeArguments(builder, { file: 'index.html', code });
    assert.deepEqual(proposal.args, [12, 3]);
    assert.match(proposal.summary, /index\.html:2/);
  });
});

describe('tfjs imported from a CDN by a browser module', () => {
  const rows: { url: string; tfjs: boolean }[] = [
    { url: 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4.22.0/+esm', tfjs: true },
    { url: 'https://esm.sh/@tensorflow/tfjs', tfjs: true },
    { url: 'https://esm.sh/@tensorflow/tfjs@4.20.0?bundle', tfjs: true },
    { url: 'https://unpkg.com/@tensorflow/tfjs@4/dist/tf.fesm.js', tfjs: true },
    { url: '//cdn.skypack.dev/@tensorflow/tfjs', tfjs: true },
    { url: 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-vis@1.5.1/+esm', tfjs: false },
    { url: '@tensorflow/tfjs', tfjs: false },
    { url: './tf.js', tfjs: false },
  ];
  for (const row of rows) {
    it(`${row.url} → ${row.tfjs ? 'the page\'s tfjs' : 'not tfjs'}`, () => {
      assert.equal(TFJS_URL.test(row.url), row.tfjs);
    });
  }
});
