import { strict as assert } from 'node:assert';
import { proposeArguments } from '../../../../src/core/analysis/arguments/argument-proposals';
import { findModelBuilders } from '../../../../src/core/analysis/builders/model-builders';

const rows: { title: string; code: string; id: string; kind: string }[] = [
  {
    title: 'a class that extends tf.Sequential',
    code: "import * as tf from '@tensorflow/tfjs';\nexport class Net extends tf.Sequential {\n  constructor(width: number) {\n    super();\n    this.add(tf.layers.dense({ units: width, inputShape: [4] }));\n  }\n}",
    id: 'Net',
    kind: 'constructor',
  },
  {
    title: 'a class that extends tf.LayersModel with no constructor of its own',
    code: "const tf = require('@tensorflow/tfjs');\nclass Densenet extends tf.LayersModel {}\nmodule.exports = { Densenet };",
    id: 'Densenet',
    kind: 'constructor',
  },
  {
    title: 'a class that extends Sequential imported by name',
    code: "import { Sequential, layers } from '@tensorflow/tfjs';\nexport class Stack extends Sequential {\n  constructor() {\n    super();\n    this.add(layers.dense({ units: 2, inputShape: [3] }));\n  }\n}",
    id: 'Stack',
    kind: 'constructor',
  },
];

describe('classes that are models (extends tf.Sequential / tf.LayersModel) are builders', () => {
  for (const row of rows) {
    it(row.title, () => {
      const builder = findModelBuilders(row.code, 'net.ts').find((b) => b.id === row.id);
      assert.ok(builder, `no builder ${row.id}`);
      assert.equal(builder.kind, row.kind);
    });
  }

  it('a class that extends some other Sequential (not tfjs) is not one', () => {
    const code = "class Sequential {}\nclass Queue extends Sequential {\n  constructor() {\n    super();\n  }\n}";
    assert.equal(findModelBuilders(code, 'queue.ts').find((b) => b.id === 'Queue'), undefined);
  });

  it("its constructor's options object gets a proposal from the interface of the file", () => {
    const code = "import * as tf from '@tensorflow/tfjs';\nexport interface TinyNetArgs {\n  width: number;\n  inputShape: [number, number, number];\n}\nexport class TinyNet extends tf.Sequential {\n  constructor({ width, inputShape }: TinyNetArgs) {\n    super();\n    this.add(tf.layers.conv2d({ filters: width, kernelSize: 3, inputShape }));\n  }\n}";
    const builder = findModelBuilders(code, 'tiny.ts').find((b) => b.id === 'TinyNet');
    assert.ok(builder);
    const proposal = proposeArguments(builder, { file: 'tiny.ts', code });
    assert.deepEqual(proposal.args, [{ width: 28, inputShape: [28, 28, 1] }]);
  });

  it('an options type imported from a sibling file is read for the guess', () => {
    const code = "import * as tf from '@tensorflow/tfjs';\nimport { createNet, type NetArgs } from './net';\nexport function netModel(args: NetArgs) {\n  return createNet(args);\n}";
    const sibling = "import * as tf from '@tensorflow/tfjs';\nexport interface NetArgs {\n  filters: number;\n  inputShape: [number, number, number];\n}\nexport function createNet({ filters, inputShape }: NetArgs) {\n  const m = tf.sequential();\n  m.add(tf.layers.conv2d({ filters, kernelSize: 3, inputShape }));\n  return m;\n}";
    const builder = findModelBuilders(code, '/p/index.ts').find((b) => b.id === 'netModel');
    assert.ok(builder);
    const proposal = proposeArguments(builder, { file: '/p/index.ts', code }, { files: [{ file: '/p/net.ts', code: sibling }] });
    assert.deepEqual(proposal.args, [{ filters: 16, inputShape: [28, 28, 1] }]);
  });
});
