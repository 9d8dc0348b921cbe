import { strict as assert } from 'node:assert';
import { pageCodeForLoading } from '../../../src/worker/loading/page/page-loading';

const FILE = '/site/demo/index.html';

describe('loading a page: what a browser would reject, named by the page and the script\'s line', () => {
  const rows: { title: string; html: string; error?: string }[] = [
    { title: 'scripts with markup, ** and a babel script between them load', html: '<script>var a = 1</script>\n<p>2 ** 3</p>\n<script type="text/babel">const B = <b/>;</script>\n<script>(a)</script>' },
    { title: '<!-- hiding a script from old browsers loads', html: '<script>\n<!--\nvar a = 1;\n//-->\n</script>' },
    {
      title: 'a script that does not parse',
      html: '<html>\n<script>\nvar ok = 1;\n</script>\n<script>\nfunction train() {\n  fit(xs, { epochs: 3 ));\n}\n</script>',
      error: "index.html: the <script> at line 5 does not parse, line 7: Unexpected token ')'",
    },
    {
      title: 'two scripts that each parse but declare the same let',
      html: '<script>\nlet model;\n</script>\n<p>x</p>\n<script>\nlet model = null;\n</script>',
      error: "index.html: the <script> at line 5 does not run after the page's earlier scripts, line 6: Identifier 'model' has already been declared",
    },
    { title: 'an onclick that does not parse is left out, not an error', html: '<button onclick="go(;">x</button><script>var a;</script>' },
  ];
  for (const row of rows) {
    it(`${row.title} → ${row.error ?? 'loads'}`, () => {
      if (row.error) {
        assert.throws(() => pageCodeForLoading(FILE, row.html), (err: Error) => err instanceof SyntaxError && err.message === row.error);
      } else {
        assert.equal(pageCodeForLoading(FILE, row.html).length, row.html.length);
      }
    });
  }
});
