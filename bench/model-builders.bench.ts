/**
 * Speed of the builder finder and the argument proposal on a generated 5,000-line file with 250
 * builders (functions, classes, CommonJS exports) and a 200-file package for the call-site search.
 * Prints JSON; no assertions (speed targets live in benchmarks, not in tests).
 */
import { proposeArguments } from '../src/core/analysis/arguments/argument-proposals';
import { findModelBuilders } from '../src/core/analysis/builders/model-builders';

function generatedFile(blocks: number): string {
  const parts = ["import * as tf from '@tensorflow/tfjs';"];
  for (let i = 0; i < blocks; i++) {
    parts.push(
      `export function build${i}(h: number, w: number, numClasses = 10) {`,
      '  const model = tf.sequential();',
      '  model.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, inputShape: [h, w, 1] }));',
      '  model.add(tf.layers.batchNormalization());',
      '  model.add(tf.layers.flatten());',
      '  model.add(tf.layers.dense({ units: numClasses, activation: "softmax" }));',
      '  return model;',
      '}',
      `export class Net${i} {`,
      '  model: tf.LayersModel;',
      `  constructor(units: number) { this.model = build${i}(units, units); }`,
      '  helper(x: number) { return x * 2; }',
      '}',
      `function notABuilder${i}(x: number[]) {`,
      '  return x.map((v) => v + 1);',
      '}',
      '',
      '',
      '',
      '',
    );
  }
  return parts.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs: number): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

const code = generatedFile(250);
const lines = code.split('\n').length;
findModelBuilders(code, 'warm.ts');
let builders = findModelBuilders(code, 'big.ts');
const findMs = time(() => (builders = findModelBuilders(code, 'big.ts')), 5);
const pkg = Array.from({ length: 200 }, (_, i) => ({ file: `src/f${i}.ts`, code: `import { build7 } from './big';\n${'const x = 1;\n'.repeat(100)}export const m${i} = build7(${i % 30 + 8}, 12);\n` }));
const target = builders.find((b) => b.id === 'build7')!;
const proposeMs = time(() => proposeArguments(target, { file: 'big.ts', code }, { files: pkg }), 5);
console.log(JSON.stringify({ lines, builders: builders.length, findModelBuildersMedianMs: Number(findMs.toFixed(1)), packageFiles: pkg.length, proposeArgumentsMedianMs: Number(proposeMs.toFixed(1)) }));
