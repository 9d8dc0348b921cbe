import { strict as assert } from 'node:assert';
import { createStandIn, setModuleLoading } from '../../../src/worker/loading/page/browser-stand-ins';
import { setPageElementIds } from '../../../src/worker/loading/page/page-element-writes';

type Document = { getElementById(id: string): Record<string, unknown> & { style: Record<string, unknown>; classList: { add(c: string): void }; setAttribute(k: string, v: string): void } };

const USE = (api: string) => new RegExp(`^${api.replace(/[.()'"]/g, '\\$&')} is browser-only; sanity-train runs your model in Node and gave the module an inert stand-in for document$`);

describe('a page\'s own elements while its builder builds the model', () => {
  const document = createStandIn('document') as Document;
  beforeEach(() => {
    setModuleLoading(false);
    setPageElementIds(['status', 'units', 'log'], {}, { status: '4', log: '' });
  });
  afterEach(() => {
    setPageElementIds([]);
    setModuleLoading(true);
  });

  const rows: { title: string; run: () => unknown; throws?: string }[] = [
    { title: 'a style write', run: () => (document.getElementById('status').style.backgroundColor = 'red') },
    { title: 'an innerHTML write', run: () => (document.getElementById('status').innerHTML = 'building') },
    { title: 'a class added', run: () => document.getElementById('status').classList.add('busy') },
    { title: 'an attribute set', run: () => document.getElementById('status').setAttribute('aria-busy', 'true') },
    { title: 'a value read is a use of the page', run: () => document.getElementById('units').value, throws: "document.getElementById('units').value" },
    { title: 'a canvas size read is a use too', run: () => Number(document.getElementById('status').width), throws: "document.getElementById('status').width" },
    { title: "the text of an element whose content the page's HTML does not give is a use", run: () => String(document.getElementById('units').innerHTML), throws: "document.getElementById('units').innerHTML" },
    { title: 'an id the page does not have is a use', run: () => document.getElementById('chart'), throws: 'document.getElementById("chart")' },
  ];
  for (const row of rows) {
    it(`${row.title}${row.throws ? ' → throws' : ' → taken and dropped'}`, () => {
      if (row.throws) {
        assert.throws(row.run, (err: Error) => err.name === 'BrowserOnlyError' && USE(row.throws!).test(err.message));
      } else {
        assert.doesNotThrow(row.run);
      }
    });
  }

  it("an element's text reads as the page's HTML shows it as it opens", () => {
    assert.equal(document.getElementById('status').innerHTML, '4');
    assert.equal(Number(document.getElementById('status').textContent), 4);
  });

  it('a status log appended to reads back what was written, and scrolls with sizes of 0', () => {
    const log = document.getElementById('log');
    assert.equal(log.innerHTML, '');
    log.innerHTML += '<div>building</div>';
    log.innerHTML += '<div>built</div>';
    assert.equal(log.innerHTML, '<div>building</div><div>built</div>');
    log.scrollTop = log.scrollHeight;
    assert.equal(log.scrollTop, 0);
  });

  it('a file that is no page keeps the plain rule: any lookup while building is a use', () => {
    setPageElementIds([]);
    assert.throws(() => document.getElementById('status'), (err: Error) => USE('document.getElementById').test(err.message));
  });
});
