import { strict as assert } from 'node:assert';
import { findLayerCalls, mapLayersToSources, type BuiltLayer } from '../../../src/core/training/layer-sources';

const NS = "import * as tf from '@tensorflow/tfjs';\n";

describe('findLayerCalls', () => {
  const rows: { title: string; code: string; factory: string; expected: string[] }[] = [
    {
      title: 'tf.layers calls in order with their lines',
      code: `${NS}export function build() {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 4, inputShape: [2] }));\n  m.add(tf.layers.batchNormalization());\n  m.add(tf.layers.dense({ units: 1 }));\n  return m;\n}`,
      factory: 'build',
      expected: ['dense@4', 'batchnormalization@5', 'dense@6'],
    },
    {
      title: 'literal names are captured',
      code: `${NS}export const build = () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], name: 'head' })] });`,
      factory: 'build',
      expected: ['dense:head@2'],
    },
    {
      title: 'same-file helpers are inlined at their call site',
      code: `${NS}function block(m: tf.Sequential) {\n  m.add(tf.layers.conv2d({ filters: 2, kernelSize: 3 }));\n  m.add(tf.layers.batchNormalization());\n}\nexport function build() {\n  const m = tf.sequential();\n  m.add(tf.layers.inputLayer({ inputShape: [8, 8, 1] }));\n  block(m);\n  m.add(tf.layers.flatten());\n  return m;\n}`,
      factory: 'build',
      expected: ['inputlayer@8', 'conv2d@3', 'batchnormalization@4', 'flatten@10'],
    },
    {
      title: 'named imports, runningBatchNorm and new-expressions',
      code: "import { layers, sequential } from '@tensorflow/tfjs';\nimport { runningBatchNorm, RunningBatchNorm } from './rbn';\nexport function build() {\n  return sequential({ layers: [layers.dense({ units: 2, inputShape: [2] }), runningBatchNorm({}), new RunningBatchNorm({})] });\n}",
      factory: 'build',
      expected: ['dense@4', 'runningbatchnorm@4', 'runningbatchnorm@4'],
    },
    {
      title: 'a class method, and a constructor through the method it calls (issue 9 builders)',
      code: `${NS}export class Net {\n  model: tf.LayersModel;\n  constructor() { this.model = this.build(); }\n  build() {\n    return tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] }), tf.layers.batchNormalization()] });\n  }\n}`,
      factory: 'Net.build',
      expected: ['dense@6', 'batchnormalization@6'],
    },
    {
      title: 'a constructor builder inlines the this-method it calls',
      code: `${NS}export class Net {\n  model: tf.LayersModel;\n  constructor() { this.model = this.build(); }\n  build() {\n    return tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });\n  }\n}`,
      factory: 'Net',
      expected: ['dense@6'],
    },
    { title: 'an unknown factory gives nothing', code: `${NS}export const build = () => tf.sequential();`, factory: 'nope', expected: [] },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const calls = findLayerCalls(row.code, 'model.ts', row.factory);
      assert.deepEqual(calls.map((c) => `${c.kind}${c.name ? `:${c.name}` : ''}@${c.line}`), row.expected);
    });
  }
});

describe('mapLayersToSources', () => {
  const layer = (name: string, className: string): BuiltLayer => ({ name, className });
  const show = (m: Map<string, { line: number } | null>) => [...m].map(([k, v]) => `${k}@${v?.line ?? '-'}`);

  it('maps by order within each class when counts agree', () => {
    const m = mapLayersToSources(
      [layer('dense_1', 'Dense'), layer('bn_1', 'BatchNormalization'), layer('dense_2', 'Dense')],
      [{ kind: 'dense', line: 3 }, { kind: 'batchnormalization', line: 4 }, { kind: 'dense', line: 5 }],
      'm.ts',
    );
    assert.deepEqual(show(m), ['dense_1@3', 'dense_2@5', 'bn_1@4']);
  });

  it('explicit names win over order', () => {
    const m = mapLayersToSources(
      [layer('a', 'Dense'), layer('head', 'Dense')],
      [{ kind: 'dense', line: 10, name: 'head' }, { kind: 'dense', line: 11 }],
      'm.ts',
    );
    assert.deepEqual(show(m), ['head@10', 'a@11']);
  });

  it('a single call site in a loop owns every layer of its class', () => {
    const m = mapLayersToSources([layer('c1', 'Conv2D'), layer('c2', 'Conv2D'), layer('c3', 'Conv2D')], [{ kind: 'conv2d', line: 7 }], 'm.ts');
    assert.deepEqual(show(m), ['c1@7', 'c2@7', 'c3@7']);
  });

  it('ambiguous counts give no source rather than a wrong one', () => {
    const m = mapLayersToSources([layer('c1', 'Conv2D'), layer('c2', 'Conv2D'), layer('c3', 'Conv2D')], [{ kind: 'conv2d', line: 7 }, { kind: 'conv2d', line: 9 }], 'm.ts');
    assert.deepEqual(show(m), ['c1@-', 'c2@-', 'c3@-']);
  });
});
