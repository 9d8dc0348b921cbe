import { strict as assert } from 'node:assert';
import { proposalFileFilter } from '../../../../src/core/analysis/arguments/proposal-files';
import { findModelBuilders } from '../../../../src/core/analysis/builders/model-builders';

const BUILDER = `import * as tf from '@tensorflow/tfjs';
import type { LabArchitecture } from './lab/architecture';
import { convBlock } from '../blocks';
export function buildLabModel(architecture: LabArchitecture, numClasses: number, head: tf.layers.Layer) {
  const model = tf.sequential();
  convBlock(model, architecture);
  return model;
}
`;

describe("the package files a builder's proposal reads", () => {
  const builder = findModelBuilders(BUILDER, '/ws/src/model.ts').find((b) => b.id === 'buildLabModel')!;
  const filter = proposalFileFilter(builder, '/ws/src/model.ts', BUILDER);
  const rows: [string, string, string, boolean][] = [
    ['a call of the builder', '/ws/src/app.ts', 'buildLabModel(DEFAULT, 10);', true],
    ['a method call of it', '/ws/test/model.test.ts', 'lab.buildLabModel(x)', true],
    ["the file declaring a parameter's type (imported)", '/ws/src/lab/architecture.ts', 'export interface Arch {}', true],
    ['an imported helper that names neither', '/ws/blocks.js', 'export function convBlock() {}', true],
    ['an imported folder, through its index', '/ws/src/lab/architecture/index.ts', 'export {}', true],
    ["another file with a constant of the parameter's type", '/ws/src/presets.ts', 'export const SMALL: LabArchitecture = { blocks: [] };', true],
    ['a file naming only a longer word', '/ws/src/other.ts', 'const buildLabModelV2 = 1; type LabArchitectures = 1;', false],
    ["a file naming tfjs's own types", '/ws/src/layers.ts', 'class Layer {}', false],
    ['an unrelated file', '/ws/src/util.ts', 'export const x = 1;', false],
  ];
  for (const [title, file, code, reads] of rows) {
    it(`${title}: ${reads ? 'read' : 'not read'}`, () => {
      assert.equal(filter.reads(file, code), reads);
    });
  }
});
