import { strict as assert } from 'node:assert';
import { withDeclarationCapture } from '../../../src/worker/loading/declaration-capture';

const CAPTURE = ';grab();';

describe('a const or class builder handed over as soon as it is declared', () => {
  const rows: { title: string; code: string; name: string; file?: string; expected: string }[] = [
    { title: 'a const arrow function', code: 'const build = () => 1;\nrun();', name: 'build', expected: 'const build = () => 1;;grab();\nrun();' },
    { title: 'a function expression among several declarations', code: 'let a = 1, build = function () {};\nrun();', name: 'build', expected: 'let a = 1, build = function () {};;grab();\nrun();' },
    { title: 'a class declaration', code: 'class Net {\n  build() {}\n}\nrun();', name: 'Net', expected: 'class Net {\n  build() {}\n};grab();\nrun();' },
    { title: 'a class expression kept in a const', code: 'const Net = class {};\nrun();', name: 'Net', expected: 'const Net = class {};;grab();\nrun();' },
    { title: 'an exported TypeScript arrow function with a type assertion', code: 'export const build = ((n: number) => n) as (n: number) => number;\nrun();', name: 'build', file: 'm.ts', expected: 'export const build = ((n: number) => n) as (n: number) => number;;grab();\nrun();' },
    // Unchanged: nothing to hand over before it is declared, or no function at all.
    { title: 'a model variable (read where the load stops instead)', code: 'const net = tf.sequential();\nnet.fit();', name: 'net', expected: 'const net = tf.sequential();\nnet.fit();' },
    { title: 'a function declaration (hoisted already)', code: 'function build() {}\nrun();', name: 'build', expected: 'function build() {}\nrun();' },
    { title: 'a declaration inside a function', code: 'function main() {\n  const build = () => 1;\n}', name: 'build', expected: 'function main() {\n  const build = () => 1;\n}' },
    { title: 'another name', code: 'const make = () => 1;', name: 'build', expected: 'const make = () => 1;' },
  ];
  for (const row of rows) {
    it(row.title, () => {
      assert.equal(withDeclarationCapture(row.code, row.file ?? 'm.js', row.name, CAPTURE), row.expected);
    });
  }
});
