import { strict as assert } from 'node:assert';
import { bareSpecifier, isWrittenOnlySpecifier } from '../../../../src/core/analysis/module-specifiers';

describe('bareSpecifier (Deno npm: specifiers and CDN URLs, read as the package they name)', () => {
  const rows: [string, string][] = [
    ['npm:@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs'],
    ['npm:@tensorflow/tfjs', '@tensorflow/tfjs'],
    ['npm:/@tensorflow/tfjs-node@^4.20', '@tensorflow/tfjs-node'],
    ['npm:@tensorflow/tfjs-node-gpu@4/dist/index.js', '@tensorflow/tfjs-node-gpu/dist/index.js'],
    ['npm:lodash@4/fp', 'lodash/fp'],
    ['npm:chalk', 'chalk'],
    ['https://esm.sh/@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs'],
    ['https://esm.sh/@tensorflow/tfjs@4.20.0?bundle', '@tensorflow/tfjs'],
    ['https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4/+esm', '@tensorflow/tfjs'],
    ['https://cdn.skypack.dev/@tensorflow/tfjs', '@tensorflow/tfjs'],
    ['https://esm.sh/@tensorflow/tfjs-core@4.22.0/es2022/tfjs-core.mjs', '@tensorflow/tfjs-core'],
    ['https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-layers@4.22.0/dist/tf-layers.esm.js', '@tensorflow/tfjs-layers/dist/tf-layers.esm.js'],
    ['//unpkg.com/@tensorflow/tfjs-node@4.22.0', '@tensorflow/tfjs-node'],
    // Not a package it can name: unchanged.
    ['https://deno.land/x/tensorflow@v0.21/tf.js', 'https://deno.land/x/tensorflow@v0.21/tf.js'],
    ['https://esm.sh/lodash@4', 'https://esm.sh/lodash@4'],
    ['@tensorflow/tfjs', '@tensorflow/tfjs'],
    ['./model.js', './model.js'],
    ['jsr:@std/path', 'jsr:@std/path'],
  ];
  for (const [specifier, bare] of rows) {
    it(`${specifier} → ${bare}`, () => assert.equal(bareSpecifier(specifier), bare));
  }

  it('tells the specifiers that resolve only as written', () => {
    assert.deepEqual(['npm:@tensorflow/tfjs', 'https://esm.sh/@tensorflow/tfjs', '//cdn.x/y.js', '@tensorflow/tfjs', './a.ts', 'node:fs'].map(isWrittenOnlySpecifier), [true, true, true, false, false, false]);
  });
});
