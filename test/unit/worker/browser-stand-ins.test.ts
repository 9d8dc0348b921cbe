import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { BrowserOnlyError, createStandIn, defineStandIn, fileLocation, globalObjectAlias, removeStandIns, standInCandidate, standInNote, withBrowserStandIns } from '../../../src/worker/loading/page/browser-stand-ins';
import { describeError, SanityFailure } from '../../../src/worker/errors';
import { ambientGlobals } from '../../../src/worker/loading/page/ambient-globals';

const USED = (api: string, global: string) => new RegExp(`^BrowserOnlyError: ${api.replace(/[.()]/g, '\\$&')} is browser-only; sanity-train runs your model in Node and gave the module an inert stand-in for ${global}$`);

function referenceError(name: string): ReferenceError {
  return new ReferenceError(`${name} is not defined`);
}

describe('browser stand-ins', () => {
  it('which errors get a stand-in, and for which global', () => {
    const rows: { error: unknown; expected: string | undefined }[] = [
      { error: new TypeError('globalObject.OfflineAudioContext is not a constructor'), expected: 'OfflineAudioContext' },
      { error: referenceError('document'), expected: 'document' },
      { error: new TypeError('window.requestAnimationFrame is not a function'), expected: 'requestAnimationFrame' },
      { error: referenceError('AudioContext'), expected: 'AudioContext' },
      // The window's event methods, on the worker's window (globalThis) or bare.
      { error: new TypeError('window.addEventListener is not a function'), expected: 'addEventListener' },
      { error: referenceError('removeEventListener'), expected: 'removeEventListener' },
      // A connection a page opens as it loads (Node 20 has no WebSocket).
      { error: referenceError('WebSocket'), expected: 'WebSocket' },
      // tfjs, the worker's browser-script globals and fetch never get one.
      { error: referenceError('tf'), expected: undefined },
      { error: referenceError('window'), expected: undefined },
      { error: referenceError('self'), expected: undefined },
      // Not a browser global, or not the error shape.
      { error: referenceError('myHelper'), expected: undefined },
      { error: new Error('OfflineAudioContext is not defined'), expected: undefined },
      { error: new TypeError('Cannot read properties of undefined (reading "OfflineAudioContext")'), expected: undefined },
      { error: 'a string', expected: undefined },
    ];
    for (const row of rows) {
      assert.equal(standInCandidate(row.error), row.expected, String((row.error as Error).message ?? row.error));
    }
  });

  it('a global that is already defined gets none (the code reached it some other way)', () => {
    defineStandIn('MediaRecorder');
    try {
      assert.equal(standInCandidate(new TypeError('ctx.MediaRecorder is not a constructor')), undefined);
    } finally {
      removeStandIns(['MediaRecorder']);
    }
    assert.equal((globalThis as Record<string, unknown>).MediaRecorder, undefined);
  });

  it('can be constructed, called, stored, compared and printed', () => {
    const Ctx = createStandIn('OfflineAudioContext') as new (...a: unknown[]) => Record<string, unknown>;
    const ctx = new Ctx(1, 16000, 16000);
    const holder = { ctx, also: [ctx] };
    assert.equal(holder.also[0], ctx);
    assert.equal(typeof ctx, 'object');
    assert.equal(String(ctx), '[inert stand-in for OfflineAudioContext]');
    assert.equal(ctx instanceof Ctx, false);
    assert.equal((Ctx as unknown as { name: string }).name, 'OfflineAudioContext');
    assert.match(inspect(ctx), /\{\}/);
    assert.equal(JSON.stringify({ ctx }), '{"ctx":{}}');
    ctx.onComplete = 'kept';
    assert.equal(ctx.onComplete, 'kept');
    const plain = (Ctx as unknown as (...a: unknown[]) => unknown)();
    assert.equal(typeof plain, 'object');
  });

  it('any real use throws one line naming the API', () => {
    const Ctx = createStandIn('OfflineAudioContext') as new () => Record<string, () => unknown>;
    const ctx = new Ctx();
    assert.throws(() => ctx.decodeAudioData(), USED('OfflineAudioContext.decodeAudioData', 'OfflineAudioContext'));
    assert.throws(() => ctx.sampleRate, USED('OfflineAudioContext.sampleRate', 'OfflineAudioContext'));
    assert.throws(() => (Ctx as unknown as Record<string, unknown>).prototype && (Ctx as unknown as Record<string, unknown>).supported, USED('OfflineAudioContext.supported', 'OfflineAudioContext'));
    const failure = (() => {
      try {
        ctx.startRendering();
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    assert.ok(failure instanceof BrowserOnlyError);
    assert.equal(describeError(failure), 'BrowserOnlyError: OfflineAudioContext.startRendering is browser-only; sanity-train runs your model in Node and gave the module an inert stand-in for OfflineAudioContext — build the model without it, or behind a check that it exists');
  });

  it('awaiting it is a use', async () => {
    const Ctx = createStandIn('AudioContext') as new () => unknown;
    const ctx = new Ctx();
    await assert.rejects(async () => await Promise.resolve(ctx), USED('awaiting AudioContext', 'AudioContext'));
  });

  it('retries with a stand-in for exactly the missing global, and stops after a few', async () => {
    let attempts = 0;
    const { result, standIns } = await withBrowserStandIns(async (progress) => {
      attempts++;
      if (typeof (globalThis as Record<string, unknown>).OffscreenCanvas === 'undefined') {
        throw new SanityFailure('threw', 'loading m.ts threw', referenceError('OffscreenCanvas'));
      }
      progress.loaded = true;
      if (typeof (globalThis as Record<string, unknown>).ImageData === 'undefined') {
        throw new TypeError('g.ImageData is not a constructor');
      }
      return 'built';
    });
    removeStandIns(standIns.map((s) => s.name));
    assert.equal(result, 'built');
    assert.equal(attempts, 3);
    assert.deepEqual(standIns, [{ name: 'OffscreenCanvas', when: 'import' }, { name: 'ImageData', when: 'build' }]);

    const names = ['document', 'HTMLCanvasElement', 'HTMLImageElement', 'HTMLVideoElement', 'alert', 'cancelAnimationFrame'];
    let tries = 0;
    await assert.rejects(
      withBrowserStandIns(() => {
        tries++;
        const missing = names.find((n) => (globalThis as Record<string, unknown>)[n] === undefined);
        return Promise.reject(referenceError(missing ?? 'none'));
      }),
      /is not defined/,
    );
    removeStandIns(names.slice(0, 4));
    assert.equal(tries, 5, 'four stand-ins at most, then the error');
    assert.equal((globalThis as Record<string, unknown>).alert, undefined);
  });

  it('a module of a browser app that reads window as it loads: window becomes the global object, and the build retried', async () => {
    assert.equal(globalObjectAlias(referenceError('window')), 'window');
    assert.equal(globalObjectAlias(referenceError('self')), 'self');
    assert.equal(globalObjectAlias(referenceError('document')), undefined);
    assert.equal(globalObjectAlias(new TypeError('window is not defined')), undefined);
    const { result, standIns } = await withBrowserStandIns(async () => {
      const g = globalThis as Record<string, unknown>;
      if (g.window === undefined) {
        throw new SanityFailure('threw', 'loading config.ts threw', referenceError('window'));
      }
      return `${String((g.window as { location?: unknown }).location)}data`;
    });
    removeStandIns(standIns.map((s) => s.name));
    assert.equal(result, 'undefineddata');
    assert.deepEqual(standIns, [{ name: 'window', when: 'import' }]);
    assert.equal((globalThis as Record<string, unknown>).window, undefined);
    assert.equal(standInNote(standIns), 'The module used window at import: in Node, sanity-train made it the global object, as a page has it.');
    assert.equal(
      standInNote([{ name: 'document', when: 'import' }, { name: 'window', when: 'import' }]),
      'The module used document at import (browser-only): sanity-train gave it an inert stand-in. The module used window at import: in Node, sanity-train made it the global object, as a page has it.',
    );
  });

  it("a page script that reads location as it loads gets a page-from-disk location, which reads and never throws", async () => {
    const { result, standIns } = await withBrowserStandIns(async () => {
      const g = globalThis as Record<string, unknown>;
      if (g.location === undefined) {
        throw new SanityFailure('threw', 'loading page.html threw', referenceError('location'));
      }
      const at = g.location as { protocol: string; hostname: string; port: string; search: string; pathname: string };
      return `ws://${at.hostname}:${at.port}|${at.protocol}|${at.search}|${at.pathname}`;
    }, new Set(), new Set(), '/work/app/page.html');
    removeStandIns(standIns.map((s) => s.name));
    assert.equal(result, 'ws://:|file:||/work/app/page.html');
    assert.deepEqual(standIns, [{ name: 'location', when: 'import' }]);
    assert.equal(standInNote(standIns), 'The module read location at import: sanity-train gave it the file: location of a page opened from disk (no host, port or query).');
    assert.equal(String(fileLocation(undefined).href), 'about:blank');
  });

  it('an error that is no missing browser global is thrown as it was, untouched', async () => {
    const original = new SanityFailure('threw', 'f() threw: RangeError: too big', new RangeError('too big'));
    await assert.rejects(withBrowserStandIns(() => Promise.reject(original)), (err) => err === original);
  });

  it('the note names the globals and when they were needed', () => {
    assert.equal(standInNote([]), undefined);
    assert.equal(standInNote([{ name: 'OfflineAudioContext', when: 'import' }]), 'The module used OfflineAudioContext at import (browser-only): sanity-train gave it an inert stand-in.');
    assert.equal(
      standInNote([{ name: 'AudioContext', when: 'import' }, { name: 'document', when: 'import' }, { name: 'Image', when: 'import' }]),
      'The module used AudioContext, document and Image at import (browser-only): sanity-train gave them inert stand-ins.',
    );
    assert.equal(standInNote([{ name: 'Image', when: 'build' }]), 'The module used Image while building the model (browser-only): sanity-train gave it an inert stand-in.');
  });

  it('a global the code declares (`declare const bci: any`) gets an inert stand-in when it is not defined, said as declared', async () => {
    const { result, standIns } = await withBrowserStandIns(
      async (progress) => {
        progress.loaded = true;
        const g = globalThis as Record<string, unknown>;
        if (g.bci === undefined) {
          throw new SanityFailure('threw', 'new Service() threw', referenceError('bci'));
        }
        return typeof g.bci;
      },
      new Set(),
      new Set(['bci']),
    );
    removeStandIns(standIns.map((s) => s.name));
    assert.equal(result, 'function');
    assert.deepEqual(standIns, [{ name: 'bci', when: 'build', declared: true }]);
    assert.equal(
      standInNote([...standIns, { name: 'document', when: 'import' }]),
      'The module used bci while building the model, a global the code declares (`declare`) for the page or host to define, which nothing defines in Node: sanity-train gave it an inert stand-in. The module used document at import (browser-only): sanity-train gave it an inert stand-in.',
    );
    // Not declared: the error stands.
    await assert.rejects(withBrowserStandIns(() => Promise.reject(referenceError('bci')), new Set(), new Set(['other'])), /bci is not defined/);
  });
});

describe('ambientGlobals (names TypeScript declares for something else to define)', () => {
  const rows: [string, string[]][] = [
    ['declare const bci: any;', ['bci']],
    ['declare var google: any; declare let L: any;', ['google', 'L']],
    ['declare function gtag(...args: unknown[]): void;\ndeclare class Chart { constructor(el: string) }', ['gtag', 'Chart']],
    ['declare global {\n  interface Window { app: unknown }\n  var plotter: (x: number[]) => void;\n}', ['plotter']],
    ['// declare const commented: any;\nconst real = 1;', []],
    ["const s = 'declare const inAString';", []],
    ['declare module "x" { export const y: number }', []],
    ['export declare const exported: number;', ['exported']],
  ];
  for (const [code, expected] of rows) {
    it(JSON.stringify(code), () => assert.deepEqual(ambientGlobals(code), expected));
  }
});
