import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findLocalFile, isRelativeUrl, localFetchNote } from '../../../src/worker/loading/page/local-fetch';

describe('files a browser app fetches by relative URL', () => {
  const urls: [string, boolean][] = [
    ['./model/model.json', true],
    ['model/weights.bin', true],
    ['/model/model.json', true],
    ['../data/x.csv', true],
    ['https://example.com/m.json', false],
    ['file:///tmp/m.json', false],
    ['//cdn.example.com/m.json', false],
    ['data:application/json,{}', false],
  ];
  for (const [url, relative] of urls) {
    it(`${url} is ${relative ? '' : 'not '}relative`, () => assert.equal(isRelativeUrl(url), relative));
  }

  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-fetch-'));
    fs.writeFileSync(path.join(root, 'package.json'), '{}');
    fs.mkdirSync(path.join(root, 'src', 'ml'), { recursive: true });
    fs.mkdirSync(path.join(root, 'public', 'model'), { recursive: true });
    fs.mkdirSync(path.join(root, 'weights'));
    fs.writeFileSync(path.join(root, 'public', 'model', 'model.json'), '{}');
    fs.writeFileSync(path.join(root, 'weights', 'w.bin'), '');
    fs.writeFileSync(path.join(root, 'src', 'ml', 'labels.json'), '[]');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const files: [string, string | undefined][] = [
    ['./labels.json', 'src/ml/labels.json'],
    ['weights/w.bin', 'weights/w.bin'],
    ['/model/model.json', 'public/model/model.json'],
    ['./model/model.json?v=2', 'public/model/model.json'],
    ['/labels.json', undefined],
    ['./nothing.bin', undefined],
  ];
  for (const [url, expected] of files) {
    it(`${url} from src/ml/net.js → ${expected ?? 'nothing'}`, () => {
      const found = findLocalFile(url, path.join(root, 'src', 'ml', 'net.js'));
      assert.equal(found === undefined ? undefined : path.relative(root, found), expected);
    });
  }

  it('one note says what was served and what was not found', () => {
    assert.equal(localFetchNote([]), undefined);
    assert.equal(
      localFetchNote([{ url: './w.bin', file: 'model/w.bin' }, { url: './x.json' }]),
      "the code fetched './w.bin' by relative URL: sanity-train served it from model/w.bin in your project, as the page's server would; './x.json' is not in your project (looked next to the module and up to its root): the fetch answered 404",
    );
    assert.equal(
      localFetchNote([{ url: 'file:///p/models/a/model.json', fromDisk: true, file: 'models/a/model.json' }, { url: 'file:///p/models/a/w.bin', fromDisk: true }]),
      "the code loaded 'file:///p/models/a/model.json' and 'file:///p/models/a/w.bin' (tfjs-node's file system loading, which the tfjs that ran has not): sanity-train read models/a/model.json from disk; 'file:///p/models/a/w.bin' not found",
    );
  });

  it('a URL fetched again by a retried build counts once: "it", not "them"', () => {
    const meta = { url: '/model/metadata.json', file: 'public/model/metadata.json' };
    const weights = { url: '/model/weights.bin' };
    assert.equal(
      localFetchNote([meta, weights, meta, weights]),
      "the code fetched '/model/metadata.json' by relative URL: sanity-train served it from public/model/metadata.json in your project, as the page's server would; '/model/weights.bin' is not in your project (looked next to the module and up to its root): the fetch answered 404",
    );
  });
});
