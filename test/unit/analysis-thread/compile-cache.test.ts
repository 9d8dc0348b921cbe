import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheFileFor, compileCacheOutcomes, installCompileCache, persistCompileCache } from '../../../src/analysis-thread/compile-cache';

/** A module that uses what Node hands a module body: exports, require (relative and resolve), module, __filename, __dirname. */
const MODULE_BODY = `
const helper = require('./helper');
exports.sum = (a, b) => helper.add(a, b);
exports.where = { file: __filename, dir: __dirname, isModule: module.exports === exports, resolved: require.resolve('./helper') };
exports.fs = typeof require('node:fs').readFileSync;
`;

describe('analysis thread: V8 code cache for the compiler files', () => {
  let root: string;
  let cacheDir: string;
  let uninstall: (() => void) | undefined;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-compile-cache-'));
    cacheDir = path.join(root, 'cache');
    fs.mkdirSync(path.join(root, 'lib'));
    fs.writeFileSync(path.join(root, 'lib', 'big.js'), MODULE_BODY);
    fs.writeFileSync(path.join(root, 'lib', 'helper.js'), 'exports.add = (a, b) => a + b;\n');
  });
  afterEach(() => {
    uninstall?.();
    uninstall = undefined;
    Object.keys(require.cache).filter((k) => k.startsWith(root)).forEach((k) => delete require.cache[k]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  const big = () => path.join(root, 'lib', 'big.js');
  const hook = () => (uninstall = installCompileCache(cacheDir, (f) => f === big()));
  const load = () => {
    delete require.cache[big()];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the hook under test is require's
    return require(big()) as { sum: (a: number, b: number) => number; where: Record<string, unknown>; fs: string };
  };
  const outcome = () => compileCacheOutcomes().find((o) => o.file === big())?.outcome;

  it('a hooked module gets what an ordinary require gives it', () => {
    const plain = load();
    hook();
    const cached = load();
    assert.equal(cached.sum(2, 3), 5);
    assert.deepEqual(cached.where, plain.where);
    assert.deepEqual(cached.where, { file: big(), dir: path.dirname(big()), isModule: true, resolved: path.join(root, 'lib', 'helper.js') });
    assert.equal(cached.fs, 'function');
  });

  it('missing, then written after the work, then accepted on the next load', () => {
    hook();
    load();
    assert.equal(outcome(), 'missing');
    assert.deepEqual(persistCompileCache(), [cacheFileFor(cacheDir, big())]);
    assert.ok(fs.statSync(cacheFileFor(cacheDir, big())).size > 0);
    assert.equal(load().sum(1, 1), 2);
    assert.equal(outcome(), 'accepted');
    assert.deepEqual(persistCompileCache(), [], 'an accepted cache is not written again');
  });

  it('a changed file gets a cache of its own, and its old cache is removed', () => {
    hook();
    load();
    persistCompileCache();
    const old = cacheFileFor(cacheDir, big());
    fs.writeFileSync(big(), `${MODULE_BODY}\nexports.changed = true;\n`);
    assert.notEqual(cacheFileFor(cacheDir, big()), old);
    assert.equal((load() as unknown as { changed: boolean }).changed, true);
    assert.equal(outcome(), 'missing');
    persistCompileCache();
    assert.deepEqual(fs.readdirSync(cacheDir), [path.basename(cacheFileFor(cacheDir, big()))]);
  });

  it('a corrupt cache is rejected, the module still loads, and the cache is written anew', () => {
    fs.mkdirSync(cacheDir);
    fs.writeFileSync(cacheFileFor(cacheDir, big()), 'not a code cache');
    hook();
    assert.equal(load().sum(4, 5), 9);
    assert.equal(outcome(), 'rejected');
    persistCompileCache();
    load();
    assert.equal(outcome(), 'accepted');
  });

  it('a cache folder that cannot be written loses nothing', () => {
    fs.writeFileSync(cacheDir, 'a file where the folder should be');
    hook();
    assert.equal(load().sum(1, 2), 3);
    assert.deepEqual(persistCompileCache(), []);
  });

  it('a module that throws while loading throws as with an ordinary require, once', () => {
    fs.writeFileSync(big(), "globalThis.rbnLoads = (globalThis.rbnLoads ?? 0) + 1;\nthrow new RangeError('broken module');\n");
    hook();
    const g = globalThis as { rbnLoads?: number };
    g.rbnLoads = 0;
    assert.throws(() => load(), /RangeError: broken module|broken module/);
    assert.equal(g.rbnLoads, 1, 'the body ran once, not again through the ordinary loader');
  });

  it('other files load as usual', () => {
    hook();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the hook under test is require's
    const helper = require(path.join(root, 'lib', 'helper.js')) as { add: (a: number, b: number) => number };
    assert.equal(helper.add(1, 2), 3);
    assert.ok(!compileCacheOutcomes().some((o) => o.file.endsWith('helper.js')));
  });
});
