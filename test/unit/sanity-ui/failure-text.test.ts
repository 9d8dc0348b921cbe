import * as assert from 'node:assert/strict';
import type { SanityRequest } from '../../../src/core/training/protocol';
import { failureLogEntry, MAX_NOTICE_CHARS, noticeLine } from '../../../src/vscode/sanity/failure-text';

describe('failure messages: one short line, the rest in the log', () => {
  it('a short message is the line as it is', () => {
    assert.equal(noticeLine('Sanity-train of buildModel', 'tf is not defined'), 'Sanity-train of buildModel: tf is not defined');
  });

  it('only the first line of a stack trace', () => {
    assert.equal(noticeLine('Sanity-train of f', 'ReferenceError: window is not defined\n    at f (model.js:3:5)'), 'Sanity-train of f: ReferenceError: window is not defined');
  });

  it(`a long line is cut at a word, within ${MAX_NOTICE_CHARS} characters, and says where the rest is`, () => {
    const message = `the builder needs ${'a very long explanation '.repeat(20)}end`;
    const line = noticeLine('Sanity-train of unetModel', message);
    assert.ok(line.length <= MAX_NOTICE_CHARS, `${line.length}`);
    const full = `Sanity-train of unetModel: ${message}`;
    const [kept, rest] = line.split('…');
    assert.equal(rest, ' (Show Log for the rest)');
    assert.ok(full.startsWith(kept) && full[kept.length] === ' ', `cut inside a word: ${kept}`);
  });

  it('an empty message still reads', () => {
    assert.equal(noticeLine('Sanity-train of f', ''), 'Sanity-train of f: no message');
  });

  it('the log entry has the whole message, the request and the extra details', () => {
    const request = { file: '/w/dqn.js', model: 'createDeepQNetwork', args: [9, 9, 4], argsSource: 'call in dqn_test.js:25' } as SanityRequest;
    const entry = failureLogEntry({
      model: 'createDeepQNetwork',
      file: '/w/dqn.js',
      reason: 'threw',
      message: 'Error: bad shape\n    at build (dqn.js:4:9)',
      request,
      extra: { backend: 'wasm', backendSkipped: [{ name: 'tensorflow', reason: 'tfjs-node is not installed' }] },
    });
    assert.equal(
      entry,
      [
        'Sanity-train of createDeepQNetwork in /w/dqn.js failed (threw):',
        'Error: bad shape\n    at build (dqn.js:4:9)',
        `Request: ${JSON.stringify(request)}`,
        'backend: wasm',
        'backendSkipped: [{"name":"tensorflow","reason":"tfjs-node is not installed"}]',
      ].join('\n'),
    );
  });
});
