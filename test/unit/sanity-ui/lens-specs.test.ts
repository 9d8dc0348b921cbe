import * as assert from 'node:assert/strict';
import { findModelBuilders } from '../../../src/core/analysis/builders/model-builders';
import type { BuilderParameter, ModelBuilder } from '../../../src/core/analysis/types';
import {
  builderPickItem,
  builderSignature,
  MANAGE_TRUST_COMMAND,
  MAX_LENS_FILE_CHARS,
  mentionsTfjs,
  SANITY_COMPARE_COMMAND,
  SANITY_TRAIN_COMMAND,
  sanityLensSpecs,
  type BuilderFinder,
} from '../../../src/vscode/sanity/lenses/lens-specs';

const TFJS = "import * as tf from '@tensorflow/tfjs';\n";

function param(name: string, extra: Partial<BuilderParameter> = {}): BuilderParameter {
  return { name, optional: false, receivesTfjs: false, ...extra };
}

function builder(id: string, line: number, extra: Partial<ModelBuilder> = {}): ModelBuilder {
  return { id, kind: 'function', exported: true, async: false, start: line * 100, end: line * 100 + 50, line, column: 1, parameters: [], ...extra };
}

const pinned =
  (builders: ModelBuilder[]): BuilderFinder =>
  async () =>
    builders;

describe('sanity lens placement', () => {
  const table: { name: string; builders: ModelBuilder[]; expected: [number, string][] }[] = [
    { name: 'a function without parameters', builders: [builder('createModel', 3)], expected: [[2, 'createModel']] },
    {
      name: 'a factory with parameters, a method, a property and a constructor, in source order',
      builders: [
        builder('Agent', 20, { kind: 'constructor', className: 'Agent', modelProperty: 'model', parameters: [param('numActions')] }),
        builder('createDeepQNetwork', 5, { parameters: [param('h'), param('w'), param('numActions')] }),
        builder('Gan.generator', 12, { kind: 'property', className: 'Gan', modelProperty: 'G' }),
        builder('Net.build', 9, { kind: 'method', className: 'Net', constructorParameters: [param('units')] }),
      ],
      expected: [
        [4, 'createDeepQNetwork'],
        [8, 'Net.build'],
        [11, 'Gan.generator'],
        [19, 'Agent'],
      ],
    },
    { name: 'no builder', builders: [], expected: [] },
  ];
  for (const { name, builders, expected } of table) {
    it(`${name}: a train and a compare lens per builder, on its line, carrying its id`, async () => {
      const specs = await sanityLensSpecs(TFJS, 'model.ts', pinned(builders));
      const want = expected.flatMap(([line, id]) => [
        { line, builder: id, command: SANITY_TRAIN_COMMAND },
        { line, builder: id, command: SANITY_COMPARE_COMMAND },
      ]);
      assert.deepEqual(
        specs.map((s) => ({ line: s.line, builder: s.builder, command: s.command })),
        want,
      );
    });
  }

  it('labels: "Sanity-train" then "Compare BatchNorm vs RunningBatchNorm"; tooltips show the call and say when arguments are asked', async () => {
    const specs = await sanityLensSpecs(TFJS, 'model.ts', pinned([builder('createModel', 1), builder('net', 5, { parameters: [param('tf', { receivesTfjs: true }), param('units')] })]));
    assert.deepEqual(specs.map((s) => s.title), ['$(beaker) Sanity-train', 'Compare BatchNorm vs RunningBatchNorm', '$(beaker) Sanity-train', 'Compare BatchNorm vs RunningBatchNorm']);
    assert.ok(specs[0].tooltip.includes('createModel()') && !specs[0].tooltip.includes('arguments'));
    assert.ok(specs[2].tooltip.includes('net(tf, units)') && specs[2].tooltip.includes('confirm the arguments'));
  });

  it('a builder whose only parameter receives tfjs needs no arguments', async () => {
    const [spec] = await sanityLensSpecs(TFJS, 'model.js', pinned([builder('buildModel', 1, { parameters: [param('tf', { receivesTfjs: true })] })]));
    assert.ok(!spec.tooltip.includes('arguments'), spec.tooltip);
  });

  it('in Restricted Mode: one lens per builder that opens the trust editor', async () => {
    const specs = await sanityLensSpecs(TFJS, 'model.ts', pinned([builder('a', 2), builder('B', 7, { kind: 'constructor', className: 'B' })]), false);
    assert.deepEqual(
      specs.map((s) => [s.line, s.title, s.command, s.builder]),
      [
        [1, '$(shield) Sanity-train (trust this folder to run)', MANAGE_TRUST_COMMAND, 'a'],
        [6, '$(shield) Sanity-train (trust this folder to run)', MANAGE_TRUST_COMMAND, 'B'],
      ],
    );
  });

  it('never calls the finder for a file that does not mention tfjs', async () => {
    let calls = 0;
    const spy: BuilderFinder = async () => {
      calls++;
      return [];
    };
    await sanityLensSpecs('export const answer = 42;\n', 'a.ts', spy);
    assert.equal(calls, 0);
    await sanityLensSpecs("import '@tensorflow/tfjs';\n", 'a.ts', spy);
    assert.equal(calls, 1);
  });

  it('skips files too big to parse while typing', async () => {
    const found = pinned([builder('createModel', 1)]);
    const huge = `${TFJS}${'// filler\n'.repeat(MAX_LENS_FILE_CHARS / 10)}`;
    assert.deepEqual(await sanityLensSpecs(huge, 'model.ts', found), []);
    assert.equal((await sanityLensSpecs(TFJS, 'model.ts', found)).length, 2);
  });

  it('a finder that rejects or throws yields no lenses instead of an error', async () => {
    const rejects: BuilderFinder = () => Promise.reject(new Error('parser crashed'));
    const throws: BuilderFinder = () => {
      throw new Error('parser crashed');
    };
    assert.deepEqual(await sanityLensSpecs(TFJS, 'a.ts', rejects), []);
    assert.deepEqual(await sanityLensSpecs(TFJS, 'a.ts', throws), []);
  });

  const mentions: [string, boolean][] = [
    ["import * as tf from '@tensorflow/tfjs';", true],
    ["const tf = require('@tensorflow/tfjs-node-gpu');", true],
    ['const m = tf.sequential();', true],
    ['const m = tf . model({inputs, outputs});', true],
    ['await tf.loadLayersModel(url);', true],
    ['const tfx = 1; model.fit();', false],
    ['// TensorFlow is great', false],
  ];
  for (const [code, expected] of mentions) {
    it(`mentionsTfjs(${JSON.stringify(code)}) is ${expected}`, () => assert.equal(mentionsTfjs(code), expected));
  }
});

