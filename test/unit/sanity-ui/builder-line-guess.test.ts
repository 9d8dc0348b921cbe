/**
 * The lens lines guessed from the text before the analysis answers: on the fixtures people's model
 * code is modelled on, every guessed line is a line the analysis puts lenses on (a wrong guess would
 * move the code twice), and for the common shapes the guess finds them all.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findModelBuilders } from '../../../src/core/analysis/builders/model-builders';
import { guessBuilderLines } from '../../../src/vscode/sanity/lenses/builder-line-guess';
import { guessedLensSpecs, sanityLensSpecs } from '../../../src/vscode/sanity/lenses/lens-specs';

const FIXTURES = path.resolve(__dirname, '../../fixtures/sanity');

describe('guessBuilderLines', () => {
  const table: { name: string; code: string; expected: [number, string][] }[] = [
    { name: 'an exported function', code: "import * as tf from '@tensorflow/tfjs';\nexport function createModel() {\n  const m = tf.sequential();\n  return m;\n}", expected: [[1, 'createModel']] },
    { name: 'an async arrow function', code: "const tf = require('@tensorflow/tfjs');\nconst build = async (units) => {\n  return tf.sequential({ layers: [] });\n};", expected: [[1, 'build']] },
    { name: 'a functional model in a typed arrow', code: "export const make = (n: number): tf.LayersModel =>\n  tf.model({ inputs, outputs });", expected: [[0, 'make']] },
    {
      name: 'a class method, named after its class',
      code: "class Net {\n  constructor(units) {\n    this.units = units;\n  }\n  build() {\n    if (this.units) {\n      return tf.sequential();\n    }\n  }\n}",
      expected: [[4, 'Net.build']],
    },
    { name: 'two builders, one lens line each', code: 'function a() {\n  return tf.sequential();\n}\nfunction b() {\n  const x = tf.sequential();\n  const y = tf.sequential();\n}', expected: [[0, 'a'], [3, 'b']] },
    { name: 'a global assigned a function (a page script)', code: 'myDefineModel = async function () {\n  model = tf.sequential();\n};', expected: [[0, 'myDefineModel']] },
    { name: 'no model made', code: "import * as tf from '@tensorflow/tfjs';\nexport function f() {\n  return tf.tensor([1]);\n}", expected: [] },
  ];
  for (const { name, code, expected } of table) {
    it(name, () => {
      assert.deepEqual(guessBuilderLines(code).map((g) => [g.line, g.id]), expected);
    });
  }
});

describe('guessed lenses against the analysis on the sanity fixtures', () => {
  const files = fs.readdirSync(FIXTURES).filter((f) => /\.(ts|js)$/.test(f));
  for (const name of files) {
    it(`${name}: every guessed lens line is one the analysis puts lenses on`, async () => {
      const code = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
      const real = await sanityLensSpecs(code, name, async (c, f) => findModelBuilders(c, f));
      const guessed = guessedLensSpecs(code);
      const realLines = new Set(real.map((s) => s.line));
      const wrong = guessed.filter((s) => !realLines.has(s.line));
      assert.deepEqual(wrong.map((s) => `${s.line + 1}: ${s.builder}`), [], 'guessed where the analysis puts none');
      // Same titles and commands as the real lenses, two per builder.
      for (const s of guessed) {
        assert.ok(real.some((r) => r.line === s.line && r.title === s.title && r.command === s.command), `${s.title} on line ${s.line + 1}`);
      }
    });
  }

  it('guesses the lens lines of most fixture builders (the common shapes)', async () => {
    let realCount = 0;
    let guessedCount = 0;
    for (const name of fs.readdirSync(FIXTURES).filter((f) => /\.(ts|js)$/.test(f))) {
      const code = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
      const real = new Set((await sanityLensSpecs(code, name, async (c, f) => findModelBuilders(c, f))).map((s) => s.line));
      realCount += real.size;
      guessedCount += new Set(guessedLensSpecs(code).map((s) => s.line).filter((l) => real.has(l))).size;
    }
    assert.ok(guessedCount >= realCount * 0.6, `guessed ${guessedCount} of ${realCount} lens lines`);
  });
});
