import { strict as assert } from 'node:assert';
import { guessArgument, type DataHint } from '../../../../src/core/analysis/arguments/argument-guesses';
import type { BuilderParameter } from '../../../../src/core/analysis/types';

const IMAGE: DataHint = { input: 'image', imageSize: 28, channels: 1 };

/** A constructor parameter typed by a project class or interface the file does not declare. */
const rows: { title: string; parameter: BuilderParameter; uses: string; expected: unknown }[] = [
  {
    title: 'a TS parameter property read through this: its fields, a shape where it flows into one',
    parameter: { name: 'config', typeText: 'Config', optional: false, receivesTfjs: false },
    uses: 'constructor(private readonly config: Config) { this.inputShape = this.config.observationSize; this.head(this.config.actionSpace); }',
    expected: { observationSize: [28, 28, 1], actionSpace: 4 },
  },
  {
    title: 'a public parameter property passed as shape: in a layer',
    parameter: { name: 'settings', typeText: 'NetSettings', optional: false, receivesTfjs: false },
    uses: 'constructor(public settings: NetSettings) { const x = tf.input({ shape: settings.frame }); dense(this.settings.hiddenUnits); }',
    expected: { frame: [28, 28, 1], hiddenUnits: 32 },
  },
  {
    title: 'a plain parameter that is never read stays without a guess from reads',
    parameter: { name: 'spec', typeText: 'Spec', optional: false, receivesTfjs: false },
    uses: 'constructor(spec: Spec) { this.model = build(); }',
    expected: undefined,
  },
];

describe('a parameter typed by a project class: filled from what the constructor reads', () => {
  for (const row of rows) {
    it(row.title, () => {
      assert.deepEqual(guessArgument(row.parameter, IMAGE, { uses: row.uses, declarations: '' })?.value, row.expected);
    });
  }
});