describe('builders as the palette lists them', () => {
  const rows: { b: ModelBuilder; signature: string; item: { label: string; description: string; detail: string } }[] = [
    {
      b: builder('createDeepQNetwork', 5, { parameters: [param('h'), param('w'), param('numActions')] }),
      signature: 'createDeepQNetwork(h, w, numActions)',
      item: { label: 'createDeepQNetwork', description: 'function · line 5', detail: '(h, w, numActions)' },
    },
    {
      b: builder('buildModel', 2, { exported: false, async: true, parameters: [param('tf', { receivesTfjs: true }), param('classes')] }),
      signature: 'buildModel(tf, classes)',
      item: { label: 'buildModel', description: 'function · line 2 · async · not exported', detail: '(tf (tfjs), classes)' },
    },
    {
      b: builder('Net.build', 9, { kind: 'method', className: 'Net', constructorParameters: [param('units')] }),
      signature: 'Net.build()',
      item: { label: 'Net.build', description: 'method · line 9', detail: 'no parameters · constructor (units)' },
    },
    {
      b: builder('Gan.generator', 12, { kind: 'property', className: 'Gan' }),
      signature: 'Gan.generator()',
      item: { label: 'Gan.generator', description: 'arrow-function property · line 12', detail: 'no parameters' },
    },
    {
      b: builder('Agent', 20, { kind: 'constructor', className: 'Agent', parameters: [param('numActions')] }),
      signature: 'new Agent(numActions)',
      item: { label: 'Agent', description: 'class constructor · line 20', detail: '(numActions)' },
    },
  ];
  for (const { b, signature, item } of rows) {
    it(`${b.id} (${b.kind}): ${signature}`, () => {
      assert.equal(builderSignature(b), signature);
      assert.deepEqual(builderPickItem(b), item);
    });
  }
});

describe('sanity lenses over the real builder finder', () => {
  const real: BuilderFinder = async (code, fileName) => findModelBuilders(code, fileName);
  const table: { name: string; fileName: string; code: string; expected: [number, string][] }[] = [
    {
      name: 'a factory with parameters, a class method and an arrow property',
      fileName: 'agents.ts',
      code: [
        TFJS.trim(),
        'export function createQNetwork(h: number, w: number, numActions: number) {',
        '  return tf.sequential({ layers: [tf.layers.dense({ units: numActions, inputShape: [h * w] })] });',
        '}',
        'export class Gan {',
        '  constructor(private latent: number) {}',
        '  build() {',
        '    return tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [this.latent] })] });',
        '  }',
        '  generator = () => {',
        '    this.G = tf.sequential();',
        '  };',
        '  G: unknown;',
        '}',
      ].join('\n'),
      expected: [
        [1, 'createQNetwork'],
        [6, 'Gan.build'],
        [9, 'Gan.generator'],
      ],
    },
    {
      name: 'a class whose constructor assigns the model, in a browser script',
      fileName: 'page.js',
      code: ['class Agent {', '  constructor(numActions) {', '    this.model = tf.sequential();', '    this.model.add(tf.layers.dense({ units: numActions, inputShape: [4] }));', '  }', '}'].join('\n'),
      expected: [[0, 'Agent']], // above the class: `--model Agent` names the class
    },
    { name: 'a file that does not parse', fileName: 'broken.ts', code: `${TFJS}export function (( {{{\n`, expected: [] },
  ];
  for (const { name, fileName, code, expected } of table) {
    it(`${name}: a lens pair on each builder's line`, async () => {
      const specs = await sanityLensSpecs(code, fileName, real);
      const lenses = specs.filter((s) => s.command === SANITY_TRAIN_COMMAND).map((s) => [s.line, s.builder]);
      assert.deepEqual(lenses, expected);
      assert.equal(specs.length, expected.length * 2);
    });
  }
});
